"""Labels that never cover another word: the room a span's tag may use on its line, and the label shortened to fit it.

A tag may use its span's extent plus the white space (and punctuation) on
either side, up to the neighbouring word; when the neighbour's own tag needs
room beyond its text too, the gap is shared at its middle, so two neighbours'
tags never claim the same pixels.  A label too wide for that room is
shortened (``Conflict.Attack`` -> ``Attack`` -> ``Att…`` -> ``A``); the full
name stays in the tooltip.  Why not widen the gap as brat does: that reflows
the rest of the paragraph on every new label, which moves the text under the
pointer (the steady-layout rule comes first).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

ELLIPSIS = "…"
MARK = "\u00b7"  # before a short mark that says whose a label is (PER·A, ORG·D): kept when the label is cut
MIN_PAD = 1.0  # inner padding when a shortened label is tight
GAP_KEEP = 0.5  # how far a tag stays from the middle of a shared gap (2 x this <= TAG_MIN_SPACING)
WORD_KEEP = 1.5  # how far a tag stays from a neighbouring word's glyphs


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
         xa: float, xb: float, edges: tuple[float, float],
         shared: tuple[set[int], set[int]] = (set(), set())) -> tuple[float, float]:
    """The x interval a tag of the span piece ``[a, b)`` on ``line`` (text ``[ls, le)``) may use.

    ``xa``/``xb`` are the x of ``a`` and ``b``; ``edges`` the x of the line's start
    and end sides (``(0, width)`` left to right, reversed for right to left).
    ``shared`` holds the end and start positions of the line's other pieces whose
    tags need room beyond their own text: a gap next to one of them is shared at
    its middle, any other gap may be used up to a pixel from the neighbouring word.
    Positions are UTF-16 units.
    """
    ends, starts = shared
    i = a
    while i > ls and not is_word_unit(text, i - 1, u16):
        i -= 1
    if i <= ls:
        xs = edges[0]
    else:
        xi = _x(line, i)
        xs = _toward((xi + xa) / 2, xa, GAP_KEEP) if i in ends else _toward(xi, xa, WORD_KEEP)
    j = b
    while j < le and not is_word_unit(text, j, u16):
        j += 1
    if j >= le:
        xe = edges[1]
    else:
        xj = _x(line, j)
        xe = _toward((xb + xj) / 2, xb, GAP_KEEP) if j in starts else _toward(xj, xb, WORD_KEEP)
    return min(xs, xe, xa, xb), max(xs, xe, xa, xb)


def _toward(v: float, target: float, k: float) -> float:
    """``v`` moved ``k`` pixels toward ``target`` (not past it)."""
    if v < target:
        return min(v + k, target)
    return max(v - k, target)


class LabelFitter:
    """Label widths and fitted labels for one tag font, cached (a layout asks for the same few labels often)."""

    def __init__(self, fm: QFontMetricsF, pad: float) -> None:
        self.fm = fm
        self.pad = pad
        self.widths: dict[str, float] = {}  # tag width of each label asked for so far
        self._fit: dict[tuple[str, int], tuple[str, float]] = {}

    def width(self, s: str) -> float:
        """Tag width for ``s`` with the normal padding."""
        w = self.widths.get(s)
        if w is None:
            w = self.widths[s] = self.fm.horizontalAdvance(s) + 2 * self.pad
        return w

    def fit(self, label: str, avail: float) -> tuple[str, float]:
        """:func:`fit_label` for ``avail`` rounded down to whole pixels (cached)."""
        if self.width(label) <= avail:
            return label, self.widths[label]
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
    A label ending in a mark after ``·`` (whose it is: ``PER·A`` in the
    comparison view, ``ORG·D`` with every layer overlaid) keeps the mark while
    the part before it is cut: ``Report·D`` -> ``Rep…·D`` -> ``R·D``.
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
    marked = _keep_mark(short, inner, fm) if inner > 0 and MARK in short else None
    if marked is not None:
        return marked, fm.horizontalAdvance(marked) + 2 * MIN_PAD
    if inner > 0:
        cut = fm.elidedText(short, Qt.TextElideMode.ElideRight, inner)
        if len(cut) >= 2 and cut != ELLIPSIS:
            return cut, fm.horizontalAdvance(cut) + 2 * MIN_PAD
        first = short[:1]
        fw = fm.horizontalAdvance(first)
        if fw <= inner:
            return first, fw + 2 * MIN_PAD
    return "", max(avail, 3.0)


def _keep_mark(short: str, inner: float, fm: QFontMetricsF) -> str | None:
    """``short`` (``Report·D``) in ``inner`` pixels with its mark kept: ``Rep…·D``, else ``R·D``; else None."""
    head, tail = short.rsplit(MARK, 1)
    if not head or not tail:
        return None
    room = inner - fm.horizontalAdvance(MARK + tail)
    if room <= 0:
        return None
    cut = fm.elidedText(head, Qt.TextElideMode.ElideRight, room)
    for shown in ((cut + MARK + tail) if len(cut) >= 2 and cut != ELLIPSIS else "", head[:1] + MARK + tail):
        if shown and fm.horizontalAdvance(shown) <= inner:  # measured whole: kerning across the parts
            return shown
    return None


def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)
