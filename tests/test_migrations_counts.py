"""Migration m006: an old project file gets each document's annotation count stored, counted from its rows.

The old file is made as the version before m006 left it: the migrations up
to m005 applied through sqlite-utils, and rows written with plain SQL.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from annotator.migrations import MIGRATIONS
from annotator.model import Span
from annotator.store import DocumentQuery, Project

TEXT = "Alice met Bob in Paris and Rome, then left."


def _old_project(path: Path) -> Path:
    """Documents a (2 entities, a trigger, an event, a relation), b (none), c (a trigger and its event)."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m006_annotation_counts")
    conn = db.conn
    span = ("INSERT INTO spans (pk, doc, id, seq, kind, label, start, \"end\", attributes, note, annotator) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', '', '')")
    with conn:
        for pk, doc_id in enumerate(("a", "b", "c"), 1):
            conn.execute(
                "INSERT INTO documents (pk, id, name, meta, status, checksum, created, updated, n_errors, "
                "n_incomplete) VALUES (?, ?, ?, '{}', 'new', '', '2026-01-01T00:00:00', '2026-01-01T00:00:00', 0, 0)",
                (pk, doc_id, doc_id))
            conn.execute("INSERT INTO texts (doc, text) VALUES (?, ?)", (pk, TEXT))
        conn.execute(span, (1, 1, "T1", 1, "entity", "PER", 0, 5))
        conn.execute(span, (2, 1, "T2", 2, "entity", "PER", 10, 13))
        conn.execute(span, (3, 1, "T3", 3, "trigger", "Contact.Meet", 6, 9))
        conn.execute(span, (4, 3, "T1", 1, "trigger", "Contact.Meet", 6, 9))
        ev = "INSERT INTO events (pk, doc, id, seq, type, trigger, attributes, note, annotator) " \
             "VALUES (?, ?, 'E1', 1, 'Contact.Meet', ?, '{}', '', '')"
        conn.execute(ev, (1, 1, 3))
        conn.execute(ev, (2, 3, 4))
        conn.execute("INSERT INTO arguments (pk, doc, event, position, role, filler_span) "
                     "VALUES (1, 1, 1, 0, 'Entity', 1)")
        conn.execute("INSERT INTO relations (pk, doc, id, seq, type, head, tail, attributes, note, annotator) "
                     "VALUES (1, 1, 'R1', 1, 'PER-SOC', 1, 2, '{}', '', '')")
    db.close()
    return path


def _stored(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT id, n_annotations FROM documents"))
    finally:
        conn.close()


def test_an_old_project_is_upgraded_with_its_counts(tmp_path):
    path = _old_project(tmp_path / "old.db")
    with Project.open(path) as p:
        assert p.schema_version[-1] == "m007_layers_and_review"
        assert {s.id: s.n_annotations for s in p.document_summaries()} == {"a": 4, "b": 0, "c": 1}
        assert [s.id for s in p.pages.page(DocumentQuery(sort="annotations"), 0, 10)] == ["b", "c", "a"]
        p.add_span("b", Span("", "GPE", 17, 22))  # and the count is kept from then on
    assert _stored(path) == {"a": 4, "b": 1, "c": 1}


def test_a_new_project_starts_at_zero_and_an_empty_one_upgrades(tmp_path):
    db = Database(tmp_path / "empty.db")
    MIGRATIONS.apply(db, stop_before="m006_annotation_counts")
    db.close()
    with Project.open(tmp_path / "empty.db") as p:
        assert p.schema_version[-1] == "m007_layers_and_review"
        assert p.document_summaries() == []


def test_an_old_project_opened_read_only_shows_the_counts_and_stays_as_it_was(tmp_path):
    path = _old_project(tmp_path / "old.db")
    before = path.read_bytes()
    with Project.open(path, read_only=True) as p:
        assert {s.id: s.n_annotations for s in p.document_summaries()} == {"a": 4, "b": 0, "c": 1}
    assert path.read_bytes() == before
