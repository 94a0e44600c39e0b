"""Text helpers: word tokens for snapping, and the one UTF-16 <-> code point conversion.

Qt counts positions in UTF-16 code units; the store counts Python code points.
Every conversion between the two goes through :class:`OffsetMap`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_TOKEN_RE = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[tuple[int, int]]:
    """Word and punctuation tokens as ``(start, end)`` code-point ranges."""
    return [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def strip_range(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def snap_to_tokens(text: str, start: int, end: int, toks: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole tokens and strip surrounding whitespace.

    A range that starts or ends inside a token takes the whole token.  A range
    of only whitespace collapses to ``(start, start)``.
    """
    if start > end:
        start, end = end, start
    start, end = strip_range(text, start, end)
    if start >= end:
        return start, start
    toks = tokens(text) if toks is None else toks
    starts = [t[0] for t in toks]
    i = bisect_right(starts, start) - 1
    if i >= 0 and toks[i][0] <= start < toks[i][1]:
        start = toks[i][0]
    j = bisect_right(starts, end - 1) - 1
    if j >= 0 and toks[j][0] <= end - 1 < toks[j][1]:
        end = toks[j][1]
    return start, end


class OffsetMap:
    """Converts between code-point offsets of a stored text and positions in its view.

    The view (a QTextDocument) counts UTF-16 units, so each character outside
    the Basic Multilingual Plane takes two positions there; and it shows a
    ``\r\n`` pair as one paragraph break, so the pair takes one position.  The
    map keeps the code-point index of each such character with its shift (+1
    for an astral character, -1 for the ``\r`` of a CRLF) and converts with a
    bisect.  A plain ASCII text without CR has no marks at all.
    """

    __slots__ = ("_idx", "_prefix", "_len")

    def __init__(self, text: str) -> None:
        idx: list[int] = []
        prefix: list[int] = [0]
        if not (text.isascii() and "\r" not in text):
            for m in _SHIFT_RE.finditer(text):
                idx.append(m.start())
                prefix.append(prefix[-1] + (-1 if m.group() == "\r\n" else 1))
        self._idx = idx
        self._prefix = prefix
        self._len = len(text)

    @staticmethod
    def view_text(text: str) -> str:
        """The text as the view holds it (CRLF pairs become one break)."""
        return text.replace("\r\n", "\n")

    def to_view(self, cp: int) -> int:
        """View (UTF-16) position of code-point offset ``cp``."""
        return cp + self._prefix[bisect_left(self._idx, cp)]

    def to_codepoint(self, pos: int) -> int:
        """Code-point offset of view position ``pos``.

        A position inside a surrogate pair maps to the start of its character;
        the break of a CRLF pair maps to the ``\r``.
        """
        if not self._idx:
            return min(max(pos, 0), self._len)
        lo, hi = 0, self._len
        while lo < hi:  # smallest cp with to_view(cp) >= pos
            mid = (lo + hi) // 2
            if self.to_view(mid) < pos:
                lo = mid + 1
            else:
                hi = mid
        if lo > 0 and self.to_view(lo) > pos:
            lo -= 1
        return lo


_SHIFT_RE = re.compile("\r\n|[\U00010000-\U0010FFFF]")
