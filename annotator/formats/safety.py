"""Limits and checks for untrusted input lines: size, nesting depth, numbers, lone surrogates.

The limits are module constants, read at call time, so a test can lower them
(``monkeypatch.setattr(safety, "MAX_LINE_BYTES", 100)``):

* :data:`MAX_LINE_BYTES` (256 MB): one JSONL line, and one plain-text file.
  A longer line is refused before it is decoded, so a 1 GB line costs no more
  memory than the limit.
* :data:`MAX_DEPTH` (64): JSON arrays and objects nested inside one another
  (the document object itself is level 1).  Deeper input is refused with a
  one-line message instead of a ``RecursionError``.

Numbers must be finite doubles: ``1e400`` (which Python reads as infinity) and
the ``NaN``/``Infinity`` literals are refused, since an export could not write
them as JSON.  Every string of a line, keys too, must be encodable as UTF-8:
a ``\\ud800`` escape without its partner is refused, naming where it is.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, BinaryIO

from annotator.quoting import show

__all__ = [
    "MAX_DEPTH",
    "MAX_LINE_BYTES",
    "Refused",
    "check_depth",
    "check_surrogates",
    "decode_json",
    "describe_size",
    "read_line",
]

MAX_LINE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 64


class Refused(ValueError):
    """Input a reader refuses on purpose; ``str()`` is the one-line reason (no file or line)."""


def describe_size(n: int) -> str:
    """``n`` bytes for people: ``256 MB``, ``100 bytes``."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def read_line(fh: BinaryIO) -> bytes:
    """The next line of a binary file (with its ``\\n``), ``b""`` at the end.

    Raises :class:`Refused` when the line holds more than :data:`MAX_LINE_BYTES`
    bytes before its line end; at most that many (plus one) are read.
    """
    limit = MAX_LINE_BYTES
    raw = fh.readline(limit + 1)
    if len(raw) > limit and not (len(raw) == limit + 1 and raw.endswith(b"\n")):
        raise Refused(
            f"line is longer than {describe_size(limit)}, the limit for one line; refused without reading it"
        )
    return raw


def _reject_constant(name: str) -> Any:
    raise Refused(f"{name} is not a JSON number; numbers must be finite")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused(f"number {show(text)} is out of range (larger than a double can hold); numbers must be finite")
    return value


# One decoder for every line: json.loads(s, **kwargs) would build a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_parse_float)


# A \uD800-\uDFFF escape (or a backslash and "ud8..." text, which only costs a needless walk).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def decode_json(line: str, raw: bytes | None = None) -> Any:
    """Parse one line of JSON with every check of this module.

    ``raw`` is the line's UTF-8 bytes when the caller has them: the cheap
    pre-checks then scan bytes, which is faster than scanning text.  Raises
    :class:`json.JSONDecodeError` for malformed JSON and :class:`Refused` for
    a non-finite number, nesting deeper than :data:`MAX_DEPTH` or a lone
    surrogate.
    """
    data = line.encode("utf-8", "surrogatepass") if raw is None else raw
    try:
        obj = _DECODER.decode(line)
    except RecursionError:
        raise Refused(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    # Brackets inside strings count too: a line with few of them cannot nest deep.
    if data.count(b"{") + data.count(b"[") > MAX_DEPTH:
        check_depth(obj)
    # A lone surrogate comes from a \uD800-\uDFFF escape (valid UTF-8 holds none), or from ``line``
    # itself when the caller built it from something else than bytes.
    if _SURROGATE_ESCAPE.search(data) is not None or (raw is None and not line.isascii() and _has_surrogate(line)):
        check_surrogates(obj)
    return obj


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_depth(obj: Any) -> None:
    """Raise :class:`Refused` if arrays and objects in ``obj`` nest deeper than :data:`MAX_DEPTH`."""
    limit = MAX_DEPTH
    stack: list[tuple[Any, int]] = [(obj, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        value, depth = pop()
        if depth > limit:
            raise Refused(f"JSON nested deeper than {limit} levels")
        children = value.values() if type(value) is dict else value
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, depth + 1))


def _where(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if type(part) is int else (f".{part}" if out else str(part))
    return show(out) if out else "the line"


def check_surrogates(obj: Any) -> None:
    """Raise :class:`Refused` for the first string (key or value) holding a lone surrogate."""
    stack: list[tuple[Any, list[Any]]] = [(obj, [])]
    while stack:
        value, path = stack.pop()
        if type(value) is str:
            _check_string(value, path, "a string")
        elif type(value) is dict:
            for key, child in value.items():
                _check_string(key, path, "a key")
                stack.append((child, [*path, key]))
        elif type(value) is list:
            for index, child in enumerate(value):
                stack.append((child, [*path, index]))


def _check_string(text: str, path: list[Any], what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        place = "" if not path else f" in {_where(path)}"
        raise Refused(
            f"{what}{place} holds a lone surrogate at offset {exc.start} (\\u{code:04x});"
            " a \\u escape of a surrogate needs its partner"
        ) from None
