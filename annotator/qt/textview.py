"""AnnotationView: the read-only text view that draws spans brat-style.

Why a QAbstractScrollArea and not QPlainTextEdit: QPlainTextDocumentLayout ignores
block margins and line heights (checked on PySide6 6.11), so it cannot leave a band
above each line for the label floors; QTextEdit can, but lays out lazily from the
top (a first jump to the middle of 1 MB costs ~0.3 s).  This view keeps the text
as Python strings, one per paragraph, and lays out with one QTextLayout per
paragraph only what is painted, caching it (``ParaLayout``) until a change
touches that paragraph.  Each visual line gets its own band whose height grows
with the number of label floors it needs (and later with event arcs).

Units: internally every position is a *view position* (UTF-16 units of the
CRLF-collapsed text); the public API speaks code points, and the only conversion
is :class:`~annotator.text.OffsetMap`.

Vertical scrolling is anchored: ``(_anchor, _anchor_off)`` says which paragraph
is at the top and how many pixels of it are scrolled off.  Paragraphs not yet laid
out have an estimated height; small scrolls walk exact heights so the picture
never jumps when an estimate is replaced, large jumps use the estimated prefix sums.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from itertools import accumulate
from math import ceil
from operator import attrgetter, gt, sub
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QStaticText,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from annotator.model import Span
from annotator.qt.arcs import Link  # noqa: F401 - re-exported for callers
from annotator.qt.span_layout import MARGIN, ParaLayout, Piece, floor_height, lay_out_paragraph
from annotator.qt.view_arcs import ArcsMixin
from annotator.qt.view_input import ViewInputMixin
from annotator.text import OffsetMap

CACHE_SIZE = 4000  # paragraph layouts kept (LRU); heights stay known after eviction
LONG_SPAN = 2000  # spans longer than this (code points) are indexed apart
FADE = 0.25  # opacity of what is not highlighted while an event is selected


def _fallback_color(label: str) -> str:
    """A stable light colour for a label without one."""
    h = (sum(map(ord, label)) * 47) % 360
    return QColor.fromHsl(h, 160, 190).name()


_ID = attrgetter("id")
_START = attrgetter("start")
_END = attrgetter("end")


def _utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


class AnnotationView(ViewInputMixin, ArcsMixin, QAbstractScrollArea):
    """Shows one document, its spans and the arcs between them; emits what the user does."""

    selection_made = Signal(int, int)
    span_clicked = Signal(str)
    context_menu_requested = Signal(QPoint, str)
    link_drag_finished = Signal(str, str, QPoint)  # source span id, target span id, global pos
    link_clicked = Signal(str)  # link id
    stub_clicked = Signal(str)  # span id of the off-screen end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._base_font = QFont(self.font())
        self._zoom = 0
        self._text = ""
        self._omap = OffsetMap("")
        self._paras: list[str] = [""]
        self._pstart: list[int] = [0]  # view position of each paragraph start
        self._heights: list[float] = [0.0]
        self._tops: list[float] = [0.0, 0.0]
        self._tops_dirty = True
        self._cache: OrderedDict[int, ParaLayout] = OrderedDict()
        self._spans: dict[str, Span] = {}
        self._vpieces: dict[str, list[tuple[int, int]]] = {}  # sid -> view ranges (lazy)
        self._starts: list[int] = []  # code-point starts of the short spans, sorted
        self._order: list[str] = []  # their ids, in the same order
        self._maxlen = 0
        self._long: set[str] = set()
        self._colors: dict[str, str] = {}
        self._qcolors: dict[str, tuple[QColor, QColor, QColor]] = {}
        self._selected: str | None = None
        self._anchor = 0
        self._anchor_off = 0.0
        self._sel_anchor = 0  # view positions; equal when nothing is selected
        self._sel_cursor = 0
        self._press_pos: QPointF | None = None
        self._dragging = False
        self._ignore_release = False
        self._static: dict[str, QStaticText] = {}
        self._painted = (0, 0)  # first and last paragraph of the last paint
        self._press_hit: tuple[str, str] | None = None
        self._rubber: tuple[str, QPointF] | None = None  # link drag: source span, pointer
        self._init_links()
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(0)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self._apply_fonts()
        self._sync_scrollbar()

    # ------------------------------------------------------------------ document
    def set_document(self, text: str, spans: list[Span], colors: dict[str, str]) -> None:
        """Show ``text`` (code points; may hold CRLF) with ``spans`` coloured by label.

        Links (arcs) of the previous document are dropped: call ``set_links`` after.
        """
        self._text = text
        self._omap = OffsetMap(text)
        self._paras = OffsetMap.view_text(text).split("\n")
        lens = [_utf16_len(p) + 1 for p in self._paras]
        self._pstart = [0, *accumulate(lens)][:-1]
        self._cache.clear()
        self._heights = self._estimates(range(len(self._paras)))
        self._tops_dirty = True
        self._index_build(spans)
        self._links_clear()
        self._colors = dict(colors)
        self._qcolors = {}
        self._selected = None
        self._anchor, self._anchor_off = 0, 0.0
        self._sel_anchor = self._sel_cursor = 0
        self._sync_scrollbar()
        self.viewport().update()

    def offset_map(self) -> OffsetMap:
        """The code point <-> view position map of the current text."""
        return self._omap

    def set_colors(self, colors: dict[str, str]) -> None:
        """Replace the label -> ``#rrggbb`` colours and repaint."""
        self._colors = dict(colors)
        self._qcolors = {}
        self.viewport().update()

    def add_span(self, span: Span) -> None:
        """Draw a new span; only the paragraphs it touches are laid out again."""
        self._index_add(span)
        self._touch(self._paras_of(span.id) | self._links_span_changed(span.id))

    def remove_span(self, span_id: str) -> None:
        """Stop drawing ``span_id``."""
        if span_id not in self._spans:
            return
        touched = self._paras_of(span_id) | self._links_span_changed(span_id, removing=True)
        self._index_remove(span_id)
        if self._selected == span_id:
            self._selected = None
        self._touch(touched)

    def update_span(self, span: Span) -> None:
        """Redraw a span whose label, extent or attributes changed."""
        touched = self._paras_of(span.id) if span.id in self._spans else set()
        if span.id in self._spans:
            touched |= self._links_span_changed(span.id, removing=True)
            self._index_remove(span.id)
        self._index_add(span)
        self._touch(touched | self._paras_of(span.id) | self._links_span_changed(span.id))

    # ------------------------------------------------------------------ span index
    # Spans are kept sorted by code-point start (``_starts``/``_order``); a paragraph
    # finds its spans with a bisect over ``[para_start - _maxlen, para_end)``.  Spans
    # longer than LONG_SPAN are few and kept apart so ``_maxlen`` stays small.
    def _index_build(self, spans: list[Span]) -> None:
        ids = list(map(_ID, spans))
        self._spans = dict(zip(ids, spans))
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

    def _index_add(self, sp: Span) -> None:
        self._spans[sp.id] = sp
        self._vpieces.pop(sp.id, None)
        if sp.end - sp.start > LONG_SPAN:
            self._long.add(sp.id)
            return
        i = bisect_right(self._starts, sp.start)
        self._starts.insert(i, sp.start)
        self._order.insert(i, sp.id)
        self._maxlen = max(self._maxlen, sp.end - sp.start)

    def _index_remove(self, sid: str) -> None:
        sp = self._spans.pop(sid, None)
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

    def _spans_between(self, cs: int, ce: int) -> list[str]:
        """Ids of the spans whose extent overlaps code points ``[cs, ce]``."""
        spans = self._spans
        lo = bisect_left(self._starts, cs - self._maxlen)
        hi = bisect_right(self._starts, ce)
        out = [sid for sid in self._order[lo:hi] if spans[sid].end > cs or spans[sid].start >= cs]
        out.extend(sid for sid in self._long if spans[sid].start <= ce and spans[sid].end > cs)
        return out

    def _view_pieces(self, sid: str) -> list[tuple[int, int]]:
        vp = self._vpieces.get(sid)
        if vp is None:
            to_view = self._omap.to_view
            vp = [(to_view(a), to_view(b)) for a, b in self._spans[sid].pieces()]
            self._vpieces[sid] = vp
        return vp

    def _paras_of(self, sid: str) -> set[int]:
        out: set[int] = set()
        if sid not in self._spans:
            return out
        ps = self._pstart
        for a, b in self._view_pieces(sid):
            p0 = max(bisect_right(ps, a) - 1, 0)
            p1 = max(bisect_right(ps, max(a, b - 1)) - 1, 0)
            out.update(range(p0, p1 + 1))
        return out

    def _touch(self, paras: set[int]) -> None:
        """Drop the cached layout of ``paras`` and repaint what shows them."""
        changed = False
        rects: list[QRect] = []
        for p in paras:
            self._cache.pop(p, None)
            if self._visible(p):
                old = self._heights[p]
                if self._layout(p).height != old:
                    changed = True
                else:
                    rects.append(self._para_viewport_rect(p))
        if changed:
            self.viewport().update()
        else:
            for r in rects:
                self.viewport().update(r)
        self._sync_scrollbar()

    # ------------------------------------------------------------------ geometry
    def _apply_fonts(self) -> None:
        f = QFont(self._base_font)
        size = f.pointSizeF() if f.pointSizeF() > 0 else 10.0
        f.setPointSizeF(max(4.0, size + self._zoom))
        self._font = f
        tf = QFont(f)
        tf.setPointSizeF(max(5.0, f.pointSizeF() * 0.8))
        self._tag_font = tf
        self._fm = QFontMetricsF(f)
        self._tag_fm = QFontMetricsF(tf)
        self._line_h = self._fm.lineSpacing()
        self._floor_h = floor_height(tf)
        self._avg_w = max(self._fm.averageCharWidth(), 1.0)
        self._static = {}

    def _text_width(self) -> float:
        return max(float(self.viewport().width()) - 2 * MARGIN, 40.0)

    def _estimates(self, paras: range) -> list[float]:
        per_line = self._line_h + self._floor_h + 2.0
        cpl = max(int(self._text_width() / self._avg_w), 1)
        lh = self._line_h
        k = 1.08 / cpl
        texts = self._paras
        return [ceil(n * k) * per_line if n else lh for n in (len(texts[i]) for i in paras)]

    def _layout(self, p: int) -> ParaLayout:
        """The cached layout of paragraph ``p``, laying it out if needed."""
        pl = self._cache.get(p)
        if pl is not None:
            self._cache.move_to_end(p)
            return pl
        base = self._pstart[p]
        end = base + _utf16_len(self._paras[p])
        pieces: list[Piece] = []
        to_cp = self._omap.to_codepoint
        for sid in self._spans_between(to_cp(base), to_cp(end)):
            sp = self._spans[sid]
            vp = self._view_pieces(sid)
            length = vp[-1][1] - vp[0][0]
            for k, (a, b) in enumerate(vp):
                if a < end and b > base or (a == b and base <= a <= end):
                    pieces.append(Piece(sid, sp.label, max(a, base) - base, min(b, end) - base, length, k == 0 and a >= base))
        ends = self._link_ends_between(to_cp(base), to_cp(end))
        pl = lay_out_paragraph(self._paras[p], pieces, self._font, self._tag_font, self._text_width(), ends=ends)
        self._cache[p] = pl
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if pl.height != self._heights[p]:
            self._heights[p] = pl.height
            self._tops_dirty = True
        return pl

    def _tops_list(self) -> list[float]:
        if self._tops_dirty:
            self._tops = [0.0, *accumulate(self._heights)]
            self._tops_dirty = False
        return self._tops

    def _para_y(self, p: int) -> float:
        """Viewport y of the top of paragraph ``p`` (exact near the anchor, else estimated)."""
        y = MARGIN - self._anchor_off if self._anchor == 0 else -self._anchor_off
        if p >= self._anchor and p - self._anchor < 400:
            for i in range(self._anchor, p):
                y += self._heights[i]
            return y
        if p < self._anchor and self._anchor - p < 400:
            for i in range(p, self._anchor):
                y -= self._heights[i]
            return y
        tops = self._tops_list()
        return y + tops[p] - tops[self._anchor]

    def _visible(self, p: int) -> bool:
        y = self._para_y(p)
        return y < self.viewport().height() and y + self._heights[p] > 0

    def _para_viewport_rect(self, p: int) -> QRect:
        y = self._para_y(p)
        return QRect(0, int(y) - 1, self.viewport().width(), int(ceil(self._heights[p])) + 2)

    def _para_at_y(self, y: float) -> tuple[int, float]:
        """Paragraph at viewport ``y`` and the para-local y (laying out as it walks)."""
        p = self._anchor
        top = (MARGIN if p == 0 else 0.0) - self._anchor_off
        self._layout(p)
        while y < top and p > 0:
            p -= 1
            top -= self._layout(p).height
        while y >= top + self._heights[p] and p < len(self._paras) - 1:
            top += self._heights[p]
            p += 1
            self._layout(p)
        return p, y - top

    # ------------------------------------------------------------------ scrolling
    def _sync_scrollbar(self) -> None:
        tops = self._tops_list()
        total = tops[-1] + 2 * MARGIN
        sb = self.verticalScrollBar()
        vh = self.viewport().height()
        sb.blockSignals(True)
        sb.setRange(0, max(0, int(total - vh)))
        sb.setPageStep(max(vh, 1))
        sb.setSingleStep(int(self._line_h + self._floor_h))
        sb.setValue(int(tops[self._anchor] + self._anchor_off))
        sb.blockSignals(False)
        self._last_sb = sb.value()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt API)
        """React to the scroll bar: walk exact heights for small moves, jump for big ones."""
        sb = self.verticalScrollBar()
        v = sb.value()
        delta = v - getattr(self, "_last_sb", 0)
        if abs(delta) <= 3 * max(self.viewport().height(), 100):
            self._scroll_by(float(delta))
        else:
            self._jump_to(float(v))
        self._sync_scrollbar()
        self.viewport().update()

    def _jump_to(self, y: float) -> None:
        tops = self._tops_list()
        p = max(min(bisect_right(tops, y) - 1, len(self._paras) - 1), 0)
        self._anchor, self._anchor_off = p, y - tops[p]
        self._scroll_by(0.0)

    def _scroll_by(self, dy: float) -> None:
        """Move the view down by ``dy`` pixels, walking exact paragraph heights."""
        n = len(self._paras)
        off = self._anchor_off + dy
        p = self._anchor
        while off < 0 and p > 0:
            p -= 1
            off += self._layout(p).height
        if off < 0:
            off = 0.0
        while p < n - 1 and off >= self._layout(p).height:
            off -= self._heights[p]
            p += 1
        # do not scroll past the end: the last page must be full
        vh = self.viewport().height() - MARGIN
        rest = -off
        q = p
        while q < n and rest < vh:
            rest += self._layout(q).height
            q += 1
        if rest < vh:
            back = vh - rest
            off -= back
            while off < 0 and p > 0:
                p -= 1
                off += self._layout(p).height
            off = max(off, 0.0)
        self._anchor, self._anchor_off = p, off

    def _ensure_visible(self, vpos_a: int, vpos_b: int | None = None) -> None:
        """Scroll so the line holding view position ``vpos_a`` is shown (centred if far)."""
        p = self._para_of(vpos_a)
        pl = self._layout(p)
        li = pl.line_index_for_pos(vpos_a - self._pstart[p])
        y = self._para_y(p) + pl.band_tops[li]
        bottom = self._para_y(p) + pl.text_tops[li] + pl.line_heights[li]
        vh = self.viewport().height()
        if y >= 0 and bottom <= vh:
            return
        if abs(y) < 2 * vh:
            self._scroll_by(y - vh / 3 if y > 0 else y)
        else:
            self._anchor, self._anchor_off = p, pl.band_tops[li]
            self._scroll_by(-vh / 3)
        self._sync_scrollbar()
        self.viewport().update()

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802
        """Re-wrap: drop all layouts, keep the top paragraph in place."""
        super().resizeEvent(e)
        if e.oldSize().width() != e.size().width():
            self._relayout_all()
        self._sync_scrollbar()

    def _relayout_all(self) -> None:
        self._cache.clear()
        self._heights = self._estimates(range(len(self._paras)))
        self._tops_dirty = True
        self._anchor_off = 0.0
        self._scroll_by(0.0)

    # ------------------------------------------------------------------ zoom
    def set_zoom(self, steps: int) -> None:
        """Set the font size to the base size plus ``steps`` points."""
        self._zoom = int(steps)
        self._apply_fonts()
        self._relayout_all()
        self._sync_scrollbar()
        self.viewport().update()

    def zoom(self) -> int:
        """The current zoom step."""
        return self._zoom

    def zoom_in(self) -> None:
        """One point larger."""
        self.set_zoom(self._zoom + 1)

    def zoom_out(self) -> None:
        """One point smaller."""
        self.set_zoom(self._zoom - 1)

    # ------------------------------------------------------------------ colours
    def _colors_for(self, label: str) -> tuple[QColor, QColor, QColor]:
        """(tag fill, translucent box fill, strong outline) for ``label``."""
        c = self._qcolors.get(label)
        if c is None:
            base = QColor(self._colors.get(label) or _fallback_color(label))
            fill = QColor(base)
            fill.setAlpha(90)
            c = (base, fill, base.darker(150))
            self._qcolors[label] = c
        return c

    def _static_text(self, label: str) -> QStaticText:
        st = self._static.get(label)
        if st is None:
            st = QStaticText(label)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self._tag_font)
            self._static[label] = st
        return st

    # ------------------------------------------------------------------ painting
    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        """Paint only the paragraphs that intersect the update rectangle."""
        vp = self.viewport()
        pal = self.palette()
        painter = QPainter(vp)
        clip = e.rect()
        painter.fillRect(clip, pal.color(QPalette.ColorRole.Base))
        text_color = pal.color(QPalette.ColorRole.Text)
        sel_a, sel_b = sorted((self._sel_anchor, self._sel_cursor))
        sel_fmt = QTextCharFormat()
        sel_fmt.setBackground(pal.color(QPalette.ColorRole.Highlight))
        sel_fmt.setForeground(pal.color(QPalette.ColorRole.HighlightedText))
        tag_text = QColor("#1a1a1a")
        n = len(self._paras)
        p = self._anchor
        y = (MARGIN if p == 0 else 0.0) - self._anchor_off
        bottom = clip.bottom() + 1
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        frame = self._frame() if self._links else {}
        while p < n and y < bottom:
            pl = self._layout(p)
            if y + pl.height >= clip.top():
                self._paint_para(painter, p, pl, QPointF(MARGIN, y), sel_a, sel_b, sel_fmt, text_color, tag_text)
                if pl.arcs:
                    self._paint_arcs(painter, pl, QPointF(MARGIN, y), frame)
            y += pl.height
            p += 1
        if self._rubber is not None:
            self._paint_rubber(painter)
        painter.end()
        self._painted = (self._anchor, p)
        self._prefetch_timer.start()
        self._sync_scrollbar()

    def _prefetch(self) -> None:
        """When idle, lay out about one page below and above what was painted.

        Like Spyder's decoration manager this keeps the next scroll frame to
        painting only; it stops early if user input is waiting.
        """
        first, last = self._painted
        budget = float(self.viewport().height())
        n = len(self._paras)
        done = 0.0
        p = last
        while p < n and done < budget:
            done += self._layout(p).height
            p += 1
        done, p = 0.0, first - 1
        while p >= 0 and done < budget:
            done += self._layout(p).height
            p -= 1
        self._sync_scrollbar()

    def _paint_para(
        self,
        painter: QPainter,
        p: int,
        pl: ParaLayout,
        origin: QPointF,
        sel_a: int,
        sel_b: int,
        sel_fmt: QTextCharFormat,
        text_color: QColor,
        tag_text: QColor,
    ) -> None:
        ox, oy = origin.x(), origin.y()
        painter.setPen(Qt.PenStyle.NoPen)
        selected_boxes = []
        faded = self._faded_span
        for rect, sid, label in pl.boxes:
            _, fill, strong = self._colors_for(label)
            r = rect.translated(ox, oy)
            painter.setOpacity(FADE if faded(sid) else 1.0)
            painter.fillRect(r, fill)
            painter.fillRect(QRectF(r.x(), r.bottom() - 1.5, r.width(), 1.5), strong)
            if sid == self._selected:
                selected_boxes.append((r, strong))
        painter.setOpacity(1.0)
        base = self._pstart[p]
        plen = len(self._paras[p])
        sels = []
        if sel_a < sel_b and sel_a <= base + _utf16_len(self._paras[p]) and sel_b > base:
            fr = QTextLayout.FormatRange()
            fr.start = max(sel_a - base, 0)
            fr.length = min(sel_b - base, _utf16_len(self._paras[p]) + 1) - fr.start
            fr.format = sel_fmt
            sels.append(fr)
        painter.setPen(text_color)
        pl.layout.draw(painter, origin, sels)
        if plen == 0 and sels:
            painter.fillRect(QRectF(ox, oy, 4, pl.height), sel_fmt.background())
        if self.hasFocus() and sel_a == sel_b and self._para_of(self._sel_cursor) == p:
            pl.layout.drawCursor(painter, origin, self._sel_cursor - base, 1)
        # brackets, then tags on top of them
        for t in pl.tags:
            tag_fill, _, strong = self._colors_for(t.label)
            r = t.rect.translated(ox, oy)
            li = pl.line_index_at_y(t.rect.center().y())
            text_top = pl.text_tops[li] + oy
            pen = QPen(strong, 1.0)
            painter.setPen(pen)
            painter.setOpacity(FADE if faded(t.sid) else 1.0)
            bx1, bx2 = t.bracket_x1 + ox, t.bracket_x2 + ox
            yb = r.bottom() + 1
            painter.drawLine(QPointF(bx1, yb), QPointF(bx2, yb))
            painter.drawLine(QPointF(bx1, yb), QPointF(bx1, text_top))
            painter.drawLine(QPointF(bx2, yb), QPointF(bx2, text_top))
        for t in pl.tags:
            tag_fill, _, strong = self._colors_for(t.label)
            r = t.rect.translated(ox, oy)
            sel = t.sid == self._selected
            painter.setOpacity(FADE if faded(t.sid) else 1.0)
            painter.setPen(QPen(strong, 2.0 if sel else 1.0))
            painter.setBrush(tag_fill)
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(tag_text)
            painter.setFont(self._tag_font)
            st = self._static_text(t.label)
            painter.drawStaticText(QPointF(r.x() + 3.0, r.y() + (r.height() - st.size().height()) / 2), st)
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for r, strong in selected_boxes:
            painter.setPen(QPen(strong, 2.5))
            painter.drawRect(r.adjusted(-1, -1, 1, 1))

    # ------------------------------------------------------------------ hit testing
    def _para_of(self, vpos: int) -> int:
        return max(bisect_right(self._pstart, vpos) - 1, 0)

    def _vpos_at(self, pt: QPointF) -> int:
        """View position (between characters) nearest viewport point ``pt``."""
        p, ly = self._para_at_y(pt.y())
        pl = self._layout(p)
        if ly < 0:
            return self._pstart[p]
        if ly >= pl.height and p == len(self._paras) - 1:
            return self._pstart[p] + _utf16_len(self._paras[p])
        ln = pl.layout.lineAt(pl.line_index_at_y(ly))
        return self._pstart[p] + ln.xToCursor(pt.x() - MARGIN)

    def _span_at(self, pt: QPointF) -> str:
        """Span id under ``pt``: a label tag, else the innermost span over the character."""
        p, ly = self._para_at_y(pt.y())
        pl = self._layout(p)
        local = QPointF(pt.x() - MARGIN, ly)
        sid = pl.tag_at(local)
        if sid:
            return sid
        best, best_len = "", None
        for rect, s, _ in pl.boxes:
            if rect.contains(local):
                vp = self._view_pieces(s)
                ln = vp[-1][1] - vp[0][0]
                if best_len is None or ln < best_len:
                    best, best_len = s, ln
        return best

    def _tag_at(self, pt: QPointF) -> str:
        """Span id of the label tag under viewport point ``pt``, or ``""``."""
        p, ly = self._para_at_y(pt.y())
        return self._layout(p).tag_at(QPointF(pt.x() - MARGIN, ly)) or ""

    def span_at(self, pos: QPoint) -> str:
        """Span id at viewport ``pos`` or ``""``."""
        return self._span_at(QPointF(pos))

    def char_rect(self, cp: int) -> QRect:
        """Viewport rectangle of the character at code point ``cp``."""
        v = self._omap.to_view(cp)
        p = self._para_of(v)
        pl = self._layout(p)
        local = v - self._pstart[p]
        li = pl.line_index_for_pos(local)
        ln = pl.layout.lineAt(li)
        nxt = pl.layout.nextCursorPosition(local)
        x1 = _x(ln, local)
        x2 = _x(ln, nxt) if nxt > local and nxt <= ln.textStart() + ln.textLength() else x1 + self._avg_w
        if abs(x2 - x1) < 1:
            x2 = x1 + self._avg_w
        y = self._para_y(p) + pl.text_tops[li]
        left = min(x1, x2) + MARGIN
        return QRect(int(left), int(y), max(int(abs(x2 - x1)), 1), int(pl.line_heights[li]))

    def span_rects(self, span_id: str) -> list[QRect]:
        """Viewport rectangles of the text of ``span_id`` (laid-out paragraphs)."""
        out: list[QRect] = []
        for p in sorted(self._paras_of(span_id)):
            pl = self._layout(p)
            y = self._para_y(p)
            for rect, sid, _ in pl.boxes:
                if sid == span_id:
                    out.append(rect.translated(MARGIN, y).toAlignedRect())
        return out

    def label_rect(self, span_id: str) -> QRect | None:
        """Viewport rectangle of the label tag of ``span_id`` if it is on screen."""
        for p in sorted(self._paras_of(span_id)):
            if not self._visible(p):
                continue
            pl = self._layout(p)
            y = self._para_y(p)
            for t in pl.tags:
                if t.sid == span_id:
                    r = t.rect.translated(MARGIN, y).toAlignedRect()
                    return r if r.intersects(self.viewport().rect()) else None
        return None

    # ------------------------------------------------------------------ selection API
    def selected_span(self) -> str | None:
        """The highlighted span id, if any."""
        return self._selected

    def select_span(self, span_id: str | None, scroll: bool = True) -> None:
        """Highlight ``span_id`` (``None`` clears) and scroll it into view."""
        old = self._selected
        self._selected = span_id if span_id in self._spans else None
        if self._selected and scroll:
            self._ensure_visible(self._view_pieces(self._selected)[0][0])
        for sid in (old, self._selected):
            if sid and sid in self._spans:
                for p in self._paras_of(sid):
                    self.viewport().update(self._para_viewport_rect(p))

    def selection(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, or ``None``."""
        if self._sel_anchor == self._sel_cursor:
            return None
        a, b = sorted((self._sel_anchor, self._sel_cursor))
        to_cp = self._omap.to_codepoint
        return to_cp(a), to_cp(b)

    def set_selection(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and show them."""
        self._sel_anchor = self._omap.to_view(start)
        self._sel_cursor = self._omap.to_view(end)
        self._ensure_visible(self._sel_anchor)
        self.viewport().update()

    def clear_selection(self) -> None:
        """Select nothing (the caret stays where the selection ended)."""
        self._sel_anchor = self._sel_cursor
        self.viewport().update()

    def selected_text(self) -> str:
        """The stored text of the selection."""
        s = self.selection()
        return self._text[s[0] : s[1]] if s else ""

    def find(self, needle: str, forward: bool = True) -> bool:
        """Select the next (or previous) case-insensitive match, wrapping around."""
        if not needle:
            return False
        pat = re.compile(re.escape(needle), re.IGNORECASE)
        sel = self.selection()
        to_cp = self._omap.to_codepoint
        here = to_cp(self._sel_cursor)
        if forward:
            start = sel[1] if sel else here
            m = pat.search(self._text, start) or pat.search(self._text, 0)
        else:
            start = sel[0] if sel else here
            m = None
            for m in pat.finditer(self._text, 0, start):
                pass
            if m is None:
                for m in pat.finditer(self._text, start):
                    pass
        if m is None:
            return False
        self.set_selection(m.start(), m.end())
        return True

    def spans(self) -> dict[str, Span]:
        """The spans shown, by id (read-only view for callers)."""
        return self._spans

    def debug_state(self) -> dict[str, Any]:
        """Numbers for benchmarks and tests: cached layouts, paragraphs, anchor."""
        return {"cached": len(self._cache), "paragraphs": len(self._paras), "anchor": self._anchor}


def _x(line, pos: int) -> float:
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)
