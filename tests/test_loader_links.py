"""The links a loaded slice brings (Linker.links_for) are what each annotation's own links are (Linker.links_of)."""
from __future__ import annotations

from annotator.model import Argument
from test_events_ui import annotate_seed_events, settings, window  # noqa: F401  (fixtures)


def test_links_for_a_slice_are_each_annotations_links_in_order(window):
    w = window
    ids = annotate_seed_events(w)  # arguments on entities, one on a nested event (a report's content)
    cur = w.session.current
    per = next(s.id for s in cur.spans.values() if s.label == "PER")
    org = next(s.id for s in cur.spans.values() if s.label == "ORG")
    rel = w.session.add_relation("ORG-AFF", per, org)
    assert rel
    ev = cur.events[ids["die3"]]
    ev.arguments.append(Argument("Place", "T9999"))  # a filler not in the document: no link, as links_of
    order = [*cur.events, rel, "E9999"]
    linker = w.linker
    expected = [lk for i in order for lk in linker.links_of(cur, i)]
    owners = {i: tuple(lk.id for lk in linker.links_of(cur, i)) for i in order}
    linker._owned = {}
    got = linker.links_for(cur, order)
    assert got == expected
    assert any(lk.target == cur.events[ids["att2"]].trigger for lk in got)  # the nested event's trigger
    assert linker._owned == {i: lids for i, lids in owners.items() if lids}
