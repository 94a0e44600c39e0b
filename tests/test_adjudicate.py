"""adjudicate: taking A's or B's version into the gold layer of a real project file, accept all agreements, undo, refusals."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator import adjudicate
from annotator.adjudicate import Refused
from annotator.model import TRIGGER, AnnotatedDocument, Document, Span
from annotator.store import Project
from test_compare import TEXT, bob, dana

# Militants 0-9, attacked 10-18, Tikrit 19-25, Monday 29-35, killed 40-46, seven police 47-59, seven 47-52


def write_layer(p: Project, layer: str, adoc: AnnotatedDocument) -> None:
    """Write ``adoc``'s annotations (ids as given) into ``layer`` of document d1, one store call each."""
    p.annotator = layer
    with p.in_layer(layer):
        for s in adoc.spans:
            if s.kind != TRIGGER:
                p.add_span("d1", s)
        spans = adoc.span_by_id()
        for e in adoc.events:
            p.add_event("d1", e, spans[e.trigger])
        for r in adoc.relations:
            p.add_relation("d1", r)


def build_project(path: Path) -> Path:
    """A project with document d1 and the layers "Dana" (= dana()) and "Bob" (= bob()); gold empty."""
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document("d1", TEXT, name="Militants attack"))])
        write_layer(p, "Dana", dana())
        write_layer(p, "Bob", bob())
    return path


@pytest.fixture
def project(tmp_path):
    p = Project.open(build_project(tmp_path / "adj.db"))
    p.annotator = "Lead"
    yield p
    p.close()


def gold_rows(path: Path) -> dict[str, list[tuple]]:
    """The gold layer as stored in the file, by offsets and labels (read with sqlite3, not the store)."""
    con = sqlite3.connect(path)
    try:
        q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
        return {
            "spans": q("SELECT start, \"end\", kind, label, annotator FROM spans WHERE layer = 'gold'"),
            "events": q("SELECT s.start, s.\"end\", e.type FROM events e JOIN spans s ON s.pk = e.trigger "
                        "WHERE e.layer = 'gold'"),
            "arguments": q("SELECT t.start, a.role, f.start, f.\"end\" FROM arguments a JOIN events e ON e.pk = a.event "
                           "JOIN spans t ON t.pk = e.trigger JOIN spans f ON f.pk = a.filler_span "
                           "WHERE e.layer = 'gold'"),
            "relations": q("SELECT h.start, t.start, r.type FROM relations r JOIN spans h ON h.pk = r.head "
                           "JOIN spans t ON t.pk = r.tail WHERE r.layer = 'gold'"),
        }
    finally:
        con.close()


EMPTY = {"spans": [], "events": [], "arguments": [], "relations": []}


def take(p: Project, key: str, which: str, **kw) -> adjudicate.Take:
    return adjudicate.take(p, "d1", "Dana", "Bob", key, which, **kw)


def test_taking_a_disagreed_entity_writes_that_version_into_gold_and_undo_takes_it_out(project):
    done = take(project, "entity 0-9", "A")
    assert gold_rows(project.path) == {**EMPTY, "spans": [(0, 9, "entity", "PER", "Dana")]}
    assert done.layer == "gold" and len(done.added) == 1
    assert done.message == "Took A's entity PER into gold"
    # the annotators' layers are untouched
    assert [(s.label, s.start) for s in project.get_annotated("d1", layer="Dana").entities][0] == ("PER", 0)
    adjudicate.undo(project, done)
    assert gold_rows(project.path) == EMPTY


def test_the_other_version_is_refused_with_the_conflict_named_then_replaces_when_asked(project):
    take(project, "entity 0-9", "A")
    before = gold_rows(project.path)
    with pytest.raises(Refused) as refused:
        take(project, "entity 0-9", "B")
    assert 'gold has T1 PER at 0-9 "Militants" where B has ORG: nothing was taken' in refused.value.message
    assert refused.value.conflicts == ["T1"]
    assert gold_rows(project.path) == before
    done = take(project, "entity 0-9", "B", replace=True)
    assert gold_rows(project.path)["spans"] == [(0, 9, "entity", "ORG", "Bob")]  # relabelled, now Bob's version
    adjudicate.undo(project, done)
    assert gold_rows(project.path) == before


def test_an_argument_brings_its_event_with_the_trigger_and_its_filler(project):
    done = take(project, "argument 10-18>47-59", "A")
    assert gold_rows(project.path) == {
        "spans": [(10, 18, "trigger", "Conflict.Attack", "Dana"), (47, 59, "entity", "PER", "Dana")],
        "events": [(10, 18, "Conflict.Attack")],
        "arguments": [(10, "Target", 47, 59)],
        "relations": [],
    }
    # B's role for the same slot conflicts; replace changes the role of the same argument
    with pytest.raises(Refused, match="has T2 as Target where B has Attacker"):
        take(project, "argument 10-18>47-59", "B")
    again = take(project, "argument 10-18>47-59", "B", replace=True)
    assert gold_rows(project.path)["arguments"] == [(10, "Attacker", 47, 59)]
    adjudicate.undo(project, again)
    assert gold_rows(project.path)["arguments"] == [(10, "Target", 47, 59)]
    adjudicate.undo(project, done)
    assert gold_rows(project.path) == EMPTY


def test_an_argument_reuses_the_gold_filler_and_event_already_there(project):
    take(project, "entity 47-59", "B")
    take(project, "event 10-18", "B")
    before = gold_rows(project.path)
    done = take(project, "argument 10-18>47-59", "A")
    assert [s[0] for s in done.steps] == ["arg"]  # nothing else was copied
    after = gold_rows(project.path)
    assert after["spans"] == before["spans"] and after["events"] == before["events"]
    assert after["arguments"] == [(10, "Target", 47, 59)]


def test_a_refusal_half_way_writes_nothing(project):
    # gold holds Tikrit as PER (written here by hand), which cannot fill Place: the event would be copied first
    with project.in_layer("gold"):
        project.add_span("d1", Span("", "PER", 19, 25))
    before = gold_rows(project.path)
    with pytest.raises(Refused, match="gold cannot take A's argument: .*Place.*; nothing was taken"):
        take(project, "argument 10-18>19-25", "A")
    assert gold_rows(project.path) == before  # no trigger, no event left behind


def test_an_argument_joins_gold_s_own_span_in_that_place_whatever_its_label(project):
    take(project, "entity 0-9", "B")  # gold: ORG at 0-9, A's filler there is PER
    take(project, "argument 10-18>0-9", "A")
    assert gold_rows(project.path)["arguments"] == [(10, "Attacker", 0, 9)]
    assert gold_rows(project.path)["spans"] == [(0, 9, "entity", "ORG", "Bob"),
                                                (10, 18, "trigger", "Conflict.Attack", "Dana")]


def test_a_relation_brings_both_ends(project):
    done = take(project, "relation 0-9>19-25", "A")
    assert gold_rows(project.path) == {
        **EMPTY,
        "spans": [(0, 9, "entity", "PER", "Dana"), (19, 25, "entity", "GPE", "Dana")],
        "relations": [(0, 19, "PHYS")],
    }
    adjudicate.undo(project, done)
    assert gold_rows(project.path) == EMPTY


def test_taking_the_side_that_has_nothing_removes_the_other_version_from_gold(project):
    with pytest.raises(Refused, match="B has no entity at 29-35 and gold has none either: nothing to take"):
        take(project, "entity 29-35", "B")
    take(project, "entity 29-35", "A")
    assert gold_rows(project.path)["spans"] == [(29, 35, "entity", "TIME", "Dana")]
    done = take(project, "entity 29-35", "B")
    assert gold_rows(project.path) == EMPTY
    adjudicate.undo(project, done)
    assert gold_rows(project.path)["spans"] == [(29, 35, "entity", "TIME", "Dana")]


def test_a_version_already_in_gold_and_an_unknown_key_are_refused(project):
    take(project, "event 40-46", "B")
    before = gold_rows(project.path)
    with pytest.raises(Refused, match="gold already has B's event Life.Injure: nothing to take"):
        take(project, "event 40-46", "B")
    with pytest.raises(Refused, match="no compared item 'entity 1-2'"):
        take(project, "entity 1-2", "A")
    with pytest.raises(Refused, match="take A or B, not 'C'"):
        take(project, "entity 0-9", "C")
    assert gold_rows(project.path) == before


def test_accept_all_agreements_copies_what_both_agree_on_and_leaves_what_needs_a_decision(project):
    done = adjudicate.accept_agreements(project, "d1", "Dana", "Bob")
    assert gold_rows(project.path) == {
        "spans": [(10, 18, "trigger", "Conflict.Attack", "Dana"), (19, 25, "entity", "GPE", "Dana"),
                  (47, 59, "entity", "PER", "Dana")],
        "events": [(10, 18, "Conflict.Attack")],
        "arguments": [(10, "Place", 19, 25)],
        "relations": [],
    }
    # Attacker's filler (0-9) and Victim's event (40-46) are disagreements: left for the adjudicator
    assert [k for k, _ in done.skipped] == ["argument 10-18>0-9", "argument 40-46>47-59"]
    assert "is not in gold" in done.skipped[0][1]
    assert done.message.startswith("Accepted 4 agreements into gold; 2 left out")
    before = gold_rows(project.path)
    with pytest.raises(Refused, match=r"gold already holds every agreement it can take \(2 cannot be taken: .*"
                                      r"nothing was taken"):
        adjudicate.accept_agreements(project, "d1", "Dana", "Bob")
    assert gold_rows(project.path) == before
    # once the disagreements are decided, the rest of the agreements go in
    take(project, "entity 0-9", "B")
    take(project, "event 40-46", "A")
    more = adjudicate.accept_agreements(project, "d1", "Dana", "Bob")
    assert more.skipped == []
    assert sorted(gold_rows(project.path)["arguments"]) == [(10, "Attacker", 0, 9), (10, "Place", 19, 25),
                                                            (40, "Victim", 47, 59)]
    adjudicate.undo(project, more)
    adjudicate.undo(project, done)
    assert gold_rows(project.path)["arguments"] == []
    assert gold_rows(project.path)["spans"] == [(0, 9, "entity", "ORG", "Bob"),
                                                (40, 46, "trigger", "Life.Die", "Dana")]


def test_comparing_with_gold_itself_takes_a_into_gold(project):
    take(project, "entity 0-9", "B")  # gold: ORG 0-9
    done = adjudicate.take(project, "d1", "Dana", "gold", "entity 0-9", "A", replace=True)
    assert gold_rows(project.path)["spans"] == [(0, 9, "entity", "PER", "Dana")]
    adjudicate.undo(project, done)
    assert gold_rows(project.path)["spans"] == [(0, 9, "entity", "ORG", "Bob")]


def test_a_read_only_project_refuses_in_one_line_naming_the_file(tmp_path):
    path = build_project(tmp_path / "ro.db")
    with Project.open(path, read_only=True) as p:
        with pytest.raises(Refused) as refused:
            adjudicate.take(p, "d1", "Dana", "Bob", "entity 0-9", "A")
    assert str(path) in refused.value.message and "\n" not in refused.value.message
    assert gold_rows(path) == EMPTY
