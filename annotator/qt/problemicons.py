"""Problem severity on screen: colours, icons, the count badge and the one-line summary (the problems panel and the document list)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen, QPixmap

from ..validate import ERROR, INCOMPLETE

# (on a light base, on a dark base): saturated enough to read as a warning,
# light enough on dark themes not to sink into the background.
_COLORS: dict[str, tuple[str, str]] = {
    ERROR: ("#d13438", "#ff6b6b"),
    INCOMPLETE: ("#d97706", "#f5a524"),
}


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def severity_color(severity: str, palette: QPalette | None = None) -> QColor:
    """The colour for ``"error"`` or ``"incomplete"``, chosen for the palette's base (light or dark)."""
    light, dark = _COLORS.get(severity, _COLORS[INCOMPLETE])
    return QColor(dark if palette is not None and _is_dark(palette) else light)


def severity_icon(severity: str, palette: QPalette | None = None, size: int = 16) -> QIcon:
    """A disc with "!" for an error, a ring with a dot for an incomplete event."""
    color = severity_color(severity, palette)
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = QRectF(1.5, 1.5, size - 3, size - 3)
    if severity == ERROR:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(r)
        p.setPen(QPen(QColor("white"), max(1.6, size / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        cx = size / 2
        p.drawLine(int(round(cx)), int(size * 0.28), int(round(cx)), int(size * 0.58))
        p.setBrush(QColor("white"))
        p.setPen(Qt.PenStyle.NoPen)
        d = max(2.0, size / 7)
        p.drawEllipse(QRectF(cx - d / 2, size * 0.70, d, d))
    else:
        p.setPen(QPen(color, max(1.8, size / 7)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(r.adjusted(0.8, 0.8, -0.8, -0.8))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        d = size * 0.32
        p.drawEllipse(QRectF((size - d) / 2, (size - d) / 2, d, d))
    p.end()
    return QIcon(pm)


def _text_on(color: QColor) -> QColor:
    """White or near-black, whichever reads better on ``color`` (WCAG relative luminance)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(color.redF()) + 0.7152 * lin(color.greenF()) + 0.0722 * lin(color.blueF())
    return QColor("#1a1a1a") if lum > 0.3 else QColor("white")


def problem_summary(n_errors: int, n_incomplete: int) -> str:
    """``"2 errors, 1 incomplete event"``, ``"1 error"``, ``"No problems"``."""
    parts = []
    if n_errors:
        parts.append(f"{n_errors} error{'s' if n_errors != 1 else ''}")
    if n_incomplete:
        parts.append(f"{n_incomplete} incomplete event{'s' if n_incomplete != 1 else ''}")
    return ", ".join(parts) if parts else "No problems"


def problem_badge(n_errors: int, n_incomplete: int, font: QFont, palette: QPalette | None = None,
                  height: int = 16, ratio: float = 1.0) -> QPixmap | None:
    """A small rounded badge: the error count in red, the incomplete count in orange (None if both 0).

    ``ratio`` is the device pixel ratio to draw at (sharp on high-DPI screens).
    """
    pills = [(n, severity_color(sev, palette)) for n, sev in ((n_errors, ERROR), (n_incomplete, INCOMPLETE)) if n]
    if not pills:
        return None
    f = QFont(font)
    f.setBold(True)
    f.setPixelSize(max(8, height - 5))
    fm = QFontMetrics(f)
    pad, gap = 4, 2
    widths = [max(height, fm.horizontalAdvance(str(n)) + 2 * pad) for n, _ in pills]
    total = sum(widths) + gap * (len(pills) - 1)
    pm = QPixmap(round(total * ratio), round(height * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(f)
    x = 0.0
    for (n, color), w in zip(pills, widths):
        rect = QRectF(x, 1, w, height - 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(rect, (height - 2) / 2, (height - 2) / 2)
        p.setPen(_text_on(color))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n))
        x += w + gap
    p.end()
    return pm
