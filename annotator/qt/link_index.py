"""The links of the shown document, indexed by where their ends' spans start.

Two sorted lists (code-point start of each end's span, and which link end it
is) are bisected per paragraph, so laying out a paragraph finds the arcs
touching it without looking at the others.  A change to a link or to a span at
one of its ends reports the paragraphs of just those ends.  No painting here.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import repeat
from operator import attrgetter, eq
from typing import Callable, Mapping

from annotator.model import Span
from annotator.qt.arcs import Link, LinkEnd

_ID, _SOURCE, _TARGET, _START = attrgetter("id"), attrgetter("source"), attrgetter("target"), attrgetter("start")


class LinkIndex:
    """Links by id, by span, by owner, and by the code-point start of each end's span.

    ``spans()`` gives the shown spans by id; ``para_of_cp`` the paragraph holding a
    code point.  Methods that change the index return the paragraphs to lay out again.
    """

    def __init__(self, spans: Callable[[], Mapping[str, Span]], para_of_cp: Callable[[int], int]) -> None:
        self._spans = spans
        self._para_of_cp = para_of_cp
        self.clear()

    def clear(self) -> None:
        """No links."""
        self.links: dict[str, Link] = {}
        self._by_span_: dict[str, set[str]] | None = {}  # span id -> link ids at either end (lazy)
        self._by_owner_: dict[str, set[str]] | None = {}  # owner id -> link ids (lazy)
        self._le_cp: list[int] = []  # code-point start of each indexed end's span, sorted
        self._le_val: list[tuple[str, bool]] = []  # (link id, is_source), same order
        # (source cp, target cp) a link was indexed with, when set since set_links; links
        # from set_links are indexed with their spans' starts, or listed in _unindexed
        self._lk_cp: dict[str, tuple[int, int]] = {}
        self._unindexed: set[str] = set()

    def set_links(self, links: list[Link]) -> None:
        """Replace all links; only the bisect index is built (the maps when first needed)."""
        self.links = {lk.id: lk for lk in links}
        self._by_span_ = self._by_owner_ = None
        get = self._spans().get
        srcs, tgts = list(map(_SOURCE, links)), list(map(_TARGET, links))
        ss, ts = list(map(get, srcs)), list(map(get, tgts))
        self._unindexed = set()
        if not (all(ss) and all(ts)) or any(map(eq, srcs, tgts)):  # rare: drop what cannot be drawn
            keep = [i for i, (s, t) in enumerate(zip(ss, ts)) if s is not None and t is not None and srcs[i] != tgts[i]]
            kept = set(keep)
            self._unindexed = {lk.id for i, lk in enumerate(links) if i not in kept}
            links = [links[i] for i in keep]
            ss, ts = [ss[i] for i in keep], [ts[i] for i in keep]
        ids = list(map(_ID, links))
        cps = list(map(_START, ss)) + list(map(_START, ts))
        vals = list(zip(ids, repeat(True))) + list(zip(ids, repeat(False)))
        order = sorted(range(len(cps)), key=cps.__getitem__)
        self._le_cp = [cps[i] for i in order]
        self._le_val = [vals[i] for i in order]
        self._lk_cp = {}

    @property
    def by_span(self) -> dict[str, set[str]]:
        """Span id -> ids of the links with an end on it."""
        if self._by_span_ is None:
            m: dict[str, set[str]] = {}
            for lk in self.links.values():
                m.setdefault(lk.source, set()).add(lk.id)
                m.setdefault(lk.target, set()).add(lk.id)
            self._by_span_ = m
        return self._by_span_

    @property
    def by_owner(self) -> dict[str, set[str]]:
        """Owner (event or relation) id -> ids of its links."""
        if self._by_owner_ is None:
            m: dict[str, set[str]] = {}
            for lk in self.links.values():
                if lk.owner:
                    m.setdefault(lk.owner, set()).add(lk.id)
            self._by_owner_ = m
        return self._by_owner_

    def add(self, link: Link) -> set[int]:
        """Add (or replace) one link."""
        touched = self._unindex(link.id) if link.id in self.links else set()
        if link.id in self.links:
            self._forget(link.id)
        self.links[link.id] = link
        self.by_span.setdefault(link.source, set()).add(link.id)
        self.by_span.setdefault(link.target, set()).add(link.id)
        if link.owner:
            self.by_owner.setdefault(link.owner, set()).add(link.id)
        return touched | self._index(link.id)

    def add_many(self, links: list[Link]) -> set[int]:
        """Add many new links at once (a slice of a loading document); the paragraphs of their ends."""
        touched: set[int] = set()
        spans = self._spans()
        new_cp: list[int] = []
        new_val: list[tuple[str, bool]] = []
        by_span, by_owner = self._by_span_, self._by_owner_
        for lk in links:
            if lk.id in self.links:  # a replacement: the one-by-one path
                touched |= self.add(lk)
                continue
            lid = lk.id
            self.links[lid] = lk
            if by_span is not None:
                by_span.setdefault(lk.source, set()).add(lid)
                by_span.setdefault(lk.target, set()).add(lid)
            if by_owner is not None and lk.owner:
                by_owner.setdefault(lk.owner, set()).add(lid)
            s, t = spans.get(lk.source), spans.get(lk.target)
            if s is None or t is None or lk.source == lk.target:
                self._unindexed.add(lid)
                continue
            self._lk_cp[lid] = (s.start, t.start)
            new_cp += (s.start, t.start)
            new_val += ((lid, True), (lid, False))
        if not new_cp:
            return touched
        order = sorted(range(len(new_cp)), key=new_cp.__getitem__)
        new_cp = [new_cp[i] for i in order]
        new_val = [new_val[i] for i in order]
        touched.update(map(self._para_of_cp, new_cp))
        if not self._le_cp or new_cp[0] >= self._le_cp[-1]:
            self._le_cp.extend(new_cp)
            self._le_val.extend(new_val)
        else:  # merge with just the tail it overlaps (two sorted runs: Timsort merges them in linear time)
            i = bisect_right(self._le_cp, new_cp[0])
            cps, vals = self._le_cp[i:] + new_cp, self._le_val[i:] + new_val
            order = sorted(range(len(cps)), key=cps.__getitem__)
            self._le_cp[i:] = [cps[k] for k in order]
            self._le_val[i:] = [vals[k] for k in order]
        return touched

    def remove(self, link_id: str) -> set[int]:
        """Drop one link (nothing if unknown)."""
        if link_id not in self.links:
            return set()
        touched = self._unindex(link_id)
        self._forget(link_id)
        return touched

    def span_changed(self, sid: str, removing: bool = False) -> set[int]:
        """Re-index the links at span ``sid`` (drop them from the index when it goes)."""
        touched: set[int] = set()
        for lid in self.by_span.get(sid, ()):
            touched |= self._unindex(lid)
            if not removing:
                touched |= self._index(lid)
        return touched

    def ends_between(self, cs: int, ce: int, active: Callable[[Link], bool]) -> list[LinkEnd]:
        """The ends of ``active`` links whose span starts at code points ``[cs, ce]``."""
        if not self._le_cp:
            return []
        lo = bisect_left(self._le_cp, cs)
        hi = bisect_right(self._le_cp, ce)
        out: list[LinkEnd] = []
        links, lk_cp, spans = self.links, self._lk_cp, self._spans()
        for lid, is_src in self._le_val[lo:hi]:
            lk = links[lid]
            if not active(lk):
                continue
            cps = lk_cp.get(lid)  # an indexed link: set since set_links, or indexed by its spans' starts
            a, b = cps if cps is not None else (spans[lk.source].start, spans[lk.target].start)
            here, other = (a, b) if is_src else (b, a)
            out.append(LinkEnd(lk, is_src, cs <= other <= ce, other > here or (other == here and is_src)))
        return out

    def link_paras(self, lid: str) -> set[int]:
        """The paragraphs of the two ends of ``lid`` (none if it is not drawn)."""
        cps = self._indexed_cps(lid)
        return {self._para_of_cp(c) for c in cps} if cps else set()

    def _indexed_cps(self, lid: str) -> tuple[int, int] | None:
        """The (source, target) code points ``lid`` is indexed under, None if not indexed."""
        cps = self._lk_cp.get(lid)
        if cps is not None or lid in self._unindexed or lid not in self.links:
            return cps
        lk = self.links[lid]
        spans = self._spans()
        return spans[lk.source].start, spans[lk.target].start

    def _index(self, lid: str) -> set[int]:
        """Index ``lid`` if both its spans are shown; the paragraphs of its ends."""
        lk = self.links[lid]
        spans = self._spans()
        s, t = spans.get(lk.source), spans.get(lk.target)
        if s is None or t is None or lk.source == lk.target:
            self._unindexed.add(lid)
            return set()
        self._unindexed.discard(lid)
        self._lk_cp[lid] = (s.start, t.start)
        for cp, is_src in ((s.start, True), (t.start, False)):
            i = bisect_right(self._le_cp, cp)
            self._le_cp.insert(i, cp)
            self._le_val.insert(i, (lid, is_src))
        return self.link_paras(lid)

    def _unindex(self, lid: str) -> set[int]:
        cps = self._indexed_cps(lid)
        if cps is None:
            return set()
        touched = self.link_paras(lid)
        for cp, is_src in ((cps[0], True), (cps[1], False)):
            key = (lid, is_src)
            i = bisect_left(self._le_cp, cp)
            while i < len(self._le_val) and self._le_cp[i] == cp and self._le_val[i] != key:
                i += 1
            if i >= len(self._le_val) or self._le_val[i] != key:
                i = self._le_val.index(key) if key in self._le_val else -1  # a span changed in place
            if i >= 0:
                del self._le_cp[i]
                del self._le_val[i]
        self._lk_cp.pop(lid, None)
        self._unindexed.add(lid)
        return touched

    def _forget(self, lid: str) -> None:
        lk = self.links.pop(lid)
        for sid in (lk.source, lk.target):
            self.by_span.get(sid, set()).discard(lid)
        if lk.owner:
            self.by_owner.get(lk.owner, set()).discard(lid)
