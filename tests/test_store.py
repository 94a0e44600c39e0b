"""The project store, on real SQLite files."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.schema import Schema
from annotator.store import Project, SchemaConflict, StoreError

TEXT = "ISIS fighters killed three policemen in the town of Dujail, north of Baghdad."
#       0    5        14     21    27        37 40  44   49 52    59



def unstamped(adoc: AnnotatedDocument) -> AnnotatedDocument:
    """``adoc`` without its ``updated`` time: a remove and a restore are two writes, each stamps the document."""
    return replace(adoc, document=replace(adoc.document, updated=""))

def spans_of(text: str) -> dict[str, tuple[int, int]]:
    out = {}
    for word in ("ISIS fighters", "killed", "three policemen", "Dujail", "Baghdad"):
        i = text.index(word)
        out[word] = (i, i + len(word))
    return out


@pytest.fixture
def project(tmp_path):
    p = Project.open(tmp_path / "p.db")
    p.annotator = "alice"
    p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT))])
    yield p
    p.close()


def add_die_event(project: Project) -> None:
    o = spans_of(TEXT)
    project.add_span("d1", Span("T1", "ORG", *o["ISIS fighters"]))
    project.add_span("d1", Span("T2", "PER", *o["three policemen"]))
    project.add_span("d1", Span("T3", "GPE", *o["Dujail"]))
    project.add_event(
        "d1",
        Event("E1", "Life.Die", "", arguments=[Argument("Agent", "T1"), Argument("Victim", "T2")]),
        trigger=Span("", "Life.Die", *o["killed"]),
    )
    project.add_argument("d1", "E1", Argument("Place", "T3"))


def test_new_project_file_has_wal_foreign_keys_timeout_and_version(tmp_path):
    path = tmp_path / "new.db"
    with Project.open(path) as p:
        assert p.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]
        assert "Conflict.Attack" in p.schema.event_types
    # the file is a plain SQLite database with the documented tables
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"documents", "spans", "events", "arguments", "relations", "project", "_sqlite_migrations"} <= tables


def test_not_a_project_file_is_refused(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("hello, I am not SQLite\n")
    with pytest.raises(StoreError, match="not an annotator project"):
        Project.open(bad)
    assert bad.read_text() == "hello, I am not SQLite\n"


def test_open_missing_without_create(tmp_path):
    with pytest.raises(StoreError, match="no such project file"):
        Project.open(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_document_fields_and_checksum(project):
    d = project.get_document("d1")
    assert d.text == TEXT and d.status == "new" and d.name == "d1"
    assert len(d.checksum) == 64 and d.created and d.updated


def test_span_is_stored_with_annotator_and_text(project):
    s = project.add_span("d1", Span("", "GPE", *spans_of(TEXT)["Dujail"]))
    assert s.id == "T1" and s.annotator == "alice"
    got = project.get_annotated("d1").spans
    assert [(x.id, x.label, TEXT[x.start:x.end], x.annotator) for x in got] == [("T1", "GPE", "Dujail", "alice")]
    # the first annotation moves the document from new to in progress
    assert project.get_document("d1").status == "in_progress"


@pytest.mark.parametrize("start,end", [(-1, 4), (5, 5), (10, 4), (0, len(TEXT) + 1)])
def test_offsets_outside_the_text_are_refused(project, start, end):
    with pytest.raises(StoreError, match="outside the text"):
        project.add_span("d1", Span("T1", "PER", start, end))
    assert project.get_annotated("d1").spans == []


def test_unknown_label_is_refused(project):
    with pytest.raises(StoreError, match="unknown entity type 'PERSON'"):
        project.add_span("d1", Span("T1", "PERSON", 0, 4))
    with pytest.raises(StoreError, match="unknown event type 'Life.Explode'"):
        project.add_event("d1", Event("", "Life.Explode", ""), trigger=Span("", "Life.Explode", 14, 20))
    assert project.get_annotated("d1").spans == []


def test_edits_past_the_end_or_to_an_unknown_type_are_refused(project):
    """The checks hold on every write, not only on add: update and event triggers too, by one character."""
    n = len(TEXT)
    s = project.add_span("d1", Span("", "GPE", n - 8, n - 1))        # "Baghdad"
    project.update_span("d1", s.id, end=n)                             # up to the very end is fine
    before = project.get_annotated("d1")
    with pytest.raises(StoreError, match="outside the text"):
        project.update_span("d1", s.id, end=n + 1)
    with pytest.raises(StoreError, match="unknown entity type 'PERSON'"):
        project.update_span("d1", s.id, label="PERSON")
    with pytest.raises(StoreError, match="outside the text"):
        project.add_event("d1", Event("", "Life.Die", ""), trigger=Span("", "Life.Die", n - 1, n + 1))
    assert project.get_annotated("d1") == before


def test_duplicate_span_id_is_refused(project):
    project.add_span("d1", Span("T1", "PER", 0, 4))
    with pytest.raises(StoreError, match="already used"):
        project.add_span("d1", Span("T1", "PER", 5, 13))


def test_event_with_trigger_and_arguments(project):
    add_die_event(project)
    adoc = project.get_annotated("d1")
    (ev,) = adoc.events
    assert ev.type == "Life.Die"
    trig = adoc.span_by_id()[ev.trigger]
    assert TEXT[trig.start:trig.end] == "killed" and trig.kind == "trigger"
    assert [(a.role, a.ref) for a in ev.arguments] == [("Agent", "T1"), ("Victim", "T2"), ("Place", "T3")]


def test_role_not_in_event_type_is_refused(project):
    add_die_event(project)
    with pytest.raises(StoreError, match="Attacker"):
        project.add_argument("d1", "E1", Argument("Attacker", "T1"))
    assert len(project.get_annotated("d1").events[0].arguments) == 3


def test_filler_type_not_allowed_is_refused(project):
    add_die_event(project)
    project.add_span("d1", Span("T9", "GPE", *spans_of(TEXT)["Baghdad"]))
    with pytest.raises(StoreError, match="Victim"):
        project.add_argument("d1", "E1", Argument("Victim", "T9"))


def test_cardinality_is_enforced(project):
    add_die_event(project)
    place = project.schema.event_types["Life.Die"].roles["Place"]
    assert place.max == 1
    project.add_span("d1", Span("T9", "GPE", *spans_of(TEXT)["Baghdad"]))
    with pytest.raises(StoreError, match="Place"):
        project.add_argument("d1", "E1", Argument("Place", "T9"))


def test_attribute_values_are_checked(project):
    add_die_event(project)
    project.update_event("d1", "E1", attributes={"Polarity": "Negative"})
    assert project.get_annotated("d1").events[0].attributes == {"Polarity": "Negative"}
    with pytest.raises(StoreError, match="Polarity"):
        project.update_event("d1", "E1", attributes={"Polarity": "Maybe"})
    with pytest.raises(StoreError, match="Colour"):
        project.update_event("d1", "E1", attributes={"Colour": "red"})


def test_removing_a_filler_cascades_and_restore_puts_it_back(project):
    add_die_event(project)
    project.add_span("d1", Span("T9", "GPE", *spans_of(TEXT)["Baghdad"]))
    rel_type = project.schema.allowed_relations("GPE", "GPE")
    assert rel_type, "the news schema relates GPE to GPE"
    project.add_relation("d1", Relation("R1", rel_type[0], "T3", "T9"))
    before = project.get_annotated("d1")

    removal = project.remove("d1", "T2")  # the Victim
    after = project.get_annotated("d1")
    assert "T2" not in after.span_by_id()
    assert [(a.role, a.ref) for a in after.events[0].arguments] == [("Agent", "T1"), ("Place", "T3")]

    project.restore(removal)
    assert unstamped(project.get_annotated("d1")) == unstamped(before)

    removal = project.remove("d1", "T3")  # Place and the relation's head
    after = project.get_annotated("d1")
    assert after.relations == []
    project.restore(removal)
    assert unstamped(project.get_annotated("d1")) == unstamped(before)


def test_removing_an_event_that_fills_a_role_and_restore_puts_the_argument_back(project):
    """A nested event: deleting the inner event cascades to the outer event's argument; restore undoes it in place."""
    text = "Police said that militants killed two men and attacked a post."
    project.import_documents([AnnotatedDocument(Document(id="d2", text=text))])
    at = {w: (text.index(w), text.index(w) + len(w)) for w in ("said", "killed", "attacked", "militants")}
    mil = project.add_span("d2", Span("", "ORG", *at["militants"]))
    die = project.add_event("d2", Event("", "Life.Die", "", arguments=[Argument("Agent", mil.id)]),
                            trigger=Span("", "Life.Die", *at["killed"]))
    attack = project.add_event("d2", Event("", "Conflict.Attack", "", arguments=[Argument("Attacker", mil.id)]),
                               trigger=Span("", "Conflict.Attack", *at["attacked"]))
    roles = project.schema.allowed_roles("Report", "Life.Die") if "Report" in project.schema.event_types else []
    assert roles, "the news schema's Report takes any event"
    report = project.add_event("d2", Event("", "Report", "", arguments=[
        Argument(roles[0], attack.id), Argument(roles[0], die.id)]), trigger=Span("", "Report", *at["said"]))
    before = project.get_annotated("d2")
    removal = project.remove("d2", die.id)
    after = project.get_annotated("d2")
    assert [(a.role, a.ref) for a in after.event_by_id()[report.id].arguments] == [(roles[0], attack.id)]
    assert die.id not in after.event_by_id()
    project.restore(removal)
    assert unstamped(project.get_annotated("d2")) == unstamped(before)
    # removing the shared filler takes an argument from two events; restore puts both back in place
    removal = project.remove("d2", mil.id)
    after = project.get_annotated("d2").event_by_id()
    assert after[die.id].arguments == [] and after[attack.id].arguments == []
    project.restore(removal)
    assert unstamped(project.get_annotated("d2")) == unstamped(before)


def test_removing_a_trigger_removes_its_event(project):
    add_die_event(project)
    before = project.get_annotated("d1")
    trig = before.events[0].trigger
    removal = project.remove("d1", trig)
    after = project.get_annotated("d1")
    assert after.events == [] and trig not in after.span_by_id()
    assert project.db.execute("SELECT count(*) FROM arguments").fetchone()[0] == 0
    project.restore(removal)
    assert unstamped(project.get_annotated("d1")) == unstamped(before)


def test_update_span_label_and_boundaries(project):
    s = project.add_span("d1", Span("", "PER", 0, 4))
    old = project.update_span("d1", s.id, label="ORG", end=13)
    assert old.label == "PER" and old.end == 4
    got = project.get_annotated("d1").spans[0]
    assert (got.label, TEXT[got.start:got.end]) == ("ORG", "ISIS fighters")
    with pytest.raises(StoreError, match="outside the text"):
        project.update_span("d1", s.id, end=10_000)


def test_relabel_that_breaks_an_argument_is_refused(project):
    add_die_event(project)
    # T2 fills Victim, which takes only PER
    with pytest.raises(StoreError, match="Victim"):
        project.update_span("d1", "T2", label="WEA")
    assert project.get_annotated("d1").span_by_id()["T2"].label == "PER"


def test_spans_in_range_and_counts(project):
    add_die_event(project)
    o = spans_of(TEXT)
    got = project.spans_in_range("d1", o["Dujail"][0] - 2, o["Dujail"][0] + 1)
    assert [s.id for s in got] == ["T3"]
    labels = project.counts_by_label()
    assert labels["ORG"] == 1 and labels["PER"] == 1 and labels["GPE"] == 1 and labels["Life.Die"] == 1
    assert project.counts_by_status()["in_progress"] == 1


def test_annotations_in_range_gives_overlapping_spans_and_what_touches_them(project):
    add_die_event(project)
    project.add_span("d1", Span("T9", "GPE", *spans_of(TEXT)["Baghdad"]))
    o = spans_of(TEXT)
    got = project.annotations_in_range("d1", o["Dujail"][0], o["Dujail"][1])
    assert [s.id for s in got.spans] == ["T3"]
    assert [e.id for e in got.events] == ["E1"]  # Dujail fills its Place
    assert got.relations == [] and got.document.text == TEXT
    assert project.annotations_in_range("d1", o["Baghdad"][0], o["Baghdad"][1]).events == []


def test_status_changes(project):
    assert project.set_status("d1", "done") == "new"
    assert project.get_document("d1").status == "done"
    with pytest.raises(StoreError, match="unknown status"):
        project.set_status("d1", "finished")


def test_import_is_all_or_nothing(project):
    good = AnnotatedDocument(Document(id="d2", text="Baghdad"), [Span("T1", "GPE", 0, 7)])
    bad = AnnotatedDocument(Document(id="d3", text="Mosul"), [Span("T1", "CITY", 0, 5)])
    with pytest.raises(StoreError, match="CITY"):
        project.import_documents([good, bad])
    assert project.document_ids() == ["d1"]
    assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


@pytest.mark.parametrize("span, message", [
    (Span("T1", "GPE", 0, 6), "offsets 0..6 are not a non-empty range of the text (need 0 <= start < end <= 5)"),
    (Span("T1", "PERSON", 0, 5), "entity label 'PERSON' is not an entity type"),
])
def test_import_of_a_model_document_is_validated(project, span, message):
    """Documents handed to the store (no file reader in between) are checked: end one past the text, unknown type."""
    good = AnnotatedDocument(Document(id="d2", text="Mosul"), [Span("T1", "GPE", 0, 5)])
    bad = AnnotatedDocument(Document(id="d3", text="Mosul"), [span])
    with pytest.raises(StoreError) as info:
        project.import_documents([good, bad])
    assert str(info.value) == f"document d3: T1: {message}"
    assert project.document_ids() == ["d1"]
    assert project.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


def test_import_refuses_existing_id_unless_replace(project):
    again = AnnotatedDocument(Document(id="d1", text="Other text"))
    with pytest.raises(StoreError, match="already exists"):
        project.import_documents([again])
    assert project.get_document("d1").text == TEXT
    project.import_documents([again], replace=True)
    assert project.get_document("d1").text == "Other text"


def test_iter_annotated_streams_in_order_and_filters_status(project):
    project.import_documents(
        AnnotatedDocument(Document(id=f"x{i}", text=f"Baghdad {i}", status="done" if i % 2 else "new"),
                          [Span("T1", "GPE", 0, 7)])
        for i in range(50)
    )
    it = project.iter_annotated()
    assert next(it).document.id == "d1"  # a generator: nothing is loaded up front
    ids = [a.document.id for a in project.iter_annotated(["done"])]
    assert ids == [f"x{i}" for i in range(50) if i % 2]
    assert all(len(a.spans) == 1 for a in project.iter_annotated(["done"]))


def test_set_schema_refused_while_annotations_would_break(project, tmp_path):
    add_die_event(project)
    small = Schema.from_toml(textwrap.dedent("""
        [entities.PER]
        color = "#aaccff"
    """).strip() + "\n")
    with pytest.raises(SchemaConflict) as info:
        project.set_schema(small)
    msg = str(info.value)
    assert "d1" in msg and "ORG" in msg and "Life.Die" in msg
    assert "Life.Die" in project.schema.event_types  # unchanged


def test_reopen_shows_the_same(tmp_path):
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT))])
        add_die_event(p)
        before = p.get_annotated("d1")
    with Project.open(path) as p:
        assert p.get_annotated("d1") == before


def test_a_write_survives_a_crash(tmp_path):
    """A child process writes a span and dies without closing: the span is there."""
    path = tmp_path / "crash.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT))])
    code = textwrap.dedent(f"""
        import os
        from annotator.store import Project
        from annotator.model import Span
        p = Project.open({str(path)!r})
        p.add_span("d1", Span("", "GPE", 52, 58))
        os._exit(9)
    """)
    r = subprocess.run([sys.executable, "-c", code])
    assert r.returncode == 9
    with Project.open(path) as p:
        assert [(s.label, TEXT[s.start:s.end]) for s in p.get_annotated("d1").spans] == [("GPE", "Dujail")]
