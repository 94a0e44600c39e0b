"""The window when writes fail, when the project is read-only, and when others write the same file.

Failures are real: a second SQLite connection holds the write lock
(``BEGIN IMMEDIATE``) while the window's project waits only briefly.  What the
file holds is read back through a separate read-only connection, never through
the code under test.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from annotator.migrations import MIGRATIONS
from annotator.model import AnnotatedDocument, Document, Span
from annotator.qt.mainwindow import MainWindow
from annotator.store import Project
from conftest import drag
from test_mainwindow import drag_over, show_window, word_span

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("H3_SHOTS", "/tmp"))
TEXT = "Police in Dujail arrested two men on Monday.\nReuters reported it from Baghdad."


def make_project(path: Path, docs: int = 1) -> Path:
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id=f"d{i}", name=f"d{i}", text=TEXT)) for i in range(docs)])
    return path


def file_spans(path: Path) -> list[tuple[str, int, int]]:
    """What the file holds, read by a separate read-only connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(con.execute("SELECT label, start, \"end\" FROM spans").fetchall())
    finally:
        con.close()


@contextmanager
def write_lock(path: Path):
    """Another program holding the project's write lock."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    finally:
        con.execute("ROLLBACK")
        con.close()


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    yield s
    s.sync()


@pytest.fixture
def project_path(tmp_path):
    return make_project(tmp_path / "p.annotator.db")


@pytest.fixture
def window(qtbot, project_path, settings):
    w = show_window(qtbot, MainWindow(project_path, settings=settings))
    w.panels.problems.validate_now()  # its cache write is done before a test takes the lock
    w.session.project.db.execute("PRAGMA busy_timeout = 50")  # fail fast while another holds the lock
    yield w
    w.close()


def tag(qtbot, w: MainWindow, word: str, key=Qt.Key_G) -> None:
    drag_over(qtbot, w, *word_span(w.session.current.text, word))
    qtbot.keyClick(w.view, key)


def shown_labels(w: MainWindow) -> list[tuple[str, int, int]]:
    return sorted((s.label, s.start, s.end) for s in w.view.spans().values())


DUJAIL = ("GPE", *word_span(TEXT, "Dujail"))


# ---------------------------------------------------------------------- failed writes


def test_a_tag_whose_write_fails_is_reported_and_not_pushed(qtbot, window, project_path):
    w = window
    with write_lock(project_path):
        tag(qtbot, w, "Dujail")
        banner = w.safety.failure_banner
        assert banner.isVisible()
        assert "Dujail" in banner.text() and "not saved" in banner.text()
        assert str(project_path) in banner.text() and "\n" not in banner.text()
        assert w.session.undo_stack.count() == 0
        assert shown_labels(w) == [] and w.session.current.spans == {}
        assert not w.status.saved_label.text().startswith("✔")
        w.grab().save(str(SHOTS / "h3-write-failed.png"))
        qtbot.keyClick(w.view, Qt.Key_S, Qt.ControlModifier)  # Ctrl+S must not claim it was saved
        assert w.statusBar().currentMessage().startswith("Not saved")
    assert file_spans(project_path) == []
    tag(qtbot, w, "Dujail")  # the lock is gone: the same action now works
    assert file_spans(project_path) == [DUJAIL] and w.session.undo_stack.count() == 1
    assert w.status.saved_label.text().startswith("✔ Saved")


def test_an_undo_whose_write_fails_leaves_the_stack_and_the_annotation(qtbot, window, project_path):
    w = window
    tag(qtbot, w, "Dujail")
    assert file_spans(project_path) == [DUJAIL]
    stack = w.session.undo_stack
    with write_lock(project_path):
        qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
        assert stack.index() == 1 and stack.canUndo() and not stack.canRedo()
        assert shown_labels(w) == [DUJAIL]
        assert [s.label for s in w.session.current.spans.values()] == ["GPE"]
        assert "Undo" in w.safety.failure_banner.text() and w.safety.failure_banner.isVisible()
    assert file_spans(project_path) == [DUJAIL]
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)  # the lock is gone: undo works
    assert stack.index() == 0 and shown_labels(w) == [] and file_spans(project_path) == []


def test_a_redo_whose_write_fails_leaves_the_stack_where_it_was(qtbot, window, project_path):
    w = window
    tag(qtbot, w, "Dujail")
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    stack = w.session.undo_stack
    assert stack.index() == 0 and file_spans(project_path) == []
    with write_lock(project_path):
        qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
        assert stack.index() == 0 and stack.canRedo()
        assert shown_labels(w) == [] and w.session.current.spans == {}
        assert "Redo" in w.safety.failure_banner.text()
    assert file_spans(project_path) == []
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert stack.index() == 1 and shown_labels(w) == [DUJAIL] and file_spans(project_path) == [DUJAIL]


def test_a_delete_whose_write_fails_keeps_the_span_on_screen_and_in_the_file(qtbot, window, project_path):
    w = window
    tag(qtbot, w, "Dujail")
    (span_id,) = w.view.spans()
    w.view.select_span(span_id, scroll=False)
    with write_lock(project_path):
        qtbot.keyClick(w.view, Qt.Key_Delete)
        assert shown_labels(w) == [DUJAIL] and w.session.undo_stack.count() == 1
    assert file_spans(project_path) == [DUJAIL]


def test_an_undo_the_store_refuses_is_dropped_so_older_steps_still_undo(qtbot, window, project_path):
    w = window
    tag(qtbot, w, "Baghdad")
    tag(qtbot, w, "Dujail")
    dujail_id = next(i for i, s in w.view.spans().items() if s.start == DUJAIL[1])
    with Project.open(project_path) as other:  # another window deletes Dujail
        other.remove("d0", dujail_id)
    stack = w.session.undo_stack
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)  # undo "Add GPE Dujail": nothing left to remove
    assert "no longer possible" in w.safety.failure_banner.text()
    assert not w.status.saved_label.text().startswith("✔")  # nothing was written
    assert stack.count() == 1 and stack.index() == 1
    assert shown_labels(w) == [("GPE", *word_span(TEXT, "Baghdad"))]
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)  # the older step is not blocked
    assert stack.index() == 0 and shown_labels(w) == [] and file_spans(project_path) == []


# ---------------------------------------------------------------------- read-only projects


@pytest.fixture
def ro_window(qtbot, project_path, settings):
    with Project.open(project_path) as p:  # one stored span: Baghdad
        p.add_span("d0", Span("", "GPE", *word_span(TEXT, "Baghdad")))
    w = MainWindow(settings=settings)
    assert w.open_project(project_path, read_only=True)
    show_window(qtbot, w)
    yield w
    w.close()


def test_read_only_banner_says_why_and_editing_is_off(qtbot, ro_window, project_path):
    w = ro_window
    banner = w.safety.read_only_banner
    assert banner.isVisible() and banner.text().startswith("Read-only:")
    assert w.session.project.read_only_reason and w.session.project.read_only_reason in banner.text()
    assert banner.button("Save As…") is not None
    file_menu = next(m for m in w.menus["save"].associatedObjects() if isinstance(m, QMenu))
    assert w.safety.act_save_as in file_menu.actions() and w.safety.act_save_as.isEnabled()
    assert not w.menus["delete"].isEnabled() and not w.menus["done"].isEnabled() and not w.panels.palette.isEnabled()
    assert w.status.saved_label.text() == "Read-only"
    w.grab().save(str(SHOTS / "h3-read-only.png"))
    baghdad = ("GPE", *word_span(TEXT, "Baghdad"))
    tag(qtbot, w, "Dujail")  # a hotkey on a selection
    assert "read-only" in w.statusBar().currentMessage() and "Dujail" in w.statusBar().currentMessage()
    assert shown_labels(w) == [baghdad] and w.session.undo_stack.count() == 0
    (span_id,) = w.view.spans()
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=w.view.label_rect(span_id).center())
    assert w.panels.inspector.annotation_id == span_id  # inspecting works; editing does not
    assert not w.panels.inspector.type_combo.isEnabled() and w.panels.inspector.note_edit.isReadOnly()
    qtbot.keyClick(w.view, Qt.Key_Delete)
    qtbot.keyClick(w.view, Qt.Key_O)  # a hotkey on the selected span: change its type
    assert shown_labels(w) == [baghdad] and w.session.undo_stack.count() == 0
    ctrl_l = w.menus["link"].shortcut()
    assert not w.menus["link"].isEnabled() and not ctrl_l.isEmpty()
    with Project.open(project_path) as p:  # Reuters, written by someone else; the window takes it in
        p.add_span("d0", Span("", "ORG", *word_span(TEXT, "Reuters")))
    assert w.safety.watcher.poll()
    reuters = next(i for i, x in w.view.spans().items() if x.label == "ORG")
    drag(qtbot, w.view.viewport(), w.view.label_rect(reuters).center(), w.view.label_rect(span_id).center())
    assert w.statusBar().currentMessage().startswith("Linking: not saved, this project is read-only")
    assert w.linker.pick is None and w.session.current.relations == {}
    qtbot.keyClick(w.view, Qt.Key_S, Qt.ControlModifier)
    assert w.statusBar().currentMessage().startswith("Nothing can be saved")
    assert file_spans(project_path) == sorted([baghdad, ("ORG", *word_span(TEXT, "Reuters"))])


def test_read_only_export_works(qtbot, ro_window, tmp_path):
    out = tmp_path / "out.jsonl"
    assert ro_window.transfer.export_file(str(out)) == 1
    assert '"id": "d0"' in out.read_text(encoding="utf-8") or '"id":"d0"' in out.read_text(encoding="utf-8")


def test_save_as_from_the_banner_makes_a_writable_copy(qtbot, ro_window, project_path, tmp_path, monkeypatch):
    w = ro_window
    copy = tmp_path / "copy.annotator.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    qtbot.mouseClick(w.safety.read_only_banner.button("Save As…"), Qt.LeftButton)
    assert w.session.project.path.resolve() == copy.resolve()
    assert not w.session.read_only and not w.safety.read_only_banner.isVisible()
    assert w.menus["delete"].isEnabled() and w.panels.palette.isEnabled()
    w.activateWindow()
    w.view.setFocus()
    tag(qtbot, w, "Dujail")
    baghdad = ("GPE", *word_span(TEXT, "Baghdad"))
    assert file_spans(copy) == sorted([DUJAIL, baghdad]) and file_spans(project_path) == [baghdad]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_file_without_write_permission_opens_read_only(qtbot, project_path, settings):
    project_path.chmod(0o444)
    w = show_window(qtbot, MainWindow(project_path, settings=settings))
    assert w.session.read_only and w.safety.read_only_banner.isVisible()
    w.close()


# ---------------------------------------------------------------------- opening other files


def _message(w: MainWindow) -> QMessageBox:
    box = w.messages.last
    assert isinstance(box, QMessageBox)
    return box


def test_a_foreign_sqlite_file_is_refused_with_one_line_and_left_alone(qtbot, tmp_path, settings):
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers (name) VALUES ('Ada')")
    con.commit()
    con.close()
    before = foreign.read_bytes()
    w = MainWindow(foreign, settings=settings)
    qtbot.addWidget(w)
    text = _message(w).text()
    assert str(foreign) in text and "\n" not in text and "Traceback" not in text
    assert w.session is None
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("other")) == ["other.db"]


def test_a_newer_project_is_refused_and_left_alone(qtbot, project_path, settings):
    con = sqlite3.connect(project_path)
    con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('annotator', 'm999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    before = project_path.read_bytes()
    w = MainWindow(project_path, settings=settings)
    qtbot.addWidget(w)
    text = _message(w).text()
    assert "m999_from_the_future" in text and "\n" not in text
    assert w.session is None and project_path.read_bytes() == before


def test_an_upgraded_project_names_its_backup(qtbot, tmp_path, settings):
    from sqlite_utils import Database

    old = tmp_path / "old.annotator.db"
    db = Database(old)
    MIGRATIONS.apply(db, stop_before="m002_problem_counts")
    db.close()
    w = show_window(qtbot, MainWindow(old, settings=settings))
    backup = w.session.project.backup_path
    assert backup is not None and Path(backup).exists()
    assert Path(backup).name in w.safety.info_banner.text() and w.safety.info_banner.isVisible()
    w.close()


# ---------------------------------------------------------------------- other writers


def test_a_cli_import_while_the_window_is_open_shows_up(qtbot, window, project_path, tmp_path):
    late = tmp_path / "late-news.txt"
    late.write_text("Rebels seized the airport.", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "annotator", "import", str(project_path), str(late)],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.stderr
    qtbot.waitUntil(lambda: "late-news" in window.panels.doc_list.visible_ids(), timeout=10_000)
    assert window.session.current.id == "d0"


def test_two_windows_on_one_file_both_write_and_see_each_other(qtbot, project_path, tmp_path):
    a = show_window(qtbot, MainWindow(project_path, settings=QSettings(str(tmp_path / "a.ini"), QSettings.IniFormat)))
    b = show_window(qtbot, MainWindow(project_path, settings=QSettings(str(tmp_path / "b.ini"), QSettings.IniFormat)))
    a.activateWindow()
    qtbot.waitUntil(lambda: a.isActiveWindow())
    a.view.setFocus()
    tag(qtbot, a, "Dujail")
    qtbot.waitUntil(lambda: shown_labels(b) == [DUJAIL], timeout=10_000)
    b.activateWindow()
    qtbot.waitUntil(lambda: b.isActiveWindow())
    b.view.setFocus()
    tag(qtbot, b, "Baghdad")
    baghdad = ("GPE", *word_span(TEXT, "Baghdad"))
    qtbot.waitUntil(lambda: shown_labels(a) == sorted([DUJAIL, baghdad]), timeout=10_000)
    assert file_spans(project_path) == sorted([DUJAIL, baghdad])
    assert len({s.id for s in a.session.current.spans.values()}) == 2  # two distinct ids
    a.close()
    b.close()


def test_a_change_from_elsewhere_keeps_the_scroll_position_and_the_selection(qtbot, tmp_path, settings):
    long_text = "\n".join(f"Line {i}: police in Dujail arrested two men." for i in range(400))
    path = tmp_path / "long.annotator.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="long", text=long_text))])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    s, e = word_span(long_text, "Dujail", 200)
    drag_over(qtbot, w, s, e)
    qtbot.keyClick(w.view, Qt.Key_G)
    (mine,) = w.view.spans()
    w.view.select_span(mine, scroll=True)
    bar = w.view.verticalScrollBar()
    scrolled = bar.value()
    assert scrolled > 0
    far = word_span(long_text, "police", 390)
    with Project.open(path) as other:  # another program tags a word far below and one on screen
        other.add_span("long", Span("", "PER", *far))
        other.add_span("long", Span("", "ORG", *word_span(long_text, "men", 201)))
    assert w.safety.watcher.poll()
    assert sorted(x[0] for x in shown_labels(w)) == ["GPE", "ORG", "PER"]
    assert bar.value() == scrolled and w.view.selected_span() == mine
    assert not w.safety.watcher.poll()  # nothing new since
    w.close()


def test_undo_in_a_document_deleted_elsewhere_is_dropped_without_a_traceback(qtbot, tmp_path, settings):
    path = make_project(tmp_path / "two.annotator.db", docs=2)
    w = show_window(qtbot, MainWindow(path, settings=settings))
    assert w.session.current.id == "d0"
    tag(qtbot, w, "Dujail")
    w.open_document("d1")
    with Project.open(path) as other:
        other.delete_document("d0")
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert "no longer possible" in w.safety.failure_banner.text()
    assert w.session.undo_stack.count() == 0 and w.session.current.id == "d1"
    assert file_spans(path) == []
    w.close()


def test_an_inspector_edit_whose_write_fails_puts_the_field_back(qtbot, window, project_path):
    w = window
    tag(qtbot, w, "Dujail")
    (span_id,) = w.view.spans()
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=w.view.label_rect(span_id).center())
    combo = w.panels.inspector.type_combo
    assert combo.currentText() == "GPE"
    with write_lock(project_path):
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key_Down)  # the next type in the list
        assert combo.currentText() == "GPE" and "not saved" in w.safety.failure_banner.text()
        assert shown_labels(w) == [DUJAIL] and w.session.undo_stack.count() == 1
    assert file_spans(project_path) == [DUJAIL]


def test_no_change_from_elsewhere_is_taken_in_under_a_modal_dialog(qtbot, window, project_path):
    w = window
    box = QMessageBox(QMessageBox.Question, "Mark done?", "Mark it done anyway?", QMessageBox.Yes | QMessageBox.No, w)
    box.open()
    qtbot.waitUntil(lambda: box.isVisible())
    with Project.open(project_path) as other:
        other.add_span("d0", Span("", "GPE", *word_span(TEXT, "Dujail")))
    assert not w.safety.watcher.poll() and shown_labels(w) == []
    box.done(QMessageBox.No)
    assert w.safety.watcher.poll() and shown_labels(w) == [DUJAIL]
