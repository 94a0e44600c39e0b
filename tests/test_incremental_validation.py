"""Incremental validation equals a full validation after random sequences of edits.

Two levels: random mutations of a document held in memory (anything at all:
dangling references, duplicate ids across kinds, cycles of nested events,
wrong labels), and random edits through the GUI's Session on a real project
file (what the window does: tag, relabel, add and remove arguments and
relations, delete with its cascade, undo, redo), where the validation panel's
incremental problems are compared with validate_document of the same state.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.docstate import DocState
from annotator.schema import Schema
from annotator.validate import validate_document
from annotator.validate_incremental import IncrementalValidation, display_order

SCHEMA = Schema.from_toml(
    """
name = "inc"
[entities.PER]
color = "#aaccee"
[entities.LOC]
color = "#cceeaa"
[events.Say]
color = "#ffcc99"
roles.Speaker = { types = ["PER"], cardinality = "one" }
roles.Content = { types = ["Die", "Say"], cardinality = "any" }
[events.Die]
color = "#ff9999"
roles.Victim = { types = ["PER"], cardinality = "one" }
roles.Place = ["LOC"]
[relations.IN]
head = ["PER"]
tail = ["LOC"]
[relations.KIN]
head = ["PER"]
tail = ["PER"]
symmetric = true
""",
    "inc.toml",
)
TEXT = "Ann said Bob died in Rome. Cy said Ann met Bob in Oslo. Dee told Eve that Cy died in Pisa yesterday."
LABELS = ["PER", "LOC", "Say", "Die", "GPE"]  # GPE: not in this schema
ROLES = ["Speaker", "Content", "Victim", "Place", "Nope"]


def key(p) -> tuple:  # noqa: ANN001
    return (p.severity, p.ref, p.message)


def same(inc: IncrementalValidation, state: DocState) -> None:
    full = validate_document(SCHEMA, state.annotated())
    assert Counter(map(key, inc.problems())) == Counter(map(key, full))
    assert [key(p) for p in display_order(inc.problems())] == [key(p) for p in display_order(full)]


def start_state() -> DocState:
    spans = [Span("T1", "PER", 0, 3), Span("T2", "Say", 4, 8, kind=TRIGGER), Span("T3", "PER", 9, 12),
             Span("T4", "Die", 13, 17, kind=TRIGGER), Span("T5", "LOC", 21, 25)]
    events = [Event("E1", "Say", "T2", [Argument("Speaker", "T1"), Argument("Content", "E2")]),
              Event("E2", "Die", "T4", [Argument("Victim", "T3"), Argument("Place", "T5")])]
    relations = [Relation("R1", "IN", "T3", "T5")]
    return DocState(AnnotatedDocument(Document(id="d", text=TEXT), spans, events, relations))


def random_edit(rng: random.Random, st_: DocState) -> set[str]:
    """One arbitrary change to the DocState's dicts (the way Session.refresh swaps annotations); returns the ids."""
    ids = [*st_.spans, *st_.events, *st_.relations]
    pool = ids + ["T99", "E99", "R99", "X"]
    op = rng.randrange(12)
    if op == 0:  # a new span (maybe reusing an id of another kind)
        a = rng.randrange(len(TEXT) - 1)
        kind = rng.choice(["entity", "entity", TRIGGER, "weird"])
        sid = rng.choice([f"T{rng.randrange(1, 30)}", rng.choice(pool)])
        if sid in st_.spans:
            sid = f"T{100 + len(st_.spans)}"
        st_.spans[sid] = Span(sid, rng.choice(LABELS), a, a + rng.randrange(-1, 8), kind=kind)
        return {sid}
    if op == 1 and st_.spans:  # relabel a span
        sid = rng.choice(list(st_.spans))
        st_.spans[sid] = replace(st_.spans[sid], label=rng.choice(LABELS))
        return {sid}
    if op == 2 and st_.spans:  # flip its kind
        sid = rng.choice(list(st_.spans))
        s = st_.spans[sid]
        st_.spans[sid] = replace(s, kind="entity" if s.kind == TRIGGER else TRIGGER)
        return {sid}
    if op == 3:  # a new event
        eid = rng.choice([f"E{rng.randrange(1, 30)}", rng.choice(pool)])
        if eid in st_.events:
            eid = f"E{100 + len(st_.events)}"
        args = [Argument(rng.choice(ROLES), rng.choice(pool)) for _ in range(rng.randrange(3))]
        st_.events[eid] = Event(eid, rng.choice(LABELS), rng.choice(pool), args)
        return {eid}
    if op in (4, 5) and st_.events:  # add, change or drop an argument
        eid = rng.choice(list(st_.events))
        ev = st_.events[eid]
        args = list(ev.arguments)
        if args and rng.random() < 0.4:
            del args[rng.randrange(len(args))]
        elif args and rng.random() < 0.5:
            args[rng.randrange(len(args))] = Argument(rng.choice(ROLES), rng.choice(pool))
        else:
            args.insert(rng.randrange(len(args) + 1), Argument(rng.choice(ROLES), rng.choice(pool)))
        st_.events[eid] = replace(ev, arguments=args)
        return {eid}
    if op == 6 and st_.events:  # retype an event, or move its trigger
        eid = rng.choice(list(st_.events))
        ev = st_.events[eid]
        st_.events[eid] = replace(ev, type=rng.choice(LABELS)) if rng.random() < 0.5 \
            else replace(ev, trigger=rng.choice(pool))
        return {eid}
    if op == 7:  # a relation
        rid = rng.choice([f"R{rng.randrange(1, 30)}", rng.choice(pool)])
        if rid in st_.relations:
            rid = f"R{100 + len(st_.relations)}"
        st_.relations[rid] = Relation(rid, rng.choice(["IN", "KIN", "NOPE"]), rng.choice(pool), rng.choice(pool))
        return {rid}
    if op == 8 and st_.relations:
        rid = rng.choice(list(st_.relations))
        r = st_.relations[rid]
        st_.relations[rid] = replace(r, head=rng.choice(pool)) if rng.random() < 0.5 \
            else replace(r, type=rng.choice(["IN", "KIN", "NOPE"]))
        return {rid}
    if op in (9, 10) and ids:  # delete one annotation (no cascade: dangling references stay)
        x = rng.choice(ids)
        st_.spans.pop(x, None) or st_.events.pop(x, None) or st_.relations.pop(x, None)
        return {x}
    if op == 11 and len(st_.events) >= 2:  # make two events fill each other (a cycle)
        a, b = rng.sample(list(st_.events), 2)
        st_.events[a] = replace(st_.events[a], arguments=[*st_.events[a].arguments, Argument("Content", b)])
        st_.events[b] = replace(st_.events[b], arguments=[*st_.events[b].arguments, Argument("Content", a)])
        return {a, b}
    return set()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_incremental_equals_full_after_random_mutations(seed, n):
    rng = random.Random(seed)
    state = start_state()
    inc = IncrementalValidation(SCHEMA, state)
    same(inc, state)
    for _ in range(n):
        ids = random_edit(rng, state)
        inc.update(ids)
        same(inc, state)
    same(IncrementalValidation(SCHEMA, state), state)  # a whole build of the edited state: its fast paths
    stepped = IncrementalValidation.__new__(IncrementalValidation)
    stepped.schema, stepped.doc = SCHEMA, state
    steps = stepped.build_steps(every=2)
    next(steps, None)
    ids = random_edit(rng, state)  # an edit between two steps of a build, taken in afterwards
    for _ in steps:
        pass
    stepped.update(ids)
    same(stepped, state)


def test_only_the_touched_neighbourhood_is_rechecked():
    """Relabelling a filler re-checks the event that names it: the new error appears without a rebuild."""
    state = start_state()
    inc = IncrementalValidation(SCHEMA, state)
    assert inc.problems() == []
    state.spans["T3"] = replace(state.spans["T3"], label="LOC")  # Bob is now a place: Victim takes PER
    assert inc.update({"T3"}) is True
    refs = sorted((p.ref or "") for p in inc.problems())
    assert refs == ["E2", "R1"]  # the event's Victim and the relation's head, nothing else
    state.spans["T3"] = replace(state.spans["T3"], label="PER")
    assert inc.update({"T3"}) is True and inc.problems() == []


def test_a_cycle_appears_and_goes_with_the_edits():
    state = start_state()
    inc = IncrementalValidation(SCHEMA, state)
    state.events["E3"] = Event("E3", "Say", "T2", [Argument("Speaker", "T1"), Argument("Content", "E1")])
    state.events["E1"] = replace(state.events["E1"], arguments=[*state.events["E1"].arguments,
                                                                  Argument("Content", "E3")])
    inc.update({"E3", "E1"})
    assert any("cycle" in p.message for p in inc.problems())
    same(inc, state)
    del state.events["E3"]
    inc.update({"E3"})
    assert not any("cycle" in p.message for p in inc.problems())
    same(inc, state)


# ---------------------------------------------------------------------------- a real project, the real session

@pytest.fixture
def session(qapp, tmp_path):
    from annotator.qt.session import Session
    from annotator.store import Project

    p = Project.open(tmp_path / "p.db", schema=SCHEMA)
    st0 = start_state()
    p.import_documents([st0.annotated()])
    s = Session(p)
    yield s
    s.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_panel_problems_equal_full_validation_after_random_session_edits(qapp, session, seed):
    """Edits through the Session on a real SQLite project; the panel follows each Change incrementally."""
    from annotator.qt.validation import ValidationPanel

    s = session
    s.undo_stack.clear()
    s.open_document("d")
    panel = ValidationPanel(s)
    rebuilds = []
    orig = panel._inc_rebuild
    panel._inc_rebuild = lambda: (rebuilds.append(1), orig())[1]
    rng = random.Random(seed)
    for _ in range(25):
        cur = s.current
        ents = [x for x, sp in cur.spans.items() if sp.kind == "entity"]
        op = rng.randrange(9)
        if op == 0:
            a = rng.randrange(len(TEXT) - 6)
            s.add_annotation(a, a + rng.randrange(1, 6), rng.choice(["PER", "LOC", "Say", "Die"]))
        elif op == 1 and ents:
            s.set_label(rng.choice(ents), rng.choice(["PER", "LOC"]))
        elif op == 2 and cur.events and ents:
            s.add_argument(rng.choice(list(cur.events)), rng.choice(ROLES[:4]), rng.choice(ents + list(cur.events)))
        elif op == 3 and cur.events:
            eid = rng.choice(list(cur.events))
            if cur.events[eid].arguments:
                s.remove_argument(eid, rng.randrange(len(cur.events[eid].arguments)))
        elif op == 4 and len(ents) >= 2:
            s.add_relation(rng.choice(["IN", "KIN"]), *rng.sample(ents, 2))
        elif op == 5:
            ids = [*cur.spans, *cur.events, *cur.relations]
            if ids:
                s.remove_annotation(rng.choice(ids))
        elif op == 6:
            s.undo_stack.undo()
        elif op == 7:
            s.undo_stack.redo()
        elif op == 8 and cur.events:
            s.set_label(rng.choice(list(cur.events)), rng.choice(["Say", "Die"]))
        full = validate_document(SCHEMA, s.current.annotated())
        assert [key(p) for p in panel.problems()] == [key(p) for p in display_order(full)]
        assert panel.counts() == _counts(full)
    assert rebuilds == []  # every edit was taken in incrementally: no whole-document validation
    panel.deleteLater()


def _counts(problems) -> tuple[int, int]:  # noqa: ANN001
    """(errors, events with an incomplete role), computed here, not through the code under test."""
    return (sum(1 for p in problems if p.severity == "error"),
            len({p.ref for p in problems if p.severity == "incomplete"}))


def test_a_long_document_is_validated_in_steps_and_edits_made_meanwhile_count(qapp, qtbot, session, monkeypatch):
    """Above AT_ONCE annotations the first validation runs in steps on the event loop; an edit made
    between two steps is taken in when they end, and the result equals a whole validation."""
    from annotator.qt.validation import ValidationPanel

    monkeypatch.setattr(ValidationPanel, "AT_ONCE", 0)
    monkeypatch.setattr(ValidationPanel, "STEP_MS", 0.0)  # one step per turn of the event loop
    s = session
    s.open_document("d")
    panel = ValidationPanel(s)
    assert panel.summary.text() == "Checking…" and panel._steps is not None
    new = s.add_annotation(*(lambda i: (i, i + 4))(TEXT.index("told")), "Die")  # a Die without its Victim
    assert new is not None
    qtbot.waitUntil(lambda: panel._steps is None, timeout=5000)
    full = validate_document(SCHEMA, s.current.annotated())
    assert [key(p) for p in panel.problems()] == [key(p) for p in display_order(full)]
    assert any(p.ref == new and p.severity == "incomplete" for p in panel.problems())
    assert panel.summary.text() == "1 incomplete event"
    panel.deleteLater()
