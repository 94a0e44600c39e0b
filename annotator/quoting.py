"""How user-given strings and values appear in error messages: escaped, bounded, on one line."""
from __future__ import annotations

import re
import reprlib
from typing import Any

__all__ = ["ident", "one_line", "show"]

_PLAIN_ID = re.compile(r"[\w.:/@#+\-]{1,80}")
# Every character str.splitlines() treats as a line end.
_BREAK = re.compile(r"(\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])")
_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlevel = 4
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6


def show(value: Any) -> str:
    """``repr(value)`` with escapes, cut short for long or deeply nested values.

    Strings come out quoted (``'T1'``), with line breaks and other invisible
    characters escaped, so the result never spans two lines.
    """
    try:
        text = _REPR.repr(value)
    except (RecursionError, ValueError):  # pathological values: name the type only
        text = f"<{type(value).__name__}>"
    return one_line(text)


def ident(value: Any) -> str:
    """An id or type name as is when it is plain (letters, digits, ``.:/@#+-_``), else :func:`show`.

    Keeps ``entity T1`` readable while an id such as ``"a\\nb"`` is shown as
    ``'a\\nb'``.
    """
    if type(value) is str and _PLAIN_ID.fullmatch(value):
        return value
    return show(value)


def clipped(text: str, limit: int) -> str:
    """``text`` on one line (each run of white space one space), cut to ``limit`` characters ending in "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """``text`` with every character that would start a new line escaped (a backstop for messages)."""
    if not _BREAK.search(text):
        return text
    parts = _BREAK.split(text)
    return "".join(repr(p)[1:-1] if i % 2 else p for i, p in enumerate(parts))
