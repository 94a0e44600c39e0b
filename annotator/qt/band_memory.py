"""Line bands that never shrink while a document is shown: removing an annotation leaves the text where it was.

The view lays a paragraph out again after each change that touches it.  Its
band heights (the room above each line for labels and arcs) are remembered
per paragraph, and a new layout of the same text at the same width and font
keeps each band at least as tall as before.  So a delete, an undo of an add or
a relabel to a shorter type never pulls the lines below upwards; the room is
given back when the width or font changes (the document is laid out afresh).
"""
from __future__ import annotations

from PySide6.QtGui import QFont

from annotator.qt.arcs import LinkEnd
from annotator.qt.span_layout import ParaLayout, Piece, lay_out_paragraph


class BandMemory:
    """Per paragraph: its text, the width and fonts it was laid out with, and its band heights."""

    def __init__(self) -> None:
        self._bands: dict[int, tuple[str, tuple[float, float, float], list[float]]] = {}

    def clear(self) -> None:
        """Forget every band (a new document)."""
        self._bands.clear()

    def lay_out(self, p: int, text: str, pieces: list[Piece], font: QFont, tag_font: QFont, width: float,
                ends: list[LinkEnd] | None = None) -> ParaLayout:
        """:func:`~annotator.qt.span_layout.lay_out_paragraph` for paragraph ``p``, its bands never lower than before."""
        key = (width, font.pointSizeF(), tag_font.pointSizeF())
        old = self._bands.get(p)
        keep = old[2] if old is not None and old[1] == key and (old[0] is text or old[0] == text) else None
        pl = lay_out_paragraph(text, pieces, font, tag_font, width, ends=ends, min_bands=keep)
        self._bands[p] = (text, key, pl.bands)
        return pl
