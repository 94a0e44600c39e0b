"""AnnotationView: the read-only text view that draws spans brat-style; it owns its parts and wires them.

Why a QAbstractScrollArea and not QPlainTextEdit: QPlainTextDocumentLayout ignores
block margins and line heights (checked on PySide6 6.11), so it cannot leave a band
above each line for label floors and arcs; QTextEdit can, but lays out lazily from
the top (a first jump to the middle of 1 MB costs ~0.3 s).  So the text is kept as
one string per paragraph, and only what is painted is laid out (one QTextLayout
per paragraph, cached until a change touches it).  The parts: ``stack``
(:mod:`~annotator.qt.para_stack`), the span index (:mod:`~annotator.qt.span_index`),
``hits`` (:mod:`~annotator.qt.view_hits`), ``arcs`` (:mod:`~annotator.qt.view_arcs`),
``input`` (:mod:`~annotator.qt.view_input`) and ``vstyle`` (:mod:`~annotator.qt.view_paint`).
Internally positions are view positions (UTF-16 units of the CRLF-collapsed text);
the public API speaks code points, converted only by :class:`~annotator.text.OffsetMap`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil, floor
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from annotator.model import Span
from annotator.qt.arcs import Link
from annotator.qt.para_stack import ParaStack
from annotator.qt.span_index import SpanIndex
from annotator.qt.band_memory import BandMemory
from annotator.qt.span_layout import MARGIN, ParaLayout
from annotator.qt.text_find import find_match
from annotator.qt.view_arcs import ArcLayer
from annotator.qt.view_cull import CulledLayout
from annotator.qt.view_hits import PAINT_SLACK, HitMap
from annotator.qt.view_input import ViewInput
from annotator.qt.view_links import ViewLinks
from annotator.qt.view_paint import ViewStyle, paint_para
from annotator.qt.view_repaint import relayout_touched, repaint_scrolled, scroll_state, selection_rect
from annotator.text import OffsetMap

__all__ = ["AnnotationView", "Link"]  # Link is re-exported for callers


class AnnotationView(ViewLinks, QAbstractScrollArea):
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
        self.vstyle = ViewStyle(self.font())
        self._zoom = 0
        self._text = ""
        self._omap = OffsetMap("")
        self.stack = ParaStack(self._lay_out)
        self.bands = BandMemory()  # bands never shrink while shown: a delete moves no text
        self._sidx = SpanIndex(self._omap.to_view)
        self.hits = HitMap(self.stack, self._sidx, self.vstyle, self.offset_map, self.viewport())
        self.arcs = ArcLayer(self, self.stack, self.hits, self.vstyle)
        self.input = ViewInput(self, self.stack, self.hits, self.arcs.hit)
        self._selected: str | None = None
        self._outlined: set[int] = set()  # paragraphs of a selected span just removed (see relayout)
        self._batch: set[int] | None = None  # paragraphs to lay out at the end of a batched() block
        self._painted = (0, 0)  # first and last paragraph of the last paint
        self._last_sb = 0
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(0)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self._sync_scrollbar()

    # ------------------------------------------------------------------ document
    def set_document(self, text: str, spans: list[Span], colors: dict[str, str]) -> None:
        """Show ``text`` (code points; may hold CRLF) with ``spans`` coloured by label.

        Links (arcs) of the previous document are dropped: call ``set_links`` after.
        """
        self._text = text
        self._omap = OffsetMap(text)
        self.stack.set_paras(OffsetMap.view_text(text).split("\n"), self._estimates)
        self._sidx.build(spans, self._omap.to_view)
        self.arcs.clear()
        self.vstyle.set_colors(colors)
        self._selected = None
        self.input.set_caret(0, 0)
        self._sync_scrollbar()
        self.viewport().update()

    def document_text(self) -> str:
        """The shown text, as given (code points)."""
        return self._text

    def offset_map(self) -> OffsetMap:
        """The code point <-> view position map of the current text."""
        return self._omap

    def set_colors(self, colors: dict[str, str]) -> None:
        """Replace the label -> ``#rrggbb`` colours and repaint."""
        self.vstyle.set_colors(colors)
        self.viewport().update()

    def add_span(self, span: Span) -> None:
        """Draw a new span; only the paragraphs it touches are laid out again."""
        self._sidx.add(span)
        self.relayout(self.hits.paras_of(span.id) | self.arcs.span_changed(span.id))

    def add_spans(self, spans: list[Span]) -> None:
        """Draw many new spans (a slice of a loading document): one index merge; only cached layouts they
        touch are dropped (the others are laid out when shown, with them)."""
        if not spans:
            return
        self._sidx.add_many(spans)
        to_view, para_of = self._omap.to_view, self.stack.para_of
        p0 = para_of(to_view(min(sp.start for sp in spans)))
        p1 = para_of(to_view(max(sp.end for sp in spans)))
        self.relayout({p for p in self.stack.cache if p0 <= p <= p1})

    def remove_span(self, span_id: str) -> None:
        """Stop drawing ``span_id``."""
        if span_id not in self._sidx.spans:
            return
        touched = self.hits.paras_of(span_id) | self.arcs.span_changed(span_id, removing=True)
        if self._selected == span_id:
            self._selected = None
            self._outlined |= self.hits.paras_of(span_id)  # its outline goes: repaint around it
        self._sidx.remove(span_id)
        self.relayout(touched)

    def update_span(self, span: Span) -> None:
        """Redraw a span whose label, extent or attributes changed."""
        known = span.id in self._sidx.spans
        touched = self.hits.paras_of(span.id) if known else set()
        if known:
            touched |= self.arcs.span_changed(span.id, removing=True)
            self._sidx.remove(span.id)
        self._sidx.add(span)
        self.relayout(touched | self.hits.paras_of(span.id) | self.arcs.span_changed(span.id))

    def spans(self) -> dict[str, Span]:
        """The spans shown, by id (read-only view for callers)."""
        return self._sidx.spans

    # ------------------------------------------------------------------ paragraphs
    def _lay_out(self, p: int) -> ParaLayout:
        """Lay out paragraph ``p`` with its spans and link ends (the stack caches it)."""
        base, end = self.stack.para_bounds(p)
        to_cp = self._omap.to_codepoint
        pieces = self._sidx.pieces(base, end, to_cp)
        ends = self.arcs.link_ends_between(to_cp(base), to_cp(end))
        st = self.vstyle
        return self.bands.lay_out(p, self.stack.paras[p], pieces, st.font, st.tag_font, self._text_width(), ends=ends)

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Group span and link changes: each touched paragraph is laid out once, at the end."""
        if self._batch is not None:  # nested: the outer block lays out
            yield
            return
        self._batch = set()
        try:
            yield
        finally:
            paras, self._batch = self._batch, None
            if paras:
                self.relayout(paras)

    def relayout(self, paras: set[int] | None) -> None:
        """Drop the layout of ``paras`` (None: of all) and repaint what shows them."""
        if paras is not None and self._batch is not None:
            self._batch |= paras
            return
        if paras is None:
            self.stack.cache.clear()
            self._sync_scrollbar()
            self.viewport().update()
            return
        sel = self._selected
        outlined, self._outlined = self._outlined, set()
        if sel:
            outlined |= self.hits.paras_of(sel)
        relayout_touched(self.stack, self.hits, self.arcs, self.viewport(), paras, outlined)
        self._sync_scrollbar()

    def repaint_selection(self, old: tuple[int, int], new: tuple[int, int]) -> None:
        """The text selection (and caret) moved from ``old`` to ``new`` (view positions): repaint both."""
        vp = self.viewport()
        for r in selection_rect(self.stack, vp.height(), vp.width(), old, new):
            vp.update(r)

    def _text_width(self) -> float:
        return max(float(self.viewport().width()) - 2 * MARGIN, 40.0)

    def _estimates(self, paras: range) -> list[float]:
        return self.vstyle.height_estimates(self.stack.paras, paras, self._text_width())

    # ------------------------------------------------------------------ scrolling and zoom
    def _sync_scrollbar(self) -> None:
        total = self.stack.total_height() + 2 * MARGIN
        sb = self.verticalScrollBar()
        vh = self.viewport().height()
        sb.blockSignals(True)
        sb.setRange(0, max(0, int(total - vh)))
        sb.setPageStep(max(vh, 1))
        sb.setSingleStep(int(self.vstyle.line_h + self.vstyle.floor_h))
        sb.setValue(int(self.stack.scroll_value()))
        sb.blockSignals(False)
        self._last_sb = sb.value()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt API)
        """React to the scroll bar: walk exact heights for small moves, jump for big ones."""
        v = self.verticalScrollBar().value()
        delta = v - self._last_sb
        vh = self.viewport().height()
        if abs(delta) <= 3 * max(vh, 100):
            before = scroll_state(self.stack, self.arcs, vh)
            self.stack.scroll_by(float(delta), vh)
            repaint_scrolled(self.stack, self.hits, self.arcs, self.viewport(), before)
        else:
            self.stack.jump_to(float(v), vh)
            self.viewport().update()
        self._sync_scrollbar()

    def scroll_by(self, dy: float) -> None:
        """Scroll down by ``dy`` pixels (up if negative) and repaint (what moved is moved, not painted)."""
        vh = self.viewport().height()
        before = scroll_state(self.stack, self.arcs, vh)
        self.stack.scroll_by(dy, vh)
        self._sync_scrollbar()
        repaint_scrolled(self.stack, self.hits, self.arcs, self.viewport(), before)

    def ensure_visible(self, vpos: int) -> None:
        """Scroll so the line holding view position ``vpos`` is shown (centred if far)."""
        vh = self.viewport().height()
        before = scroll_state(self.stack, self.arcs, vh)
        if self.stack.reveal(vpos, vh):
            self._sync_scrollbar()
            repaint_scrolled(self.stack, self.hits, self.arcs, self.viewport(), before)

    def scroll_to_span(self, span_id: str) -> None:
        """Scroll so the line holding the start of ``span_id`` is shown."""
        if span_id in self._sidx.spans:
            self.ensure_visible(self._sidx.view_pieces(span_id)[0][0])

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802
        """Re-wrap: drop all layouts, keep the top paragraph in place."""
        super().resizeEvent(e)
        if e.oldSize().width() != e.size().width():
            self._relayout_all()
        self._sync_scrollbar()

    def _relayout_all(self) -> None:
        self.stack.re_estimate(self._estimates)
        self.stack.anchor_off = 0.0
        self.stack.scroll_by(0.0, self.viewport().height())

    def set_zoom(self, steps: int) -> None:
        """Set the font size to the base size plus ``steps`` points."""
        self._zoom = int(steps)
        self.vstyle.set_zoom(self._zoom)
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

    # ------------------------------------------------------------------ painting
    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        """Paint only the paragraphs whose painting reaches into the update region."""
        pal = self.palette()
        painter = QPainter(self.viewport())
        clip = e.rect()
        region = e.region()
        width = clip.right() + 1
        painter.fillRect(clip, pal.color(QPalette.ColorRole.Base))
        text_color = pal.color(QPalette.ColorRole.Text)
        caret = self.input.caret()
        sel = sorted(caret)
        sel_fmt = QTextCharFormat()
        sel_fmt.setBackground(pal.color(QPalette.ColorRole.Highlight))
        sel_fmt.setForeground(pal.color(QPalette.ColorRole.HighlightedText))
        stack, arcs = self.stack, self.arcs
        caret_para = stack.para_of(caret[1]) if self.hasFocus() and sel[0] == sel[1] else -1
        n = len(stack.paras)
        p = stack.anchor
        y = stack.top_y()
        bottom = clip.bottom() + 1 + PAINT_SLACK  # a paragraph's painting may reach PAINT_SLACK up
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        frame = arcs.frame() if arcs.index.links else {}
        # a paragraph paints within its own rows, but for the selected span's outline
        outlined = self.hits.paras_of(self._selected) if self._selected else set()
        while p < n and y < bottom:
            pl = stack.layout(p)
            slack = PAINT_SLACK if p in outlined else 0
            top = floor(y) - slack
            rows = QRect(0, top, width, ceil(y + pl.height) + slack - top)
            if region.intersects(rows):
                part = region.intersected(rows).boundingRect()
                if part.height() * part.width() < 0.6 * rows.height() * rows.width():  # a part: paint what is in it
                    pl = CulledLayout(pl, QRectF(part).translated(-MARGIN, -y))
                origin = QPointF(MARGIN, y)
                base = stack.pstart[p]
                cursor = caret[1] - base if p == caret_para else None
                paint_para(painter, self.vstyle, pl, origin, (base, stack.paras[p]), (sel[0], sel[1]), sel_fmt,
                           text_color, self._selected, arcs.faded_span, cursor)
                if pl.arcs:
                    arcs.paint(painter, pl, origin, frame)
            y += pl.height
            p += 1
        if self.input.rubber is not None:
            arcs.paint_rubber(painter, *self.input.rubber)
        painter.end()
        self._painted = (stack.anchor, p)
        self._prefetch_timer.start()
        self._sync_scrollbar()

    def _prefetch(self) -> None:
        """When idle, lay out about one page below and above what was painted (like Spyder's decorations)."""
        self.stack.prefetch(*self._painted, float(self.viewport().height()))
        self._sync_scrollbar()

    # ------------------------------------------------------------------ input: Qt events go to the input handler
    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802, D102
        if not self.input.press(e):
            super().mousePressEvent(e)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802, D102
        self.input.move(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802, D102
        if not self.input.release(e):
            super().mouseReleaseEvent(e)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802, D102
        self.input.double_click(e)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:  # noqa: N802, D102
        self.input.context_menu(e)

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802, D102
        if e.type() == QEvent.Type.ToolTip:
            return self.input.tooltip_event(e)
        return super().viewportEvent(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802, D102
        self.input.key(e)

    def span_tooltip(self, sid: str) -> str:
        """Rich-text tooltip for ``sid``."""
        return self.input.tooltip(sid)

    # ------------------------------------------------------------------ geometry (the hit map)
    def span_at(self, pos: QPoint) -> str:
        """Span id at viewport ``pos`` or ``""``."""
        return self.hits.span_at(QPointF(pos))

    def char_rect(self, cp: int) -> QRect:
        """Viewport rectangle of the character at code point ``cp``."""
        return self.hits.char_rect(cp)

    def span_rects(self, span_id: str) -> list[QRect]:
        """Viewport rectangles of the text of ``span_id``."""
        return self.hits.span_rects(span_id)

    def label_rect(self, span_id: str) -> QRect | None:
        """Viewport rectangle of the label tag of ``span_id`` if it is on screen."""
        return self.hits.label_rect(span_id)

    # ------------------------------------------------------------------ selection
    def selected_span(self) -> str | None:
        """The highlighted span id, if any."""
        return self._selected

    def select_span(self, span_id: str | None, scroll: bool = True) -> None:
        """Highlight ``span_id`` (``None`` clears) and scroll it into view."""
        old = self._selected
        self._selected = span_id if span_id in self._sidx.spans else None
        if self._selected and scroll:
            self.scroll_to_span(self._selected)
        if old == self._selected:
            return
        vp = self.viewport()
        for sid in (old, self._selected):  # its outlined boxes and its tag (drawn with a thicker pen)
            if sid and sid in self._sidx.spans:
                for r in self.hits.span_rects(sid):
                    vp.update(r.adjusted(-PAINT_SLACK, -PAINT_SLACK, PAINT_SLACK, PAINT_SLACK))
                tag = self.hits.label_rect(sid)
                if tag is not None:
                    vp.update(tag.adjusted(-2, -2, 2, 2))

    def selection(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)``, or ``None``."""
        a, b = sorted(self.input.caret())
        if a == b:
            return None
        return self._omap.to_codepoint(a), self._omap.to_codepoint(b)

    def set_selection(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` and show them."""
        self.input.set_caret(self._omap.to_view(start), self._omap.to_view(end))
        self.ensure_visible(self._omap.to_view(start))

    def clear_selection(self) -> None:
        """Select nothing (the caret stays where the selection ended)."""
        cursor = self.input.caret()[1]
        self.input.set_caret(cursor, cursor)

    def selected_text(self) -> str:
        """The stored text of the selection."""
        s = self.selection()
        return self._text[s[0] : s[1]] if s else ""

    def find(self, needle: str, forward: bool = True) -> bool:
        """Select the next (or previous) case-insensitive match, wrapping around."""
        m = find_match(self._text, needle, self.selection(), self._omap.to_codepoint(self.input.caret()[1]), forward)
        if m is not None:
            self.set_selection(*m)
        return m is not None

    def debug_state(self) -> dict[str, Any]:
        """Numbers for benchmarks and tests: cached layouts, paragraphs, anchor."""
        return {"cached": len(self.stack.cache), "paragraphs": len(self.stack.paras), "anchor": self.stack.anchor}
