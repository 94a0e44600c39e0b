"""The document list's annotation counts (stored in ``documents.n_annotations``) after every kind of write.

Each expected count is written literally, and checked again against a count
by hand: plain SQL over the spans (entities only), events and relations rows,
on a second sqlite3 connection to the same real project file.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.store import DocumentQuery, Project

TEXT = "ISIS fighters killed three policemen in the town of Dujail, north of Baghdad."


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def by_hand(path: Path) -> dict[str, int]:
    """Every document's number of entity spans, events and relations, counted from the rows."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute(
            "SELECT d.id,"
            " (SELECT count(*) FROM spans s WHERE s.doc = d.pk AND s.kind = 'entity')"
            " + (SELECT count(*) FROM events e WHERE e.doc = d.pk)"
            " + (SELECT count(*) FROM relations r WHERE r.doc = d.pk)"
            " FROM documents d"
        ).fetchall())
    finally:
        conn.close()


def shown(p: Project) -> dict[str, int]:
    """The counts the document list shows: its first page (as the window reads it), checked against the other reads."""
    page = {s.id: s.n_annotations for s in p.pages.page(DocumentQuery(), 0, 100)}
    assert page == {s.id: s.n_annotations for s in p.document_summaries()}
    for doc_id, n in page.items():
        assert p.document_summary(doc_id).n_annotations == n
    return page


def check(p: Project, path: Path, expected: dict[str, int]) -> None:
    assert shown(p) == expected
    assert by_hand(path) == expected


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "p.db"


@pytest.fixture
def project(path: Path):
    p = Project.open(path)
    p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT)),
                        AnnotatedDocument(Document(id="d2", text="Nothing here."))])
    yield p
    p.close()


def _build(p: Project, path: Path) -> None:
    """T1 T2 T3 T9 entities, E1 (trigger not counted) with three arguments, R1: 6 annotations."""
    p.add_span("d1", Span("T1", "ORG", *at("ISIS fighters")))
    check(p, path, {"d1": 1, "d2": 0})
    p.add_span("d1", Span("T2", "PER", *at("three policemen")))
    p.add_span("d1", Span("T3", "GPE", *at("Dujail")))
    check(p, path, {"d1": 3, "d2": 0})
    p.add_event("d1", Event("E1", "Life.Die", "", arguments=[Argument("Agent", "T1"), Argument("Victim", "T2")]),
                trigger=Span("", "Life.Die", *at("killed")))
    check(p, path, {"d1": 4, "d2": 0})  # the event counts, its trigger span does not
    p.add_argument("d1", "E1", Argument("Place", "T3"))
    check(p, path, {"d1": 4, "d2": 0})  # an argument is part of its event
    p.add_span("d1", Span("T9", "GPE", *at("Baghdad")))
    p.add_relation("d1", Relation("R1", p.schema.allowed_relations("GPE", "GPE")[0], "T3", "T9"))
    check(p, path, {"d1": 6, "d2": 0})


def test_adds_count_entities_events_and_relations(project, path):
    _build(project, path)
    project.update_span("d1", "T9", label="GPE", note="changed")  # a change is no new annotation
    check(project, path, {"d1": 6, "d2": 0})


@pytest.mark.parametrize(("ann_id", "after"), [
    ("T3", 4),   # the entity, and R1 of which it is the head (its Place argument is part of E1)
    ("T1", 5),   # a filler: only its argument goes with it
    ("E1", 5),   # the event and its trigger span (not counted)
    ("R1", 5),
])
def test_a_delete_with_its_cascade_and_its_undo(project, path, ann_id, after):
    _build(project, path)
    removal = project.remove("d1", ann_id)
    check(project, path, {"d1": after, "d2": 0})
    project.restore(removal)
    check(project, path, {"d1": 6, "d2": 0})


def test_deleting_the_trigger_span_takes_its_event(project, path):
    _build(project, path)
    trigger = project.get_annotated("d1").events[0].trigger
    removal = project.remove("d1", trigger)
    check(project, path, {"d1": 5, "d2": 0})
    project.restore(removal)
    check(project, path, {"d1": 6, "d2": 0})


def _annotated(doc_id: str, n_entities: int, with_event: bool) -> AnnotatedDocument:
    text = "Alice met Bob in Paris and Rome. " * 3
    spans = [Span(f"T{i + 1}", "PER", 33 * i, 33 * i + 5) for i in range(n_entities)]
    events, relations = [], []
    if with_event:
        spans.append(Span("T90", "Contact.Meet", 6, 9, kind="trigger"))
        events.append(Event("E1", "Contact.Meet", "T90", arguments=[Argument("Entity", "T1")]))
        spans += [Span("T91", "GPE", 17, 22), Span("T92", "GPE", 27, 31)]
        relations.append(Relation("R1", "PHYS", "T91", "T92"))
    return AnnotatedDocument(Document(id=doc_id, text=text), spans, events, relations)


def test_import_and_replace(project, path):
    project.import_documents([_annotated("i1", 3, True), _annotated("i2", 2, False)])
    check(project, path, {"d1": 0, "d2": 0, "i1": 7, "i2": 2})  # i1: 5 entities, the event, the relation
    project.import_documents([_annotated("i1", 1, False)], replace=True)
    check(project, path, {"d1": 0, "d2": 0, "i1": 1, "i2": 2})
    project.delete_document("i2")
    check(project, path, {"d1": 0, "d2": 0, "i1": 1})


def test_the_sort_by_annotations_follows_the_counts(project, path):
    _build(project, path)
    project.import_documents([_annotated("i1", 3, True), _annotated("i2", 2, False)])
    check(project, path, {"d1": 6, "d2": 0, "i1": 7, "i2": 2})
    q = DocumentQuery(sort="annotations")
    assert [s.id for s in project.pages.page(q, 0, 10)] == ["d2", "i2", "d1", "i1"]
    project.remove("d1", "T1")
    project.remove("d1", "T3")
    check(project, path, {"d1": 3, "d2": 0, "i1": 7, "i2": 2})
    assert [s.id for s in project.pages.page(q, 0, 10)] == ["d2", "i2", "d1", "i1"]
    project.remove("d1", "T2")
    project.remove("d1", "T9")
    check(project, path, {"d1": 1, "d2": 0, "i1": 7, "i2": 2})  # E1 is left
    assert [s.id for s in project.pages.page(q, 0, 10)] == ["d2", "d1", "i2", "i1"]
    desc = DocumentQuery(sort="annotations", descending=True)
    assert [s.id for s in project.pages.page(desc, 0, 10)] == ["i1", "i2", "d1", "d2"]
