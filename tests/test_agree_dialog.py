"""The Agreement dialog on a real two-layer project: layer choice by keyboard, the tables, the painted chart."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMainWindow
from test_agree_cli import dana_and_bob, make_project, two_layers  # noqa: F401 - the fixture

from annotator.qt.agree_dialog import EVENT, EXACT, AgreementDialog, add_agreement_action
from annotator.store import Project


def click_item(qtbot, menu, action) -> None:  # noqa: ANN001
    """Click ``action`` in the open ``menu`` with the mouse."""
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def scored(qtbot, dlg: AgreementDialog) -> None:  # noqa: ANN001
    """Let the event loop run until the dialog's scoring has ended."""
    qtbot.waitUntil(lambda: not dlg.scoring)


def rows(table) -> list[list[str]]:  # noqa: ANN001
    return [[table.cell(i, j) for j in range(table.columnCount())] for i in range(table.rowCount())]


@pytest.fixture
def dialog(qtbot, two_layers: Path):  # noqa: ANN001, F811
    project = Project.open(two_layers)
    dlg = AgreementDialog(project)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    scored(qtbot, dlg)
    yield dlg
    dlg.close()
    project.close()


def test_layers_chosen_by_keyboard_fill_the_tables(qtbot, dialog: AgreementDialog) -> None:
    assert (dialog.reference.currentText(), dialog.candidate.currentText()) == ("Bob", "Dana")
    dialog.reference.setFocus()
    qtbot.keyClick(dialog.reference, Qt.Key_Down)  # Dana against Dana
    assert dialog.headline.text() == "Choose two different annotators."
    assert dialog.overall.rowCount() == 0 and dialog.chart.values() == []
    qtbot.keyClick(dialog.candidate, Qt.Key_Up)  # Bob against Dana, the reference
    scored(qtbot, dialog)
    assert (dialog.reference.currentData(), dialog.candidate.currentData()) == ("Dana", "Bob")
    assert dialog.headline.text().startswith("Bob against Dana (the reference): 3 documents\n")
    assert "annotated by Bob only" in dialog.headline.text()
    overall = rows(dialog.overall)
    # the hand-computed figures of tests/test_agree_cli.py
    assert overall[0] == ["Entities, exact", "0.364", "0.500", "0.421", "4", "7", "4"]
    assert overall[3] == ["Trigger classification", "0.250", "0.500", "0.333", "1", "3", "1"]
    assert overall[5] == ["Argument classification", "0.167", "0.200", "0.182", "1", "5", "4"]
    assert [r[0] for r in rows(dialog.documents)] == ["c", "ev", "d"]  # lowest F1 first
    labels = {r[0]: r for r in rows(dialog.entity_labels)}
    assert labels["PER"][3:5] == ["0.000", "0.800"]
    assert rows(dialog.event_types)[-1][:2] == ["Attack", "1.000"]


def test_chart_draws_each_labels_f1(qtbot, dialog: AgreementDialog) -> None:
    qtbot.keyClick(dialog.reference, Qt.Key_Down)
    qtbot.keyClick(dialog.candidate, Qt.Key_Up)
    scored(qtbot, dialog)
    chart = dialog.chart
    assert chart.values() == [
        ("DATE", [0.5, 0.5]), ("GPE", [0.0, 0.0]), ("LOC", [0.0, 0.0]), ("PER", [0.0, 0.8]), ("Thing", [0.75, 0.75]),
        ("Attack", [1.0]), ("Die", [0.0]), ("Injure", [0.0]), ("Transport", [0.0]),
    ]
    image = chart.grab().toImage()
    scale = image.devicePixelRatio()

    def colour_at(row: int, bar: int, share: float) -> QColor:
        r = chart.bar_rect(row, bar)
        p = QPoint(int((r.left() + share * r.width()) * scale), int(r.center().y() * scale))
        return image.pixelColor(p)

    base = chart.palette().base().color()
    assert colour_at(4, 0, 0.70) == EXACT and colour_at(4, 0, 0.80) == base  # Thing: exact F1 0.75
    assert colour_at(0, 0, 0.45) == EXACT and colour_at(0, 0, 0.55) == base  # DATE: 0.5
    assert colour_at(5, 0, 0.95) == EVENT                                    # Attack: trigger F1 1.0
    assert colour_at(6, 0, 0.05) == base                                     # Die: 0
    dialog.grab().save("/tmp/agree_dialog_test.png")


def test_one_layer_says_what_to_do(qtbot, tmp_path: Path) -> None:
    dana, _ = dana_and_bob()
    path = make_project(tmp_path / "solo.annotator", {"Dana": dana})
    with Project.open(path) as project:
        dlg = AgreementDialog(project)
        qtbot.addWidget(dlg)
        assert "holds one layer" in dlg.headline.text()
        assert dlg.overall.rowCount() == 0


def test_menu_item_opens_the_dialog_on_the_windows_project(qtbot, two_layers: Path) -> None:  # noqa: F811
    window = QMainWindow()
    qtbot.addWidget(window)
    menu = window.menuBar().addMenu("La&yers")
    holder: dict[str, Project | None] = {"project": None}
    action = add_agreement_action(window, menu, lambda: holder["project"])
    window.show()
    qtbot.waitExposed(window)
    menu.popup(window.mapToGlobal(QPoint(0, 0)))
    qtbot.waitExposed(menu)
    assert not action.isEnabled()  # no project open
    menu.hide()
    with Project.open(two_layers) as project:
        holder["project"] = project
        menu.popup(window.mapToGlobal(QPoint(0, 0)))
        qtbot.waitExposed(menu)
        assert action.isEnabled()
        click_item(qtbot, menu, action)
        qtbot.waitUntil(lambda: any(isinstance(w, AgreementDialog) for w in QApplication.topLevelWidgets()
                                    if w.isVisible()))
        dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, AgreementDialog) and w.isVisible())
        assert dlg.parent() is window
        scored(qtbot, dlg)
        assert dlg.result is not None and dlg.result["reference"] == "Bob"
        dlg.close()


def test_the_windows_layers_menu_opens_it(qtbot, two_layers: Path, tmp_path: Path) -> None:  # noqa: F811
    from PySide6.QtCore import QSettings
    from test_mainwindow import show_window

    from annotator.qt.mainwindow import MainWindow

    w = show_window(qtbot, MainWindow(two_layers, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    qtbot.waitUntil(lambda: w.panels is not None)
    menu = w.menus.layers_menu
    action = next(a for a in menu.actions() if a.objectName() == "action_agreement")
    menu.popup(w.mapToGlobal(QPoint(0, 0)))
    qtbot.waitExposed(menu)
    click_item(qtbot, menu, action)
    qtbot.waitUntil(lambda: any(isinstance(c, AgreementDialog) and c.isVisible() for c in w.children()))
    dlg = next(c for c in w.children() if isinstance(c, AgreementDialog))
    assert dlg.project is w.session.project
    scored(qtbot, dlg)
    assert rows(dlg.overall)[0][0] == "Entities, exact" and dlg.result["documents"]["compared"] == 3
    dlg.close()
    w.close()
