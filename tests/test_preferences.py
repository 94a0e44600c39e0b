"""Edit › Preferences…: the annotator's name, changed in a dialog opened by its shortcut, applies at once (the
next annotation carries it, read back from the SQLite file), is saved in the settings, and moves "mine"."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.qt.mainwindow import MainWindow
from annotator.qt.preferences import PreferencesDialog
from test_layers_gui import BOB, DANA, at, make_layers, open_window, shown
from test_mainwindow import drag_over, press


def annotators(db: Path) -> set[tuple[str, str, str]]:
    """(layer, label, annotator) of every span, straight from the file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return set(con.execute("SELECT layer, label, annotator FROM spans"))
    finally:
        con.close()


def open_preferences(qtbot, w: MainWindow) -> PreferencesDialog:
    qtbot.keyClick(w.view, Qt.Key_Comma, Qt.ControlModifier)
    qtbot.waitUntil(lambda: w.preferences is not None and w.preferences.isVisible())
    return w.preferences


def type_name(qtbot, dlg: PreferencesDialog, name: str) -> None:
    dlg.name_edit.selectAll()
    qtbot.keyClick(dlg.name_edit, Qt.Key_Backspace)
    qtbot.keyClicks(dlg.name_edit, name)


def click(qtbot, dlg: PreferencesDialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dlg.buttons.button(which), Qt.LeftButton)
    qtbot.waitUntil(lambda: not dlg.isVisible())


def test_the_name_set_in_preferences_goes_on_the_next_annotation_and_is_saved(qtbot, tmp_path):
    ini = tmp_path / "settings.ini"
    s = QSettings(str(ini), QSettings.IniFormat)
    s.setValue("annotator", "Dana")
    s.sync()
    w = open_window(qtbot, make_layers(tmp_path / "p.db"), ini)
    db = w.session.project.path
    edit_menu = w.menus.menus["&Edit"]
    assert w.menus["preferences"] in edit_menu.actions()
    assert w.menus["preferences"].shortcut().toString() == "Ctrl+,"

    dlg = open_preferences(qtbot, w)
    assert dlg.name_edit.text() == "Dana"
    assert not dlg.isModal() or dlg.windowModality() == Qt.WindowModal
    type_name(qtbot, dlg, "  Kim   Lee ")
    click(qtbot, dlg, QDialogButtonBox.Ok)
    assert w.session.project.annotator == "Kim Lee"
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator") == "Kim Lee"
    assert "Kim Lee" in w.statusBar().currentMessage()

    # "mine" was Dana's layer: it is now Kim Lee's (empty), and the next annotation goes there, with the name
    assert w.layers.combo.currentText() == "Mine (Kim Lee)"
    assert shown(w) == {}
    drag_over(qtbot, w, *at("Dujail"))
    press(qtbot, w, Qt.Key_G)
    assert ("Kim Lee", "GPE", "Kim Lee") in annotators(db)
    # the inspector shows who made the selected annotation
    (new,) = w.view.spans()
    w.selection.span_clicked(new)
    assert w.panels.inspector.annotator_edit.text() == "Kim Lee"

    # Cancel changes nothing
    dlg = open_preferences(qtbot, w)
    assert dlg.name_edit.text() == "Kim Lee"
    type_name(qtbot, dlg, "Nobody")
    click(qtbot, dlg, QDialogButtonBox.Cancel)
    assert w.session.project.annotator == "Kim Lee"
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator") == "Kim Lee"
    w.close()

    # the next start uses the saved name (and its layer)
    w = open_window(qtbot, db, ini)
    assert w.session.project.annotator == "Kim Lee" and w.layers.combo.currentText() == "Mine (Kim Lee)"
    w.close()


def test_a_name_change_on_another_layer_keeps_that_layer_shown(qtbot, tmp_path):
    ini = tmp_path / "settings.ini"
    s = QSettings(str(ini), QSettings.IniFormat)
    s.setValue("annotator", "Dana")
    s.sync()
    w = open_window(qtbot, make_layers(tmp_path / "p.db"), ini)
    w.layers.choose(next(c for c in w.layers.choices if c.layer == "Bob"))
    assert shown(w) == BOB
    dlg = open_preferences(qtbot, w)
    type_name(qtbot, dlg, "Bob")
    qtbot.keyClick(dlg.name_edit, Qt.Key_Return)  # Enter is OK
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert w.session.project.annotator == "Bob"
    assert shown(w) == BOB and w.layers.combo.currentText() == "Mine (Bob)"
    # and Dana's layer is another annotator's now
    assert [c.text for c in w.layers.choices][:3] == ["Mine (Bob)", "default", "Dana"]
    w.layers.choose(next(c for c in w.layers.choices if c.layer == "Dana"))
    assert shown(w) == DANA
    w.close()


def test_the_annotator_option_names_the_run_and_preferences_replaces_it(qtbot, tmp_path):
    ini = tmp_path / "settings.ini"
    s = QSettings(str(ini), QSettings.IniFormat)
    s.setValue("annotator", "Dana")
    s.sync()
    db = make_layers(tmp_path / "p.db")
    w = MainWindow(db, settings=QSettings(str(ini), QSettings.IniFormat), annotator="Bob")
    from test_mainwindow import show_window

    show_window(qtbot, w)
    qtbot.waitUntil(lambda: w.panels is not None)
    assert w.session.project.annotator == "Bob"
    assert w.layers.combo.currentText() == "Mine (Bob)" and shown(w) == BOB  # chosen with the run's name
    dlg = open_preferences(qtbot, w)
    assert dlg.name_edit.text() == "Bob" and dlg.override_note.isVisibleTo(dlg)
    type_name(qtbot, dlg, "Eve")
    click(qtbot, dlg, QDialogButtonBox.Ok)
    assert w.session.project.annotator == "Eve"
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator") == "Eve"
    w.close()


def test_gold_and_default_are_not_names(qtbot, tmp_path):
    ini = tmp_path / "settings.ini"
    w = open_window(qtbot, make_layers(tmp_path / "p.db"), ini)
    dlg = open_preferences(qtbot, w)
    for refused in ("Gold", "default"):
        type_name(qtbot, dlg, refused)
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)
        assert dlg.isVisible() and dlg.problem.isVisible()
        assert f"“{refused.lower()}” names the" in dlg.problem.text()
        assert w.session.project.annotator == ""
    click(qtbot, dlg, QDialogButtonBox.Cancel)
    assert not QSettings(str(ini), QSettings.IniFormat).contains("annotator")
    w.close()
