"""Migration m005: document texts move out of the ``documents`` rows into ``texts``; every reader keeps working.

Old project files are made as the version before m005 left them: the
migrations up to m004 applied through sqlite-utils, and rows written with
plain SQL in that layout (the text in ``documents.text``).
"""
from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from annotator.importer import export_jsonl
from annotator.migrations import MIGRATIONS, drop_text_column
from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project

TEXTS = {
    "a": "Militants attacked Dujail on Wednesday.\n",
    "b": "Zoë met 北京 officials 🙂 in Baghdad.\n" * 50,
    "c": "",
}


def _old_project(path: Path) -> Path:
    """A project file of the layout before m005, with three documents and a span in each non-empty one."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m005_document_texts")
    conn = db.conn
    with conn:
        for pk, (doc_id, text) in enumerate(TEXTS.items(), 1):
            conn.execute(
                "INSERT INTO documents (pk, id, name, text, meta, status, checksum, created, updated, n_errors, "
                "n_incomplete) VALUES (?, ?, ?, ?, '{}', 'new', '', '2026-01-01T00:00:00', '2026-01-01T00:00:00', 0, 0)",
                (pk, doc_id, doc_id, text))
            if text:
                conn.execute(
                    "INSERT INTO spans (pk, doc, id, seq, kind, label, start, \"end\", attributes, note, annotator) "
                    "VALUES (?, ?, 'T1', 1, 'entity', 'GPE', 19, 25, '{}', '', '')", (pk, pk))
    db.close()
    return path


def _columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[1] for r in conn.execute(f"SELECT * FROM pragma_table_info('{table}')")]
    finally:
        conn.close()


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _document_indexes(path: Path) -> list[tuple]:
    return sorted(_rows(path, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' "
                              "AND sql IS NOT NULL"))


def test_an_old_project_is_upgraded_texts_moved_and_everything_reads_the_same(tmp_path):
    path = _old_project(tmp_path / "old.db")
    indexes_before = _document_indexes(path)
    assert "text" in _columns(path, "documents")
    with Project.open(path) as p:
        assert p.backup_path is not None and p.backup_path.exists()
        assert p.schema_version[-1] == "m007_layers_and_review"
        for doc_id, text in TEXTS.items():
            assert p.get_document(doc_id).text == text
            adoc = p.get_annotated(doc_id)
            assert adoc.document.text == text
            assert [(s.id, s.start, s.end, s.label) for s in adoc.spans] == ([("T1", 19, 25, "GPE")] if text else [])
        out = io.StringIO()
        export_jsonl(p, out)
    assert "text" not in _columns(path, "documents")
    assert _columns(path, "texts") == ["doc", "text"]
    assert _rows(path, "SELECT doc, text FROM texts ORDER BY doc") == [(1, TEXTS["a"]), (2, TEXTS["b"]), (3, "")]
    assert _document_indexes(path) == indexes_before
    # The export carries the texts as they were (the JSONL is read back by the test as plain JSON).
    import json

    exported = {d["id"]: d["text"] for d in map(json.loads, out.getvalue().splitlines())}
    assert exported == TEXTS


def test_without_drop_column_the_table_is_copied_and_keeps_its_indexes(tmp_path):
    """SQLite before 3.35 has no DROP COLUMN: sqlite-utils' transform copies the table; every index comes back."""
    path = _old_project(tmp_path / "old.db")
    indexes_before = _document_indexes(path)
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    with db.conn:
        db.execute("CREATE TABLE texts (doc INTEGER PRIMARY KEY REFERENCES documents(pk), text TEXT NOT NULL)")
        db.execute("INSERT INTO texts (doc, text) SELECT pk, text FROM documents ORDER BY pk")
        drop_text_column(db, alter=False)
    db.close()
    assert "text" not in _columns(path, "documents")
    assert _document_indexes(path) == indexes_before
    assert _rows(path, "SELECT count(*) FROM spans") == [(2,)]
    assert _rows(path, "PRAGMA foreign_key_check") == []


def test_a_read_only_old_project_is_upgraded_in_memory_and_reads_its_texts(tmp_path):
    path = _old_project(tmp_path / "old.db")
    before = path.read_bytes()
    with Project.open(path, read_only=True) as p:
        assert p.get_document("b").text == TEXTS["b"]
        assert p.get_annotated("a").document.text == TEXTS["a"]
    assert path.read_bytes() == before


def test_import_delete_and_replace_keep_one_text_per_document(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="x", text="first text"), [Span("T1", "GPE", 0, 5)]),
                            AnnotatedDocument(Document(id="y", text="other"), [])])
        p.import_documents([AnnotatedDocument(Document(id="x", text="second text"), [])], replace=True)
        assert p.get_document("x").text == "second text"
        p.delete_document("y")
        with pytest.raises(Exception):
            p.get_document("y")
    assert _rows(path, "SELECT d.id, t.text FROM texts t JOIN documents d ON d.pk = t.doc ORDER BY d.id") == [
        ("x", "second text")]
    assert _rows(path, "SELECT count(*) FROM texts") == [(1,)]


def test_an_edit_leaves_the_text_row_alone(tmp_path):
    """Touching a document (updated, status, problem counts) writes its small row, never its text's."""
    path = tmp_path / "p.db"
    text = "Baghdad " * 20_000
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d", text=text), [])])
    before = _rows(path, "SELECT rowid, text FROM texts")
    with Project.open(path) as p:
        p.add_span("d", Span("", "GPE", 0, 7))
        p.set_status("d", "done")
        p.set_problem_counts("d", 3, 300)
    assert _rows(path, "SELECT status, n_errors, n_incomplete FROM documents") == [("done", 3, 300)]
    assert _rows(path, "SELECT rowid, text FROM texts") == before
