"""Case-insensitive search in the annotation view's text, wrapping around, and the "3 of 7" count."""
from __future__ import annotations

import re


def find_match(text: str, needle: str, sel: tuple[int, int] | None, here: int, forward: bool) -> tuple[int, int] | None:
    """Code points of the next (or previous) match of ``needle`` after (before) ``sel`` or ``here``."""
    if not needle:
        return None
    pat = re.compile(re.escape(needle), re.IGNORECASE)
    if forward:
        start = sel[1] if sel else here
        m = pat.search(text, start) or pat.search(text, 0)
    else:
        start = sel[0] if sel else here
        m = None
        for m in pat.finditer(text, 0, start):
            pass
        if m is None:
            for m in pat.finditer(text, start):
                pass
    return (m.start(), m.end()) if m is not None else None


def match_position(text: str, needle: str, sel: tuple[int, int] | None) -> tuple[int, int]:
    """``(index, count)``: which match ``sel`` is (1-based; 0 when it is none of them) and how many there are.

    Matches are counted as :func:`find_match` steps through them: case-insensitive, not overlapping.
    """
    if not needle:
        return 0, 0
    index = count = 0
    for m in re.finditer(re.escape(needle), text, re.IGNORECASE):
        count += 1
        if sel is not None and (m.start(), m.end()) == tuple(sel):
            index = count
    return index, count
