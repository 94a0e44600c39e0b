"""Hold one text line still on screen while a change re-lays out the view: the line the user is looking at.

Which line: the one under the pointer when the pointer is over the text (the
user's eyes follow it, and it is where a drag or a click just acted); else the
line where the change starts, if it is on screen (an edit made from a panel or
the keyboard); else the top line.  After the change the view is scrolled by
however far that line moved, so only lines on the far side of a band that grew
move, and lines off screen take up the difference.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QCursor

from annotator.qt.span_layout import MARGIN
from annotator.qt.textview import AnnotationView


def line_top(view: AnnotationView, vpos: int) -> float:
    """Viewport y of the top of the text of the line holding view position ``vpos``."""
    stack = view.stack
    p = stack.para_of(vpos)
    pl = stack.layout(p)
    return stack.para_y(p) + pl.text_tops[pl.line_index_for_pos(vpos - stack.pstart[p])]


def capture(view: AnnotationView, start_cp: int | None = None) -> tuple[int, float] | None:
    """(view position, viewport y of its line) of the line to hold still, or None for an empty view."""
    stack = view.stack
    if not stack.paras or (len(stack.paras) == 1 and not stack.paras[0]):
        return None
    vp = view.viewport()
    h = vp.height()
    pt = vp.mapFromGlobal(QCursor.pos())
    if vp.rect().contains(pt):
        vpos = view.hits.vpos_at(QPointF(pt))
        return vpos, line_top(view, vpos)
    if start_cp is not None:
        vpos = view.offset_map().to_view(start_cp)
        y = line_top(view, vpos)
        if 0 <= y < h:
            return vpos, y
    vpos = view.hits.vpos_at(QPointF(MARGIN, 1.0))
    return vpos, line_top(view, vpos)


def restore(view: AnnotationView, anchor: tuple[int, float] | None) -> None:
    """Scroll so the anchored line is back where it was."""
    if anchor is None:
        return
    vpos, y0 = anchor
    for _ in range(3):  # again if the first move crossed the top margin (kept above paragraph 0 only)
        dy = line_top(view, vpos) - y0
        if abs(dy) <= 0.01:
            return
        view.scroll_by(dy)
