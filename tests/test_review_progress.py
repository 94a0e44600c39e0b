"""The document list by review progress (SQL in the store), and the document's status as decisions come and go."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import DocumentQuery, Project, StoreError
from test_review_mode import ORDER, TEXT, current_key, enter_review, key, open_window, review_doc
from test_review_mode import settings  # noqa: F401 (a fixture)


def entity_doc(doc_id: str) -> AnnotatedDocument:
    return AnnotatedDocument(Document(id=doc_id, text="Bob left Paris."), [Span("T1", "PER", 0, 3),
                                                                            Span("T2", "GPE", 9, 14)])


@pytest.fixture
def progress_project(tmp_path) -> Path:
    """fresh: nothing decided; half: one of two decided; full: both decided; empty: no annotations;
    bob: only Bob's layer, both decided there."""
    path = tmp_path / "progress.db"
    with Project.open(path) as p:
        p.import_documents([entity_doc("fresh"), entity_doc("half"), entity_doc("full"),
                            AnnotatedDocument(Document(id="empty", text="Nothing here."))])
        p.import_documents([entity_doc("bob")], layer="Bob")
        p.annotator = "Rita"
        p.set_review("half", "T1", "accepted")
        p.set_review("full", "T1", "accepted")
        p.set_review("full", "T2", "rejected")
        with p.in_layer("Bob"):
            p.set_review("bob", "T1", "accepted")
            p.set_review("bob", "T2", "corrected")
    return path


def ids(p: Project, q: DocumentQuery) -> list[str]:
    total = p.pages.count(q)
    return [r.id for r in p.pages.page(q, 0, 100, total)]


def test_each_progress_filter_selects_its_documents(progress_project):
    with Project.open(progress_project) as p:
        assert ids(p, DocumentQuery(review="not_started")) == ["fresh", "empty", "bob"]  # bob: nothing in ""
        assert ids(p, DocumentQuery(review="in_progress")) == ["half"]
        assert ids(p, DocumentQuery(review="decided")) == ["full"]
        assert ids(p, DocumentQuery()) == ["fresh", "half", "full", "empty", "bob"]


def test_the_progress_is_the_layer_asked_about(progress_project):
    with Project.open(progress_project) as p:
        assert ids(p, DocumentQuery(review="decided", layer="Bob")) == ["bob"]
        assert ids(p, DocumentQuery(review="not_started", layer="Bob")) == ["fresh", "half", "full", "empty"]
        assert ids(p, DocumentQuery(review="in_progress", layer="Bob")) == []


def test_progress_combines_with_the_name_filter_the_sort_and_finds_rows(progress_project):
    with Project.open(progress_project) as p:
        q = DocumentQuery(review="not_started", sort="name")
        assert ids(p, q) == ["bob", "empty", "fresh"]
        assert p.pages.position(q, "fresh") == 2
        assert p.pages.position(q, "full") is None
        assert ids(p, DocumentQuery(review="not_started", name="e")) == ["fresh", "empty"]
        assert ids(p, DocumentQuery(review="not_started", status="new")) == ["fresh", "empty"]  # bob's was a write


def test_an_unknown_progress_is_refused_in_one_line():
    with pytest.raises(StoreError, match="unknown review progress 'halfway'"):
        DocumentQuery(review="halfway")


def test_everything_decided_means_every_entity_event_argument_and_relation(progress_project, tmp_path):
    with Project.open(progress_project) as p:
        assert p.documents.review_state("fresh") == (False, True)
        assert p.documents.review_state("half") == (True, True)
        assert p.documents.review_state("full") == (True, False)
        assert p.documents.review_state("empty") == (False, False)
        assert p.documents.settled_status("full", "done") == "reviewed"
        assert p.documents.settled_status("half", "reviewed") == "done"  # a reviewed document with a gap goes back
        assert p.documents.settled_status("empty", "new") == "new"      # nothing to decide: no change
    path = tmp_path / "events.db"
    with Project.open(path) as p:
        p.import_documents([review_doc("a")])
        p.annotator = "Rita"
        for k in ORDER:  # every item but the last argument
            if k == "E1:1":
                continue
            ann, _, pos = k.partition(":")
            p.set_review("a", ann, "accepted", position=int(pos) if pos else None)
        assert p.documents.review_state("a") == (True, True)  # an argument left: not everything
        p.set_review("a", "E1", "accepted", position=1)
        assert p.documents.review_state("a") == (True, False)


# ---------------------------------------------------------------------- the panel


def choose_progress(w, text: str) -> None:
    combo = w.panels.doc_list.review_filter
    combo.setCurrentIndex(combo.findText(text))


def test_the_document_list_filters_by_progress_and_follows_the_last_decision(qtbot, tmp_path, settings):  # noqa: F811
    path = tmp_path / "list.db"
    with Project.open(path) as p:
        p.import_documents([review_doc("a"), entity_doc("b"), entity_doc("c")])
        p.annotator = "Rita"
        p.set_review("c", "T1", "accepted")
    w = open_window(qtbot, path, settings)
    try:
        doc_list = w.panels.doc_list
        choose_progress(w, "Review not started")
        assert doc_list.visible_ids() == ["a", "b"]
        choose_progress(w, "Review in progress")
        assert doc_list.visible_ids() == ["c"]
        choose_progress(w, "All decided")
        assert doc_list.visible_ids() == []
        w.open_document("a")
        enter_review(qtbot, w)
        for _ in ORDER:
            key(qtbot, w, Qt.Key.Key_A)
        assert w.session.current.document.status == "reviewed"
        assert doc_list.visible_ids() == ["a"]  # re-read when its status changed
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert doc_list.visible_ids() == []
        choose_progress(w, "Any review")
        assert doc_list.visible_ids() == ["a", "b", "c"]
    finally:
        w.close()


def reviewed_in_full(qtbot, path, settings):  # noqa: ANN001, ANN201, F811
    """A window on document "a" (review_doc), every item accepted with A in review mode: it is reviewed."""
    with Project.open(path) as p:
        p.import_documents([review_doc("a")])
    w = open_window(qtbot, path, settings)
    enter_review(qtbot, w)
    for _ in ORDER:
        key(qtbot, w, Qt.Key.Key_A)
    assert w.session.project.document_status("a") == "reviewed"
    return w


def test_a_reviewed_document_goes_back_to_done_when_a_decision_is_cleared(qtbot, tmp_path, settings):  # noqa: F811
    w = reviewed_in_full(qtbot, tmp_path / "back.db", settings)
    try:
        key(qtbot, w, Qt.Key.Key_BracketRight)  # from the last item round to the first
        assert current_key(w) == ORDER[0]
        key(qtbot, w, Qt.Key.Key_U)
        assert w.session.project.document_status("a") == "done"
        assert TEXT  # (the document's text is the one review_doc builds)
    finally:
        w.close()


def test_a_new_annotation_takes_reviewed_back_and_its_undo_gives_it_again(qtbot, tmp_path, settings):  # noqa: F811
    w = reviewed_in_full(qtbot, tmp_path / "reopen.db", settings)
    try:
        project = w.session.project
        key(qtbot, w, Qt.Key.Key_Escape)  # tagging again: P tags the selection as PER
        i = TEXT.index("met")
        w.view.set_selection(i, i + 3)
        key(qtbot, w, Qt.Key.Key_P)
        assert [s.label for s in project.get_annotated("a").spans if s.start == i] == ["PER"]
        assert project.document_status("a") == "done"  # something is undecided again
        key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert [s for s in project.get_annotated("a").spans if s.start == i] == []
        assert project.document_status("a") == "reviewed"
        assert w.session.current.document.status == "reviewed"
    finally:
        w.close()
