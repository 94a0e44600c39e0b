"""The first-run layout of the docks, at 1400x900 and at 1000x700, with assertions on geometry.

Fresh settings files (a first run), the seed article, real clicks.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QToolButton

from annotator.model import AnnotatedDocument, Document
from annotator.qt.annlist_model import AnnotationTableModel
from annotator.qt.argslots import FillerLink
from annotator.qt.dock_layout import DockLayout
from annotator.qt.mainwindow import MainWindow
from annotator.schema import Schema
from annotator.store import Project
from test_events_ui import annotate_seed_events
from test_mainwindow import make_project, show_window


def _window(qtbot, tmp_path: Path, size: tuple[int, int], project: Path | None = None) -> MainWindow:
    settings = QSettings(str(tmp_path / "first-run.ini"), QSettings.IniFormat)  # nothing saved yet
    w = show_window(qtbot, MainWindow(project or make_project(tmp_path / "seed.db"), settings=settings), *size)
    qtbot.waitUntil(lambda: w.panels is not None)
    keeper = DockLayout.of(w)
    qtbot.waitUntil(lambda: keeper.wide == (size[0] >= 1300))  # the arrangement follows the width
    QApplication.processEvents()
    return w


def _inspect_event_with_four_arguments(qtbot, w: MainWindow) -> str:
    ids = annotate_seed_events(w)
    w.selection.jump(ids["die3"])  # Dujail's killing: Agent, two Victims, Place
    qtbot.waitUntil(lambda: w.panels.inspector.annotation_id == ids["die3"])
    QApplication.processEvents()
    return ids["die3"]


def _inside(child, parent) -> bool:  # noqa: ANN001
    top_left = child.mapTo(parent, QPoint(0, 0))
    return parent.rect().contains(top_left) and parent.rect().contains(top_left + QPoint(child.width() - 1,
                                                                                            child.height() - 1))


def test_first_run_at_1400x900_shows_a_whole_event_the_text_column_and_a_small_problems_panel(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1400, 900))
    _inspect_event_with_four_arguments(qtbot, w)
    # the Inspector shows the whole event: no scrolling, every role row and filler on screen
    page = w.panels.inspector.stack.currentWidget()
    assert isinstance(page, QScrollArea)
    assert page.verticalScrollBar().maximum() == 0
    links = [x for x in w.panels.inspector.slots.findChildren(FillerLink) if x.isVisible()]
    assert len(links) == 4
    for link in links:
        assert _inside(link, page.viewport())
    # filler names are not cut ("ISIS …" was), at least those the column has room for
    full = {x.full_text(): x.text() for x in links}
    for name in ("“ISIS fighters” ORG", "“two policemen” PER", "“Dujail” GPE"):
        assert full[name] == name
    # a long one keeps all its words; only the type's name may give way (its swatch stays)
    assert full["“three military security personnel” PER"] in ("“three military security personnel” PER",
                                                              "“three military security personnel”")
    assert _inside(w.panels.inspector.annotator_edit, page.viewport())
    # the Annotations panel shows its Text column in full width, with no sideways scrolling
    table = w.panels.ann_list.view
    assert not table.horizontalHeader().isSectionHidden(AnnotationTableModel.COL_TEXT)
    assert table.columnWidth(AnnotationTableModel.COL_TEXT) >= 120
    assert table.horizontalScrollBar().maximum() == 0
    # an empty Problems panel is one line under its title, and the text column stays readable
    problems = w.panels.docks["problems"]
    assert problems.height() <= 3 * problems.fontMetrics().height() + 20
    assert not w.panels.problems.tree.isVisible()
    assert w.panels.problems.summary.isVisible()
    assert w.view.viewport().width() >= 600


def _toolbar_button(w: MainWindow, name: str) -> QToolButton:
    button = w.menus.toolbar.widgetForAction(w.menus[name])
    assert isinstance(button, QToolButton)
    return button


def test_at_1000x700_the_text_stays_readable_and_find_and_shortcuts_stay_on_the_toolbar(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1000, 700))
    _inspect_event_with_four_arguments(qtbot, w)
    assert w.width() == 1000
    assert w.view.viewport().width() >= 550
    bar = w.menus.toolbar
    for name in ("find", "help", "undo", "prev", "next", "done"):
        button = _toolbar_button(w, name)
        assert button.isVisible() and _inside(button, bar), name
    ext = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert ext is None or not ext.isVisible()  # nothing went into the overflow menu
    # the panels other than the Inspector share one column, as tabs
    docks = w.panels.docks
    tabbed = {d.objectName() for d in w.tabifiedDockWidgets(docks["labels"])}
    assert tabbed == {"dock_annotations", "dock_documents", "dock_problems"}
    assert w.tabifiedDockWidgets(docks["inspector"]) == []
    assert w.dockWidgetArea(docks["inspector"]) == w.dockWidgetArea(docks["labels"]) == Qt.RightDockWidgetArea
    # Find, from the toolbar, by a click
    qtbot.mouseClick(_toolbar_button(w, "find"), Qt.LeftButton)
    assert w.find_bar.isVisible() and w.find_bar.edit.hasFocus()
    assert w.view.viewport().width() >= 550


def test_the_arrangement_follows_the_width_until_the_user_moves_a_dock(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, (1400, 900))
    keeper = DockLayout.of(w)
    docks = w.panels.docks
    assert w.dockWidgetArea(docks["documents"]) == Qt.LeftDockWidgetArea
    w.resize(1000, 700)
    qtbot.waitUntil(lambda: keeper.wide is False)
    QApplication.processEvents()  # the window lays the docks out again
    assert w.dockWidgetArea(docks["documents"]) == Qt.RightDockWidgetArea
    assert w.view.viewport().width() >= 550
    w.resize(1400, 900)
    qtbot.waitUntil(lambda: keeper.wide is True)
    QApplication.processEvents()
    assert w.dockWidgetArea(docks["documents"]) == Qt.LeftDockWidgetArea
    assert w.tabifiedDockWidgets(docks["labels"]) == []
    # the user moves Documents to the right: their layout is kept from now on
    w.addDockWidget(Qt.RightDockWidgetArea, docks["documents"])
    assert keeper.auto is False
    w.resize(1000, 700)
    QApplication.processEvents()
    QApplication.processEvents()
    assert keeper.wide is True and w.tabifiedDockWidgets(docks["labels"]) == []


SCHEMA = """
name = "required"

[entities.PER]
color = "#8ec5f5"
hotkey = "P"

[events.Attack]
color = "#ff9f9a"
hotkey = "Shift+A"
roles.Attacker = { types = ["PER"], cardinality = "one" }
"""


def test_the_problems_panel_opens_when_problems_arrive_and_closes_when_they_go(qtbot, tmp_path):
    path = tmp_path / "req.db"
    with Project.open(path, schema=Schema.from_toml(SCHEMA, "required.toml")) as p:
        p.import_documents([AnnotatedDocument(Document("d1", "Troops attacked the town at dawn."))])
    w = _window(qtbot, tmp_path, (1400, 900), project=path)
    dock: QDockWidget = w.panels.docks["problems"]
    closed = dock.height()
    assert closed <= 3 * dock.fontMetrics().height() + 20
    assert dock.windowTitle() == "Problems"
    text = w.session.current.text
    w.view.set_selection(text.index("attacked"), text.index("attacked") + len("attacked"))
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key_A, Qt.ShiftModifier)  # an Attack without its required Attacker
    assert [e.type for e in w.session.project.get_annotated("d1").events] == ["Attack"]
    qtbot.waitUntil(lambda: dock.windowTitle() == "Problems (1)")
    qtbot.waitUntil(lambda: dock.height() >= 120)
    assert w.panels.problems.tree.isVisible()
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    qtbot.waitUntil(lambda: dock.windowTitle() == "Problems")
    QApplication.processEvents()
    qtbot.waitUntil(lambda: dock.height() <= closed + 2)  # one line again (the window lays it out in turns)
    assert not w.panels.problems.tree.isVisible()
