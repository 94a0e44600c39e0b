"""Review mode and layers, long documents and reopening: decisions go to the layer shown, marks come back."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project
from test_review_mode import (ORDER, current_key, enter_review, file_rows, key, open_window, project,  # noqa: F401
                              review_doc, settings, status_in_file, window)


def test_decisions_go_to_the_layer_shown_and_its_status_is_that_layers(qtbot, tmp_path, settings):  # noqa: F811
    path = tmp_path / "layers.db"
    with Project.open(path) as p:
        p.import_documents([review_doc("a")])
        p.import_documents([review_doc("a")], layer="Bob")
    w = open_window(qtbot, path, settings)
    try:
        w.session.set_layer("Bob")
        enter_review(qtbot, w)
        for _ in ORDER:
            key(qtbot, w, Qt.Key.Key_A)
        rows = file_rows(path, "SELECT layer, count(*) FROM spans WHERE review = 'accepted' GROUP BY layer")
        assert rows == [("Bob", 6)]  # six entities, all in Bob's layer; the default layer's are untouched
        assert file_rows(path, "SELECT count(*) FROM spans WHERE layer = '' AND review != ''") == [(0,)]
        assert file_rows(path, "SELECT layer, review FROM arguments ORDER BY layer, position") == [
            ("", ""), ("", ""), ("Bob", "accepted"), ("Bob", "accepted")]
        assert status_in_file(path) == "reviewed"  # everything in the layer reviewed (Bob's) is decided
    finally:
        w.close()


def test_with_every_layer_overlaid_a_decision_is_refused_with_a_message(qtbot, tmp_path, settings):  # noqa: F811
    path = tmp_path / "overlay.db"
    with Project.open(path) as p:
        p.import_documents([review_doc("a")])
        p.import_documents([review_doc("a")], layer="Bob")
    w = open_window(qtbot, path, settings)
    try:
        w.session.set_layer(None)
        enter_review(qtbot, w)
        key(qtbot, w, Qt.Key.Key_A)
        assert "overlaid" in w.statusBar().currentMessage()
        assert file_rows(path, "SELECT count(*) FROM spans WHERE review != ''") == [(0,)]
    finally:
        w.close()
    assert file_rows(path, "SELECT count(*) FROM spans WHERE review != '' OR reviewer != ''") == [(0,)]


def test_decisions_are_marked_again_when_the_document_is_opened_again(qtbot, window):  # noqa: F811
    w = window
    enter_review(qtbot, w)
    key(qtbot, w, Qt.Key.Key_A)  # T1
    key(qtbot, w, Qt.Key.Key_R)  # E1: on its trigger T2
    key(qtbot, w, Qt.Key.Key_X)  # E1:0
    w.open_document("b")
    assert w.view.vstyle.review_tags == {} and w.view.vstyle.review_links == {}
    w.open_document("a")
    assert w.view.vstyle.review_tags == {"T1": "accepted", "T2": "rejected"}
    assert w.view.vstyle.review_links == {"E1:0": "rejected"}


def test_a_long_document_is_reviewed_whole_once_loaded(qtbot, tmp_path, settings):  # noqa: F811
    words = "word " * 6000  # 30,000 characters: the window shows the first part first, loads the rest after
    text = words + "Alice"
    start = text.index("Alice")
    path = tmp_path / "long.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="long", text=text),
                                              [Span("T1", "PER", 0, 4), Span("T2", "PER", start, start + 5)])])
        p.annotator = "Rita"
        p.set_review("long", "T2", "rejected")
    w = open_window(qtbot, path, settings)
    try:
        enter_review(qtbot, w)  # the rest is loaded for review
        assert not w.session.current.partial
        assert w.review.progress() == (1, 2)
        assert w.view.vstyle.review_tags == {"T2": "rejected"}
        assert current_key(w) == "T1"
        key(qtbot, w, Qt.Key.Key_A)
        assert file_rows(path, "SELECT id, review FROM spans ORDER BY id") == [("T1", "accepted"), ("T2", "rejected")]
        assert status_in_file(path, "long") == "reviewed"
    finally:
        w.close()
