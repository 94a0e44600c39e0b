"""Arcs for event arguments and relations, brat-style, in the band above each line.

A :class:`Link` joins two spans by id.  The view hands each paragraph the link
*ends* whose span tags lie in it (:class:`LinkEnd`); :func:`place_arcs` turns them
into :class:`ArcSeg` pieces on the paragraph's lines:

* ``full``: both tags on one line.  The arc rises from the source tag, runs
  level on an *arc floor* and comes down with an arrowhead on the target tag.
* ``out`` / ``in``: the ends are on different lines.  On the source line the arc
  rises and runs to the band edge toward the target (``out``); on the target
  line it comes in from the edge and down onto the tag (``in``).  When the other
  end is off screen the painter draws the same piece as a short *stub* ending in
  an arrow that points up or down toward it.

Arc floors sit above the label floors of the line, shorter arcs lower.  Each arc
reserves the horizontal interval of its level part *and* of its role label on
its floor, so no two arcs share a level stretch and no two labels collide.  The
geometry depends only on the paragraph's own spans and links (never on what is
on screen), so a line's band keeps its height while scrolling.

Several arcs on one tag attach at spread-out points, ordered so nested arcs do
not cross: left-going arcs on the left part of the tag (shorter further left),
right-going ones on the right part (shorter further right).

Everything here is para-local geometry; no store or SQL imports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, floor
from typing import Callable

from PySide6.QtCore import QPointF, QRectF

ARC_PAD = 3.0  # extra space above the top arc floor
ARC_LIFT = 7.0  # between the top label floor and arc floor 0: legs show under labels
LABEL_GAP = 8.0  # level run between a half arc's leg and its label
STUB_LEN = 10.0  # level run between a stub's label and its arrow
ARC_SPACING = 5.0  # horizontal gap kept between two arcs on one floor
ARROW = 5.0  # arrowhead length


@dataclass(frozen=True, slots=True)  # one per argument and relation: 70,000 at 4 MB of brat density
class Link:
    """One arc: an event argument (source = trigger span) or a relation (head -> tail)."""

    id: str  # unique per link, e.g. f"{event_id}:{position}" or the relation id
    source: str  # span id the arc starts from
    target: str  # span id the arc points to
    label: str  # role name or relation type, drawn on the arc
    color: str  # "#rrggbb"
    kind: str = "argument"  # or "relation"
    owner: str = ""  # annotation id the link belongs to (event or relation id)


@dataclass(slots=True)
class LinkEnd:
    """One end of a link whose span tag lies in the paragraph being laid out."""

    link: Link
    is_source: bool
    other_here: bool  # the other end's tag is in this paragraph too
    other_after: bool  # the other end lies later in the text


@dataclass(slots=True)
class ArcSeg:
    """The piece of a link drawn on one line (para-local coordinates).

    ``sx, sy``: source anchor (top of the source tag); for ``in`` pieces ``sx`` is
    the band edge.  ``tx, ty``: target anchor; for ``out`` pieces ``tx`` is the
    band edge.  ``y``: the level run.  ``stub_x``: where a stub's arrow sits.
    """

    link: Link
    kind: str  # "full" | "out" | "in"
    line: int
    sx: float = 0.0
    sy: float = 0.0
    tx: float = 0.0
    ty: float = 0.0
    y: float = 0.0
    floor: int = 0
    label: QRectF = field(default_factory=QRectF)
    other_after: bool = True
    stub_x: float = 0.0
    src_sid: str = ""
    tgt_sid: str = ""

    def polyline(self, stub: bool = False) -> list[QPointF]:
        """The corners of the piece as drawn (``stub``: the short off-screen form)."""
        y = self.y
        if self.kind == "full":
            return [QPointF(self.sx, self.sy), QPointF(self.sx, y), QPointF(self.tx, y), QPointF(self.tx, self.ty)]
        if self.kind == "out":
            end = self.stub_x if stub else self.tx
            return [QPointF(self.sx, self.sy), QPointF(self.sx, y), QPointF(end, y)]
        start = self.stub_x if stub else self.sx
        return [QPointF(start, y), QPointF(self.tx, y), QPointF(self.tx, self.ty)]

    def stub_rect(self) -> QRectF:
        """Click target of the stub arrow."""
        return QRectF(self.stub_x - 7.0, self.y - 8.0, 14.0, 16.0)

    def translated(self, dx: float, dy: float) -> ArcSeg:
        return ArcSeg(
            self.link, self.kind, self.line, self.sx + dx, self.sy + dy, self.tx + dx, self.ty + dy,
            self.y + dy, self.floor, self.label.translated(dx, dy), self.other_after, self.stub_x + dx,
            self.src_sid, self.tgt_sid,
        )


def _px(x: float) -> float:
    """Centre of the pixel column holding ``x``: 1-px lines stay crisp."""
    return floor(x) + 0.5


def _free_stretch(lo: float, hi: float, covers: list[tuple[float, float]]) -> tuple[float, float]:
    """The longest part of ``[lo, hi]`` outside ``covers`` (the whole if all is covered)."""
    parts = [(lo, hi)]
    for a, b in covers:
        a, b = a - 2.0, b + 2.0
        nxt = []
        for p, q in parts:
            if b <= p or a >= q:
                nxt.append((p, q))
                continue
            if a > p:
                nxt.append((p, a))
            if b < q:
                nxt.append((b, q))
        parts = nxt
    best = max(parts, key=lambda pq: pq[1] - pq[0], default=None)
    return best if best is not None and best[1] - best[0] >= 4.0 else (lo, hi)


def place_arcs(
    ends: list[LinkEnd],
    tags: dict[str, tuple[int, float, float, int]],
    width: float,
    label_width: Callable[[str], float],
    rtl: bool,
) -> tuple[list[ArcSeg], list[int]]:
    """Arc pieces of one paragraph and the number of arc floors each line needs.

    ``tags`` maps a span id to ``(line, tag_x, tag_w, floor)`` for the tags of this
    paragraph.  Y coordinates are left at 0 here; :func:`settle_arcs` fills them
    once the line positions are known.
    """
    segs: list[ArcSeg] = []
    by_link: dict[str, list[LinkEnd]] = {}
    for e in ends:
        by_link.setdefault(e.link.id, []).append(e)
    edge_after = 0.0 if rtl else width  # the band edge toward later text
    edge_before = width if rtl else 0.0
    nlines = 1 + max((t[0] for t in tags.values()), default=0)
    for lid, es in by_link.items():
        lk = es[0].link
        if lk.source == lk.target:
            continue
        src = tags.get(lk.source)
        tgt = tags.get(lk.target)
        here = {e.is_source for e in es}
        if True in here and False in here and src and tgt:
            if src[0] == tgt[0]:
                segs.append(ArcSeg(lk, "full", src[0], src_sid=lk.source, tgt_sid=lk.target))
            else:
                after = tgt[0] > src[0]
                segs.append(ArcSeg(lk, "out", src[0], other_after=after, src_sid=lk.source, tgt_sid=lk.target))
                segs.append(ArcSeg(lk, "in", tgt[0], other_after=not after, src_sid=lk.source, tgt_sid=lk.target))
            continue
        for e in es:
            if e.other_here:
                continue  # the other end's tag was not placed (e.g. no text): skip
            t = src if e.is_source else tgt
            if t is None:
                continue
            segs.append(ArcSeg(lk, "out" if e.is_source else "in", t[0], other_after=e.other_after,
                               src_sid=lk.source, tgt_sid=lk.target))

    def centre(sid: str) -> float:
        _, x, w, _ = tags[sid]
        return x + w / 2

    # 1. attachments per tag: (direction, length, seg, is_source)
    attach: dict[str, list[tuple[int, float, ArcSeg, bool]]] = {}
    for s in segs:
        if s.kind == "full":
            cs, ct = centre(s.src_sid), centre(s.tgt_sid)
            d = 1 if ct >= cs else -1
            ln = abs(ct - cs)
            attach.setdefault(s.src_sid, []).append((d, ln, s, True))
            attach.setdefault(s.tgt_sid, []).append((-d, ln, s, False))
        else:
            sid = s.src_sid if s.kind == "out" else s.tgt_sid
            edge = edge_after if s.other_after else edge_before
            c = centre(sid)
            d = 1 if edge >= c else -1
            attach.setdefault(sid, []).append((d, abs(edge - c) + width, s, s.kind == "out"))
    # 2. spread the anchors over each tag: left-going (short..long), right-going (long..short),
    #    over the longest stretch of the tag that no higher tag on the line covers
    #    (a leg drawn through another tag reads as attached to it)
    for sid, lst in attach.items():
        line, x, w, fl = tags[sid]
        lo, hi = _free_stretch(x, x + w, [(t[1], t[1] + t[2]) for t in tags.values() if t[0] == line and t[3] > fl])
        lst.sort(key=lambda a: (a[0], a[1] if a[0] < 0 else -a[1]))
        n = len(lst)
        for i, (_, _, s, is_src) in enumerate(lst):
            ax = _px(lo + (i + 1) * (hi - lo) / (n + 1))
            if is_src:
                s.sx = ax
            else:
                s.tx = ax
    # 3. labels, level extents, floors
    floors: list[list[list[tuple[float, float]]]] = [[] for _ in range(nlines)]
    items: list[tuple[float, float, float, ArcSeg]] = []
    for s in segs:
        lw = label_width(s.link.label)
        if s.kind == "full":
            mid = (s.sx + s.tx) / 2
            lx = min(max(mid - lw / 2, 0.0), max(width - lw, 0.0))
            lo, hi = min(s.sx, s.tx, lx), max(s.sx, s.tx, lx + lw)
        else:
            edge = edge_after if s.other_after else edge_before
            a = s.sx if s.kind == "out" else s.tx
            right = edge >= a
            lx = a + LABEL_GAP if right else a - LABEL_GAP - lw
            lx = min(max(lx, 0.0), max(width - lw, 0.0))
            if right:
                s.stub_x = _px(min(lx + lw + STUB_LEN, width - 2.0))
            else:
                s.stub_x = _px(max(lx - STUB_LEN, 2.0))
            if s.kind == "out":
                s.tx = edge
            else:
                s.sx = edge
            lo, hi = min(a, edge, lx), max(a, edge, lx + lw)
        s.label = QRectF(lx, 0.0, lw, 0.0)
        items.append((hi - lo, lo, hi, s))
    items.sort(key=lambda it: (it[0], it[1]))
    for _, lo, hi, s in items:
        fl = floors[s.line]
        f = 0
        while True:
            if f == len(fl):
                fl.append([])
            if all(hi + ARC_SPACING <= a or b + ARC_SPACING <= lo for a, b in fl[f]):
                fl[f].append((lo, hi))
                break
            f += 1
        s.floor = f
    return segs, [len(f) for f in floors]


def settle_arcs(segs: list[ArcSeg], arc_base: list[float], arc_h: float, label_h: float,
                tag_tops: dict[str, float]) -> None:
    """Fill the y coordinates once lines are placed.

    ``arc_base[line]`` is the y just above the line's top label floor; arc floor
    ``f`` runs level at ``arc_base - (f + 0.5) * arc_h``.  ``tag_tops`` gives the
    para-local top of each tag (where legs start and arrowheads land).
    """
    for s in segs:
        y = _px(arc_base[s.line] - ARC_LIFT - (s.floor + 0.5) * arc_h)
        s.y = y
        s.label = QRectF(round(s.label.x()), floor(y - label_h / 2), ceil(s.label.width()), label_h)
        if s.kind in ("full", "out"):
            s.sy = tag_tops.get(s.src_sid, y)
        else:
            s.sy = y
        if s.kind in ("full", "in"):
            s.ty = tag_tops.get(s.tgt_sid, y)
        else:
            s.ty = y


def _dist_to_polyline(p: QPointF, pts: list[QPointF]) -> float:
    best = 1e9
    for a, b in zip(pts, pts[1:]):
        dx, dy = b.x() - a.x(), b.y() - a.y()
        ll = dx * dx + dy * dy
        t = 0.0 if ll == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / ll))
        qx, qy = a.x() + t * dx - p.x(), a.y() + t * dy - p.y()
        best = min(best, (qx * qx + qy * qy) ** 0.5)
    return best


def near_path(p: QPointF, pts: list[QPointF], tol: float = 3.0) -> bool:
    """Whether ``p`` is within ``tol`` pixels of the polyline ``pts``."""
    return _dist_to_polyline(p, pts) <= tol


def sample_points(pts: list[QPointF], avoid: list[QRectF]) -> list[QPointF]:
    """A few points along ``pts`` (quarters of each leg), none inside ``avoid``."""
    out: list[QPointF] = []
    for a, b in zip(pts, pts[1:]):
        for t in (0.25, 0.5, 0.75):
            q = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)
            if not any(r.adjusted(-2, -2, 2, 2).contains(q) for r in avoid):
                out.append(q)
    return out
