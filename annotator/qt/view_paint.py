"""How the annotation view looks: its fonts and label colours, and the painting of one paragraph."""
from __future__ import annotations

from math import ceil, floor
from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText, QTextCharFormat, QTextLayout

from annotator.qt.span_layout import ParaLayout, floor_height

FADE = 0.25  # opacity of what is not highlighted while an event is selected
TAG_TEXT = QColor("#1a1a1a")


def fallback_color(label: str) -> str:
    """A stable light colour for a label without one."""
    h = (sum(map(ord, label)) * 47) % 360
    return QColor.fromHsl(h, 160, 190).name()


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 units (view positions)."""
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


class ViewStyle:
    """Fonts (with zoom), their metrics, label colours and prepared label texts of one view."""

    def __init__(self, base_font: QFont) -> None:
        self.base_font = QFont(base_font)
        self.colors: dict[str, str] = {}
        self._qcolors: dict[str, tuple[QColor, QColor, QColor]] = {}
        self._pens: dict[str, QPen] = {}
        self._static: dict[str, QStaticText] = {}
        # review decisions drawn as marks (kept by annotator.qt.review_mode): span id -> state on label tags,
        # link id (``E1:0`` argument, relation id) -> state on arc labels
        self.review_tags: dict[str, str] = {}
        self.review_links: dict[str, str] = {}
        self.set_zoom(0)

    def set_zoom(self, steps: int) -> None:
        """Fonts ``steps`` points larger than the base font."""
        f = QFont(self.base_font)
        size = f.pointSizeF() if f.pointSizeF() > 0 else 10.0
        f.setPointSizeF(max(4.0, size + steps))
        self.font = f
        tf = QFont(f)
        tf.setPointSizeF(max(5.0, f.pointSizeF() * 0.8))
        self.tag_font = tf
        self.fm = QFontMetricsF(f)
        self.tag_fm = QFontMetricsF(tf)
        self.line_h = self.fm.lineSpacing()
        self.floor_h = floor_height(tf)
        self.avg_w = max(self.fm.averageCharWidth(), 1.0)
        self._static = {}

    def height_estimates(self, texts: list[str], paras: range, width: float) -> list[float]:
        """Guessed heights of paragraphs ``paras`` of ``texts`` wrapped at ``width`` (before layout)."""
        per_line = self.line_h + self.floor_h + 2.0
        cpl = max(int(width / self.avg_w), 1)
        lh = self.line_h
        k = 1.08 / cpl
        return [ceil(n * k) * per_line if n else lh for n in (len(texts[i]) for i in paras)]

    def set_colors(self, colors: dict[str, str]) -> None:
        """Replace the label -> ``#rrggbb`` colours."""
        self.colors = dict(colors)
        self._qcolors = {}
        self._pens = {}

    def colors_for(self, label: str) -> tuple[QColor, QColor, QColor]:
        """(tag fill, translucent box fill, strong outline) for ``label``."""
        c = self._qcolors.get(label)
        if c is None:
            base = QColor(self.colors.get(label) or fallback_color(label))
            fill = QColor(base)
            fill.setAlpha(90)
            c = (base, fill, base.darker(150))
            self._qcolors[label] = c
        return c

    def pen_for(self, label: str) -> QPen:
        """The 1-px pen of ``label``'s strong colour (brackets), cached."""
        pen = self._pens.get(label)
        if pen is None:
            pen = self._pens[label] = QPen(self.colors_for(label)[2], 1.0)
        return pen

    def static_text(self, label: str) -> QStaticText:
        """``label`` prepared for drawing in the tag font (cached)."""
        st = self._static.get(label)
        if st is None:
            st = QStaticText(label)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=self.tag_font)
            self._static[label] = st
        return st


def paint_para(
    painter: QPainter,
    style: ViewStyle,
    pl: ParaLayout,
    origin: QPointF,
    para: tuple[int, str],
    sel: tuple[int, int],
    sel_fmt: QTextCharFormat,
    text_color: QColor,
    selected: str | None,
    faded: Callable[[str], bool],
    cursor: int | None,
) -> None:
    """Boxes, text (with the selection), brackets and tags of one paragraph.

    ``para`` is (view position of its start, its text); ``sel`` the selected view
    positions; ``cursor`` the para-local caret to draw, or None.
    """
    ox, oy = origin.x(), origin.y()
    painter.setPen(Qt.PenStyle.NoPen)
    selected_boxes = []
    colors_for = style.colors_for
    for rect, sid, label in pl.boxes:
        _, fill, strong = colors_for(label)
        r = rect.translated(ox, oy)
        painter.setOpacity(FADE if faded(sid) else 1.0)
        painter.fillRect(r, fill)
        painter.fillRect(QRectF(r.x(), r.bottom() - 1.5, r.width(), 1.5), strong)
        if sid == selected:
            selected_boxes.append((r, strong))
    painter.setOpacity(1.0)
    base, text = para
    sel_a, sel_b = sel
    sels = []
    if sel_a < sel_b and sel_a <= base + utf16_len(text) and sel_b > base:
        fr = QTextLayout.FormatRange()
        fr.start = max(sel_a - base, 0)
        fr.length = min(sel_b - base, utf16_len(text) + 1) - fr.start
        fr.format = sel_fmt
        sels.append(fr)
    painter.setPen(text_color)
    pl.layout.draw(painter, origin, sels)
    if not text and sels:
        painter.fillRect(QRectF(ox, oy, 4, pl.height), sel_fmt.background())
    if cursor is not None:
        pl.layout.drawCursor(painter, origin, cursor, 1)
    # brackets (each span's extent at its floor), then tags on top of them
    pen_for = style.pen_for
    opacity = 1.0
    for br in pl.brackets:
        painter.setPen(pen_for(br.label))
        o = FADE if faded(br.sid) else 1.0
        if o != opacity:
            painter.setOpacity(o)
            opacity = o
        yb = floor(br.y + oy) + 0.5  # pixel centres: crisp 1-px lines
        xl, xr = floor(br.x1 + ox) + 0.5, floor(br.x2 + ox) - 0.5
        yt = br.text_top + oy
        pts = [QPointF(xl, yb), QPointF(max(xr, xl), yb)]
        if br.tick_left:
            pts.insert(0, QPointF(xl, yt))
        if br.tick_right:
            pts.append(QPointF(max(xr, xl), yt))
        painter.drawPolyline(pts)
    painter.setFont(style.tag_font)
    review_tags = style.review_tags
    for t in pl.tags:
        tag_fill, _, strong = colors_for(t.label)
        r = t.rect.translated(ox, oy)
        is_sel = t.sid == selected
        painter.setOpacity(FADE if faded(t.sid) else 1.0)
        painter.setPen(QPen(strong, 2.0 if is_sel else 1.0))
        painter.setBrush(tag_fill)
        painter.drawRoundedRect(r, 3, 3)
        if t.text:
            painter.setPen(TAG_TEXT)
            st = style.static_text(t.text)
            sz = st.size()
            painter.drawStaticText(QPointF(r.x() + (r.width() - sz.width()) / 2, r.y() + (r.height() - sz.height()) / 2), st)
        if review_tags and (state := review_tags.get(t.sid)):
            paint_review_mark(painter, r, state)
    painter.setOpacity(1.0)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for r, strong in selected_boxes:
        painter.setPen(QPen(strong, 2.5))
        painter.drawRect(r.adjusted(-1, -1, 1, 1))


#: The colour of each review decision's mark (see :func:`paint_review_mark`).
REVIEW_COLORS: dict[str, QColor] = {"accepted": QColor("#1f8f3a"), "rejected": QColor("#c62828"),
                                    "corrected": QColor("#d97706")}


def paint_review_mark(painter: QPainter, rect: QRectF, state: str) -> None:
    """A reviewer's decision on a label tag or arc label ``rect``: a round badge on its top-right corner
    (a tick for accepted, a cross for rejected, a pen stroke for corrected); a rejected label is also struck
    through.  The label's text stays readable: the badge sits on the corner, outside the text."""
    color = REVIEW_COLORS.get(state)
    if color is None:
        return
    painter.save()
    if state == "rejected":  # struck through, in the mark's colour
        painter.setPen(QPen(color, 1.3))
        y = rect.center().y()
        painter.drawLine(QPointF(rect.left() + 2, y), QPointF(rect.right() - 2, y))
    rad = max(3.5, min(5.0, rect.height() * 0.36))
    c = QPointF(rect.right() - 0.5, rect.top() + 0.5)
    painter.setPen(QPen(QColor("white"), 1.0))
    painter.setBrush(color)
    painter.drawEllipse(c, rad, rad)
    pen = QPen(QColor("white"), max(1.2, rad * 0.34))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    k = rad * 0.5
    x, y = c.x(), c.y()
    if state == "accepted":
        painter.drawPolyline([QPointF(x - k, y), QPointF(x - k * 0.2, y + k * 0.8), QPointF(x + k, y - k * 0.8)])
    elif state == "rejected":
        painter.drawLine(QPointF(x - k * 0.8, y - k * 0.8), QPointF(x + k * 0.8, y + k * 0.8))
        painter.drawLine(QPointF(x - k * 0.8, y + k * 0.8), QPointF(x + k * 0.8, y - k * 0.8))
    else:  # corrected: a pen stroke
        painter.drawLine(QPointF(x - k, y + k), QPointF(x + k * 0.7, y - k * 0.7))
    painter.restore()
