"""Where things are on the annotation view's screen: positions, spans and tags under a point, and their rectangles."""
from __future__ import annotations

from math import ceil, floor
from typing import Callable

from PySide6.QtCore import QPointF, QRect
from PySide6.QtWidgets import QWidget

from annotator.qt.para_stack import ParaStack
from annotator.qt.span_index import SpanIndex
from annotator.qt.span_layout import MARGIN
from annotator.qt.view_paint import ViewStyle
from annotator.text import OffsetMap


PAINT_SLACK = 4  # pixels a paragraph's painting may reach above and below its own rows


def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)


class HitMap:
    """Viewport geometry queries over the paragraph stack and the span index (viewport coordinates)."""

    def __init__(self, stack: ParaStack, spans: SpanIndex, style: ViewStyle,
                 offset_map: Callable[[], OffsetMap], viewport: QWidget) -> None:
        self._stack = stack
        self._spans = spans
        self._style = style
        self._omap = offset_map
        self._viewport = viewport

    def vpos_at(self, pt: QPointF) -> int:
        """View position (between characters) nearest viewport point ``pt``."""
        stack = self._stack
        p, ly = stack.para_at_y(pt.y())
        pl = stack.layout(p)
        if ly < 0:
            return stack.pstart[p]
        if ly >= pl.height and p == len(stack.paras) - 1:
            return stack.para_bounds(p)[1]
        ln = pl.layout.lineAt(pl.line_index_at_y(ly))
        return stack.pstart[p] + ln.xToCursor(pt.x() - MARGIN)

    def span_at(self, pt: QPointF) -> str:
        """Span id under ``pt``: a label tag, else the innermost span over the character, else ``""``."""
        p, ly = self._stack.para_at_y(pt.y())
        pl = self._stack.layout(p)
        local = QPointF(pt.x() - MARGIN, ly)
        sid = pl.tag_at(local)
        if sid:
            return sid
        best, best_len = "", None
        for rect, s, _ in pl.boxes:
            if rect.contains(local):
                vp = self._spans.view_pieces(s)
                ln = vp[-1][1] - vp[0][0]
                if best_len is None or ln < best_len:
                    best, best_len = s, ln
        return best

    def tag_at(self, pt: QPointF) -> str:
        """Span id of the label tag under viewport point ``pt``, or ``""``."""
        p, ly = self._stack.para_at_y(pt.y())
        return self._stack.layout(p).tag_at(QPointF(pt.x() - MARGIN, ly)) or ""

    def paras_of(self, sid: str) -> set[int]:
        """The paragraphs span ``sid`` covers (none if it is not shown)."""
        out: set[int] = set()
        if sid not in self._spans.spans:
            return out
        para_of = self._stack.para_of
        for a, b in self._spans.view_pieces(sid):
            out.update(range(para_of(a), para_of(max(a, b - 1)) + 1))
        return out

    def para_of_cp(self, cp: int) -> int:
        """The paragraph holding code point ``cp``."""
        return self._stack.para_of(self._omap().to_view(cp))

    def para_cps(self, p: int) -> tuple[int, int]:
        """The code points ``[start, end)`` of paragraph ``p``, its break included (the inverse of :meth:`para_of_cp`)."""
        stack, omap = self._stack, self._omap()
        end = stack.pstart[p + 1] if p + 1 < len(stack.pstart) else None
        return omap.to_codepoint(stack.pstart[p]), (omap.to_codepoint(end) if end is not None else 1 << 62)

    def span_para(self, sid: str) -> int:
        """The paragraph holding the start of span ``sid``."""
        return self._stack.para_of(self._spans.view_pieces(sid)[0][0])

    def visible(self, p: int) -> bool:
        """Whether paragraph ``p`` intersects the viewport."""
        y = self._stack.para_y(p)
        return y < self._viewport.height() and y + self._stack.heights[p] > 0

    def para_rect(self, p: int) -> QRect:
        """Viewport rectangle of paragraph ``p`` (PAINT_SLACK pixels more above and below: what its
        painting may reach, e.g. a selected span's outline)."""
        y = self._stack.para_y(p)
        top = floor(y) - PAINT_SLACK
        return QRect(0, top, self._viewport.width(), ceil(y + self._stack.heights[p]) + PAINT_SLACK - top)

    def char_rect(self, cp: int) -> QRect:
        """Viewport rectangle of the character at code point ``cp``."""
        stack = self._stack
        v = self._omap().to_view(cp)
        p = stack.para_of(v)
        pl = stack.layout(p)
        local = v - stack.pstart[p]
        li = pl.line_index_for_pos(local)
        ln = pl.layout.lineAt(li)
        nxt = pl.layout.nextCursorPosition(local)
        avg_w = self._style.avg_w
        x1 = _x(ln, local)
        x2 = _x(ln, nxt) if nxt > local and nxt <= ln.textStart() + ln.textLength() else x1 + avg_w
        if abs(x2 - x1) < 1:
            x2 = x1 + avg_w
        y = stack.para_y(p) + pl.text_tops[li]
        left = min(x1, x2) + MARGIN
        return QRect(int(left), int(y), max(int(abs(x2 - x1)), 1), int(pl.line_heights[li]))

    def span_rects(self, span_id: str) -> list[QRect]:
        """Viewport rectangles of the text of ``span_id``."""
        out: list[QRect] = []
        for p in sorted(self.paras_of(span_id)):
            pl = self._stack.layout(p)
            y = self._stack.para_y(p)
            for rect, sid, _ in pl.boxes:
                if sid == span_id:
                    out.append(rect.translated(MARGIN, y).toAlignedRect())
        return out

    def label_rect(self, span_id: str) -> QRect | None:
        """Viewport rectangle of the label tag of ``span_id`` if it is on screen."""
        for p in sorted(self.paras_of(span_id)):
            if not self.visible(p):
                continue
            pl = self._stack.layout(p)
            y = self._stack.para_y(p)
            for t in pl.tags:
                if t.sid == span_id:
                    r = t.rect.translated(MARGIN, y).toAlignedRect()
                    return r if r.intersects(self._viewport.rect()) else None
        return None
