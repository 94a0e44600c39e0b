"""The spans of the shown document, indexed by start so a paragraph finds its spans by bisect.

Spans are kept sorted by code-point start (``_starts``/``_order``); a paragraph
finds its spans with a bisect over ``[para_start - maxlen, para_end)``.  Spans
longer than LONG_SPAN are few and kept apart so ``maxlen`` stays small.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import attrgetter, gt, sub
from typing import Callable

from annotator.model import Span
from annotator.qt.span_layout import Piece

LONG_SPAN = 2000  # spans longer than this (code points) are indexed apart

_ID = attrgetter("id")
_START = attrgetter("start")
_END = attrgetter("end")


class SpanIndex:
    """Spans by id, sorted by start, with their view-position pieces cached."""

    def __init__(self, to_view: Callable[[int], int]) -> None:
        self.spans: dict[str, Span] = {}
        self._to_view = to_view
        self._vpieces: dict[str, list[tuple[int, int]]] = {}  # sid -> view ranges (lazy)
        self._starts: list[int] = []  # code-point starts of the short spans, sorted
        self._order: list[str] = []  # their ids, in the same order
        self._maxlen = 0
        self._long: set[str] = set()

    def build(self, spans: list[Span], to_view: Callable[[int], int]) -> None:
        """Index ``spans`` of a new text whose code points map to view positions by ``to_view``."""
        self._to_view = to_view
        ids = list(map(_ID, spans))
        self.spans = dict(zip(ids, spans))
        self._vpieces = {}
        starts = list(map(_START, spans))
        ends = list(map(_END, spans))
        lengths = list(map(sub, ends, starts))
        maxlen = max(lengths, default=0)
        if maxlen > LONG_SPAN:
            keep = [i for i, n in enumerate(lengths) if n <= LONG_SPAN]
            self._long = {ids[i] for i, n in enumerate(lengths) if n > LONG_SPAN}
            ids = [ids[i] for i in keep]
            starts = [starts[i] for i in keep]
            maxlen = max((lengths[i] for i in keep), default=0)
        else:
            self._long = set()
        if any(map(gt, starts, starts[1:])):
            order = sorted(range(len(starts)), key=starts.__getitem__)
            ids = [ids[i] for i in order]
            starts = [starts[i] for i in order]
        self._starts = starts
        self._order = ids
        self._maxlen = maxlen

    def add(self, sp: Span) -> None:
        """Index one more span (or a new version of one removed first)."""
        self.spans[sp.id] = sp
        self._vpieces.pop(sp.id, None)
        if sp.end - sp.start > LONG_SPAN:
            self._long.add(sp.id)
            return
        i = bisect_right(self._starts, sp.start)
        self._starts.insert(i, sp.start)
        self._order.insert(i, sp.id)
        self._maxlen = max(self._maxlen, sp.end - sp.start)

    def add_many(self, spans: list[Span]) -> None:
        """Index many new spans at once (a slice of a loading document): one merge, not one insert each."""
        if not spans:
            return
        ids = list(map(_ID, spans))  # a column at a time, in C calls (a slice has thousands)
        self.spans.update(zip(ids, spans))
        vpieces = self._vpieces
        if not vpieces.keys().isdisjoint(ids):
            for sid in ids:
                vpieces.pop(sid, None)
        lengths = list(map(sub, map(_END, spans), map(_START, spans)))
        longest = max(lengths)
        short = spans
        if longest > LONG_SPAN:
            self._long.update(sid for sid, n in zip(ids, lengths) if n > LONG_SPAN)
            short = [sp for sp, n in zip(spans, lengths) if n <= LONG_SPAN]
            if not short:
                return
            longest = max(sp.end - sp.start for sp in short)
        if any(map(gt, map(_START, short), map(_START, short[1:]))):
            short = sorted(short, key=_START)
        starts = list(map(_START, short))
        self._maxlen = max(self._maxlen, longest)
        if not self._starts or starts[0] >= self._starts[-1]:
            self._starts.extend(starts)
            self._order.extend(map(_ID, short))
            return
        i = bisect_right(self._starts, starts[0])  # merge with just the tail it overlaps (two sorted runs)
        all_starts = self._starts[i:] + starts
        all_ids = self._order[i:] + list(map(_ID, short))
        order = sorted(range(len(all_starts)), key=all_starts.__getitem__)
        self._starts[i:] = [all_starts[k] for k in order]
        self._order[i:] = [all_ids[k] for k in order]

    def remove(self, sid: str) -> None:
        """Forget span ``sid`` (nothing if it is not indexed)."""
        sp = self.spans.pop(sid, None)
        self._vpieces.pop(sid, None)
        if sp is None:
            return
        if sid in self._long:
            self._long.discard(sid)
            return
        i = bisect_left(self._starts, sp.start)
        while i < len(self._order) and self._order[i] != sid:
            i += 1
        if i < len(self._order):
            del self._starts[i]
            del self._order[i]

    def between(self, cs: int, ce: int) -> list[str]:
        """Ids of the spans whose extent overlaps code points ``[cs, ce]``."""
        spans = self.spans
        lo = bisect_left(self._starts, cs - self._maxlen)
        hi = bisect_right(self._starts, ce)
        out = [sid for sid in self._order[lo:hi] if spans[sid].end > cs or spans[sid].start >= cs]
        out.extend(sid for sid in self._long if spans[sid].start <= ce and spans[sid].end > cs)
        return out

    def view_pieces(self, sid: str) -> list[tuple[int, int]]:
        """The pieces of span ``sid`` as view-position ranges."""
        vp = self._vpieces.get(sid)
        if vp is None:
            to_view = self._to_view
            vp = [(to_view(a), to_view(b)) for a, b in self.spans[sid].pieces()]
            self._vpieces[sid] = vp
        return vp

    def pieces(self, base: int, end: int, to_cp: Callable[[int], int]) -> list[Piece]:
        """The parts of the spans inside view positions ``[base, end]`` of one paragraph, para-local."""
        pieces: list[Piece] = []
        spans, view_pieces = self.spans, self.view_pieces
        for sid in self.between(to_cp(base), to_cp(end)):
            sp = spans[sid]
            vp = view_pieces(sid)
            length = vp[-1][1] - vp[0][0]
            for k, (a, b) in enumerate(vp):
                if a < end and b > base or (a == b and base <= a <= end):
                    pieces.append(Piece(sid, sp.label, max(a, base) - base, min(b, end) - base, length, k == 0 and a >= base))
        return pieces
