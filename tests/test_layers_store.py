"""Layers and review decisions in the store (m007): each annotator's annotations apart, the text once.

Every check reads the SQLite file with plain ``sqlite3`` (not through the
store) where it says what was written.
"""
from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from annotator.migrations import MIGRATIONS
from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.schema import Schema
from annotator.store import Project, SchemaConflict, StoreError

TEXT = "ISIS fighters killed three policemen in Dujail on Sunday."
#          0123456789012345678901234567890123456789012345678901234567
# "ISIS fighters" 0-13, "killed" 14-20, "three policemen" 21-36, "Dujail" 40-46


def rows(path, sql, params=()):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def project(tmp_path):
    p = Project.open(tmp_path / "p.db")
    p.annotator = "dana"
    p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT))])
    yield p
    p.close()


def test_two_layers_keep_the_same_ids_apart_and_each_reads_its_own(project):
    project.add_span("d1", Span("T1", "ORG", 0, 13))
    with project.in_layer("bob"):
        project.add_span("d1", Span("T1", "PER", 21, 36))
        project.add_span("d1", Span("T2", "GPE", 40, 46))
    assert project.layer == ""  # the block put the working layer back
    path = project.path
    assert sorted(rows(path, "SELECT layer, id, label, annotator FROM spans")) == [
        ("", "T1", "ORG", "dana"), ("bob", "T1", "PER", "dana"), ("bob", "T2", "GPE", "dana")]
    assert [(s.id, s.label) for s in project.get_annotated("d1").spans] == [("T1", "ORG")]
    bob = project.get_annotated("d1", layer="bob")
    assert bob.layer == "bob" and [(s.id, s.label) for s in bob.spans] == [("T1", "PER"), ("T2", "GPE")]
    assert project.layers("d1") == ["", "bob"] and project.layers() == ["", "bob"]
    assert rows(path, "SELECT count(*) FROM texts") == [(1,)]  # the text once
    assert project.document_summary("d1").n_annotations == 3  # the document's count is over its layers


def test_fresh_ids_count_per_layer(project):
    for start, end in ((0, 4), (5, 13), (21, 26)):
        project.add_span("d1", Span("", "PER", start, end))
    project.layer = "gold"
    assert project.add_span("d1", Span("", "GPE", 40, 46)).id == "T1"
    assert project.new_id("d1", "T") == "T2"


def test_layers_are_listed_default_first_gold_last(project):
    for name in ("gold", "Zoe", "bob"):
        with project.in_layer(name):
            project.add_span("d1", Span("", "PER", 21, 36))
    assert project.layers() == ["bob", "Zoe", "gold"]  # nothing in the default layer
    project.add_span("d1", Span("", "ORG", 0, 13))
    assert project.layers("d1") == ["", "bob", "Zoe", "gold"]


def test_a_delete_and_its_undo_stay_in_their_layer_whatever_the_working_layer_is_then(project):
    project.add_span("d1", Span("T1", "ORG", 0, 13))
    project.layer = "bob"
    project.add_span("d1", Span("T1", "PER", 21, 36))
    removal = project.remove("d1", "T1")
    assert rows(project.path, "SELECT layer, label FROM spans ORDER BY layer") == [("", "ORG")]
    project.layer = ""
    project.restore(removal)
    assert sorted(rows(project.path, "SELECT layer, label FROM spans")) == [("", "ORG"), ("bob", "PER")]
    assert [s.label for s in project.get_annotated("d1").spans] == ["ORG"]


def test_an_event_in_one_layer_cannot_use_another_layers_spans(project):
    project.add_span("d1", Span("T1", "PER", 21, 36))
    project.layer = "bob"
    with pytest.raises(StoreError):
        project.add_event("d1", Event("", "Life.Die", "", arguments=[Argument("Victim", "T1")]),
                          trigger=Span("", "Life.Die", 14, 20))
    assert rows(project.path, "SELECT count(*) FROM events") == [(0,)]
    assert rows(project.path, "SELECT layer, kind FROM spans") == [("", "entity")]


def test_review_decisions_are_written_and_undone_with_the_values_returned(project):
    project.add_span("d1", Span("T1", "PER", 21, 36))
    project.add_event("d1", Event("E1", "Life.Die", "", arguments=[Argument("Victim", "T1")]),
                      trigger=Span("", "Life.Die", 14, 20))
    project.annotator = "lead"
    assert project.set_review("d1", "T1", "accepted") == ("", "", "")
    assert project.set_review("d1", "E1", "rejected", note="not a death") == ("", "", "")
    assert project.set_review("d1", "E1", "accepted", position=0) == ("", "", "")
    path = project.path
    assert rows(path, "SELECT id, review, reviewer, review_note FROM spans WHERE kind = 'entity'") == [
        ("T1", "accepted", "lead", "")]
    assert rows(path, "SELECT id, review, reviewer, review_note FROM events") == [
        ("E1", "rejected", "lead", "not a death")]
    assert rows(path, "SELECT role, review, reviewer FROM arguments") == [("Victim", "accepted", "lead")]
    adoc = project.get_annotated("d1")
    assert (adoc.events[0].review, adoc.events[0].review_note, adoc.events[0].arguments[0].review) == (
        "rejected", "not a death", "accepted")
    # undo: the previous values back, reviewer included
    old = project.set_review("d1", "E1", "accepted")
    assert old == ("rejected", "lead", "not a death")
    project.set_review("d1", "E1", old[0], reviewer=old[1], note=old[2])
    assert rows(path, "SELECT review, reviewer, review_note FROM events") == [("rejected", "lead", "not a death")]
    project.set_review("d1", "T1", "")
    assert rows(path, "SELECT review, reviewer FROM spans WHERE id = 'T1'") == [("", "")]


def test_bad_review_decisions_are_refused_and_change_nothing(project):
    project.add_span("d1", Span("T1", "PER", 21, 36))
    for call in (lambda: project.set_review("d1", "T1", "maybe"),
                 lambda: project.set_review("d1", "T9", "accepted"),
                 lambda: project.set_review("d1", "T1", "accepted", position=0),
                 lambda: project.update_span("d1", "T1", review="fine")):
        with pytest.raises(StoreError):
            call()
    assert rows(project.path, "SELECT review, reviewer FROM spans") == [("", "")]


def test_a_correction_changes_the_label_and_marks_it_in_one_write(project):
    project.add_span("d1", Span("T1", "PER", 21, 36))
    old = project.update_span("d1", "T1", label="ORG", review="corrected", reviewer="lead")
    assert (old.label, old.review) == ("PER", "")
    assert rows(project.path, "SELECT label, review, reviewer, annotator FROM spans") == [
        ("ORG", "corrected", "lead", "dana")]


def test_import_into_a_layer_and_stream_it(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        doc = AnnotatedDocument(Document(id="d1", text=TEXT), spans=[
            Span("T1", "PER", 21, 36, review="accepted", reviewer="lead")])
        p.import_documents([doc], annotator="bob", layer="bob")
        assert rows(p.path, "SELECT layer, annotator, review, reviewer FROM spans") == [
            ("bob", "bob", "accepted", "lead")]
        assert [a.spans for a in p.iter_annotated()] == [[]]  # the default layer has none
        (got,) = list(p.iter_annotated(layer="bob"))
        assert got.layer == "bob" and (got.spans[0].review, got.spans[0].reviewer) == ("accepted", "lead")
        assert p.layers() == ["bob"]


def test_problem_counts_are_per_layer_and_the_document_shows_their_sum(project):
    project.set_problem_counts("d1", 1, 0)
    with project.in_layer("bob"):
        project.add_span("d1", Span("T1", "PER", 21, 36))
        project.set_problem_counts("d1", 2, 1)
    assert project.problem_counts("d1") == (3, 1)
    assert sorted(rows(project.path, "SELECT name, n_errors, n_incomplete FROM layers")) == [
        ("", 1, 0), ("bob", 2, 1)]
    project.set_problem_counts("d1", 0, 0)
    assert project.problem_counts("d1") == (2, 1)


def test_a_schema_change_is_checked_in_every_layer(project):
    with project.in_layer("bob"):
        project.add_span("d1", Span("T1", "WEA", 21, 36))
    narrower = Schema.from_toml('[entities.PER]\ncolor = "#aaccff"\n')
    with pytest.raises(SchemaConflict) as info:
        project.set_schema(narrower)
    assert "d1 [bob]" in str(info.value) and "WEA" in str(info.value)


def test_an_old_project_is_migrated_into_the_default_layer(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m007_layers_and_review")
    with db.conn as conn:
        conn.execute("INSERT INTO documents (pk, id, name, meta, status, checksum, created, updated, n_errors, "
                     "n_incomplete, n_annotations) VALUES (1, 'd1', 'd1', '{}', 'new', '', '', '', 1, 0, 1)")
        conn.execute("INSERT INTO texts (doc, text) VALUES (1, ?)", [TEXT])
        conn.execute("INSERT INTO spans (pk, doc, id, seq, kind, label, start, \"end\", attributes, note, annotator) "
                     "VALUES (1, 1, 'T1', 1, 'entity', 'PER', 21, 36, '{}', '', 'dana')")
    db.conn.close()
    with Project.open(path) as p:
        assert p.schema_version[-1] == "m007_layers_and_review"
        assert p.layers() == [""] and p.layers("d1") == [""]
        assert [(s.id, s.annotator, s.review) for s in p.get_annotated("d1").spans] == [("T1", "dana", "")]
        assert rows(path, "SELECT doc, name, n_errors FROM layers") == [(1, "", 1)]
        # ids are unique per (document, layer) now
        with p.in_layer("bob"):
            p.add_span("d1", Span("T1", "GPE", 40, 46))
        index_sql = rows(path, "SELECT sql FROM sqlite_master WHERE name = 'idx_spans_doc_layer_id'")[0][0]
        assert "UNIQUE" in index_sql and "layer" in index_sql
