"""A relation's row in the annotation list follows edits of its two spans (its text and extent come from them).

The list finds a span's relations through its own index of relation ends; these
tests edit spans of relations that were there at open, added after it and moved
to another span, on a real project file.  Expected rows are written out here.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Document, Relation, Span
from annotator.qt.annlist import AnnotationList, AnnotationTableModel
from annotator.qt.session import Session
from annotator.schema import Schema
from annotator.store import Project

from test_annlist_progressive import Recorder, load_fully, long_window  # noqa: F401 (a fixture)
from test_progressive_open import FIRST

SCHEMA = """
name = "rels"

[entities.PER]
color = "#8ec5f5"

[entities.GPE]
color = "#c4b5f4"

[relations.LIVES_IN]
color = "#1f6fb2"
head = ["PER"]
tail = ["GPE"]
"""
TEXT = "Ann Lee lives in Paris and Bob in Rome today."
#       0123456789012345678901234567890123456789012345


@pytest.fixture
def session(tmp_path: Path):
    spans = [Span("T1", "PER", 0, 3), Span("T2", "GPE", 17, 22), Span("T3", "PER", 27, 30), Span("T4", "GPE", 34, 38)]
    with Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA)) as p:
        p.import_documents([AnnotatedDocument(Document("d", TEXT), spans, [], [Relation("R1", "LIVES_IN", "T1", "T2")])])
        s = Session(p)
        s.open_document("d")
        s.ensure_loaded()
        yield s


def _row(al: AnnotationList, ann_id: str) -> tuple:
    m = al.proxy
    for r in range(m.rowCount()):
        if m.index(r, 0).data() == ann_id:
            return tuple(m.index(r, c).data() for c in (AnnotationTableModel.COL_TEXT, AnnotationTableModel.COL_START,
                                                        AnnotationTableModel.COL_END))
    raise AssertionError(f"no row for {ann_id}")


def test_relation_rows_follow_their_spans(qtbot, session):
    al = AnnotationList(session)
    qtbot.addWidget(al)
    al.show()
    QApplication.processEvents()
    assert _row(al, "R1") == ("Ann → Paris", 0, 22)
    assert session.set_offsets("T1", 0, 7)                        # there at open: "Ann Lee"
    assert _row(al, "R1") == ("Ann Lee → Paris", 0, 22)
    r2 = session.add_relation("LIVES_IN", "T3", "T4")              # added after open
    assert r2 and _row(al, r2) == ("Bob → Rome", 27, 38)
    assert session.set_offsets("T4", 34, 44)                       # "Rome today"
    assert _row(al, r2) == ("Bob → Rome today", 27, 44)
    session.undo_stack.undo()
    assert _row(al, r2) == ("Bob → Rome", 27, 38)
    assert session.remove_annotation(r2)                           # gone: editing its spans touches no row of it
    assert session.set_offsets("T3", 27, 33)
    assert "Bob in" in _row(al, "T3")[0] and _row(al, "R1") == ("Ann Lee → Paris", 0, 22)
    session.undo_stack.undo()
    session.undo_stack.undo()                                      # R2 back, then T3 as it was
    assert _row(al, r2) == ("Bob → Rome", 27, 38)
    assert session.set_offsets("T3", 26, 30)                       # " Bob": a row after an undo follows too
    assert _row(al, r2)[1] == 26


def test_relations_that_came_in_slices_follow_their_spans(long_window):
    """A long document: relations after the first part arrive in the loader's slices."""
    w, adoc, _path = long_window
    load_fully(w, Recorder(w.panels.ann_list.model))
    text = adoc.document.text
    spans = {s.id: s for s in adoc.spans}
    late = [r for r in adoc.relations if min(spans[r.head].start, spans[r.tail].start) > 10 * FIRST]
    assert late, "the fixture has relations past the first part"
    rel = late[len(late) // 2]
    head = spans[rel.head]
    assert w.session.set_offsets(head.id, head.start, head.end - 1)  # one character shorter
    tail = spans[rel.tail]
    expected = f"{text[head.start:head.end - 1]} → {text[tail.start:tail.end]}"
    assert _row(w.panels.ann_list, rel.id) == (expected, min(head.start, tail.start), max(head.end - 1, tail.end))
