"""Text helpers: word tokens for snapping, and the one UTF-16 <-> code point conversion.

Qt counts positions in UTF-16 code units; the store counts Python code points.
Every conversion between the two goes through :class:`OffsetMap`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

#: the English clitics that spaCy's tokenizer splits off: John|'s, I|'m, do|n't
_CLITIC = r"(?:['’](?i:s|m|d|re|ve|ll)|(?i:n['’]t))(?!\w)"
_TOKEN_RE = re.compile(
    # (tried only where a period follows a short word:)
    r"(?=\w{1,4}\.)(?:"
    # abbreviations with inner periods keep the final one: U.N., U.S.A., e.g., p.m., Ph.D.
    r"(?:[^\W\d_]{1,2}\.){2,}(?!\w)"
    # common abbreviations and initials keep their period: Mr., Dr., Inc., J.
    r"|(?:Mrs|Mr|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Corp|Co|vs|Mt|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|[A-Z])\.(?!\w))"
    rf"|{_CLITIC}"
    # words, joined by hyphens, inner periods, apostrophes (O'Neil) and commas between digits (30,000);
    # an apostrophe before a clitic ends the word
    r"|\w+(?:(?:[-.]|(?<=\d),(?=\d)|['’](?!(?i:s|m|d|re|ve|ll|t)(?!\w)))\w+)*"
    r"|[^\w\s]",
)
#: "n't" inside a word: "don't" is "do" "n't" (the regex above gives "don" "'" "t")
_NT_RE = re.compile(r"(?<=\w)(?i:n['’]t)(?!\w)")


def tokens(text: str) -> list[tuple[int, int]]:
    """Word and punctuation tokens as ``(start, end)`` code-point ranges.

    Close to spaCy's English tokenizer: numbers keep their separators
    (``30,000``, ``1,000.50``), abbreviations keep their periods (``U.N.``,
    ``e.g.``, ``Mr.``), clitics are tokens of their own (``John`` ``'s``,
    ``do`` ``n't``).  Unlike spaCy, hyphenated words stay one token
    (``Anti-ISIS``), which suits snapping a selection to words.
    """
    toks = [m.span() for m in _TOKEN_RE.finditer(text)]
    nts = [m.span() for m in _NT_RE.finditer(text)]
    return _split_nt(toks, nts) if nts else toks


def _split_nt(toks: list[tuple[int, int]], nts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``toks`` with each range of ``nts`` made one token, cut off the word before it."""
    out: list[tuple[int, int]] = []
    k = 0
    for p, q in nts:
        while k < len(toks) and toks[k][1] <= p:
            out.append(toks[k])
            k += 1
        if k < len(toks) and toks[k][0] < p:
            out.append((toks[k][0], p))
        while k < len(toks) and toks[k][0] < q:
            k += 1
        out.append((p, q))
    out.extend(toks[k:])
    return out


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
