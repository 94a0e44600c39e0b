"""The links of the shown document, indexed by where their ends' spans start.

Sorted flat lists (the code-point start of each end's span, the link's id, and
which end it is) are bisected per paragraph, so laying out a paragraph finds the
arcs touching it without looking at the others, and bisected at a span's start to
find the links at that span.  A change to a link or to a span at one of its ends
reports the paragraphs of just those ends.  No painting here.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter, eq
from typing import Callable, Collection, Mapping

from annotator.model import Span
from annotator.qt.arcs import Link, LinkEnd

_ID, _SOURCE, _TARGET, _START = attrgetter("id"), attrgetter("source"), attrgetter("target"), attrgetter("start")


class LinkIndex:
    """Links by id, by owner, and by the code-point start of each end's span.

    ``spans()`` gives the shown spans by id; ``para_of_cp`` the paragraph holding a
    code point.  Methods that change the index return the paragraphs to lay out again.
    """

    def __init__(self, spans: Callable[[], Mapping[str, Span]], para_of_cp: Callable[[int], int],
                 para_cps: Callable[[int], tuple[int, int]] | None = None) -> None:
        """``para_cps(p)``: the code points ``[start, end)`` of paragraph ``p`` (lets :meth:`add_many`
        look only at the paragraphs asked about)."""
        self._spans = spans
        self._para_of_cp = para_of_cp
        self._para_cps = para_cps
        self.clear()

    def clear(self) -> None:
        """No links."""
        self.links: dict[str, Link] = {}
        self._by_owner_: dict[str, tuple[str, ...]] | None = {}  # owner id -> link ids (lazy)
        # span id -> the links not indexed (an end not shown) with an end on it; the indexed
        # links at a span are found by bisecting at its start (no map of every span: 26 MB
        # and ~70 ms to build at 70,000 links, at the first edit)
        self._pending: dict[str, set[str]] = {}
        # the ends of the indexed links, sorted by the code-point start of their spans (where they
        # are while shown: a span that moves is reported before it moves), in three lists (a
        # tuple per end cost 8 MB at 70,000 links)
        self._le_cp: list[int] = []  # the start of the end's span
        self._le_lid: list[str] = []  # the link's id
        self._le_src = bytearray()  # 1: the source end, 0: the target end
        self._unindexed: set[str] = set()

    def set_links(self, links: list[Link]) -> None:
        """Replace all links; only the bisect index is built (the maps when first needed)."""
        self.links = {lk.id: lk for lk in links}
        self._by_owner_ = None
        get = self._spans().get
        srcs, tgts = list(map(_SOURCE, links)), list(map(_TARGET, links))
        ss, ts = list(map(get, srcs)), list(map(get, tgts))
        self._unindexed = set()
        self._pending = {}
        if not (all(ss) and all(ts)) or any(map(eq, srcs, tgts)):  # rare: drop what cannot be drawn
            keep = [i for i, (s, t) in enumerate(zip(ss, ts)) if s is not None and t is not None and srcs[i] != tgts[i]]
            kept = set(keep)
            for i, lk in enumerate(links):
                if i not in kept:
                    self._park(lk.id)
            links = [links[i] for i in keep]
            ss, ts = [ss[i] for i in keep], [ts[i] for i in keep]
        ids = list(map(_ID, links))
        cps = list(map(_START, ss)) + list(map(_START, ts))
        lids, srcs_flags = ids + ids, bytes([1]) * len(ids) + bytes(len(ids))
        order = sorted(range(len(cps)), key=cps.__getitem__)
        self._le_cp = [cps[i] for i in order]
        self._le_lid = [lids[i] for i in order]
        self._le_src = bytearray(srcs_flags[i] for i in order)

    def links_at(self, sid: str) -> set[str]:
        """Ids of the links with an end on span ``sid``: the indexed ones, found by bisecting at the
        span's start (where they are indexed while it is shown), and the ones not indexed."""
        out = set(self._pending.get(sid, ()))
        span = self._spans().get(sid)
        if span is not None and self._le_cp:
            cp = span.start
            lo, hi = bisect_left(self._le_cp, cp), bisect_right(self._le_cp, cp)
            links = self.links
            for lid, is_src in zip(self._le_lid[lo:hi], self._le_src[lo:hi]):
                lk = links[lid]
                if (lk.source if is_src else lk.target) == sid:
                    out.add(lid)
        return out

    @property
    def by_owner(self) -> dict[str, tuple[str, ...]]:
        """Owner (event or relation) id -> ids of its links (built at the first call, then kept)."""
        if self._by_owner_ is None:
            m: dict[str, tuple[str, ...]] = {}
            get = m.get
            for lk in self.links.values():
                if lk.owner:
                    m[lk.owner] = get(lk.owner, ()) + (lk.id,)
            self._by_owner_ = m
        return self._by_owner_

    def add(self, link: Link) -> set[int]:
        """Add (or replace) one link."""
        touched = self._unindex(link.id) if link.id in self.links else set()
        if link.id in self.links:
            self._forget(link.id)
        self.links[link.id] = link
        if link.owner and self._by_owner_ is not None:
            self._by_owner_[link.owner] = self._by_owner_.get(link.owner, ()) + (link.id,)
        return touched | self._index(link.id)

    def add_many(self, links: list[Link], only: Collection[int] | None = None) -> set[int]:
        """Add many new links at once (a slice of a loading document); the paragraphs of their ends
        (with ``only``, and ``para_cps`` given: just those of ``only``, found by bisection instead
        of a paragraph for every end: a slice has thousands, the view caches a few dozen)."""
        touched: set[int] = set()
        ids = list(map(_ID, links))
        if not self.links.keys().isdisjoint(ids) or len(set(ids)) < len(ids):
            fresh: dict[str, Link] = {}  # replacements (rare) go the one-by-one path; a later one of an id wins
            for lk in links:
                if lk.id in self.links and lk.id not in fresh:
                    touched |= self.add(lk)
                else:
                    fresh[lk.id] = lk
            self.links.update(fresh)
            links, ids = list(fresh.values()), list(fresh)
        else:
            self.links.update(zip(ids, links))  # a column at a time, in C calls (a slice has thousands)
        by_owner = self._by_owner_
        if by_owner is not None:
            for lk in links:
                if lk.owner:
                    by_owner[lk.owner] = by_owner.get(lk.owner, ()) + (lk.id,)
        get = self._spans().get
        srcs, tgts = list(map(_SOURCE, links)), list(map(_TARGET, links))
        ss, ts = list(map(get, srcs)), list(map(get, tgts))
        if not (all(ss) and all(ts)) or any(map(eq, srcs, tgts)):  # rare: keep apart what cannot be drawn
            keep = [i for i, (a, b) in enumerate(zip(ss, ts)) if a is not None and b is not None and srcs[i] != tgts[i]]
            kept = set(keep)
            for i, lid in enumerate(ids):
                if i not in kept:
                    self._park(lid)
            ids, ss, ts = [ids[i] for i in keep], [ss[i] for i in keep], [ts[i] for i in keep]
        if not ids:
            return touched
        new_cp = list(map(_START, ss)) + list(map(_START, ts))
        new_lid = ids + ids
        new_src = bytes([1]) * len(ids) + bytes(len(ids))
        order = sorted(range(len(new_cp)), key=new_cp.__getitem__)
        new_cp = [new_cp[i] for i in order]
        new_lid = [new_lid[i] for i in order]
        new_src = bytes(new_src[i] for i in order)
        if only is not None and self._para_cps is not None:
            for p in only:
                a, b = self._para_cps(p)
                if bisect_left(new_cp, a) < bisect_left(new_cp, b):
                    touched.add(p)
        else:
            touched.update(map(self._para_of_cp, new_cp))
        if not self._le_cp or new_cp[0] >= self._le_cp[-1]:
            self._le_cp.extend(new_cp)
            self._le_lid.extend(new_lid)
            self._le_src.extend(new_src)
        else:  # merge with just the tail it overlaps (two sorted runs: Timsort merges them in linear time)
            i = bisect_right(self._le_cp, new_cp[0])
            cps, lids, srcs = self._le_cp[i:] + new_cp, self._le_lid[i:] + new_lid, self._le_src[i:] + new_src
            order = sorted(range(len(cps)), key=cps.__getitem__)
            self._le_cp[i:] = [cps[k] for k in order]
            self._le_lid[i:] = [lids[k] for k in order]
            self._le_src[i:] = bytes(srcs[k] for k in order)
        return touched

    def remove(self, link_id: str) -> set[int]:
        """Drop one link (nothing if unknown)."""
        if link_id not in self.links:
            return set()
        touched = self._unindex(link_id)
        self._forget(link_id)
        return touched

    def span_changed(self, sid: str, removing: bool = False) -> set[int]:
        """Re-index the links at span ``sid`` (drop them from the index when it goes).

        A span that moves or goes is reported with ``removing=True`` while ``spans()`` still
        holds it where it was (its links are found at its start), and again without it once
        it is at its new place (they are indexed there)."""
        touched: set[int] = set()
        for lid in self.links_at(sid):
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
        links, spans = self.links, self._spans()
        for lid, is_src in zip(self._le_lid[lo:hi], self._le_src[lo:hi]):
            lk = links[lid]
            if not active(lk):
                continue
            a, b = spans[lk.source].start, spans[lk.target].start  # where it is indexed
            here, other = (a, b) if is_src else (b, a)
            out.append(LinkEnd(lk, bool(is_src), cs <= other <= ce, other > here or (other == here and bool(is_src))))
        return out

    def link_paras(self, lid: str) -> set[int]:
        """The paragraphs of the two ends of ``lid`` (none if it is not drawn)."""
        cps = self._indexed_cps(lid)
        return {self._para_of_cp(c) for c in cps} if cps else set()

    def _indexed_cps(self, lid: str) -> tuple[int, int] | None:
        """The (source, target) code points ``lid`` is indexed under (its spans' starts), None if not indexed."""
        if lid in self._unindexed or lid not in self.links:
            return None
        lk = self.links[lid]
        spans = self._spans()
        return spans[lk.source].start, spans[lk.target].start

    def _index(self, lid: str) -> set[int]:
        """Index ``lid`` if both its spans are shown; the paragraphs of its ends."""
        lk = self.links[lid]
        spans = self._spans()
        s, t = spans.get(lk.source), spans.get(lk.target)
        if s is None or t is None or lk.source == lk.target:
            self._park(lid)
            return set()
        self._unpark(lid)
        for cp, is_src in ((s.start, 1), (t.start, 0)):
            i = bisect_right(self._le_cp, cp)
            self._le_cp.insert(i, cp)
            self._le_lid.insert(i, lid)
            self._le_src.insert(i, is_src)
        return self.link_paras(lid)

    def _unindex(self, lid: str) -> set[int]:
        cps = self._indexed_cps(lid)
        if cps is None:
            return set()
        touched = self.link_paras(lid)
        for cp, is_src in ((cps[0], 1), (cps[1], 0)):
            i = self._find_end(cp, lid, is_src)
            if i >= 0:
                del self._le_cp[i]
                del self._le_lid[i]
                del self._le_src[i]
        self._park(lid)
        return touched

    def _find_end(self, cp: int, lid: str, is_src: int) -> int:
        """The position of an end in the sorted lists, -1 if it is not there."""
        cps, lids, srcs = self._le_cp, self._le_lid, self._le_src
        i = bisect_left(cps, cp)
        n = len(cps)
        while i < n and cps[i] == cp:
            if lids[i] == lid and srcs[i] == is_src:
                return i
            i += 1
        # not at its span's start: the span changed in place without being reported first
        for i, (other, src) in enumerate(zip(lids, srcs)):
            if other == lid and src == is_src:
                return i
        return -1

    def _park(self, lid: str) -> None:
        """``lid`` is not indexed: keep it findable from the spans at its ends."""
        self._unindexed.add(lid)
        lk = self.links[lid]
        for sid in {lk.source, lk.target}:
            self._pending.setdefault(sid, set()).add(lid)

    def _unpark(self, lid: str) -> None:
        if lid not in self._unindexed:
            return
        self._unindexed.discard(lid)
        lk = self.links[lid]
        for sid in {lk.source, lk.target}:
            waiting = self._pending.get(sid)
            if waiting is not None:
                waiting.discard(lid)
                if not waiting:
                    del self._pending[sid]

    def _forget(self, lid: str) -> None:
        self._unpark(lid)
        lk = self.links.pop(lid)
        if lk.owner and self._by_owner_ is not None:
            rest = tuple(x for x in self._by_owner_.get(lk.owner, ()) if x != lid)
            if rest:
                self._by_owner_[lk.owner] = rest
            else:
                self._by_owner_.pop(lk.owner, None)
