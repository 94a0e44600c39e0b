"""The view's span index (SpanIndex) through slices, single adds and removals: always what a plain scan gives."""
from __future__ import annotations

import random

from annotator.model import Span
from annotator.qt.span_index import LONG_SPAN, SpanIndex
from test_progressive_open import load_fully, long_window  # noqa: F401  (a fixture)


def scan(spans: dict[str, Span], cs: int, ce: int) -> set[str]:
    """The spans overlapping code points [cs, ce] as SpanIndex.between defines it, by looking at each."""
    return {sid for sid, sp in spans.items() if sp.start <= ce and (sp.end > cs or sp.start >= cs)}


def test_slices_adds_and_removals_match_a_scan():
    rng = random.Random(11)
    index = SpanIndex(lambda cp: cp)
    held: dict[str, Span] = {}
    n = 0

    def new_span() -> Span:
        nonlocal n
        n += 1
        start = rng.randrange(0, 5000)
        length = rng.choice([1, 3, 8, 20, LONG_SPAN + 5]) if rng.random() < 0.1 else rng.randrange(1, 12)
        return Span(f"T{n}", "PER", start, start + length)

    index.build([], lambda cp: cp)
    for step in range(300):
        op = rng.random()
        if op < 0.35:  # a slice: in text order, as the loader gives them, or not
            batch = [new_span() for _ in range(rng.randrange(1, 40))]
            if rng.random() < 0.7:
                batch.sort(key=lambda s: s.start)
            index.add_many(batch)
            held.update((s.id, s) for s in batch)
        elif op < 0.6:
            sp = new_span()
            index.add(sp)
            held[sp.id] = sp
        elif held:
            sid = rng.choice(sorted(held))
            index.view_pieces(sid)  # cached pieces must go with it
            index.remove(sid)
            del held[sid]
        assert index.spans == held, f"step {step}"
        for _ in range(5):
            cs = rng.randrange(0, 5100)
            ce = cs + rng.randrange(0, 60)
            got = index.between(cs, ce)
            assert sorted(got) == sorted(scan(held, cs, ce)), f"step {step}: [{cs}, {ce}]"
            assert len(got) == len(set(got))


def test_a_slice_with_a_long_span():
    index = SpanIndex(lambda cp: cp)
    index.build([Span("T1", "PER", 0, 4)], lambda cp: cp)
    index.add_many([Span("T3", "PER", 10, 12), Span("T2", "PER", 11, 30 + LONG_SPAN)])
    assert sorted(index.between(11, 11)) == ["T2", "T3"]
    assert sorted(index.between(20 + LONG_SPAN, 20 + LONG_SPAN)) == ["T2"]


def test_a_sliced_load_counts_its_entities(long_window):
    """The document state's entity count after a load in slices is the document's (the status bar shows it)."""
    w, adoc, _where, _path = long_window
    load_fully(w)
    n_entities = sum(1 for s in adoc.spans if s.kind == "entity")
    assert w.session.current.counts() == (n_entities, len(adoc.events), 0)
    assert len(w.session.current.spans) == len(adoc.spans)
