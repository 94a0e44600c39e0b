"""What the annotation view repaints after an edit: the touched paragraphs, and what moved below them.

An edit lays out again only the paragraphs it touched (:meth:`AnnotationView.relayout`).
On screen, a paragraph whose height did not change is repainted alone.  When one
grows or shrinks, everything below it moves by the difference: those pixels are
moved in the backing store (``QWidget.scroll``, which also moves any update
still pending there) instead of being painted again, and only the touched
paragraphs and the strip the move uncovers are painted.  A move by a fraction
of a pixel cannot be copied exactly, so then everything below is repainted.

A half arc (its other end in another paragraph) is drawn as a stub when that
end is off screen: the paragraphs whose stubs flip because of a move are
repainted too.  The text selection repaints just the paragraphs it covered and
covers (:func:`selection_rect`).  A scroll moves the pixels too and paints the
strip it uncovers (:func:`repaint_scrolled`).
"""
from __future__ import annotations

from math import ceil, floor
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect

from annotator.qt.view_hits import PAINT_SLACK

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from annotator.qt.para_stack import ParaStack
    from annotator.qt.view_arcs import ArcLayer
    from annotator.qt.view_hits import HitMap

#: more paragraphs than this on screen between two selection ends: repaint the viewport
_MAX_RECTS = 64


def stub_flags(stack: ParaStack, arcs: ArcLayer, height: float) -> dict[int, tuple[bool, ...]]:
    """For each paragraph on screen with half arcs: whether each is drawn as a stub."""
    if not arcs.index.links:
        return {}
    frame = stack.frame(height)
    out: dict[int, tuple[bool, ...]] = {}
    for p in frame:
        segs = stack.layout(p).arcs
        if segs:
            flags = tuple(arcs.is_stub(s, frame) for s in segs if s.kind != "full")
            if flags:
                out[p] = flags
    return out


def _band(y0: float, y1: float, width: int, slack: int = 0) -> QRect:
    """The viewport rows from ``y0`` to ``y1``, ``slack`` more above and below."""
    top = floor(y0) - slack
    return QRect(0, top, width, ceil(y1) + slack - top)


def own_rows(stack: ParaStack, p: int, width: int, slack: int = 0) -> QRect:
    """The viewport rows of paragraph ``p`` (``slack`` more above and below)."""
    y = stack.para_y(p)
    return _band(y, y + stack.heights[p], width, slack)


def relayout_touched(stack: ParaStack, hits: HitMap, arcs: ArcLayer, viewport: QWidget, paras: set[int],
                     selected: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    """Drop the layouts of ``paras`` and repaint what of them (and below them) changed on screen.

    A paragraph paints within its own rows, but for the selected span's outline: the
    paragraphs in ``selected`` are repainted with PAINT_SLACK rows more around them."""
    vh = viewport.height()
    width = viewport.width()
    shown = sorted(p for p in paras if hits.visible(p))
    old = [(p, stack.para_y(p), stack.heights[p]) for p in shown]  # the picture before the edit
    flags0 = stub_flags(stack, arcs, vh) if shown else {}
    for p in paras:
        stack.cache.pop(p, None)
    if not shown:
        return
    rects: list[QRect] = []
    moved = 0.0  # how far the paragraphs below the last one looked at so far move
    first_top = last_bottom = None  # the rows from the first paragraph that changed height to the last
    slack = 0  # of the rows that moved
    for p, y0, h0 in old:
        h1 = stack.layout(p).height
        s = PAINT_SLACK if p in selected else 0
        if h1 != h0:
            if first_top is None:
                first_top = y0 + moved
            moved += h1 - h0
            last_bottom = y0 + h0  # old bottom; the paragraphs below it move by ``moved``
            slack = max(slack, s)
        else:
            rects.append(_band(y0 + moved, y0 + moved + h0, width, s))
    if first_top is not None and last_bottom is not None:
        dy = round(moved)
        if moved and abs(moved - dy) > 1e-6:  # a fraction of a pixel: repaint everything below
            rects.append(_band(first_top, vh, width, slack))
        else:
            rects.append(_band(first_top, max(last_bottom, last_bottom + moved), width, slack))
            src = ceil(last_bottom) + slack
            if dy and src < vh:
                top = min(src, src + dy)
                viewport.scroll(0, dy, QRect(0, top, width, vh - top))
        flags1 = stub_flags(stack, arcs, vh)
        for p, f in flags1.items():
            if p in flags0 and flags0[p] != f:
                rects.append(hits.para_rect(p))
    for r in rects:
        viewport.update(r)


def scroll_state(stack: ParaStack, arcs: ArcLayer, height: float) -> tuple[int, float, dict[int, tuple[bool, ...]]]:
    """What :func:`repaint_scrolled` compares with: the top paragraph, its viewport y, the stubs."""
    return stack.anchor, stack.top_y(), stub_flags(stack, arcs, height)


def repaint_scrolled(stack: ParaStack, hits: HitMap, arcs: ArcLayer, viewport: QWidget,
                     before: tuple[int, float, dict[int, tuple[bool, ...]]]) -> None:
    """The view scrolled since ``before`` (:func:`scroll_state`): move the pixels, paint what is uncovered.

    A move by a fraction of a pixel, or by a screen or more, repaints everything."""
    anchor0, top0, flags0 = before
    vh = viewport.height()
    moved = top0 - stack.para_y(anchor0)  # how far the content went up
    if abs(moved) < 1e-6:
        return
    dy = round(moved)
    if abs(moved - dy) > 1e-6 or abs(dy) >= vh:
        viewport.update()
        return
    viewport.scroll(0, -dy)
    for p, f in stub_flags(stack, arcs, vh).items():
        if p in flags0 and flags0[p] != f:
            viewport.update(hits.para_rect(p))


def selection_rect(stack: ParaStack, height: int, width: int, *sels: tuple[int, int]) -> list[QRect]:
    """Viewport rows of the paragraphs on screen that the selections (view positions) cover."""
    out: list[QRect] = []
    seen: set[int] = set()
    for a, b in sels:
        a, b = min(a, b), max(a, b)
        for p in range(max(stack.para_of(a), stack.anchor), stack.para_of(b) + 1):
            if p in seen:
                continue
            if stack.para_y(p) >= height:
                break
            seen.add(p)
            if len(seen) > _MAX_RECTS:
                return [QRect(0, 0, width, height)]
            out.append(own_rows(stack, p, width))
    return out
