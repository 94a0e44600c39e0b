"""A paragraph's layout cut down to what reaches into a clip rectangle, for a paint that repaints a part of it.

An edit repaints a small part of a paragraph (a span's boxes and tag, one line's
band), but painting a paragraph walks every box, tag, bracket and arc of it, and
Qt only then clips the drawing: at brat's density that walk is most of the cost
of a paint.  :class:`CulledLayout` hands the painters just the items whose
drawing reaches into the clip (with room for pens and outlines); everything
else of the layout (text, lines, height) is the paragraph's own.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF

PAD = 6.0  # how far an item's drawing may reach outside its rectangle (pens, outlines, arrow heads)


def _box(item: Any) -> QRectF | None:
    """The para-local rectangle an item of a paragraph layout is drawn in, or None if its shape is unknown."""
    if isinstance(item, tuple) and item and isinstance(item[0], QRectF):  # a span box: (rect, sid, label)
        return item[0]
    rect = getattr(item, "rect", None)
    if isinstance(rect, QRectF):  # a tag
        return rect
    if hasattr(item, "x1") and hasattr(item, "text_top"):  # a bracket: its level line and ticks
        top, bottom = sorted((item.y, item.text_top))
        return QRectF(item.x1, top, item.x2 - item.x1, bottom - top)
    if hasattr(item, "sx") and isinstance(getattr(item, "label", None), QRectF):  # an arc piece
        lab = item.label
        xs = (item.sx, item.tx, item.stub_x, lab.left(), lab.right())
        top = min(item.y, lab.top())
        bottom = max(item.sy, item.ty, lab.bottom(), item.y)
        return QRectF(min(xs), top, max(xs) - min(xs), bottom - top)
    return None


def _keep(items: list[Any], clip: QRectF) -> list[Any]:
    out = []
    for it in items:
        try:
            r = _box(it)
        except (AttributeError, TypeError):
            r = None
        if r is None or r.adjusted(-PAD, -PAD, PAD, PAD).intersects(clip):
            out.append(it)
    return out


class CulledLayout:
    """``pl`` (a ParaLayout) with only the boxes, tags, brackets and arcs that reach into para-local ``clip``."""

    __slots__ = ("_pl", "boxes", "tags", "brackets", "arcs")

    def __init__(self, pl: Any, clip: QRectF) -> None:
        self._pl = pl
        self.boxes = _keep(pl.boxes, clip)
        self.tags = _keep(pl.tags, clip)
        self.brackets = _keep(getattr(pl, "brackets", []), clip)
        self.arcs = _keep(pl.arcs, clip)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pl, name)
