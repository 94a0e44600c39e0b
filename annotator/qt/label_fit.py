"""Labels that never cover another word: the room a span's tag may use on its line, and the label shortened to fit it.

A tag may use its span's extent plus half of the white space (and punctuation)
on either side, up to the middle of the gap before the neighbouring word, so
two neighbours' tags never claim the same pixels and adding one label never
changes how another is shortened.  A label too wide for that room is
shortened (``Conflict.Attack`` -> ``Attack`` -> ``Att…`` -> ``A``); the full
name stays in the tooltip.  Why not widen the gap as brat does: that reflows
the rest of the paragraph on every new label, which moves the text under the
pointer (the steady-layout rule comes first).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

ELLIPSIS = "…"
MIN_PAD = 1.0  # inner padding when a shortened label is tight
GAP_KEEP = 0.5  # how far a tag stays from the middle of the gap to its neighbour (2 x this <= TAG_MIN_SPACING)


def is_word_unit(text: str, pos: int, u16: bytes | None) -> bool:
    """Whether the UTF-16 unit at ``pos`` of ``text`` belongs to a word (not space, not punctuation)."""
    if u16 is None:
        ch = text[pos]
    else:
        unit = int.from_bytes(u16[2 * pos : 2 * pos + 2], "little")
        if 0xD800 <= unit <= 0xDFFF:
            return True  # half of an astral character: a glyph
        ch = chr(unit)
    return ch.isalnum() or ch == "_" or (not ch.isspace() and not _is_punct(ch))


def _is_punct(ch: str) -> bool:
    return ch in "\"'.,;:!?()[]{}<>«»“”‘’…-–—/\\|*&%$#@~`^+=" or ch == "\u00a0"


def room(text: str, u16: bytes | None, line, a: int, b: int, ls: int, le: int,  # noqa: ANN001
         xa: float, xb: float, edges: tuple[float, float]) -> tuple[float, float]:
    """The x interval a tag of the span piece ``[a, b)`` on ``line`` (text ``[ls, le)``) may use.

    ``xa``/``xb`` are the x of ``a`` and ``b``; ``edges`` the x of the line's start
    and end sides (``(0, width)`` left to right, reversed for right to left).
    Positions are UTF-16 units.
    """
    i = a
    while i > ls and not is_word_unit(text, i - 1, u16):
        i -= 1
    xs = edges[0] if i <= ls else (_x(line, i) + xa) / 2
    j = b
    while j < le and not is_word_unit(text, j, u16):
        j += 1
    xe = edges[1] if j >= le else (xb + _x(line, j)) / 2
    lo, hi = min(xa, xb), max(xa, xb)
    # a little short of the gap's middle, so two neighbours' tags never touch
    return min(min(xs, xe) + GAP_KEEP, lo), max(max(xs, xe) - GAP_KEEP, hi)


class LabelFitter:
    """Label widths and fitted labels for one tag font, cached (a layout asks for the same few labels often)."""

    def __init__(self, fm: QFontMetricsF, pad: float) -> None:
        self.fm = fm
        self.pad = pad
        self._w: dict[str, float] = {}
        self._fit: dict[tuple[str, int], tuple[str, float]] = {}

    def width(self, s: str) -> float:
        """Tag width for ``s`` with the normal padding."""
        w = self._w.get(s)
        if w is None:
            w = self._w[s] = self.fm.horizontalAdvance(s) + 2 * self.pad
        return w

    def fit(self, label: str, avail: float) -> tuple[str, float]:
        """:func:`fit_label` for ``avail`` rounded down to whole pixels (cached)."""
        if self.width(label) <= avail:
            return label, self._w[label]
        key = (label, int(avail))
        got = self._fit.get(key)
        if got is None:
            got = self._fit[key] = fit_label(label, float(int(avail)), self.fm, self.pad)
        return got


_FITTERS: dict[str, LabelFitter] = {}


def fitter_for(font: QFont, pad: float) -> LabelFitter:
    """The shared :class:`LabelFitter` of ``font`` (one per font and padding)."""
    key = f"{font.key()}|{pad}"
    f = _FITTERS.get(key)
    if f is None:
        if len(_FITTERS) > 32:
            _FITTERS.clear()
        f = _FITTERS[key] = LabelFitter(QFontMetricsF(font), pad)
    return f


def fit_label(label: str, avail: float, fm: QFontMetricsF, pad: float) -> tuple[str, float]:
    """The text to show for ``label`` in at most ``avail`` pixels, and the tag width.

    The full name; else its last part after a dot or colon (the event subtype);
    else that part cut with an ellipsis (at least one letter kept); else its
    first letter; else an empty tag as wide as the room (colour and tooltip only).
    """
    w = fm.horizontalAdvance(label) + 2 * pad
    if w <= avail:
        return label, w
    short = label
    for sep in (".", ":"):
        if sep in short:
            short = short.rsplit(sep, 1)[1] or short
    if short != label:
        w = fm.horizontalAdvance(short) + 2 * pad
        if w <= avail:
            return short, w
    inner = avail - 2 * MIN_PAD
    if inner > 0:
        cut = fm.elidedText(short, Qt.TextElideMode.ElideRight, inner)
        if len(cut) >= 2 and cut != ELLIPSIS:
            return cut, fm.horizontalAdvance(cut) + 2 * MIN_PAD
        first = short[:1]
        fw = fm.horizontalAdvance(first)
        if fw <= inner:
            return first, fw + 2 * MIN_PAD
    return "", max(avail, 3.0)


def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)
