"""The view's arc layer (ArcLayer over LinkIndex): which link ends each paragraph gets, arc geometry,
stubs for a given visible range, highlight and arcs-only mode, hit tests.

The LinkIndex tests need no widget; the ArcLayer tests use a real AnnotationView
and hand it explicit frames (the paragraphs on screen and their y) instead of scrolling.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from annotator.model import Span
from annotator.qt.arcs import Link
from annotator.qt.link_index import LinkIndex
from annotator.qt.textview import AnnotationView

ALL = lambda _lk: True  # noqa: E731 - every link is drawn


# ---------------------------------------------------------------- LinkIndex, no widget
def spans_at(**starts: int) -> dict[str, Span]:
    return {sid: Span(sid, "PER", s, s + 3) for sid, s in starts.items()}


def ends(index: LinkIndex, cs: int, ce: int) -> set[tuple[str, bool, bool, bool]]:
    return {(e.link.id, e.is_source, e.other_here, e.other_after) for e in index.ends_between(cs, ce, ALL)}


def test_link_index_gives_each_paragraph_its_ends():
    spans = spans_at(S1=10, S2=50, S3=250)
    index = LinkIndex(lambda: spans, lambda cp: cp // 100)  # a paragraph every 100 code points
    index.set_links([
        Link("K1", "S1", "S2", "r", "#000000", owner="E1"),
        Link("K2", "S1", "S3", "r", "#000000", owner="E1"),
        Link("K3", "S3", "S3", "r", "#000000", owner="E2"),  # a loop: never drawn
        Link("K4", "S1", "gone", "r", "#000000", owner="E2"),  # an end not shown: never drawn
    ])
    assert ends(index, 0, 99) == {("K1", True, True, True), ("K1", False, True, False), ("K2", True, False, True)}
    assert ends(index, 100, 199) == set()
    assert ends(index, 200, 299) == {("K2", False, False, False)}
    assert set(index.links) == {"K1", "K2", "K3", "K4"}  # kept, just not drawn
    assert index.link_paras("K2") == {0, 2} and index.link_paras("K3") == set() == index.link_paras("K4")
    assert {o: set(lids) for o, lids in index.by_owner.items()} == {"E1": {"K1", "K2"}, "E2": {"K3", "K4"}}
    assert index.links_at("S1") == {"K1", "K2", "K4"}
    assert index.links_at("S3") == {"K2", "K3"} and index.links_at("gone") == {"K4"}


def test_link_index_changes_report_the_paragraphs_to_lay_out_again():
    spans = spans_at(S1=10, S2=50, S3=250)
    index = LinkIndex(lambda: spans, lambda cp: cp // 100)
    index.set_links([Link("K2", "S1", "S3", "r", "#000000")])
    assert index.add(Link("K5", "S2", "S3", "r", "#000000")) == {0, 2}
    assert ("K5", False, False, False) in ends(index, 200, 299)
    assert index.remove("K2") == {0, 2}
    assert index.remove("K2") == set()  # unknown now
    assert ends(index, 0, 99) == {("K5", True, False, True)}
    # the span moves to paragraph 1: reported while still where it was, then at its new place
    assert index.span_changed("S3", removing=True) == {0, 2}  # where its link was
    spans["S3"] = Span("S3", "PER", 120, 123)
    assert index.span_changed("S3") == {0, 1}  # where it is now
    assert ends(index, 200, 299) == set()
    assert ends(index, 100, 199) == {("K5", False, False, False)}
    spans["S4"] = Span("S4", "PER", 10, 20)  # starts where S1 starts
    index.add(Link("K6", "S4", "S1", "r", "#000000"))
    assert {e for e in ends(index, 0, 99) if e[0] == "K6"} == {("K6", True, True, True), ("K6", False, True, False)}
    assert index.span_changed("S3", removing=True) == {0, 1}  # it goes (reported while still shown)
    del spans["S3"]
    assert {e[0] for e in ends(index, 0, 299)} == {"K6"} and "K5" in index.links


def test_add_many_asked_about_some_paragraphs_gives_those_its_ends_fall_in():
    spans = spans_at(S1=10, S2=150, S3=250, S4=399, S5=400, S6=720)
    every = LinkIndex(lambda: spans, lambda cp: cp // 100)
    some = LinkIndex(lambda: spans, lambda cp: cp // 100, lambda p: (p * 100, p * 100 + 100))
    links = [Link("K1", "S1", "S3", "r", "#000000"), Link("K2", "S4", "S6", "r", "#000000"),
             Link("K3", "S5", "S2", "r", "#000000")]
    assert every.add_many(links) == {0, 1, 2, 3, 4, 7}
    assert some.add_many(links, only=[0, 3, 5, 6, 7, 9]) == {0, 3, 7}  # 5, 6 and 9 hold no end
    assert {(e.link.id, e.is_source) for e in some.ends_between(0, 999, ALL)} == {
        (e.link.id, e.is_source) for e in every.ends_between(0, 999, ALL)}


def test_link_index_follows_random_edits_as_the_view_reports_them():
    """Spans added, moved and removed, links added and removed, in the order the view reports
    them (a span that moves or goes while still shown): the ends each range gets and the links
    at each span always match a plain scan of the links whose two spans are shown."""
    import random

    rng = random.Random(5)
    spans: dict[str, Span] = {}
    index = LinkIndex(lambda: spans, lambda cp: cp // 100)
    names = [f"S{i}" for i in range(12)]
    for sid in names[:8]:
        spans[sid] = Span(sid, "PER", rng.randrange(0, 400, 10), 0)
    index.set_links([Link(f"K{i}", rng.choice(names), rng.choice(names), "r", "#000000", owner=f"E{i % 3}")
                     for i in range(10)])
    for step in range(400):
        op = rng.random()
        sid = rng.choice(names)
        if op < 0.3:  # a span moves, appears or goes
            if sid in spans:
                index.span_changed(sid, removing=True)
                if rng.random() < 0.5:
                    del spans[sid]
                    continue
            spans[sid] = Span(sid, "PER", rng.randrange(0, 400, 10), 0)
            index.span_changed(sid)
        elif op < 0.5:
            index.add(Link(f"K{rng.randrange(25)}", sid, rng.choice(names), "r", "#000000", owner=f"E{step % 3}"))
        elif op < 0.65:  # a slice's links: new ones, some replacing links already there, some not drawable
            index.add_many([Link(f"K{rng.randrange(25)}", rng.choice(names), rng.choice(names), "r", "#000000",
                                 owner=f"E{rng.randrange(3)}") for _ in range(rng.randrange(1, 5))])
        elif index.links:
            index.remove(rng.choice(sorted(index.links)))
        drawn = {lk.id: lk for lk in index.links.values()
                 if lk.source in spans and lk.target in spans and lk.source != lk.target}
        want = {(lid, True, spans[lk.source].start) for lid, lk in drawn.items()}
        want |= {(lid, False, spans[lk.target].start) for lid, lk in drawn.items()}
        got = {(e.link.id, e.is_source, cp) for cp in range(0, 400, 10) for e in index.ends_between(cp, cp, ALL)}
        assert got == want, f"step {step}"
        parked = {lid for waiting in index._pending.values() for lid in waiting}
        assert parked == set(index.links) - set(drawn), f"step {step}: links kept for later are the undrawn ones"
        for s in names:
            assert index.links_at(s) == {lid for lid, lk in index.links.items() if s in (lk.source, lk.target)}
        owners = {o: set(lids) for o, lids in index.by_owner.items()}
        assert owners == {o: {lid for lid, lk in index.links.items() if lk.owner == o}
                          for o in {lk.owner for lk in index.links.values()}}


# ---------------------------------------------------------------- ArcLayer in a real view
FILLER = "".join(f"Filler line number {k} says nothing much.\n" for k in range(60))
TEXT = "Alpha killed Beta in Gamma.\n" + FILLER + "Far away Delta waits."
COLORS = {"PER": "#ffccaa", "GPE": "#7fa2ff", "Life.Die": "#ff9f9f"}


def at(word: str) -> tuple[int, int]:
    s = TEXT.index(word)
    return s, s + len(word)


SPANS = [
    Span("A", "PER", *at("Alpha")), Span("T", "Life.Die", *at("killed"), kind="trigger"),
    Span("B", "PER", *at("Beta")), Span("G", "GPE", *at("Gamma")), Span("D", "PER", *at("Delta")),
]
LINKS = [
    Link("L1", "T", "A", "Agent", "#c0392b", owner="E1"),
    Link("L2", "T", "B", "Victim", "#c0392b", owner="E1"),
    Link("L3", "T", "G", "Place", "#c0392b", owner="E1"),
    Link("L4", "T", "D", "Victim", "#2c6fbb", owner="E2"),
    Link("R1", "B", "G", "Near", "#3a8a3a", kind="relation", owner="R1"),
]
FAR = TEXT.count("\n", 0, TEXT.index("Delta"))  # the paragraph of Delta


@pytest.fixture
def view(qtbot) -> AnnotationView:
    v = AnnotationView()
    qtbot.addWidget(v)
    v.resize(700, 400)
    v.set_document(TEXT, SPANS, COLORS)
    v.set_links(LINKS)
    v.show()
    qtbot.waitExposed(v)
    return v


def pieces(view: AnnotationView, frame: dict[int, float]) -> dict[tuple[str, str], bool]:
    """(link id, kind) -> stub flag of every arc piece drawn for ``frame``."""
    return {(seg.link.id, seg.kind): stub for seg, stub in view.arcs.drawn_arcs(frame)}


def test_arcs_on_one_line_run_from_tag_to_tag_above_them(view):
    drawn = [seg for seg, _ in view.arcs.drawn_arcs(view.arcs.frame()) if seg.link.owner == "E1"]
    assert sorted((s.link.id, s.kind) for s in drawn) == [("L1", "full"), ("L2", "full"), ("L3", "full")]
    trig = view.label_rect("T")
    for seg in drawn:
        tgt = view.label_rect(seg.link.target)
        assert trig.left() <= seg.sx <= trig.right() + 1 and abs(seg.sy - trig.top()) <= 1
        assert tgt.left() <= seg.tx <= tgt.right() + 1 and abs(seg.ty - tgt.top()) <= 1
        assert seg.y < min(trig.top(), tgt.top())  # the level run is above both tags
    labels = [s.label for s in drawn]
    assert not any(a.intersects(b) for i, a in enumerate(labels) for b in labels[i + 1:])
    assert len({s.sx for s in drawn}) == 3  # three legs spread over the trigger's tag


def test_a_far_end_is_a_stub_until_its_paragraph_is_in_the_frame(view):
    top = view.arcs.frame()
    assert 0 in top and FAR not in top
    assert pieces(view, top)[("L4", "out")] is True
    assert ("L4", "in") not in pieces(view, top)
    y0 = top[0]
    both = pieces(view, {0: y0, FAR: 200.0})  # both ends on screen: drawn to the band edges
    assert both[("L4", "out")] is False and both[("L4", "in")] is False
    assert pieces(view, {FAR: 100.0}) == {("L4", "in"): True}
    # a paragraph in the frame whose tag is outside the viewport does not count as on screen
    assert pieces(view, {0: y0, FAR: 5000.0})[("L4", "out")] is True
    assert pieces(view, {0: y0, FAR: -5000.0})[("L4", "out")] is True  # only Delta's line: a stub from above
    stub = view.arcs.link_stub_rect("L4")
    assert stub is not None
    assert view.arcs.hit(QPointF(stub.center())) == ("stub", "D")


def test_role_label_is_a_click_target(view):
    r = view.arcs.link_label_rect("L2")
    assert r is not None
    assert view.arcs.hit(QPointF(r.center())) == ("link", "L2")
    assert view.arcs.hit(QPointF(5.0, 390.0)) is None  # far from any arc


def test_highlight_fades_the_rest_and_selected_mode_draws_only_the_owner(view):
    arcs = view.arcs
    assert not any(arcs.faded_span(s.id) for s in SPANS)
    arcs.set_highlight("E1")
    assert {s.id for s in SPANS if arcs.faded_span(s.id)} == {"D"}  # E1's ends stay strong
    assert arcs.hl_owner == "E1" and arcs.hl_spans == {"T", "A", "B", "G"}
    assert {k[0] for k in pieces(view, arcs.frame())} == {"L1", "L2", "L3", "L4", "R1"}
    arcs.set_mode("selected")
    assert arcs.mode() == "selected"
    assert {k[0] for k in pieces(view, arcs.frame())} == {"L1", "L2", "L3"}
    arcs.set_highlight("R1")
    assert {k[0] for k in pieces(view, arcs.frame())} == {"R1"}
    arcs.set_highlight(None)
    assert pieces(view, arcs.frame()) == {}
    assert not any(arcs.faded_span(s.id) for s in SPANS)
    with pytest.raises(ValueError, match="arcs mode"):
        arcs.set_mode("some")


def test_link_changes_go_through_the_layer(view):
    arcs = view.arcs
    arcs.remove_link("L2")
    assert "L2" not in arcs.links() and ("L2", "full") not in pieces(view, arcs.frame())
    arcs.add_link(Link("L9", "A", "B", "Other", "#000000", owner="E9"))
    assert ("L9", "full") in pieces(view, arcs.frame())
    view.remove_span("B")  # a link end goes: its arcs are not drawn, the links stay
    assert {k[0] for k in pieces(view, arcs.frame())} == {"L1", "L3", "L4"}
    assert "L9" in arcs.links() and "R1" in arcs.links()


def test_a_paragraphs_code_points_are_those_para_of_cp_puts_in_it(qtbot):
    text = "Emoji 😀 here\r\nsecond 😀😀 line\r\n\r\nlast ü line 😀"
    view = AnnotationView()
    qtbot.addWidget(view)
    view.set_document(text, [], {})
    hits = view.hits
    for cp in range(len(text)):
        p = hits.para_of_cp(cp)
        a, b = hits.para_cps(p)
        assert a <= cp < b, (cp, p, a, b)
    assert [hits.para_cps(p)[0] for p in range(4)] == [0, text.index("second"), text.index("\r\n\r\n") + 2,
                                                        text.index("last")]
