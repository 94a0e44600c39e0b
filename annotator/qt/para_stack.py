"""The paragraphs of the annotation view stacked vertically: cached layouts, heights and the scroll anchor.

Vertical scrolling is anchored: ``(anchor, anchor_off)`` says which paragraph is
at the top and how many pixels of it are scrolled off.  Paragraphs not yet laid
out have an estimated height; small scrolls walk exact heights so the picture
never jumps when an estimate is replaced, large jumps use the estimated prefix
sums.  Positions are view positions (UTF-16 units of the CRLF-collapsed text).
"""
from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from itertools import accumulate
from typing import Callable

from annotator.qt.span_layout import MARGIN, ParaLayout
from annotator.qt.view_paint import utf16_len

CACHE_SIZE = 4000  # paragraph layouts kept (LRU); heights stay known after eviction


class ParaStack:
    """Paragraph texts, their layouts (made by ``lay_out(p)``, cached) and heights, and where the top is."""

    def __init__(self, lay_out: Callable[[int], ParaLayout]) -> None:
        self._lay_out = lay_out
        self.paras: list[str] = [""]
        self.pstart: list[int] = [0]  # view position of each paragraph start
        self.heights: list[float] = [0.0]
        self._tops: list[float] = [0.0, 0.0]
        self._tops_dirty = True
        self._sums = HeightSums([0.0])  # prefix sums of the heights, updated in place when one changes
        self.cache: OrderedDict[int, ParaLayout] = OrderedDict()
        self.anchor = 0
        self.anchor_off = 0.0

    def set_paras(self, paras: list[str], estimates: Callable[[range], list[float]]) -> None:
        """New paragraph texts, scrolled to the top, with estimated heights."""
        self.paras = paras
        lens = [utf16_len(p) + 1 for p in paras]
        self.pstart = [0, *accumulate(lens)][:-1]
        self.cache.clear()
        self.heights = estimates(range(len(paras)))
        self._sums = HeightSums(self.heights)
        self._tops_dirty = True
        self.anchor, self.anchor_off = 0, 0.0

    def re_estimate(self, estimates: Callable[[range], list[float]]) -> None:
        """Drop every layout (e.g. a new width or font); heights go back to estimates."""
        self.cache.clear()
        self.heights = estimates(range(len(self.paras)))
        self._sums = HeightSums(self.heights)
        self._tops_dirty = True

    def layout(self, p: int) -> ParaLayout:
        """The cached layout of paragraph ``p``, laying it out if needed."""
        pl = self.cache.get(p)
        if pl is not None:
            self.cache.move_to_end(p)
            return pl
        pl = self._lay_out(p)
        self.cache[p] = pl
        if len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        if pl.height != self.heights[p]:
            self._sums.add(p, pl.height - self.heights[p])
            self.heights[p] = pl.height
            self._tops_dirty = True
        return pl

    def tops(self) -> list[float]:
        """Document y of each paragraph top (exact where laid out), and the total height last.

        A list of every paragraph, built again after a height changed: the view itself
        uses :meth:`top_of` and :meth:`total_height`, which do not walk every paragraph."""
        if self._tops_dirty:
            self._tops = [0.0, *accumulate(self.heights)]
            self._tops_dirty = False
        return self._tops

    def top_of(self, p: int) -> float:
        """Document y of the top of paragraph ``p`` (``len(paras)``: the total height)."""
        return self._sums.prefix(p)

    def total_height(self) -> float:
        """The height of every paragraph together."""
        return self._sums.prefix(len(self.heights))

    def para_of(self, vpos: int) -> int:
        """The paragraph holding view position ``vpos``."""
        return max(bisect_right(self.pstart, vpos) - 1, 0)

    def para_bounds(self, p: int) -> tuple[int, int]:
        """View positions of the start and end of paragraph ``p``."""
        base = self.pstart[p]
        return base, base + utf16_len(self.paras[p])

    def top_y(self) -> float:
        """Viewport y of the top of the anchor paragraph."""
        return (MARGIN if self.anchor == 0 else 0.0) - self.anchor_off

    def para_y(self, p: int) -> float:
        """Viewport y of the top of paragraph ``p`` (exact near the anchor, else estimated)."""
        y = self.top_y()
        a = self.anchor
        if p >= a and p - a < 400:
            for i in range(a, p):
                y += self.heights[i]
            return y
        if p < a and a - p < 400:
            for i in range(p, a):
                y -= self.heights[i]
            return y
        return y + self._sums.prefix(p) - self._sums.prefix(a)

    def para_at_y(self, y: float) -> tuple[int, float]:
        """Paragraph at viewport ``y`` and the para-local y (laying out as it walks)."""
        p = self.anchor
        top = self.top_y()
        self.layout(p)
        while y < top and p > 0:
            p -= 1
            top -= self.layout(p).height
        while y >= top + self.heights[p] and p < len(self.paras) - 1:
            top += self.heights[p]
            p += 1
            self.layout(p)
        return p, y - top

    def frame(self, height: float) -> dict[int, float]:
        """Viewport y of every paragraph that intersects a viewport ``height`` pixels high."""
        out: dict[int, float] = {}
        n = len(self.paras)
        p = self.anchor
        y = self.top_y()
        while p < n and y < height:
            out[p] = y
            y += self.layout(p).height
            p += 1
        return out

    def jump_to(self, y: float, height: float) -> None:
        """Put document y ``y`` (by the estimated prefix sums) at the top."""
        p = max(min(self._sums.find(y), len(self.paras) - 1), 0)
        self.anchor, self.anchor_off = p, y - self._sums.prefix(p)
        self.scroll_by(0.0, height)

    def scroll_by(self, dy: float, height: float) -> None:
        """Move down by ``dy`` pixels, walking exact paragraph heights; the last page stays full."""
        n = len(self.paras)
        off = self.anchor_off + dy

        def h(q: int) -> float:  # the top margin belongs to paragraph 0, so a move across it is exact
            return self.layout(q).height + (MARGIN if q == 0 else 0.0)

        p = self.anchor
        while off < 0 and p > 0:
            p -= 1
            off += h(p)
        if off < 0:
            off = 0.0
        while p < n - 1 and off >= h(p):
            off -= h(p)
            p += 1
        # do not scroll past the end: the last page must be full
        vh = height - MARGIN
        rest = -off
        q = p
        while q < n and rest < vh:
            rest += h(q)
            q += 1
        if rest < vh:
            back = vh - rest
            off -= back
            while off < 0 and p > 0:
                p -= 1
                off += h(p)
            off = max(off, 0.0)
        self.anchor, self.anchor_off = p, off

    def reveal(self, vpos: int, height: float) -> bool:
        """Scroll so the line holding ``vpos`` is shown (a third down if it was far); whether it moved."""
        p = self.para_of(vpos)
        pl = self.layout(p)
        li = pl.line_index_for_pos(vpos - self.pstart[p])
        y = self.para_y(p) + pl.band_tops[li]
        bottom = self.para_y(p) + pl.text_tops[li] + pl.line_heights[li]
        if y >= 0 and bottom <= height:
            return False
        if abs(y) < 2 * height:
            self.scroll_by(y - height / 3 if y > 0 else y, height)
        else:
            self.anchor, self.anchor_off = p, pl.band_tops[li]
            self.scroll_by(-height / 3, height)
        return True

    def prefetch(self, first: int, last: int, budget: float) -> None:
        """Lay out about ``budget`` pixels below ``last`` and above ``first``."""
        n = len(self.paras)
        done = 0.0
        p = last
        while p < n and done < budget:
            done += self.layout(p).height
            p += 1
        done, p = 0.0, first - 1
        while p >= 0 and done < budget:
            done += self.layout(p).height
            p -= 1

    def scroll_value(self) -> float:
        """Document y of the top of the viewport (for the scroll bar)."""
        return self._sums.prefix(self.anchor) + self.anchor_off


class HeightSums:
    """Prefix sums of paragraph heights (a Fenwick tree): one height changed or one prefix read in O(log n).

    An edit changes one paragraph's height; the scroll bar needs the total and the
    top of the anchor paragraph.  Re-adding every height (``tops``) costs a walk of
    every paragraph of the document each time.
    """

    def __init__(self, heights: list[float]) -> None:
        n = len(heights)
        tree = [0.0, *heights]
        for i in range(1, n + 1):  # O(n) build: each node passes its sum to its parent
            j = i + (i & -i)
            if j <= n:
                tree[j] += tree[i]
        self._tree = tree
        self._n = n
        self._top_bit = 1 << (n.bit_length() - 1) if n else 0

    def add(self, p: int, delta: float) -> None:
        """Paragraph ``p`` grew by ``delta`` (shrank if negative)."""
        tree, n = self._tree, self._n
        i = p + 1
        while i <= n:
            tree[i] += delta
            i += i & -i

    def prefix(self, p: int) -> float:
        """The sum of the heights of paragraphs ``0 .. p-1``."""
        tree = self._tree
        i = min(p, self._n)
        total = 0.0
        while i > 0:
            total += tree[i]
            i -= i & -i
        return total

    def find(self, y: float) -> int:
        """The paragraph whose rows hold document ``y``: the largest ``p`` with ``prefix(p) <= y``
        (``len`` when ``y`` is past the end)."""
        tree, n = self._tree, self._n
        pos, rest = 0, y
        bit = self._top_bit
        while bit:
            nxt = pos + bit
            if nxt <= n and tree[nxt] <= rest:
                pos = nxt
                rest -= tree[nxt]
            bit >>= 1
        return pos
