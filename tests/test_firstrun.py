"""The annotator's name: asked once on the first run (a strip, not a modal dialog), skippable, and stored
on every annotation made in the window: read back from the SQLite file itself."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

import annotator.qt.app as qt_app
from annotator import cli
from annotator.qt.firstrun import NamePrompt, first_run
from annotator.qt.mainwindow import MainWindow
from test_events_ui import drag_link
from test_gui_transfer import open_dialog
from test_mainwindow import drag_over, make_project, press, show_window, word_span


def _window(qtbot, tmp_path: Path, ini: Path | None = None) -> MainWindow:
    settings = QSettings(str(ini or tmp_path / "first.ini"), QSettings.IniFormat)
    w = show_window(qtbot, MainWindow(make_project(tmp_path / "seed.db"), settings=settings))
    qtbot.waitUntil(lambda: w.panels is not None)
    return w


def _annotators(db: Path) -> dict[str, set[str]]:
    """The annotator column of every table, straight from the file (not through the store)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: {r[0] for r in con.execute(f"SELECT annotator FROM {t}")}
                for t in ("spans", "events", "arguments", "relations")}
    finally:
        con.close()


def _annotate_in_the_window(qtbot, w: MainWindow) -> None:
    """An entity, an event with its trigger and an argument made by mouse and keys; a relation by the session."""
    text = w.session.current.text
    drag_over(qtbot, w, *word_span(text, "ISIS fighters"))
    press(qtbot, w, Qt.Key_O)                                    # ORG
    drag_over(qtbot, w, *word_span(text, "killed", 1))
    press(qtbot, w, Qt.Key_D, Qt.ShiftModifier)                  # Life.Die
    cur = w.session.current
    (isis,) = [s.id for s in cur.spans.values() if s.label == "ORG"]
    (die,) = cur.events.values()
    drag_link(qtbot, w, die.trigger, isis)                       # ORG fits one role of Life.Die: Agent
    assert [(a.role, a.ref) for a in w.session.current.events[die.id].arguments] == [("Agent", isis)]
    drag_over(qtbot, w, *word_span(text, "Dujail"))
    press(qtbot, w, Qt.Key_G)                                    # GPE
    (dujail,) = [s.id for s in w.session.current.spans.values() if s.label == "GPE"]
    assert w.session.add_relation("GEN-AFF", isis, dujail)       # what the relation menu's choice runs


def test_first_run_asks_once_without_blocking_and_the_name_goes_on_every_annotation(qtbot, tmp_path):
    ini = tmp_path / "first.ini"
    w = _window(qtbot, tmp_path, ini)
    prompt = first_run(w)
    assert isinstance(prompt, NamePrompt) and prompt.isVisible()
    assert prompt.geometry().bottom() < w.view.mapTo(w.centralWidget(), w.view.rect().topLeft()).y() + 1
    assert w.view.hasFocus()  # not modal: the text keeps the keyboard
    qtbot.mouseClick(prompt.edit, Qt.LeftButton)
    qtbot.keyClicks(prompt.edit, "  Dana Kay ")
    qtbot.keyClick(prompt.edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator") == "Dana Kay"
    _annotate_in_the_window(qtbot, w)
    got = _annotators(w.session.project.path)
    assert got == {"spans": {"Dana Kay"}, "events": {"Dana Kay"}, "arguments": {"Dana Kay"},
                   "relations": {"Dana Kay"}}
    w.close()
    # asked once: the next start asks nothing, and takes the name from the settings
    w2 = show_window(qtbot, MainWindow(tmp_path / "seed.db",
                                       settings=QSettings(str(ini), QSettings.IniFormat)))
    assert first_run(w2) is None
    assert w2.session.project.annotator == "Dana Kay"
    w2.close()


def test_skip_answers_for_good_and_annotations_carry_no_name(qtbot, tmp_path):
    ini = tmp_path / "first.ini"
    w = _window(qtbot, tmp_path, ini)
    prompt = first_run(w)
    assert prompt is not None
    # the window works while the question is open: tag an entity first
    drag_over(qtbot, w, *word_span(w.session.current.text, "Dujail"))
    press(qtbot, w, Qt.Key_G)
    qtbot.mouseClick(prompt.skip_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not prompt.isVisible())
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator_asked") in (True, "true")
    assert first_run(w) is None
    assert _annotators(w.session.project.path)["spans"] == {""}
    w.close()


def test_annotator_option_names_this_run_only(qtbot, tmp_path):
    ini = tmp_path / "first.ini"
    settings = QSettings(str(ini), QSettings.IniFormat)
    settings.setValue("annotator", "Kim")
    settings.sync()
    w = _window(qtbot, tmp_path, ini)
    assert w.session.project.annotator == "Kim"  # the window sets the saved name at its start
    assert first_run(w, "Eve") is None           # no question with --annotator
    drag_over(qtbot, w, *word_span(w.session.current.text, "Dujail"))
    press(qtbot, w, Qt.Key_G)
    assert _annotators(w.session.project.path)["spans"] == {"Eve"}
    assert QSettings(str(ini), QSettings.IniFormat).value("annotator") == "Kim"  # not remembered
    w.close()


def test_gui_command_takes_annotator(monkeypatch, tmp_path):
    calls: list[tuple] = []
    monkeypatch.setattr(qt_app, "run_gui", lambda project, annotator=None: calls.append((project, annotator)) or 0)
    project = str(make_project(tmp_path / "p.db"))
    assert cli.main(["--annotator", "Eve", project]) == 0
    assert cli.main(["gui", project]) == 0
    assert calls == [(project, "Eve"), (project, None)]


@pytest.fixture(autouse=True)
def _no_real_settings(monkeypatch, tmp_path):
    """The GUI command reads the last project from the user's settings: point them into tmp_path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_the_first_export_starts_in_documents_and_offers_the_status_filter(qtbot, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    w = _window(qtbot, tmp_path)
    dlg = open_dialog(qtbot, w, Qt.Key_E)
    assert Path(dlg.path_edit.text()).parent == home / "Documents"  # not the hidden data folder
    assert set(dlg.status_boxes) == {"new", "in_progress", "done", "reviewed"}
    dlg.reject()
    w.close()
