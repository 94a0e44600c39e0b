"""Review mode in the real window: real key presses, decisions read back from the SQLite file itself."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.mainwindow import MainWindow
from test_mainwindow import make_project, show_window

TEXT = "Rebels attacked Mosul on Monday. Alice met Bob in Paris."
OTHER = "Bob left Paris."


def _at(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


def review_doc(doc_id: str = "a", text: str = TEXT) -> AnnotatedDocument:
    """Seven spans, an attack with two arguments, a relation: ten things to decide on."""
    spans = [
        Span("T1", "ORG", *_at(text, "Rebels")),
        Span("T2", "Conflict.Attack", *_at(text, "attacked"), kind=TRIGGER),
        Span("T3", "GPE", *_at(text, "Mosul")),
        Span("T4", "TIME", *_at(text, "Monday")),
        Span("T5", "PER", *_at(text, "Alice")),
        Span("T6", "PER", *_at(text, "Bob")),
        Span("T7", "GPE", *_at(text, "Paris")),
    ]
    events = [Event("E1", "Conflict.Attack", "T2", [Argument("Attacker", "T1"), Argument("Place", "T3")])]
    relations = [Relation("R1", "PHYS", "T5", "T7")]
    return AnnotatedDocument(Document(id=doc_id, text=text), spans, events, relations)


#: The reading order review mode steps through (written out by hand from TEXT).
ORDER = ["T1", "E1", "E1:0", "E1:1", "T3", "T4", "T5", "R1", "T6", "T7"]


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    yield s
    s.sync()


def open_window(qtbot, path: Path, settings, *, read_only: bool = False) -> MainWindow:
    w = MainWindow(None, settings=settings)
    show_window(qtbot, w)
    assert w.open_project(path, read_only=read_only)
    w.session.project.annotator = "Rita"
    w.view.setFocus()
    return w


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "review.db", [review_doc("a"), AnnotatedDocument(Document(id="b", text=OTHER))])


@pytest.fixture
def window(qtbot, project, settings):
    w = open_window(qtbot, project, settings)
    yield w
    w.close()


def review_of(w: MainWindow):
    return w.review


def key(qtbot, w: MainWindow, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press on the text view (shortcut override, then the key press)."""
    qtbot.keyClick(w.view, k, mods)


def enter_review(qtbot, w: MainWindow) -> None:
    key(qtbot, w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert review_of(w).active


def choose(qtbot, w: MainWindow, name: str) -> None:
    """Take ``name`` in the correction menu (C), which must be open; the window is active again after it."""
    menu = w.review.last_menu
    assert menu is not None and menu.isVisible()
    (action,) = [a for a in menu.actions() if a.data() == name]
    action.trigger()
    menu.close()
    w.activateWindow()  # the offscreen platform leaves the closed popup as the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)


def current_key(w: MainWindow) -> str | None:
    item = review_of(w).current_item()
    return item.key if item is not None else None


def file_rows(path: Path, sql: str, params=()) -> list[tuple]:
    """Read the project file with a connection of the test's own (not through the store)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def span_review(path: Path, ann_id: str) -> tuple:
    return file_rows(path, "SELECT review, reviewer, review_note FROM spans s JOIN documents d ON d.pk = s.doc "
                           "WHERE d.id = 'a' AND s.id = ?", [ann_id])[0]


def event_review(path: Path, ann_id: str) -> tuple:
    return file_rows(path, "SELECT review, reviewer, review_note FROM events e JOIN documents d ON d.pk = e.doc "
                           "WHERE d.id = 'a' AND e.id = ?", [ann_id])[0]


def argument_row(path: Path, position: int) -> tuple:
    return file_rows(path, "SELECT a.role, a.review, a.reviewer FROM arguments a JOIN events e ON e.pk = a.event "
                           "WHERE e.id = 'E1' AND a.position = ?", [position])[0]


def relation_review(path: Path, ann_id: str) -> tuple:
    return file_rows(path, "SELECT review, reviewer, review_note FROM relations WHERE id = ?", [ann_id])[0]


def status_in_file(path: Path, doc_id: str = "a") -> str:
    return file_rows(path, "SELECT status FROM documents WHERE id = ?", [doc_id])[0][0]


# ---------------------------------------------------------------------- the keys


def test_the_mode_starts_at_the_first_undecided_item_and_space_walks_the_reading_order(qtbot, window):
    w = window
    enter_review(qtbot, w)
    assert review_of(w).bar.isVisible()
    seen = [current_key(w)]
    for _ in range(len(ORDER) - 1):
        key(qtbot, w, Qt.Key.Key_Space)
        seen.append(current_key(w))
    assert seen == ORDER
    key(qtbot, w, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)  # previous
    assert current_key(w) == ORDER[-2]
    key(qtbot, w, Qt.Key.Key_N)  # N is next too (NUM's hotkey while tagging)
    assert current_key(w) == ORDER[-1]
    assert file_rows(w.session.project.path, "SELECT count(*) FROM spans WHERE review != ''") == [(0,)]


def test_accept_reject_correct_comment_each_reach_the_file(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    assert current_key(w) == "T1"
    key(qtbot, w, Qt.Key.Key_A)  # accept, then on to the next undecided
    assert span_review(path, "T1") == ("accepted", "Rita", "")
    assert current_key(w) == "E1"
    key(qtbot, w, Qt.Key.Key_R)  # reject the event
    assert event_review(path, "E1") == ("rejected", "Rita", "")
    assert current_key(w) == "E1:0"
    key(qtbot, w, Qt.Key.Key_Return)  # Enter accepts too: the argument
    assert argument_row(path, 0) == ("Attacker", "accepted", "Rita")
    assert current_key(w) == "E1:1"
    key(qtbot, w, Qt.Key.Key_C)  # correct: the role menu of the argument
    choose(qtbot, w, "Attacker")
    assert argument_row(path, 1) == ("Attacker", "corrected", "Rita")
    assert current_key(w) == "E1:1"  # a correction stays on the item
    key(qtbot, w, Qt.Key.Key_Space)
    assert current_key(w) == "T3"
    key(qtbot, w, Qt.Key.Key_L)  # LOC: refused by the store (Mosul fills Attacker, which takes no LOC)
    assert "does not allow LOC" in w.statusBar().currentMessage()
    assert span_review(path, "T3") == ("", "", "")
    key(qtbot, w, Qt.Key.Key_O)  # ORG's hotkey: in review mode it corrects the type
    assert span_review(path, "T3") == ("corrected", "Rita", "")
    assert file_rows(path, "SELECT label FROM spans WHERE id = 'T3'") == [("ORG",)]
    key(qtbot, w, Qt.Key.Key_M)  # a comment, in the review bar
    edit = review_of(w).bar.comment_edit
    assert edit.isVisible() and edit.hasFocus()
    qtbot.keyClicks(edit, "a city, not a region")  # letters typed here are text, not review keys
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert span_review(path, "T3") == ("corrected", "Rita", "a city, not a region")
    assert not edit.isVisible() and w.view.hasFocus()
    key(qtbot, w, Qt.Key.Key_Space)
    assert current_key(w) == "T4"
    key(qtbot, w, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # the end one token on: "Monday."
    start = TEXT.index("Monday")
    assert file_rows(path, "SELECT start, \"end\", review, reviewer FROM spans WHERE id = 'T4'") == [
        (start, start + len("Monday."), "corrected", "Rita")]
    key(qtbot, w, Qt.Key.Key_Space)
    key(qtbot, w, Qt.Key.Key_Space)
    assert current_key(w) == "R1"
    key(qtbot, w, Qt.Key.Key_X)  # X rejects too: the relation
    assert relation_review(path, "R1") == ("rejected", "Rita", "")
    assert current_key(w) == "T6"
    key(qtbot, w, Qt.Key.Key_BracketLeft)  # back to the relation: [ steps over decided items too
    assert current_key(w) == "R1"
    key(qtbot, w, Qt.Key.Key_U)  # U takes the decision back
    assert relation_review(path, "R1") == ("", "", "")
    assert current_key(w) == "R1"


def test_escape_leaves_review_mode_and_letters_are_label_hotkeys_again(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Escape)
    assert not review_of(w).active and not review_of(w).bar.isVisible()
    assert not w.findChild(type(review_of(w).toggle), "action_review_mode").isChecked()
    w.view.set_selection(*_at(TEXT, "Alice"))
    w.view.select_span(None, scroll=False)
    before = file_rows(path, "SELECT count(*) FROM spans")[0][0]
    key(qtbot, w, Qt.Key.Key_P)  # tags the selection as PER: no review decision
    assert file_rows(path, "SELECT count(*) FROM spans")[0][0] == before + 1
    assert file_rows(path, "SELECT count(*) FROM spans WHERE review != ''") == [(0,)]


def test_review_keys_typed_into_a_text_field_stay_text(qtbot, window):
    w = window
    enter_review(qtbot, w)
    name_filter = w.panels.doc_list.name_filter
    name_filter.setFocus()
    qtbot.keyClicks(name_filter, "ax")
    assert name_filter.text() == "ax"
    assert file_rows(w.session.project.path, "SELECT count(*) FROM spans WHERE review != ''") == [(0,)]


# ---------------------------------------------------------------------- undo, status


def decide_all(qtbot, w: MainWindow) -> None:
    for _ in ORDER:
        key(qtbot, w, Qt.Key.Key_A)


def test_the_document_turns_reviewed_at_the_last_decision_and_undo_takes_it_back(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    status0 = status_in_file(path)
    for k in ORDER[:-1]:
        assert current_key(w) == k
        key(qtbot, w, Qt.Key.Key_A)
        assert status_in_file(path) != "reviewed", k
    key(qtbot, w, Qt.Key.Key_A)  # the last one
    assert span_review(path, "T7") == ("accepted", "Rita", "")
    assert status_in_file(path) == "reviewed"
    assert w.session.current.document.status == "reviewed"
    assert review_of(w).progress() == (10, 10)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the last decision
    assert span_review(path, "T7") == ("", "", "")
    assert status_in_file(path) not in ("reviewed",)
    assert review_of(w).progress() == (9, 10)
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert span_review(path, "T7") == ("accepted", "Rita", "")
    assert status_in_file(path) == "reviewed"
    for _ in ORDER:
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert file_rows(path, "SELECT count(*) FROM spans WHERE review != '' OR reviewer != ''") == [(0,)]
    assert file_rows(path, "SELECT count(*) FROM arguments WHERE review != ''") == [(0,)]
    assert status_in_file(path) == status0


def test_undo_of_a_correction_restores_the_label_and_the_review(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_G)  # T1 ORG -> GPE
    row = "SELECT label, review, reviewer FROM spans WHERE id = 'T1'"
    assert file_rows(path, row) == [("GPE", "corrected", "Rita")]
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert file_rows(path, row) == [("ORG", "", "")]


# ---------------------------------------------------------------------- refusals


def test_reviewing_a_read_only_project_says_why_and_writes_nothing(qtbot, project, settings):
    data = project.read_bytes()
    w = open_window(qtbot, project, settings, read_only=True)
    try:
        enter_review(qtbot, w)
        key(qtbot, w, Qt.Key.Key_A)
        key(qtbot, w, Qt.Key.Key_L)
        assert "read-only" in (w.safety.last_failure or "")
        assert current_key(w) == "T1"  # nothing decided: still on the first item
        assert QApplication.activeModalWidget() is None
    finally:
        w.close()
    assert project.read_bytes() == data


def test_a_label_of_the_wrong_kind_is_refused_with_a_message(qtbot, window):
    w = window
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_A)  # T1 accepted; E1 is under review
    key(qtbot, w, Qt.Key.Key_P)  # PER is an entity type: not for an event
    assert "not a type it can take" in w.statusBar().currentMessage()
    assert event_review(w.session.project.path, "E1") == ("", "", "")


def test_a_relation_is_corrected_to_another_type_through_its_menu(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    while current_key(w) != "R1":
        key(qtbot, w, Qt.Key.Key_Space)
    key(qtbot, w, Qt.Key.Key_C)
    menu = w.review.last_menu
    names = {a.data(): a.isEnabled() for a in menu.actions() if a.data() in ("PHYS", "ORG-AFF", "GEN-AFF")}
    assert names == {"PHYS": False, "ORG-AFF": True, "GEN-AFF": True}  # PER -> GPE allows these; PHYS is its type
    (gen,) = [a for a in menu.actions() if a.data() == "GEN-AFF"]
    gen.trigger()
    menu.close()
    assert file_rows(path, "SELECT type, review, reviewer FROM relations WHERE id = 'R1'") == [
        ("GEN-AFF", "corrected", "Rita")]


def test_escape_in_the_comment_editor_cancels_the_comment_and_stays_in_review_mode(qtbot, window):
    w = window
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_M)
    edit = w.review.bar.comment_edit
    qtbot.keyClicks(edit, "not this")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert not edit.isVisible() and w.review.active
    assert span_review(w.session.project.path, "T1") == ("", "", "")
    assert w.session.undo_stack.count() == 0


def test_in_review_mode_an_edit_in_the_inspector_is_the_reviewers_correction(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    assert current_key(w) == "T1"
    combo = w.panels.inspector.type_combo
    combo.setCurrentIndex(combo.findText("GPE"))  # as a choice in the box does
    row = "SELECT label, review, reviewer FROM spans WHERE id = 'T1'"
    assert file_rows(path, row) == [("GPE", "corrected", "Rita")]
    assert w.session.undo_stack.count() == 1  # one step: the change and its review
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert file_rows(path, row) == [("ORG", "", "")]
    key(qtbot, w, Qt.Key.Key_Escape)  # out of review mode an edit is only an edit
    w.selection.jump("T1")
    combo.setCurrentIndex(combo.findText("GPE"))
    assert file_rows(path, row) == [("GPE", "", "")]


def test_in_review_mode_a_role_changed_in_the_inspector_is_corrected(qtbot, window):
    w = window
    path = w.session.project.path
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_Space)  # E1: the inspector shows its argument slots
    assert w.panels.inspector.slots.change_role(1, "Attacker")
    assert argument_row(path, 1) == ("Attacker", "corrected", "Rita")
