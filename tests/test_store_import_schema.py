"""Importing documents together with a schema: both in one transaction, on real project files."""
from __future__ import annotations

import sqlite3
import textwrap

import pytest

from annotator.model import AnnotatedDocument, Document, Span
from annotator.schema import Schema
from annotator.store import Project, SchemaConflict, StoreError

SMALL = textwrap.dedent("""
    name = "small"

    [entities.PER]
    color = "#aaccff"
""").lstrip()

BIGGER = SMALL + textwrap.dedent("""
    [entities.Protein]
    color = "#ffccaa"
""")


def doc(doc_id: str, text: str, *spans: Span) -> AnnotatedDocument:
    return AnnotatedDocument(Document(id=doc_id, text=text), list(spans))


def stored_schema_text(path) -> str:
    """The schema source as it sits in the file, read without the store."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT value FROM project WHERE key = 'schema'").fetchone()[0]
    finally:
        conn.close()


def test_import_with_a_schema_stores_both(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(SMALL)) as p:
        n = p.import_documents([doc("d1", "IL-2 binds", Span("T1", "Protein", 0, 4))],
                               schema=Schema.from_toml(BIGGER))
        assert n == 1
        assert "Protein" in p.schema.entity_types  # the cache follows the commit
    assert stored_schema_text(path) == BIGGER
    with Project.open(path) as p:
        assert list(p.schema.entity_types) == ["PER", "Protein"]
        assert p.get_annotated("d1").spans[0].label == "Protein"


def test_an_import_that_fails_on_its_last_document_leaves_the_old_schema_and_no_documents(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(SMALL)) as p:
        docs = [doc("d1", "IL-2 binds", Span("T1", "Protein", 0, 4)),
                doc("d2", "Mary", Span("T1", "PER", 0, 4)),
                doc("d3", "Mary", Span("T1", "Gene", 0, 4))]  # not in BIGGER either
        with pytest.raises(StoreError, match="document d3: .*'Gene'"):
            p.import_documents(docs, schema=Schema.from_toml(BIGGER))
        assert "Protein" not in p.schema.entity_types
        assert p.document_ids() == []
    assert stored_schema_text(path) == SMALL
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    conn.close()


def test_documents_already_there_must_stay_valid_under_the_new_schema(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(BIGGER)) as p:
        p.import_documents([doc("old", "IL-2 binds", Span("T1", "Protein", 0, 4))])
        with pytest.raises(SchemaConflict) as info:
            p.import_documents([doc("new", "Mary", Span("T1", "PER", 0, 4))], schema=Schema.from_toml(SMALL))
        assert "old: " in str(info.value) and "Protein" in str(info.value)
        assert p.document_ids() == ["old"]
        assert "Protein" in p.schema.entity_types
    assert stored_schema_text(path) == BIGGER


def test_a_replaced_document_is_judged_by_its_new_version(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(BIGGER)) as p:
        p.import_documents([doc("d1", "IL-2 binds", Span("T1", "Protein", 0, 4))])
        p.import_documents([doc("d1", "Mary", Span("T1", "PER", 0, 4))], schema=Schema.from_toml(SMALL),
                           replace=True)
        assert list(p.schema.entity_types) == ["PER"]
        assert p.get_annotated("d1").spans[0].label == "PER"
    assert stored_schema_text(path) == SMALL


def test_problem_counts_of_earlier_documents_follow_the_new_schema(tmp_path):
    required = BIGGER + textwrap.dedent("""
        [events."Bind"]
        color = "#ccffcc"
        [events."Bind".roles.Theme]
        types = ["Protein"]
        cardinality = "one"
    """)
    optional = required.replace('cardinality = "one"', 'cardinality = "optional"')
    from annotator.model import Event
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(optional)) as p:
        old = doc("old", "IL-2 binds", Span("T1", "Protein", 0, 4), Span("T2", "Bind", 5, 10, kind="trigger"))
        old.events.append(Event("E1", "Bind", "T2"))
        p.import_documents([old])
        assert p.problem_counts("old") == (0, 0)
        p.import_documents([doc("new", "Mary", Span("T1", "PER", 0, 4))], schema=Schema.from_toml(required))
        assert p.problem_counts("old") == (0, 1)  # E1 now lacks its required Theme
