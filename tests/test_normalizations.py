"""Normalizations (brat's N lines) kept by the store on spans, events and relations, on real project files."""
from __future__ import annotations

import json
import sqlite3

import pytest
from sqlite_utils import Database

from annotator.migrations import MIGRATIONS
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.schema import Schema
from annotator.store import Project, StoreError

TEXT = "Carlos Salinas attacked Mexico City in Mexico."
#       0      7       15       24          36 39

WIKI = Normalization("Wikipedia", "534366", "Carlos Salinas de Gortari")
GEO = Normalization("GeoNames", "3530597", "Mexico City")
EV = Normalization("Wikidata", "Q178561", "attack")
REL = Normalization("Wikidata", "P131", "located in")


def annotated() -> AnnotatedDocument:
    return AnnotatedDocument(
        Document(id="d1", text=TEXT),
        [Span("T1", "PER", 0, 14, normalizations=[WIKI]),
         Span("T2", "GPE", 24, 35, normalizations=[GEO, Normalization("Wikipedia", "18772", "")]),
         Span("T3", "GPE", 39, 45),
         Span("T4", "Conflict.Attack", 15, 23, kind="trigger")],
        [Event("E1", "Conflict.Attack", "T4", [Argument("Attacker", "T1"), Argument("Place", "T2")],
               normalizations=[EV])],
        [Relation("R1", "PART-WHOLE", "T2", "T3", normalizations=[REL])],
    )


def column(path, table: str) -> dict[str, str | None]:
    """The raw normalizations column by annotation id, read without the store."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute(f"SELECT id, normalizations FROM {table} ORDER BY id").fetchall())
    finally:
        conn.close()


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "p.db"
    with Project.open(p) as project:
        assert "PART-WHOLE" in project.schema.relation_types  # the default news schema
        project.import_documents([annotated()])
    return p


def test_imported_normalizations_are_stored_as_json_and_null_when_empty(path):
    spans = column(path, "spans")
    assert json.loads(spans["T1"]) == [
        {"resource": "Wikipedia", "entry": "534366", "text": "Carlos Salinas de Gortari"}]
    assert json.loads(spans["T2"]) == [
        {"resource": "GeoNames", "entry": "3530597", "text": "Mexico City"},
        {"resource": "Wikipedia", "entry": "18772", "text": ""}]
    assert spans["T3"] is None and spans["T4"] is None
    assert json.loads(column(path, "events")["E1"]) == [{"resource": "Wikidata", "entry": "Q178561", "text": "attack"}]
    assert json.loads(column(path, "relations")["R1"]) == [
        {"resource": "Wikidata", "entry": "P131", "text": "located in"}]


def test_every_read_path_gives_them_back_after_reopening(path):
    with Project.open(path) as p:
        adoc = p.get_annotated("d1")
        assert [s.normalizations for s in adoc.spans] == [
            [WIKI], [GEO, Normalization("Wikipedia", "18772", "")], [], []]
        assert adoc.events[0].normalizations == [EV]
        assert adoc.relations[0].normalizations == [REL]
        streamed = next(p.iter_annotated())
        assert streamed.spans[0].normalizations == [WIKI] and streamed.events[0].normalizations == [EV]
        assert streamed.relations[0].normalizations == [REL]
        spans, events, rels = p.fetch("d1", {"T1", "E1", "R1"})
        assert spans[0].normalizations == [WIKI] and events[0].normalizations == [EV]
        assert rels[0].normalizations == [REL]
        assert [s.normalizations for s in p.spans_in_range("d1", 0, 14)] == [[WIKI]]
        near = p.annotations_in_range("d1", 24, 35)
        assert near.relations[0].normalizations == [REL]


def test_single_writes_store_them(path):
    with Project.open(path) as p:
        p.add_span("d1", Span("T9", "GPE", 39, 45, normalizations=[GEO]))
        p.add_relation("d1", Relation("R9", "PART-WHOLE", "T2", "T9", normalizations=[REL]))
        p.add_event("d1", Event("E9", "Conflict.Attack", "", normalizations=[EV]),
                    trigger=Span("", "Conflict.Attack", 15, 23))
    assert json.loads(column(path, "spans")["T9"])[0]["entry"] == "3530597"
    assert json.loads(column(path, "relations")["R9"])[0]["entry"] == "P131"
    assert json.loads(column(path, "events")["E9"])[0]["entry"] == "Q178561"


@pytest.mark.parametrize("kind, ann_id, method", [
    ("span", "T1", "update_span"), ("event", "E1", "update_event"), ("relation", "R1", "update_relation")])
def test_update_changes_them_and_the_returned_old_value_undoes_it(path, kind, ann_id, method):
    new = [Normalization("Wikidata", "Q311245", "Salinas")]
    with Project.open(path) as p:
        update = getattr(p, method)
        before = p.fetch("d1", {ann_id})
        old_norms = next(x for group in before for x in group).normalizations
        old = update("d1", ann_id, normalizations=new)
        assert old.normalizations == old_norms
    with Project.open(path) as p:
        now = next(x for group in p.fetch("d1", {ann_id}) for x in group)
        assert now.normalizations == new
        getattr(p, method)("d1", ann_id, normalizations=old.normalizations)  # what undo does
        back = next(x for group in p.fetch("d1", {ann_id}) for x in group)
        assert back.normalizations == old_norms
        getattr(p, method)("d1", ann_id, normalizations=[])
    table = {"span": "spans", "event": "events", "relation": "relations"}[kind]
    assert column(path, table)[ann_id] is None


def test_undo_of_a_delete_restores_normalizations(path):
    with Project.open(path) as p:
        removal = p.remove("d1", "T2")  # takes its relation R1 and its argument of E1 with it
        assert [r.id for r in removal.relations] == ["R1"]
        removal_e = p.remove("d1", "E1")
        p.restore(removal_e)
        p.restore(removal)
    with Project.open(path) as p:
        adoc = p.get_annotated("d1")
        by_id = adoc.span_by_id()
        assert by_id["T2"].normalizations == [GEO, Normalization("Wikipedia", "18772", "")]
        assert adoc.events[0].normalizations == [EV]
        assert adoc.relations[0].normalizations == [REL]


@pytest.mark.parametrize("bad", [
    Normalization("", "534366", "x"), Normalization("Wikipedia", "", "x"),
    Normalization("Wikipedia", "1", None),  # type: ignore[arg-type]
    {"resource": "Wikipedia", "entry": "1", "text": ""},
])
def test_a_malformed_normalization_is_refused_and_nothing_changes(path, bad):
    with Project.open(path) as p:
        with pytest.raises(StoreError, match="normalization"):
            p.update_span("d1", "T1", normalizations=[bad])
        with pytest.raises(StoreError, match="normalization"):
            p.add_span("d1", Span("T9", "GPE", 39, 45, normalizations=[bad]))
        doc = AnnotatedDocument(Document(id="d2", text="Mexico"), [Span("T1", "GPE", 0, 6, normalizations=[bad])])
        for validate in (True, False):
            with pytest.raises(StoreError, match="document d2: .*normalization"):
                p.import_documents([doc], validate=validate)
        assert p.document_ids() == ["d1"]
        assert p.fetch("d1", {"T1"})[0][0].normalizations == [WIKI]
        assert not p.fetch("d1", {"T9"})[0]


def _project_before(path, migration: str) -> None:
    """A project as the version before ``migration`` left it, with one annotated document."""
    db = Database(path)
    MIGRATIONS.apply(db, stop_before=migration)
    db["project"].insert_all([{"key": "schema", "value": Schema.default().source},
                              {"key": "schema_name", "value": "news"}])
    db["documents"].insert({"pk": 1, "id": "old1", "name": "old1", "text": TEXT, "status": "done"})
    db["spans"].insert_all([
        {"pk": 1, "doc": 1, "id": "T1", "seq": 1, "kind": "entity", "label": "PER", "start": 0, "end": 14},
        {"pk": 2, "doc": 1, "id": "T2", "seq": 2, "kind": "entity", "label": "GPE", "start": 24, "end": 35},
        {"pk": 3, "doc": 1, "id": "T3", "seq": 3, "kind": "entity", "label": "GPE", "start": 39, "end": 45},
        {"pk": 4, "doc": 1, "id": "T4", "seq": 4, "kind": "trigger", "label": "Conflict.Attack", "start": 15,
         "end": 23}])
    db["events"].insert({"pk": 1, "doc": 1, "id": "E1", "seq": 1, "type": "Conflict.Attack", "trigger": 4})
    db["arguments"].insert({"pk": 1, "doc": 1, "event": 1, "position": 0, "role": "Attacker", "filler_span": 1})
    db["relations"].insert({"pk": 1, "doc": 1, "id": "R1", "seq": 1, "type": "PART-WHOLE", "head": 2, "tail": 3})
    db.close()


@pytest.mark.parametrize("stop_before, backup", [
    ("m002_problem_counts", "p.before-m002.db"), ("m003_normalizations", "p.before-m003.db")])
def test_an_older_project_upgrades_and_reads_empty_lists(tmp_path, stop_before, backup):
    path = tmp_path / "p.db"
    _project_before(path, stop_before)
    with Project.open(path) as p:
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]
        assert p.backup_path == tmp_path / backup
        adoc = p.get_annotated("old1")
        assert [s.normalizations for s in adoc.spans] == [[], [], [], []]
        assert adoc.events[0].normalizations == [] and adoc.relations[0].normalizations == []
        assert p.fetch("old1", {"E1"})[1][0].normalizations == []
        p.update_span("old1", "T1", normalizations=[WIKI])
    conn = sqlite3.connect(tmp_path / backup)
    assert "normalizations" not in {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
    conn.close()
    with Project.open(path) as p:
        assert p.get_annotated("old1").spans[0].normalizations == [WIKI]


def test_an_older_project_read_only_reads_empty_lists(tmp_path):
    path = tmp_path / "p.db"
    _project_before(path, "m003_normalizations")
    with Project.open(path, read_only=True) as p:
        assert [s.normalizations for s in p.get_annotated("old1").spans] == [[], [], [], []]
    conn = sqlite3.connect(path)
    assert "normalizations" not in {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
    conn.close()
