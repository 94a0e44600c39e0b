"""The indexes an edit reads instead of scanning: events by trigger, and the paragraphs' prefix heights.

Every expected value is computed here by the plain scan or sum the index replaces.
"""
from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QObject

from annotator.model import TRIGGER, Event
from annotator.qt.event_map import EventMap
from annotator.qt.para_stack import HeightSums
from annotator.qt.session import Session
from annotator.store import Project
from test_mainwindow import make_project

# ---------------------------------------------------------------- paragraph heights


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=80),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(-60, 200)), max_size=40),
       st.lists(st.integers(-50, 20_000), max_size=20))
def test_height_sums_agree_with_adding_up_every_height(heights, changes, ys):
    hs = [float(h) for h in heights]
    sums = HeightSums(hs)
    for i, d in changes:
        p = i % len(hs)
        d = max(d, -hs[p])  # a height never goes below zero
        hs[p] += d
        sums.add(p, float(d))
    tops = [0.0, *accumulate(hs)]
    for p in range(len(hs) + 1):
        assert sums.prefix(p) == pytest.approx(tops[p])
    for y in ys:
        assert tops[sums.find(float(y))] <= max(float(y), 0.0) or sums.find(float(y)) == 0
        expected = bisect_right(tops, y) - 1  # the paragraph whose rows hold y (ties: the later one)
        expected = min(max(expected, 0), len(hs))
        got = sums.find(float(y))
        assert tops[got] == pytest.approx(tops[expected])  # zero-height paragraphs may tie


# ---------------------------------------------------------------- events by trigger

TRIGGERS = [f"T{i}" for i in range(5)]


def _scan(events: dict[str, Event], sid: str) -> list[str]:
    return [e.id for e in events.values() if e.trigger == sid]


ops = st.lists(st.tuples(st.sampled_from(("set", "pop", "del", "update", "setdefault", "clear", "ask", "popitem")),
                         st.integers(0, 7), st.sampled_from(TRIGGERS)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_event_map_answers_as_a_scan_after_any_changes(steps):
    m = EventMap()
    plain: dict[str, Event] = {}
    for op, i, trig in steps:
        eid = f"E{i}"
        if op == "set":
            m[eid] = plain[eid] = Event(eid, "Attack", trig)
        elif op == "pop":
            assert (m.pop(eid, None) is None) == (plain.pop(eid, None) is None)
        elif op == "del" and eid in plain:
            del m[eid]
            del plain[eid]
        elif op == "update":
            new = {eid: Event(eid, "Die", trig), f"E{(i + 3) % 8}": Event(f"E{(i + 3) % 8}", "Die", TRIGGERS[0])}
            m.update(new)
            plain.update(new)
        elif op == "setdefault":
            ev = Event(eid, "Meet", trig)
            assert m.setdefault(eid, ev) is plain.setdefault(eid, ev)
        elif op == "clear":
            m.clear()
            plain.clear()
        elif op == "popitem" and plain:
            k, _ = m.popitem()
            del plain[k]
        else:  # ask: builds the index from here on
            assert [e.id for e in m.of_trigger(trig)] == _scan(plain, trig)
        assert dict(m) == plain
    for t in TRIGGERS:
        assert sorted(e.id for e in m.of_trigger(t)) == sorted(_scan(plain, t))


def test_the_documents_events_by_trigger_stay_right_through_random_edits_undo_and_redo(tmp_path):
    """A real project and session: tag events and entities, add arguments, relabel, delete, undo, redo."""
    path = make_project(tmp_path / "p.db")
    parent = QObject()
    s = Session(Project.open(path), parent)
    s.open_document(s.project.document_ids()[0])
    s.ensure_loaded()
    rng = random.Random(4)
    text = s.current.text
    words = [(m_start, m_start + len(w)) for m_start, w in _words(text)]
    event_types = ["Conflict.Attack", "Life.Die", "Justice.Arrest-Jail"]
    asked = False
    for step in range(120):
        cur = s.current
        r = rng.random()
        if r < 0.3:
            a, b = rng.choice(words)
            s.add_annotation(a, b, rng.choice(event_types + ["PER", "GPE"]))
        elif r < 0.4 and cur.events and any(sp.kind != TRIGGER for sp in cur.spans.values()):
            ev = rng.choice(sorted(cur.events))
            roles = s.project.schema.allowed_roles(cur.events[ev].type, "PER")
            ents = sorted(k for k, sp in cur.spans.items() if sp.kind != TRIGGER and sp.label == "PER")
            if roles and ents:
                s.add_argument(ev, roles[0], rng.choice(ents))
        elif r < 0.5 and cur.events:
            ev = rng.choice(sorted(cur.events))
            s.set_label(cur.events[ev].trigger, rng.choice(event_types))
        elif r < 0.65 and cur.spans:
            s.remove_annotation(rng.choice(sorted(cur.spans)))
        elif r < 0.85:
            s.undo_stack.undo()
        else:
            s.undo_stack.redo()
        cur = s.current
        if step % 7 == 0 or asked:  # the index is built when first asked, then kept up to date
            asked = True
            stored = s.project.get_annotated(cur.id)
            for sid in {sp.id for sp in stored.spans} | set(cur.spans):
                expected = sorted(e.id for e in stored.events if e.trigger == sid)
                assert sorted(e.id for e in cur.events_of_trigger(sid)) == expected, (step, sid)
                assert [e.id for e in cur.events_of_trigger(sid)] == _scan(cur.events, sid)
    s.close()


def _words(text: str) -> list[tuple[int, str]]:
    out = []
    i = 0
    for w in text.split(" "):
        core = w.strip(".,;:\n\"'()")
        if core.isalpha() and len(core) > 2:
            out.append((i + w.index(core), core))
        i += len(w) + 1
    return out
