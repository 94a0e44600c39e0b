"""The arcs half of the annotation view, as a mixin: link index, API, painting, hit tests.

:class:`ArcsMixin` is mixed into :class:`~annotator.qt.textview.AnnotationView`.
Links are indexed by the code-point start of each end's span (two sorted lists,
bisected per paragraph), so laying out a paragraph finds the arcs touching it
without looking at the others, and a paint walks only the arcs cached in the
visible paragraphs' layouts (:attr:`ParaLayout.arcs`).  A change to a link or to
a span at one of its ends drops the layout of just the paragraphs holding its
ends.

Whether a half arc is drawn to the band edge or as a stub is decided at paint
time from what is on screen; its geometry (and so the line's band) is not.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import repeat
from operator import attrgetter, eq

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPalette, QPen, QPolygonF

from annotator.qt.arcs import ARROW, ArcSeg, Link, LinkEnd, near_path, sample_points
from annotator.qt.span_layout import MARGIN

_ID, _SOURCE, _TARGET, _START = attrgetter("id"), attrgetter("source"), attrgetter("target"), attrgetter("start")
ARC_RADIUS = 5.0
ARC_PEN = 1.5
_FADE = 0.25


class ArcsMixin:
    """Links (event arguments, relations) drawn as arcs in the line bands."""

    # ------------------------------------------------------------------ state
    def _init_links(self) -> None:
        self._links: dict[str, Link] = {}
        self._by_span_: dict[str, set[str]] | None = {}  # span id -> link ids at either end (lazy)
        self._by_owner_: dict[str, set[str]] | None = {}  # owner id -> link ids (lazy)
        self._le_cp: list[int] = []  # code-point start of each indexed end's span, sorted
        self._le_val: list[tuple[str, bool]] = []  # (link id, is_source), same order
        # (source cp, target cp) a link was indexed with, when set since set_links; links
        # from set_links are indexed with their spans' starts, or listed in _unindexed
        self._lk_cp: dict[str, tuple[int, int]] = {}
        self._unindexed: set[str] = set()
        self._link_qc: dict[str, QColor] = {}
        self._hl_owner: str | None = None
        self._hl_spans: frozenset[str] = frozenset()
        self._hl_active = False
        self._arcs_mode = "all"

    def _links_clear(self) -> None:
        self._links, self._by_span_, self._by_owner_ = {}, {}, {}
        self._le_cp, self._le_val, self._lk_cp, self._unindexed = [], [], {}, set()
        self._hl_owner, self._hl_spans, self._hl_active = None, frozenset(), False

    # ------------------------------------------------------------------ public API
    def set_links(self, links: list[Link]) -> None:
        """Replace all links (arcs) of the document and repaint.

        Only the bisect index is built here (a few ms for thousands of links); the
        by-span and by-owner maps are built when first needed.
        """
        self._links = {lk.id: lk for lk in links}
        self._by_span_ = self._by_owner_ = None
        get = self._spans.get
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
        self._cache.clear()
        self._sync_scrollbar()
        self.viewport().update()

    @property
    def _by_span(self) -> dict[str, set[str]]:
        if self._by_span_ is None:
            m: dict[str, set[str]] = {}
            for lk in self._links.values():
                m.setdefault(lk.source, set()).add(lk.id)
                m.setdefault(lk.target, set()).add(lk.id)
            self._by_span_ = m
        return self._by_span_

    @property
    def _by_owner(self) -> dict[str, set[str]]:
        if self._by_owner_ is None:
            m: dict[str, set[str]] = {}
            for lk in self._links.values():
                if lk.owner:
                    m.setdefault(lk.owner, set()).add(lk.id)
            self._by_owner_ = m
        return self._by_owner_

    def add_link(self, link: Link) -> None:
        """Draw one more link; only the paragraphs of its two ends are laid out again."""
        touched = self._unindex_link(link.id) if link.id in self._links else set()
        if link.id in self._links:
            self._forget_link(link.id)
        self._links[link.id] = link
        self._by_span.setdefault(link.source, set()).add(link.id)
        self._by_span.setdefault(link.target, set()).add(link.id)
        if link.owner:
            self._by_owner.setdefault(link.owner, set()).add(link.id)
        self._touch(touched | self._index_link(link.id))

    def remove_link(self, link_id: str) -> None:
        """Stop drawing ``link_id``."""
        if link_id not in self._links:
            return
        touched = self._unindex_link(link_id)
        self._forget_link(link_id)
        self._touch(touched)

    def links(self) -> dict[str, Link]:
        """The links shown, by id (read-only view for callers)."""
        return self._links

    def set_highlight(self, owner: str | None, span_ids: set[str] | frozenset[str] = frozenset()) -> None:
        """Draw ``owner``'s arcs and ``span_ids`` (plus the owner's arc ends) strong, fade the rest.

        ``owner=None`` with no spans turns the highlight off.
        """
        old = self._hl_owner
        strong = set(span_ids)
        for lid in self._by_owner.get(owner or "", ()):
            lk = self._links[lid]
            strong.update((lk.source, lk.target))
        self._hl_owner = owner or None
        self._hl_spans = frozenset(strong)
        self._hl_active = bool(owner) or bool(strong)
        if self._arcs_mode == "selected" and old != self._hl_owner:
            touched: set[int] = set()
            for o in (old, self._hl_owner):
                for lid in self._by_owner.get(o or "", ()):
                    touched |= self._link_paras(lid)
            self._touch(touched)
        self.viewport().update()

    def set_arcs_mode(self, mode: str) -> None:
        """``"all"`` arcs (default) or only the ``"selected"`` (highlighted owner's) ones."""
        if mode not in ("all", "selected"):
            raise ValueError(f"arcs mode must be 'all' or 'selected', not {mode!r}")
        if mode == self._arcs_mode:
            return
        self._arcs_mode = mode
        self._cache.clear()
        self._sync_scrollbar()
        self.viewport().update()

    def arcs_mode(self) -> str:
        """The current arcs mode."""
        return self._arcs_mode

    def link_label_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the role label of ``link_id`` as drawn (source side first)."""
        best = None
        for seg, _stub in self._drawn_arcs(self._frame()):
            if seg.link.id == link_id:
                r = seg.label.toAlignedRect()
                if seg.kind != "in":
                    return r
                best = best or r
        return best

    def link_path_points(self, link_id: str) -> list[QPoint]:
        """A few viewport points on the drawn arc of ``link_id`` (not under any label)."""
        drawn = list(self._drawn_arcs(self._frame()))
        labels = [s.label for s, _ in drawn]
        out: list[QPoint] = []
        for seg, stub in drawn:
            if seg.link.id == link_id:
                out.extend(q.toPoint() for q in sample_points(seg.polyline(stub), labels))
        return out

    def link_stub_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the stub arrow of ``link_id`` if it is drawn as a stub."""
        for seg, stub in self._drawn_arcs(self._frame()):
            if seg.link.id == link_id and stub:
                return seg.stub_rect().toAlignedRect()
        return None

    def scroll_to_span(self, span_id: str) -> None:
        """Scroll so the line holding the start of ``span_id`` is shown."""
        if span_id in self._spans:
            self._ensure_visible(self._view_pieces(span_id)[0][0])

    # ------------------------------------------------------------------ index
    def _active(self, lk: Link) -> bool:
        return self._arcs_mode == "all" or (self._hl_owner is not None and lk.owner == self._hl_owner)

    def _link_ends_between(self, cs: int, ce: int) -> list[LinkEnd]:
        """The link ends whose span starts at code points ``[cs, ce]``."""
        if not self._le_cp:
            return []
        lo = bisect_left(self._le_cp, cs)
        hi = bisect_right(self._le_cp, ce)
        out: list[LinkEnd] = []
        links = self._links
        for lid, is_src in self._le_val[lo:hi]:
            lk = links[lid]
            if not self._active(lk):
                continue
            a, b = self._indexed_cps(lid)
            here, other = (a, b) if is_src else (b, a)
            out.append(LinkEnd(lk, is_src, cs <= other <= ce, other > here or (other == here and is_src)))
        return out

    def _cp_para(self, cp: int) -> int:
        return self._para_of(self._omap.to_view(cp))

    def _indexed_cps(self, lid: str) -> tuple[int, int] | None:
        """The (source, target) code points ``lid`` is indexed under, None if not indexed."""
        cps = self._lk_cp.get(lid)
        if cps is not None or lid in self._unindexed or lid not in self._links:
            return cps
        lk = self._links[lid]
        return self._spans[lk.source].start, self._spans[lk.target].start

    def _link_paras(self, lid: str) -> set[int]:
        cps = self._indexed_cps(lid)
        return {self._cp_para(c) for c in cps} if cps else set()

    def _index_link(self, lid: str) -> set[int]:
        """Index ``lid`` if both its spans are shown; the paragraphs of its ends."""
        lk = self._links[lid]
        s, t = self._spans.get(lk.source), self._spans.get(lk.target)
        if s is None or t is None or lk.source == lk.target:
            self._unindexed.add(lid)
            return set()
        self._unindexed.discard(lid)
        self._lk_cp[lid] = (s.start, t.start)
        for cp, is_src in ((s.start, True), (t.start, False)):
            i = bisect_right(self._le_cp, cp)
            self._le_cp.insert(i, cp)
            self._le_val.insert(i, (lid, is_src))
        return self._link_paras(lid)

    def _unindex_link(self, lid: str) -> set[int]:
        cps = self._indexed_cps(lid)
        if cps is None:
            return set()
        touched = self._link_paras(lid)
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

    def _forget_link(self, lid: str) -> None:
        lk = self._links.pop(lid)
        for sid in (lk.source, lk.target):
            self._by_span.get(sid, set()).discard(lid)
        if lk.owner:
            self._by_owner.get(lk.owner, set()).discard(lid)

    def _links_span_changed(self, sid: str, removing: bool = False) -> set[int]:
        """Re-index the links at span ``sid``; the paragraphs to lay out again."""
        touched: set[int] = set()
        for lid in self._by_span.get(sid, ()):
            touched |= self._unindex_link(lid)
            if not removing:
                touched |= self._index_link(lid)
        return touched

    # ------------------------------------------------------------------ highlight
    def _faded_span(self, sid: str) -> bool:
        return self._hl_active and sid not in self._hl_spans

    def _faded_link(self, lk: Link) -> bool:
        if not self._hl_active:
            return False
        if self._hl_owner is not None:
            return lk.owner != self._hl_owner
        return not (lk.source in self._hl_spans and lk.target in self._hl_spans)

    def _link_color(self, lk: Link) -> QColor:
        c = self._link_qc.get(lk.color)
        if c is None:
            c = QColor(lk.color) if QColor.isValidColorName(lk.color) else QColor("#555555")
            self._link_qc[lk.color] = c
        return c

    # ------------------------------------------------------------------ what is on screen
    def _frame(self) -> dict[int, float]:
        """Viewport y of every paragraph that intersects the viewport."""
        out: dict[int, float] = {}
        n = len(self._paras)
        p = self._anchor
        y = (MARGIN if p == 0 else 0.0) - self._anchor_off
        vh = self.viewport().height()
        while p < n and y < vh:
            out[p] = y
            y += self._layout(p).height
            p += 1
        return out

    def _end_on_screen(self, sid: str, frame: dict[int, float]) -> bool:
        sp = self._spans.get(sid)
        if sp is None:
            return False
        q = self._para_of(self._view_pieces(sid)[0][0])
        y = frame.get(q)
        if y is None:
            return False
        for t in self._layout(q).tags:
            if t.sid == sid:
                return t.rect.bottom() + y > 0 and t.rect.top() + y < self.viewport().height()
        return False

    def _is_stub(self, seg: ArcSeg, frame: dict[int, float]) -> bool:
        if seg.kind == "full":
            return False
        return not self._end_on_screen(seg.tgt_sid if seg.kind == "out" else seg.src_sid, frame)

    def _drawn_arcs(self, frame: dict[int, float]):  # noqa: ANN202 - generator of (ArcSeg, bool)
        """Every arc piece on screen, in viewport coordinates, with its stub flag."""
        for p, y in frame.items():
            for seg in self._layout(p).arcs:
                yield seg.translated(MARGIN, y), self._is_stub(seg, frame)

    # ------------------------------------------------------------------ hit testing
    def _arc_hit(self, pt: QPointF) -> tuple[str, str] | None:
        """("stub", other span id) or ("link", link id) under ``pt``, or None."""
        if not self._links:
            return None
        drawn = list(self._drawn_arcs(self._frame()))
        for seg, stub in reversed(drawn):
            if stub and seg.stub_rect().contains(pt):
                return ("stub", seg.tgt_sid if seg.kind == "out" else seg.src_sid)
        for seg, _ in reversed(drawn):
            if seg.label.contains(pt):
                return ("link", seg.link.id)
        if self._tag_at(pt):
            return None
        for seg, stub in reversed(drawn):
            if near_path(pt, seg.polyline(stub)):
                return ("link", seg.link.id)
        return None

    # ------------------------------------------------------------------ painting
    def _paint_arcs(self, painter: QPainter, pl, origin: QPointF, frame: dict[int, float]) -> None:  # noqa: ANN001
        ox, oy = origin.x(), origin.y()
        pieces = [(seg.translated(ox, oy), self._is_stub(seg, frame)) for seg in pl.arcs]
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for seg, stub in pieces:  # lines first, labels above every line
            col = self._link_color(seg.link)
            painter.setOpacity(_FADE if self._faded_link(seg.link) else 1.0)
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
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        painter.setFont(self._tag_font)
        for seg, _ in pieces:
            col = self._link_color(seg.link)
            painter.setOpacity(_FADE if self._faded_link(seg.link) else 1.0)
            painter.setPen(QPen(col, 1.0))
            painter.setBrush(base)
            r = seg.label.adjusted(0.5, 0.5, -0.5, -0.5)
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(text)
            st = self._static_text(seg.link.label)
            painter.drawStaticText(QPointF(r.x() + 2.5, r.y() + (r.height() - st.size().height()) / 2), st)
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_rubber(self, painter: QPainter) -> None:
        sid, pos = self._rubber
        r = self.label_rect(sid)
        if r is None or sid not in self._spans:
            return
        _, _, strong = self._colors_for(self._spans[sid].label)
        start = QPointF(r.center().x(), r.top())
        lift = min(start.y(), pos.y()) - 24.0
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x(), lift), QPointF(pos.x(), lift), pos)
        pen = QPen(strong, 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
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
