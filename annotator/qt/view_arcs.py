"""The arc layer of the annotation view: links, highlight, arcs mode, on-screen arcs, hit tests, painting.

:class:`ArcLayer` is owned by :class:`~annotator.qt.textview.AnnotationView`
(``view.arcs``) and talks to it only through :class:`ArcHost`.  Links are kept in
a :class:`~annotator.qt.link_index.LinkIndex`; a paint walks only the arcs cached
in the visible paragraphs' layouts (:attr:`ParaLayout.arcs`).

Whether a half arc is drawn to the band edge or as a stub is decided at paint
time from what is on screen (the *frame*: viewport y of each paragraph shown);
its geometry (and so the line's band) is not.
"""
from __future__ import annotations

from typing import Iterator, Protocol

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from annotator.model import Span
from annotator.qt.arcs import ARROW, ArcSeg, Link, LinkEnd, near_path, sample_points
from annotator.qt.link_index import LinkIndex
from annotator.qt.para_stack import ParaStack
from annotator.qt.span_layout import MARGIN, ParaLayout
from annotator.qt.view_hits import HitMap
from annotator.qt.view_paint import FADE, ViewStyle, paint_review_mark

ARC_RADIUS = 5.0
ARC_PEN = 1.5


class ArcHost(Protocol):
    """What the arc layer needs from the view that owns it (besides its stack, hit map and style)."""

    def spans(self) -> dict[str, Span]: ...
    def relayout(self, paras: set[int] | None) -> None: ...  # None: every paragraph
    def viewport(self) -> QWidget: ...
    def palette(self) -> QPalette: ...


class ArcLayer:
    """Links (event arguments, relations) drawn as arcs in the line bands."""

    def __init__(self, host: ArcHost, stack: ParaStack, hits: HitMap, style: ViewStyle) -> None:
        self._host = host
        self._stack = stack
        self._hits = hits
        self._style = style
        self.index = LinkIndex(host.spans, hits.para_of_cp, hits.para_cps)
        self._link_qc: dict[str, QColor] = {}
        self.hl_owner: str | None = None
        self.hl_spans: frozenset[str] = frozenset()
        self._hl_active = False
        self._mode = "all"

    # ------------------------------------------------------------------ links
    def clear(self) -> None:
        """No links and no highlight (a new document)."""
        self.index.clear()
        self.hl_owner, self.hl_spans, self._hl_active = None, frozenset(), False

    def set_links(self, links: list[Link]) -> None:
        """Replace all links and lay everything out again."""
        self.index.set_links(links)
        self._host.relayout(None)

    def add_link(self, link: Link) -> None:
        """Draw one more link; only the paragraphs of its two ends are laid out again."""
        self._host.relayout(self.index.add(link))

    def add_links(self, links: list[Link]) -> None:
        """Draw many more links (a slice of a loading document); lays out again only what is cached."""
        cache = self._stack.cache
        touched = self.index.add_many(links, only=list(cache))
        self._host.relayout(touched & cache.keys())

    def remove_link(self, link_id: str) -> None:
        """Stop drawing ``link_id``."""
        if link_id in self.index.links:
            self._host.relayout(self.index.remove(link_id))

    def links(self) -> dict[str, Link]:
        """The links, by id."""
        return self.index.links

    def span_changed(self, sid: str, removing: bool = False) -> set[int]:
        """Re-index the links at span ``sid``; the paragraphs to lay out again."""
        return self.index.span_changed(sid, removing)

    def link_ends_between(self, cs: int, ce: int) -> list[LinkEnd]:
        """The ends of the drawn links whose span starts at code points ``[cs, ce]``."""
        return self.index.ends_between(cs, ce, self._active)

    # ------------------------------------------------------------------ highlight and mode
    def set_highlight(self, owner: str | None, span_ids: set[str] | frozenset[str] = frozenset()) -> None:
        """Draw ``owner``'s arcs and ``span_ids`` (plus the owner's arc ends) strong, fade the rest."""
        old = self.hl_owner
        by_owner, links = self.index.by_owner, self.index.links
        strong = set(span_ids)
        for lid in by_owner.get(owner or "", ()):
            lk = links[lid]
            strong.update((lk.source, lk.target))
        self.hl_owner = owner or None
        self.hl_spans = frozenset(strong)
        self._hl_active = bool(owner) or bool(strong)
        if self._mode == "selected" and old != self.hl_owner:
            touched: set[int] = set()
            for o in (old, self.hl_owner):
                for lid in by_owner.get(o or "", ()):
                    touched |= self.index.link_paras(lid)
            self._host.relayout(touched)
        self._host.viewport().update()

    def set_mode(self, mode: str) -> None:
        """``"all"`` arcs or only the ``"selected"`` (highlighted owner's) ones."""
        if mode not in ("all", "selected"):
            raise ValueError(f"arcs mode must be 'all' or 'selected', not {mode!r}")
        if mode != self._mode:
            self._mode = mode
            self._host.relayout(None)

    def mode(self) -> str:
        """The current arcs mode."""
        return self._mode

    def _active(self, lk: Link) -> bool:
        return self._mode == "all" or (self.hl_owner is not None and lk.owner == self.hl_owner)

    def faded_span(self, sid: str) -> bool:
        """Whether span ``sid`` is drawn faded (a highlight is on and it is not in it)."""
        return self._hl_active and sid not in self.hl_spans

    def _faded_link(self, lk: Link) -> bool:
        if not self._hl_active:
            return False
        if self.hl_owner is not None:
            return lk.owner != self.hl_owner
        return not (lk.source in self.hl_spans and lk.target in self.hl_spans)

    def _link_color(self, lk: Link) -> QColor:
        c = self._link_qc.get(lk.color)
        if c is None:
            c = QColor(lk.color) if QColor.isValidColorName(lk.color) else QColor("#555555")
            self._link_qc[lk.color] = c
        return c

    # ------------------------------------------------------------------ what is on screen
    def _end_on_screen(self, sid: str, frame: dict[int, float]) -> bool:
        host = self._host
        if sid not in host.spans():
            return False
        q = self._hits.span_para(sid)
        y = frame.get(q)
        if y is None:
            return False
        for t in self._stack.layout(q).tags:
            if t.sid == sid:
                return t.rect.bottom() + y > 0 and t.rect.top() + y < host.viewport().height()
        return False

    def is_stub(self, seg: ArcSeg, frame: dict[int, float]) -> bool:
        """Whether half arc ``seg`` is drawn as a stub: its other end is not on screen."""
        if seg.kind == "full":
            return False
        return not self._end_on_screen(seg.tgt_sid if seg.kind == "out" else seg.src_sid, frame)

    def frame(self) -> dict[int, float]:
        """Viewport y of every paragraph on screen."""
        return self._stack.frame(self._host.viewport().height())

    def drawn_arcs(self, frame: dict[int, float]) -> Iterator[tuple[ArcSeg, bool]]:
        """Every arc piece of the paragraphs in ``frame``, in viewport coordinates, with its stub flag."""
        layout = self._stack.layout
        for p, y in frame.items():
            for seg in layout(p).arcs:
                yield seg.translated(MARGIN, y), self.is_stub(seg, frame)

    def link_label_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the role label of ``link_id`` as drawn (source side first)."""
        best = None
        for seg, _stub in self.drawn_arcs(self.frame()):
            if seg.link.id == link_id:
                r = seg.label.toAlignedRect()
                if seg.kind != "in":
                    return r
                best = best or r
        return best

    def link_path_points(self, link_id: str) -> list[QPoint]:
        """A few viewport points on the drawn arc of ``link_id`` (not under any label)."""
        drawn = list(self.drawn_arcs(self.frame()))
        labels = [s.label for s, _ in drawn]
        out: list[QPoint] = []
        for seg, stub in drawn:
            if seg.link.id == link_id:
                out.extend(q.toPoint() for q in sample_points(seg.polyline(stub), labels))
        return out

    def link_stub_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the stub arrow of ``link_id`` if it is drawn as a stub."""
        for seg, stub in self.drawn_arcs(self.frame()):
            if seg.link.id == link_id and stub:
                return seg.stub_rect().toAlignedRect()
        return None

    def hit(self, pt: QPointF) -> tuple[str, str] | None:
        """("stub", other span id) or ("link", link id) under viewport point ``pt``, or None."""
        if not self.index.links:
            return None
        drawn = list(self.drawn_arcs(self.frame()))
        for seg, stub in reversed(drawn):
            if stub and seg.stub_rect().contains(pt):
                return ("stub", seg.tgt_sid if seg.kind == "out" else seg.src_sid)
        for seg, _ in reversed(drawn):
            if seg.label.contains(pt):
                return ("link", seg.link.id)
        if self._hits.tag_at(pt):
            return None
        for seg, stub in reversed(drawn):
            if near_path(pt, seg.polyline(stub)):
                return ("link", seg.link.id)
        return None

    # ------------------------------------------------------------------ painting
    def paint(self, painter: QPainter, pl: ParaLayout, origin: QPointF, frame: dict[int, float]) -> None:
        """Draw the arcs of one paragraph (lines first, role labels above every line)."""
        ox, oy = origin.x(), origin.y()
        pieces = [(seg.translated(ox, oy), self.is_stub(seg, frame)) for seg in pl.arcs]
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for seg, stub in pieces:
            col = self._link_color(seg.link)
            painter.setOpacity(FADE if self._faded_link(seg.link) else 1.0)
            painter.setPen(QPen(col, ARC_PEN))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            pts = seg.polyline(stub)
            arrow = seg.kind in ("full", "in")
            if arrow:
                last = pts[-1]
                pts[-1] = QPointF(last.x(), last.y() - ARROW + 1)
            painter.drawPath(_rounded(pts))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(col))
            if arrow:
                x, y = seg.tx, seg.ty
                painter.drawPolygon(QPolygonF([QPointF(x, y), QPointF(x - 3.5, y - ARROW - 1), QPointF(x + 3.5, y - ARROW - 1)]))
            if stub:
                painter.drawPolygon(_stub_arrow(seg.stub_x, seg.y, down=seg.other_after))
        pal = self._host.palette()
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.Text)
        painter.setFont(self._style.tag_font)
        for seg, _ in pieces:
            col = self._link_color(seg.link)
            painter.setOpacity(FADE if self._faded_link(seg.link) else 1.0)
            painter.setPen(QPen(col, 1.0))
            painter.setBrush(base)
            r = seg.label.adjusted(0.5, 0.5, -0.5, -0.5)
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(text)
            st = self._style.static_text(seg.link.label)
            painter.drawStaticText(QPointF(r.x() + 2.5, r.y() + (r.height() - st.size().height()) / 2), st)
            if self._style.review_links and (state := self._style.review_links.get(seg.link.id)):
                paint_review_mark(painter, r, state)  # a reviewer's decision on this argument or relation
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def paint_rubber(self, painter: QPainter, sid: str, pos: QPointF) -> None:
        """The dashed arc of a link drag from the tag of ``sid`` to the pointer at ``pos``."""
        r = self._hits.label_rect(sid)
        span = self._host.spans().get(sid)
        if r is None or span is None:
            return
        _, _, strong = self._style.colors_for(span.label)
        start = QPointF(r.center().x(), r.top())
        lift = min(start.y(), pos.y()) - 24.0
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x(), lift), QPointF(pos.x(), lift), pos)
        painter.setPen(QPen(strong, 2.0, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(strong)
        painter.drawEllipse(pos, 3.0, 3.0)


def _rounded(pts: list[QPointF]) -> QPainterPath:
    """A polyline with its corners rounded (radius shrinks on short legs)."""
    path = QPainterPath(pts[0])
    for i in range(1, len(pts) - 1):
        a, c, b = pts[i - 1], pts[i], pts[i + 1]
        la = abs(c.x() - a.x()) + abs(c.y() - a.y())
        lb = abs(b.x() - c.x()) + abs(b.y() - c.y())
        r = min(ARC_RADIUS, la / 2, lb / 2)
        if r <= 0.5:
            path.lineTo(c)
            continue
        p1 = c + (a - c) * (r / la)
        p2 = c + (b - c) * (r / lb)
        path.lineTo(p1)
        path.quadTo(c, p2)
    path.lineTo(pts[-1])
    return path


def _stub_arrow(x: float, y: float, down: bool) -> QPolygonF:
    d = 1.0 if down else -1.0
    return QPolygonF([QPointF(x, y + 7 * d), QPointF(x - 4.5, y - 1 * d), QPointF(x + 4.5, y - 1 * d)])
