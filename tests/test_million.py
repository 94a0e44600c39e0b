"""A corpus of many documents (20,000 here; a million in benchmarks/bench_corpus.py): the list queries and `stats`.

The document list's counts, pages and positions, and what `annotator stats`
prints, are compared with answers computed here from plain sqlite3 reads or
from how the corpus was built; the query plans show that they use indexes
and that `stats` reads no document's annotations beyond the ones it lists.
"""
from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

import annotator.store_reads as store_reads
from annotator.cli import main
from annotator.model import STATUSES, AnnotatedDocument, Argument, Document, Event, Span
from annotator.schema import Schema
from annotator.store import DocumentQuery, Project, StoreError

N_DOCS = 20_000
SCHEMA = """
name = "corpus"

[entities.PER]
color = "#8ec5f5"

[entities.GPE]
color = "#c4b5f4"

[events.Attack]
color = "#ff9f9a"
roles.Attacker = { types = ["PER"], cardinality = "any" }
roles.Place = { types = ["GPE"], cardinality = "1" }
"""
NAMES = ("Report", "memo", "Letter", "brief", "Note")


def _corpus():
    """Short documents; every 50th has an Attack without its required Place (one incomplete event)."""
    rng = random.Random(4)
    for i in range(N_DOCS):
        text = "Ann came to Rome."
        spans = [Span("T1", "PER", 0, 3), Span("T2", "GPE", 12, 16)]
        events = []
        if i % 50 == 0:
            spans.append(Span("T3", "Attack", 4, 8, kind="trigger"))
            events.append(Event("E1", "Attack", "T3", [Argument("Attacker", "T1")]))
        elif i % 7 == 0:
            spans.append(Span("T3", "Attack", 4, 8, kind="trigger"))
            events.append(Event("E1", "Attack", "T3", [Argument("Place", "T2")]))
        name = f"{NAMES[rng.randrange(5)]} {i:05d}"
        yield AnnotatedDocument(Document(id=f"d{i}", text=text, name=name, status=rng.choice(STATUSES)), spans, events)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "c.db"
    with Project.open(path, schema=Schema.from_toml(SCHEMA)) as p:
        assert p.import_documents(_corpus()) == N_DOCS
    return path


def _all(path: Path) -> list[tuple[int, str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute("SELECT pk, id, name, status FROM documents ORDER BY pk"))
    finally:
        conn.close()


def _plan(path: Path, sql: str, params: tuple = ()) -> str:
    conn = sqlite3.connect(path)
    try:
        return " | ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    finally:
        conn.close()


def test_pages_counts_and_positions_match_sqlite(corpus):
    rows = _all(corpus)
    rng = random.Random(1)
    cases = [
        (DocumentQuery(), rows),
        (DocumentQuery(status="done"), [r for r in rows if r[3] == "done"]),
        (DocumentQuery(sort="name"), sorted(rows, key=lambda r: (r[2].lower(), r[0]))),
        (DocumentQuery(sort="name", descending=True), sorted(rows, key=lambda r: (r[2].lower(), r[0]), reverse=True)),
        (DocumentQuery(status="new", sort="status"), [r for r in rows if r[3] == "new"]),
        (DocumentQuery(sort="status"), sorted(rows, key=lambda r: (STATUSES.index(r[3]), r[0]))),
        (DocumentQuery(name="MEMO 1"), [r for r in rows if "memo 1" in r[2].casefold()]),
        (DocumentQuery(status="reviewed", name="letter", sort="name"),
         sorted((r for r in rows if r[3] == "reviewed" and "letter" in r[2].casefold()),
                key=lambda r: (r[2].lower(), r[0]))),
    ]
    with Project.open(corpus, read_only=True) as p:
        for q, want in cases:
            assert p.pages.count(q) == len(want), q
            total = len(want)
            for offset in (0, 137, total // 2 + 3, max(total - 60, 0), total - 1):
                got = [s.id for s in p.pages.page(q, offset, 50, total)]
                assert got == [r[1] for r in want[offset:offset + 50]], (q, offset)
            for r in rng.sample(want, min(5, len(want))):
                assert p.pages.position(q, r[1]) == want.index(r), (q, r)
        outside = next(r for r in rows if r[3] != "done")
        assert p.pages.position(DocumentQuery(status="done"), outside[1]) is None
        assert p.pages.position(DocumentQuery(), "no such id") is None
        with pytest.raises(StoreError, match="unknown status 'finished'"):
            DocumentQuery(status="finished")


def test_the_list_queries_use_indexes(corpus):
    # the count, a page by status and the name scan read indexes, never the documents table with its texts
    assert "COVERING INDEX" in _plan(corpus, "SELECT count(*) FROM documents WHERE status = ?", ("done",))
    plan = _plan(corpus, "SELECT pk FROM documents WHERE status = ? ORDER BY pk LIMIT 5", ("done",))
    assert "INDEX idx_documents_status" in plan and "TEMP B-TREE" not in plan  # no sort of all rows
    assert "COVERING INDEX idx_documents_name_nocase" in _plan(
        corpus, "SELECT pk FROM documents INDEXED BY idx_documents_name_nocase WHERE name LIKE ? ORDER BY pk", ("%x%",))
    plan = _plan(corpus, "SELECT pk FROM documents ORDER BY name COLLATE NOCASE, pk LIMIT 5")
    assert "INDEX idx_documents_name_nocase" in plan and "TEMP B-TREE" not in plan
    # stats: by status, by label and the incomplete events, each from an index
    assert "COVERING INDEX" in _plan(corpus, "SELECT status, count(*) FROM documents GROUP BY status")
    # (the queries of AnnotationReads.counts_by_label: one layer's)
    assert "COVERING INDEX idx_spans_kind_label_layer" in _plan(
        corpus, "SELECT label, count(*) FROM spans WHERE layer = ? AND kind = 'entity' GROUP BY label ORDER BY label",
        ("",))
    assert "COVERING INDEX idx_events_type_layer" in _plan(
        corpus, "SELECT type, count(*) FROM events WHERE layer = ? GROUP BY type ORDER BY type", ("",))
    assert "COVERING INDEX idx_relations_type_layer" in _plan(
        corpus, "SELECT type, count(*) FROM relations WHERE layer = ? GROUP BY type ORDER BY type", ("",))
    assert "idx_documents_incomplete" in _plan(
        corpus, "SELECT coalesce(sum(n_incomplete), 0) FROM documents WHERE n_incomplete > 0")
    # the Edit helper's max(seq) of one document
    assert "idx_spans_doc_layer_seq" in _plan(corpus, "SELECT max(seq) FROM spans WHERE doc = ? AND layer = ?", (5, ""))


def test_stats_counts_from_the_store_and_validates_only_what_it_lists(corpus, capsys, monkeypatch):
    rows = _all(corpus)
    validated: list[str] = []
    real = store_reads.validate_document
    monkeypatch.setattr(store_reads, "validate_document",
                        lambda schema, adoc: (validated.append(adoc.document.id), real(schema, adoc))[1])
    assert main(["stats", str(corpus)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"documents: {N_DOCS}" in out
    by_status = Counter(r[3] for r in rows)
    for s in STATUSES:
        assert any(line.split() == [s, str(by_status[s])] for line in out), s
    n_attack = sum(1 for i in range(N_DOCS) if i % 50 == 0 or i % 7 == 0)
    n_incomplete = N_DOCS // 50
    assert any(line.split() == ["PER", str(N_DOCS)] for line in out)
    assert any(line.split() == ["GPE", str(N_DOCS)] for line in out)
    assert any(line.split() == ["Attack", str(n_attack)] for line in out)
    assert f"incomplete events: {n_incomplete}" in out
    listed = [line for line in out if line.startswith("  d") and ":" in line]
    assert len(listed) == 20 and listed[0].startswith("  d0: ") and "Place" in listed[0]
    assert out[-1] == f"  ... and {n_incomplete - 20} more incomplete event(s)"
    assert len(validated) == 20  # only the documents listed, not the 20,000
