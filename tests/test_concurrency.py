"""Two connections, threads and processes on one project file: no collisions, no tracebacks, waits then succeeds."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project, WriteError

ROOT = Path(__file__).resolve().parent.parent
TEXT = "John Smith met Mary Jones in Baghdad on Monday. " * 20


def _doc(doc_id: str, text: str = TEXT, spans: list[Span] | None = None) -> AnnotatedDocument:
    return AnnotatedDocument(Document(id=doc_id, text=text), spans or [], [], [])


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "shared.db"
    with Project.open(p) as project:
        project.import_documents([_doc("d1")])
    return p


def test_two_projects_writing_alternately_never_collide(path):
    a, b = Project.open(path), Project.open(path)
    try:
        ids = []
        for i in range(30):
            who = a if i % 2 == 0 else b
            ids.append(who.add_span("d1", Span("", "PER", i, i + 4)).id)
        assert len(set(ids)) == 30
        # both see all of them, and the file holds exactly these
        assert {s.id for s in a.get_annotated("d1").spans} == set(ids)
        assert {s.id for s in b.get_annotated("d1").spans} == set(ids)
        assert sorted(r[0] for r in _rows(path, "SELECT id FROM spans")) == sorted(ids)
        # documents imported by one are seen by the other
        a.import_documents([_doc("d2")])
        b.import_documents([_doc("d3")])  # BulkWriter's pks come from inside b's transaction
        assert b.changed_elsewhere() is True
        assert b.changed_elsewhere() is False  # nothing new since
        assert a.changed_elsewhere() is True
        assert a.document_ids() == b.document_ids() == ["d1", "d2", "d3"]
        assert b.get_document("d2").text == TEXT
        assert a.add_span("d3", Span("", "GPE", 0, 4)).id == "T1"
        assert b.add_span("d3", Span("", "GPE", 5, 9)).id == "T2"
    finally:
        a.close()
        b.close()


def test_a_document_replaced_elsewhere_is_read_afresh(path):
    a, b = Project.open(path), Project.open(path)
    try:
        a.add_span("d1", Span("", "PER", 0, 4))
        assert [s.id for s in a.get_annotated("d1").spans] == ["T1"]  # d1's pk is now cached in a
        b.import_documents([_doc("d1", "Mary went home.", [Span("T7", "PER", 0, 4)])], replace=True)
        assert a.changed_elsewhere() is True
        got = a.get_annotated("d1")
        assert got.document.text == "Mary went home." and [s.id for s in got.spans] == ["T7"]
        # and the next id in a comes after T7, not from a stale counter
        assert a.add_span("d1", Span("", "LOC", 10, 14)).id == "T8"
    finally:
        a.close()
        b.close()


def test_a_write_after_a_replace_elsewhere_goes_to_the_new_document(path):
    a, b = Project.open(path), Project.open(path)
    try:
        a.add_span("d1", Span("", "PER", 0, 4))  # caches d1's pk and the T counter in a
        b.import_documents([_doc("d1", "Mary went home.", [Span("T7", "PER", 0, 4)])], replace=True)
        # no changed_elsewhere() call: the write itself notices, under the lock
        assert a.add_span("d1", Span("", "LOC", 10, 14)).id == "T8"
        assert sorted(_rows(path, "SELECT id, start FROM spans")) == [("T7", 0), ("T8", 10)]
    finally:
        a.close()
        b.close()


def test_interleaved_writers_in_threads(path):
    errors: list[BaseException] = []
    made: dict[str, list[str]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            with Project.open(path) as p:
                start.wait()
                for i in range(40):
                    made[name].append(p.add_span("d1", Span("", "ORG", i, i + 3)).id)
                    if i % 10 == 0:
                        p.import_documents([_doc(f"{name}{i}")])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = made["a"] + made["b"]
    assert len(ids) == len(set(ids)) == 80
    assert sorted(r[0] for r in _rows(path, "SELECT id FROM spans")) == sorted(ids)
    assert _rows(path, "SELECT count(*) FROM documents") == [(9,)]
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]


_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("LOCKED", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _hold_lock(path: Path) -> subprocess.Popen:
    """Another process that takes the write lock and keeps it until we write a line to it."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
    return holder


def _release(holder: subprocess.Popen) -> None:
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait() == 0
    holder.stdin.close()
    holder.stdout.close()


def test_cli_import_waits_for_a_held_lock_then_succeeds(path, tmp_path):
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "cli1", "text": "Rain in Paris."}) + "\n")
    window = Project.open(path)  # a window has the project open, too
    try:
        lock = sqlite3.connect(path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # someone is in the middle of a write
        cli = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(path), str(src)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT))
        try:
            out, err = cli.communicate(timeout=1.0)
        except subprocess.TimeoutExpired:
            out = err = None  # still waiting for the lock, as it should
        assert err is None, f"the import did not wait for the lock: {err}"
        lock.execute("COMMIT")
        lock.close()
        out, err = cli.communicate(timeout=60)
        assert cli.returncode == 0, err
        assert "imported 1 document" in err and "Traceback" not in err
        assert window.changed_elsewhere() is True
        assert window.document_ids() == ["d1", "cli1"]
        window.add_span("cli1", Span("", "GPE", 8, 13))  # and the window goes on writing
    finally:
        window.close()


def test_write_fails_cleanly_when_the_lock_is_held_past_the_busy_timeout(path):
    project = Project.open(path, busy_timeout_ms=200)
    holder = _hold_lock(path)
    try:
        with pytest.raises(WriteError, match=r"shared\.db: could not write to the project \(database is locked\)"):
            project.add_span("d1", Span("", "PER", 0, 4))
        with pytest.raises(WriteError, match="nothing was written"):
            project.import_documents([_doc("d9", spans=[Span("T1", "PER", 0, 4)])])
    finally:
        _release(holder)
    # nothing of either write is in the file
    assert _rows(path, "SELECT count(*) FROM spans") == [(0,)]
    assert _rows(path, "SELECT id FROM documents") == [("d1",)]
    # and the same project writes fine once the lock is free
    assert project.add_span("d1", Span("", "PER", 0, 4)).id == "T1"
    project.import_documents([_doc("d9")])
    assert _rows(path, "SELECT id FROM documents ORDER BY pk") == [("d1",), ("d9",)]
    project.close()


def test_cli_import_past_the_busy_timeout_is_one_line(path, tmp_path, monkeypatch, capsys):
    from annotator import cli

    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "Rain."}) + "\n")
    real_open = Project.open.__func__

    def quick_open(cls, *args, **kwargs):  # the same store, with a short wait for the lock
        kwargs.setdefault("busy_timeout_ms", 100)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Project, "open", classmethod(quick_open))
    holder = _hold_lock(path)
    try:
        code = cli.main(["import", str(path), str(src)])
    finally:
        _release(holder)
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: could not write to the project (database is locked)")
    assert _rows(path, "SELECT id FROM documents") == [("d1",)]


def test_opening_does_not_wait_for_a_writer(path):
    holder = _hold_lock(path)
    try:
        with Project.open(path, busy_timeout_ms=100) as p:  # an up-to-date project needs no write to open
            assert p.document_ids() == ["d1"]
    finally:
        _release(holder)


def test_an_upgrade_waits_for_the_lock_and_past_the_timeout_changes_nothing(tmp_path):
    from sqlite_utils import Database

    from annotator.migrations import MIGRATIONS
    from annotator.store import Schema

    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m002_problem_counts")  # as the version before m002 left it
    db["project"].insert({"key": "schema", "value": Schema.default().source})
    db.execute("PRAGMA journal_mode=wal")
    db.close()
    holder = _hold_lock(path)
    try:
        with pytest.raises(WriteError, match="database is locked"):
            Project.open(path, busy_timeout_ms=100)
    finally:
        _release(holder)
    assert [r[0] for r in _rows(path, "SELECT name FROM _sqlite_migrations")] == ["m001_initial"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.db"]  # no backup either: nothing was done
    with Project.open(path) as p:
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]
        assert p.backup_path == tmp_path / "old.before-m002.db"


_WRITER = """
import sys
from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project
path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Tight loops of three writers can keep one waiting past the default 5 s
# (SQLite's lock is not fair); this test is about ids and lost writes, not waits.
with Project.open(path, busy_timeout_ms=120_000) as p:
    for i in range(n):
        s = p.add_span("d1", Span("", "PER", i % 900, i % 900 + 4))
        print("ACK", s.id, flush=True)
        if i % 50 == 0:
            p.import_documents([AnnotatedDocument(Document(id=f"{name}{i}", text="x y"), [], [], [])])
            print("DOC", f"{name}{i}", flush=True)
"""


def test_processes_writing_at_once_lose_and_clash_nothing(path):
    """Three processes add spans and import documents into one file at the same time.

    ``ANNOTATOR_SOAK=1`` raises it from 150 to 3,000 writes a process.
    """
    import os

    n = 3000 if os.environ.get("ANNOTATOR_SOAK") else 150
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name, str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b", "c")]
    acked: list[str] = []
    docs: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            kind, value = line.split()
            (acked if kind == "ACK" else docs).append(value)
    assert len(acked) == len(set(acked)) == 3 * n  # no id was handed out twice
    assert sorted(r[0] for r in _rows(path, "SELECT id FROM spans")) == sorted(acked)
    assert sorted(r[0] for r in _rows(path, "SELECT id FROM documents WHERE id != 'd1'")) == sorted(docs)
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    print(f"\nconcurrent writers: 3 processes, {len(acked)} spans and {len(docs)} imports, no clash, nothing lost")
