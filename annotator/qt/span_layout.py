"""Geometry of one paragraph of the annotation view: text lines, span boxes and label floors.

The view (:mod:`annotator.qt.textview`) keeps one :class:`ParaLayout` per laid-out
paragraph and drops it only when a change touches that paragraph.  Everything here
works in *view positions*: UTF-16 units of the paragraph text (a CRLF pair already
collapsed), as :class:`~annotator.text.OffsetMap` produces them.

Vertical structure of a paragraph, per visual line ``i``::

    band_top[i]  ┬  label floors (tags), floor 0 nearest to the text
                 │  arc floors above them (event arguments, relations)
    text_top[i]  ┼  the glyphs of line i
                 ┴  text_top[i] + line height

Labels of the spans whose first piece starts on a line sit in that line's band.
Every piece of a span on a line takes a floor, shortest spans first and each
above the spans it contains, so inner spans stay nearest their text and an
outer span's bracket runs above their tags along its whole extent (brat's
picture); no two pieces on a floor overlap.  A tag is centred on its span and
never reaches over a neighbouring word (:mod:`~annotator.qt.label_fit`).
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from math import ceil

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption
from PySide6.QtCore import Qt

from annotator.qt.arcs import ARC_LIFT, ARC_PAD, ArcSeg, LinkEnd, place_arcs, settle_arcs
from annotator.qt.label_fit import fitter_for, room

MARGIN = 8.0  # left/right/top margin of the text inside the view's viewport
TAG_HPAD = 3.0  # horizontal padding inside a label tag (less when a shortened label is tight)
TAG_GAP = 3.0  # vertical gap between floors (a bracket runs in it, a pixel clear of the tags)
TAG_MIN_SPACING = 1.0  # horizontal gap kept between two tags on one floor (tags in neighbouring rooms keep it)
BAND_PAD = 2.0  # space between floor 0 and the text
ARC_GAP = 4.0  # arc floor height = tag height + this


@dataclass(slots=True)
class Piece:
    """A span's part inside one paragraph (para-local view positions, end-exclusive)."""

    sid: str
    label: str
    start: int
    end: int
    length: int  # whole span length, for the floor order (shorter = nearer the text)
    has_tag: bool  # True on the piece that starts the span: its tag is drawn there


@dataclass(slots=True)
class Tag:
    """A label tag placed in a line band."""

    sid: str
    label: str
    rect: QRectF  # para-local
    floor: int
    bracket_x1: float  # the span's extent on the line, for the bracket under the tag
    bracket_x2: float
    text: str = ""  # what the tag shows: the label, or the label shortened to fit its room


@dataclass(slots=True)
class Bracket:
    """The extent of one span piece on a line, drawn as a line at its floor with ticks down to the text."""

    sid: str
    label: str
    x1: float
    x2: float
    y: float  # para-local y of the level line (just under the floor's tags)
    text_top: float  # where the ticks end
    tick_left: bool  # whether the left end is a real end of the span (not a line break): a tick down to the text
    tick_right: bool


@dataclass(slots=True)
class ParaLayout:
    """The laid-out geometry of one paragraph; coordinates are relative to its top-left."""

    layout: QTextLayout
    text_tops: list[float] = field(default_factory=list)
    band_tops: list[float] = field(default_factory=list)
    line_heights: list[float] = field(default_factory=list)
    boxes: list[tuple[QRectF, str, str]] = field(default_factory=list)  # rect, sid, label
    tags: list[Tag] = field(default_factory=list)
    brackets: list[Bracket] = field(default_factory=list)
    arcs: list[ArcSeg] = field(default_factory=list)
    bands: list[float] = field(default_factory=list)  # band height above each line
    height: float = 0.0

    def line_index_at_y(self, y: float) -> int:
        """The line whose band or text contains para-local ``y`` (clamped)."""
        i = bisect_right(self.band_tops, y) - 1
        return min(max(i, 0), len(self.band_tops) - 1)

    def line_index_for_pos(self, pos: int) -> int:
        """The line holding para-local position ``pos`` (the last line for the end)."""
        lay = self.layout
        n = lay.lineCount()
        for i in range(n):
            ln = lay.lineAt(i)
            if pos < ln.textStart() + ln.textLength():
                return i
        return max(n - 1, 0)

    def tag_at(self, p: QPointF) -> str | None:
        """Span id of the tag under para-local point ``p``."""
        for t in reversed(self.tags):
            if t.rect.contains(p):
                return t.sid
        return None


def paragraph_direction(text: str) -> Qt.LayoutDirection:
    """Right-to-left if the first strong character is Arabic/Hebrew (Unicode bidi rule P2)."""
    if not text.isascii():
        for ch in text:
            bidi = unicodedata.bidirectional(ch)
            if bidi == "L":
                break
            if bidi in ("R", "AL"):
                return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def floor_height(tag_font: QFont) -> float:
    """Height of one label floor for ``tag_font``."""
    return ceil(QFontMetricsF(tag_font).height()) + 2.0 + TAG_GAP


def lay_out_paragraph(
    text: str,
    pieces: list[Piece],
    font: QFont,
    tag_font: QFont,
    width: float,
    min_floors: int = 1,
    ends: list[LinkEnd] | None = None,
    min_bands: list[float] | None = None,
) -> ParaLayout:
    """Lay out ``text`` wrapped to ``width`` and place span boxes, brackets and label floors.

    ``min_floors`` floors are reserved above every non-empty line so that the
    first span on a line does not shift the text below it; ``min_bands`` (one
    height per line, from an earlier layout) keeps each band at least that
    tall, so removing an annotation never shrinks a line.  ``ends`` are the
    link ends whose tags lie in this paragraph: their arcs get arc floors above
    the label floors (see :mod:`annotator.qt.arcs`).

    Floors: a span goes on a floor above every span it contains, and no two
    pieces on one floor overlap (extent or tag), so a nested span's bracket runs
    over its inner spans' tags along its whole extent.  Each tag is centred on
    its span and kept inside the room :func:`~annotator.qt.label_fit.room` gives
    it, shortened to fit (:func:`~annotator.qt.label_fit.fit_label`).
    """
    lay = QTextLayout(text, font)
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    direction = paragraph_direction(text)
    rtl = direction == Qt.LayoutDirection.RightToLeft
    opt.setTextDirection(direction)
    # QTextLayout does not flip a leading alignment itself (its callers do)
    opt.setAlignment(Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft)
    fm = QFontMetricsF(font)
    opt.setTabStopDistance(fm.horizontalAdvance(" ") * 4)
    lay.setTextOption(opt)
    lay.setCacheEnabled(True)
    lay.beginLayout()
    lines = []
    while True:
        ln = lay.createLine()
        if not ln.isValid():
            break
        ln.setLineWidth(max(width, 10.0))
        lines.append(ln)
    lay.endLayout()

    fitter = fitter_for(tag_font, TAG_HPAD)
    widths = fitter.widths  # label -> tag width, filled by fitter.width
    tag_h = ceil(fitter.fm.height()) + 2.0
    floor_h = tag_h + TAG_GAP
    result = ParaLayout(lay)
    u16 = None if text.isascii() else text.encode("utf-16-le")
    edges = (width, 0.0) if rtl else (0.0, width)

    # Per line: the pieces' x extents and their (para-local, UTF-16) bounds on the line.
    line_starts = [ln.textStart() for ln in lines]
    per_line: list[list[tuple[float, float, Piece, bool, int, int, float, float]]] = [[] for _ in lines]
    for pc in pieces:
        first = max(bisect_right(line_starts, pc.start) - 1, 0)
        for li in range(first, len(lines)):
            ln = lines[li]
            ls = ln.textStart()
            le = ls + ln.textLength()
            if ls >= pc.end and li > first:
                break
            a, b = max(pc.start, ls), min(pc.end, le)
            if a >= b:
                continue
            if b == le and b < pc.end:  # wrapped: the space the line ends with is not drawn as part of the span
                while b - 1 > a and (text[b - 1] if u16 is None else chr(u16[2 * b - 2] | u16[2 * b - 1] << 8)).isspace():
                    b -= 1
            xa = _cursor_x(ln, a)
            xb = _cursor_x(ln, b)
            x1, x2 = (xa, xb) if xa <= xb else (xb, xa)
            if x2 - x1 < 2:
                x2 = x1 + 2
            per_line[li].append((x1, x2, pc, pc.has_tag and li == first, a, b, xa, xb))

    # Pass 1: per line, every piece on a floor (tags centred and fitted to their room).
    placed_by_line: list[list[tuple[float, float, float, float, Piece, int, str | None, tuple[bool, bool]]]] = []
    nfloors_by_line: list[int] = []
    tag_pos: dict[str, tuple[int, float, float, int]] = {}
    for li, ln in enumerate(lines):
        ls = ln.textStart()
        le = ls + ln.textLength()
        floors: list[list[tuple[float, ...]]] = []  # extent, tag and outline of each piece
        done: list[tuple[float, float, int]] = []  # extents placed so far, with their floor
        placed: list[tuple[float, float, float, float, Piece, int, str | None, tuple[bool, bool]]] = []
        shared: tuple[set[int], set[int]] | None = None  # made when a tag first needs room on this line
        for x1, x2, pc, tagged, a, b, xa, xb in sorted(per_line[li], key=lambda it: (it[2].length, it[0])):
            if tagged:
                shown, w = pc.label, widths.get(pc.label) or fitter.width(pc.label)
                if w <= x2 - x1:  # fits over its own text: centred there
                    tx = (x1 + x2 - w) / 2
                else:
                    if shared is None:  # ends and starts of the pieces whose tags are wider than their text
                        needy = [it for it in per_line[li] if it[3] and fitter.width(it[2].label) > it[1] - it[0]]
                        shared = ({it[5] for it in needy}, {it[4] for it in needy})
                    lo, hi = room(text, u16, ln, a, b, ls, le, xa, xb, edges, shared)
                    lo, hi = max(lo, 0.0), min(hi, width)
                    shown, w = fitter.fit(pc.label, hi - lo)
                    tx = min(max((x1 + x2 - w) / 2, lo), hi - w)
            else:
                shown, tx, w = "", x1, 0.0
            f = 0
            for c1, c2, fl in done:  # above every piece this one contains
                if fl >= f and x1 <= c1 and c2 <= x2:
                    f = fl + 1
            o1 = tx if tx < x1 else x1
            o2 = tx + w if tx + w > x2 else x2
            me = (x1, x2, tx, tx + w, o1, o2)
            m1, m2 = o1 - TAG_MIN_SPACING, o2 + TAG_MIN_SPACING
            while True:
                while f >= len(floors):
                    floors.append([])
                for o in floors[f]:  # only pieces whose outline comes near this one can clash with it
                    if o[4] < m2 and m1 < o[5] and _clash(me, o):
                        break
                else:
                    floors[f].append(me)
                    break
                f += 1
            done.append((x1, x2, f))
            ends_here = (a == pc.start, b == pc.end)
            ticks = ends_here if xa <= xb else ends_here[::-1]
            placed.append((tx, w, x1, x2, pc, f, shown if tagged else None, ticks))
            if tagged:
                tag_pos[pc.sid] = (li, tx, w, f)
        placed_by_line.append(placed)
        nfloors_by_line.append(0 if not text else max(min_floors, len(floors)))

    # Pass 2: arcs on arc floors above the label floors.
    segs: list[ArcSeg] = []
    arc_floors = [0] * len(lines)
    if ends and lines:
        segs, arc_floors = place_arcs(
            ends, tag_pos, width, fitter.width, rtl,
        )
        arc_floors = (arc_floors + [0] * len(lines))[: len(lines)]
    arc_h = tag_h + ARC_GAP

    # Pass 3: vertical positions.
    y = 0.0
    arc_base: list[float] = []
    tag_tops: dict[str, float] = {}
    for li, ln in enumerate(lines):
        nfloors = nfloors_by_line[li]
        band = nfloors * floor_h + (BAND_PAD if nfloors else 0.0)
        if arc_floors[li]:
            band += arc_floors[li] * arc_h + ARC_PAD + ARC_LIFT
        if min_bands is not None and li < len(min_bands):
            band = max(band, min_bands[li])
        result.bands.append(band)
        result.band_tops.append(y)
        text_top = y + band
        ln.setPosition(QPointF(0.0, text_top))
        lh = ln.height()
        result.text_tops.append(text_top)
        result.line_heights.append(lh)
        arc_base.append(text_top - BAND_PAD - nfloors * floor_h)
        for x1, x2, pc, *_ in per_line[li]:
            result.boxes.append((QRectF(x1, text_top, x2 - x1, lh), pc.sid, pc.label))
        for tx, w, x1, x2, pc, f, shown, ticks in placed_by_line[li]:
            floor_bottom = text_top - BAND_PAD - f * floor_h
            result.brackets.append(Bracket(pc.sid, pc.label, x1, x2, floor_bottom + 1.0, text_top, *ticks))
            if shown is None:
                continue
            ty = floor_bottom - tag_h
            result.tags.append(Tag(pc.sid, pc.label, QRectF(tx, ty, w, tag_h), f, x1, x2, shown))
            tag_tops[pc.sid] = ty
        y = text_top + lh
    if segs:
        settle_arcs(segs, arc_base, arc_h, tag_h, tag_tops)
        result.arcs = segs
    result.height = y
    return result


def _clash(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two pieces ``(x1, x2, tag_x1, tag_x2)`` cannot share a floor: their extents overlap, their
    tags come closer than TAG_MIN_SPACING, or a tag reaches over the other's extent (touching is fine)."""
    eps = 0.5
    if a[0] < b[1] - eps and b[0] < a[1] - eps:
        return True
    if a[3] > a[2] and b[3] > b[2] and a[2] < b[3] + TAG_MIN_SPACING and b[2] < a[3] + TAG_MIN_SPACING:
        return True
    return (a[3] > a[2] and a[2] < b[1] - eps and b[0] < a[3] - eps) or (
        b[3] > b[2] and b[2] < a[1] - eps and a[0] < b[3] - eps)


def _cursor_x(line, pos: int) -> float:
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)
