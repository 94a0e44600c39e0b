"""What a picky lead annotator tripped on in review mode, checked with real key presses on the real window.

Each test reads what reached the project file with its own sqlite3 connection
(``file_rows``), never through the code under test.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from annotator.model import AnnotatedDocument, Document, Span
from annotator.qt.firstrun import NamePrompt, first_run
from annotator.qt.mainwindow import MainWindow
from annotator.qt.preferences import PreferencesDialog
from annotator.store import Project
from test_review_mode import ORDER, current_key, enter_review, file_rows, key, review_doc, span_review
from test_review_mode import settings  # noqa: F401 (a fixture)
from test_mainwindow import show_window

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "qa.db"
    with Project.open(path) as p:
        p.import_documents([review_doc("a"), AnnotatedDocument(Document(id="b", text="Bob left Paris."),
                                                               [Span("T1", "PER", 0, 3)])])
        for doc_id in ("a", "b"):  # annotated and marked done, as an annotator's imported work is
            p.set_status(doc_id, "done")
    return path


def nameless_window(qtbot, path: Path, settings) -> MainWindow:  # noqa: F811
    """The window on ``path`` with no annotator name saved or given."""
    w = MainWindow(None, settings=settings)
    show_window(qtbot, w)
    assert w.open_project(path)
    assert w.session.project.annotator == ""
    w.view.setFocus()
    return w


def named_window(qtbot, path: Path, settings) -> MainWindow:  # noqa: F811
    w = MainWindow(None, settings=settings)
    show_window(qtbot, w)
    assert w.open_project(path)
    w.session.project.annotator = "Rita"
    w.view.setFocus()
    return w


def reviewers_in_file(path: Path) -> list[tuple]:
    return file_rows(path, "SELECT review, reviewer FROM spans WHERE review != '' "
                           "UNION ALL SELECT review, reviewer FROM events WHERE review != ''")


# ---------------------------------------------------------------------- no name: asked first


def test_review_mode_without_a_name_asks_for_it_then_starts(qtbot, project, settings):  # noqa: F811
    w = nameless_window(qtbot, project, settings)
    try:
        w.open_document("a")
        key(qtbot, w, Qt.Key.Key_R, CTRL_SHIFT)
        assert not w.review.active and not w.review.toggle.isChecked()
        assert "give your name first" in w.statusBar().currentMessage()
        dlg = w.preferences
        assert isinstance(dlg, PreferencesDialog) and dlg.isVisible()
        assert "Review mode records your name" in dlg.reason.text() and dlg.reason.isVisible()
        key(qtbot, w, Qt.Key.Key_A)  # the dialog is window-modal: nothing is decided behind it
        assert reviewers_in_file(project) == []
        dlg.name_edit.clear()
        qtbot.keyClicks(dlg.name_edit, "Rita")
        qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dlg.isVisible())
        assert w.review.active and w.review.toggle.isChecked()
        w.activateWindow()
        w.view.setFocus()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
        assert current_key(w) == "T1"
        key(qtbot, w, Qt.Key.Key_A)
        assert span_review(project, "T1") == ("accepted", "Rita", "")
    finally:
        w.close()


def test_cancelling_the_name_leaves_review_mode_off_and_writes_nothing(qtbot, project, settings):  # noqa: F811
    w = nameless_window(qtbot, project, settings)
    try:
        w.open_document("a")
        w.review.toggle.trigger()  # the toolbar's Review button / the menu item
        dlg = w.preferences
        assert isinstance(dlg, PreferencesDialog) and dlg.isVisible()
        qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not dlg.isVisible())
        assert not w.review.active and not w.review.toggle.isChecked()
        key(qtbot, w, Qt.Key.Key_A)  # a label hotkey again, not an accept
        assert reviewers_in_file(project) == []
    finally:
        w.close()


def test_with_the_first_run_strip_open_the_strip_takes_the_name(qtbot, project, settings):  # noqa: F811
    w = MainWindow(None, settings=settings)
    show_window(qtbot, w)
    try:
        assert w.open_project(project)
        prompt = first_run(w)
        assert isinstance(prompt, NamePrompt) and prompt.isVisible()
        w.open_document("a")
        w.view.setFocus()
        key(qtbot, w, Qt.Key.Key_R, CTRL_SHIFT)
        assert not w.review.active and prompt.edit.hasFocus()
        assert "type your name above the text" in w.statusBar().currentMessage()
        assert w.preferences is None  # no second place to type the name in
        qtbot.keyClicks(prompt.edit, "Rita")
        qtbot.keyClick(prompt.edit, Qt.Key.Key_Return)
        assert w.review.active
        assert w.view.hasFocus()
        key(qtbot, w, Qt.Key.Key_A)
        assert span_review(project, "T1") == ("accepted", "Rita", "")
    finally:
        w.close()


# ---------------------------------------------------------------------- the document list follows


def test_the_first_decision_moves_the_document_out_of_review_not_started(qtbot, project, settings):  # noqa: F811
    w = named_window(qtbot, project, settings)
    try:
        doc_list = w.panels.doc_list
        combo = doc_list.review_filter
        combo.setCurrentIndex(combo.findText("Review not started"))
        assert doc_list.visible_ids() == ["a", "b"]
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        key(qtbot, w, Qt.Key.Key_A)  # one decision of ten: in progress now
        assert span_review(project, "T1") == ("accepted", "Rita", "")
        assert doc_list.visible_ids() == ["b"]
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undone: not started again
        assert span_review(project, "T1") == ("", "", "")
        assert doc_list.visible_ids() == ["a", "b"]
        combo.setCurrentIndex(combo.findText("Review in progress"))
        assert doc_list.visible_ids() == []
        w.view.setFocus()
        key(qtbot, w, Qt.Key.Key_A)
        assert doc_list.visible_ids() == ["a"]  # came into the filter with its first decision
    finally:
        w.close()


# ---------------------------------------------------------------------- keys that wrote nothing new


def test_accepting_an_accepted_item_again_adds_no_empty_undo_step(qtbot, project, settings):  # noqa: F811
    w = named_window(qtbot, project, settings)
    try:
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        for _ in ORDER:
            key(qtbot, w, Qt.Key.Key_A)
        steps = w.session.undo_stack.count()
        assert steps == len(ORDER)
        key(qtbot, w, Qt.Key.Key_A)  # everything is accepted already
        key(qtbot, w, Qt.Key.Key_A)
        assert w.session.undo_stack.count() == steps
        assert "already" in w.statusBar().currentMessage()
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one Ctrl+Z undoes a real decision
        # entities T1, T3..T7 and the event E1 were accepted (7); the last one (T7) is undone
        assert len(reviewers_in_file(project)) == 6
        assert span_review(project, "T7") == ("", "", "")
    finally:
        w.close()


# ---------------------------------------------------------------------- words that did not fit


def test_a_long_item_in_the_review_bar_ends_in_an_ellipsis_with_the_whole_in_its_tooltip(qtbot, tmp_path, settings):  # noqa: F811
    text = "Militants from the Islamic State terror group killed at least seven Iraqi security forces."
    end = text.index(" killed")
    path = tmp_path / "long.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="a", text=text), [Span("T1", "PER", 0, end)])])
    w = named_window(qtbot, path, settings)
    try:
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        label = w.review.bar.item_label
        whole = label.full_text()  # the bar's own shortening of long quotes aside, these words at least:
        assert whole.startswith("T1 PER “Militants from the Islamic State") and whole.endswith("”")
        w.resize(900, 700)  # a real resize: the bar gets narrower than the words
        qtbot.waitUntil(lambda: label.width() < label.fontMetrics().horizontalAdvance(whole))
        shown = label.text()
        assert shown.endswith("…") and whole.startswith(shown[:-1])
        assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
        assert label.toolTip() == whole
        w.resize(1600, 700)  # room again: the whole line, no tooltip needed
        qtbot.waitUntil(lambda: label.text() == whole)
        assert label.toolTip() == ""
    finally:
        w.close()


def test_a_refused_name_in_preferences_leaves_the_explanation_readable(qtbot):
    dlg = PreferencesDialog("lead", overridden=True)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.name_edit.clear()
    qtbot.keyClicks(dlg.name_edit, "gold")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)
    assert dlg.isVisible() and dlg.problem.isVisible()
    wrapped = [lab for lab in dlg.findChildren(QLabel) if lab.wordWrap() and lab.isVisible()]
    assert len(wrapped) >= 3  # the hint, the --annotator note, the problem
    for lab in wrapped:  # every line of each: its height is what its text needs at its width
        assert lab.height() >= lab.heightForWidth(lab.width()), lab.text()


def test_ctrl_z_of_a_decision_puts_its_item_under_review_again(qtbot, project, settings):  # noqa: F811
    w = named_window(qtbot, project, settings)
    try:
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        key(qtbot, w, Qt.Key.Key_A)  # T1 accepted: on to E1
        key(qtbot, w, Qt.Key.Key_R)  # E1 rejected: on to its first argument
        assert current_key(w) == "E1:0"
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert current_key(w) == "E1"  # the item whose decision was taken back
        assert w.review.bar.item_label.full_text().startswith("E1 ")
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert current_key(w) == "T1"
        assert span_review(project, "T1") == ("", "", "")
        key(qtbot, w, Qt.Key.Key_X)  # decided anew where it was
        assert span_review(project, "T1") == ("rejected", "Rita", "")
        key(qtbot, w, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # nothing to redo (a new decision): no move
        assert current_key(w) == "E1"
    finally:
        w.close()


def test_a_document_with_nothing_in_the_layer_says_so_in_the_bar(qtbot, tmp_path, settings):  # noqa: F811
    path = tmp_path / "empty.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="e", text="Nothing marked here."))])
    w = named_window(qtbot, path, settings)
    try:
        w.open_document("e")
        w.view.setFocus()
        enter_review(qtbot, w)
        assert w.review.bar.item_label.full_text().startswith("Nothing to review")
        key(qtbot, w, Qt.Key.Key_Space)
        assert w.review.bar.item_label.full_text().startswith("Nothing to review")
        assert "Nothing to review" in w.statusBar().currentMessage()
    finally:
        w.close()


def test_in_the_correction_menu_a_types_hotkey_or_a_roles_letter_takes_it(qtbot, project, settings):  # noqa: F811
    w = named_window(qtbot, project, settings)
    try:
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        while current_key(w) != "T6":  # Bob (PER): no argument or relation holds him
            key(qtbot, w, Qt.Key.Key_Space)
        key(qtbot, w, Qt.Key.Key_C)
        menu = w.review.last_menu
        assert menu is not None and menu.isVisible()
        (org,) = [a for a in menu.actions() if a.data() == "ORG"]
        assert org.text().endswith("\tO")  # the key is shown in the menu's shortcut column
        qtbot.keyClick(menu, Qt.Key.Key_O)  # ORG's hotkey, typed while the menu has the keyboard
        assert not menu.isVisible()
        assert file_rows(project, "SELECT label, review, reviewer FROM spans WHERE id = 'T6'") == [
            ("ORG", "corrected", "Rita")]
        while current_key(w) != "E1:1":  # the attack's Place argument (Mosul)
            key(qtbot, w, Qt.Key.Key_BracketLeft)
        key(qtbot, w, Qt.Key.Key_C)
        menu = w.review.last_menu
        roles = {a.data(): a.text() for a in menu.actions() if isinstance(a.data(), str)}
        assert roles == {"Attacker": "Attacker\tA", "Place": "Place\tP"}  # what a GPE filler of an attack can be
        qtbot.keyClick(menu, Qt.Key.Key_P)  # its own role: greyed, nothing happens
        assert menu.isVisible()
        qtbot.keyClick(menu, Qt.Key.Key_A)  # A is Accept outside the menu: here the menu's Attacker
        assert file_rows(project, "SELECT a.role, a.review FROM arguments a JOIN events e ON e.pk = a.event "
                                  "WHERE e.id = 'E1' AND a.position = 1") == [("Attacker", "corrected")]
    finally:
        w.close()


def test_a_name_cleared_during_review_stops_decisions_until_one_is_given(qtbot, project, settings):  # noqa: F811
    w = named_window(qtbot, project, settings)
    try:
        w.open_document("a")
        w.view.setFocus()
        enter_review(qtbot, w)
        w.preferences_dialog()  # Edit › Preferences…: the name cleared
        dlg = w.preferences
        dlg.name_edit.clear()
        qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dlg.isVisible())
        assert w.session.project.annotator == ""
        w.activateWindow()
        w.view.setFocus()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
        key(qtbot, w, Qt.Key.Key_A)  # no reviewer to record: asked for a name, nothing written
        assert reviewers_in_file(project) == []
        assert not w.review.active
        asked = w.preferences
        assert asked is not dlg and asked.isVisible() and asked.reason.isVisible()
        qtbot.keyClick(asked.name_edit, Qt.Key.Key_Escape)
    finally:
        w.close()


def test_review_mode_with_no_document_open_says_why_it_does_not_start(qtbot, tmp_path, settings):  # noqa: F811
    path = tmp_path / "none.db"
    with Project.open(path):
        pass  # a project without documents
    w = named_window(qtbot, path, settings)
    try:
        assert w.session.current is None
        key(qtbot, w, Qt.Key.Key_R, CTRL_SHIFT)
        assert not w.review.active and not w.review.toggle.isChecked()
        assert "open one first" in w.statusBar().currentMessage()
        assert w.preferences is None  # a name is there: nothing asked
    finally:
        w.close()
