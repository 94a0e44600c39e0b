"""Reading JSON Lines: one checked object per non-blank line, shared by every format written as JSONL.

The native format, doccano, Prodigy, OneIE and Hugging Face all read their
lines here, with the same limits (:mod:`annotator.formats.safety`) and the
same one-line errors naming file and line.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from annotator.formats import safety
from annotator.formats.errors import FormatError
from annotator.formats.jsonvalues import json_type as _json_type
from annotator.quoting import one_line

__all__ = ["iter_jsonl_lines", "iter_jsonl_stream"]

_BOM = b"\xef\xbb\xbf"


def iter_jsonl_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSONL file.

    Line numbers are 1-based and count blank lines too.  A UTF-8 byte order
    mark at the start is skipped.  Lines are split on ``\\n`` only (a CRLF file
    is fine; U+2028 and other Unicode line separators inside strings are not
    line ends).  Raises :class:`FormatError` for invalid UTF-8, malformed JSON,
    lines that are not objects, and whatever :mod:`annotator.formats.safety`
    refuses: a line longer than ``MAX_LINE_BYTES`` (checked before it is
    decoded), nesting deeper than ``MAX_DEPTH``, numbers that are not finite
    and lone surrogates.
    """
    with open(path, "rb") as fh:
        yield from iter_jsonl_stream(fh, str(path))


def iter_jsonl_stream(fh: BinaryIO, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """:func:`iter_jsonl_lines` on an open binary stream; ``where`` names it in errors."""
    read_line = safety.read_line
    decode = safety.decode_json
    lineno = 0
    while True:
        lineno += 1
        try:
            raw = read_line(fh)
        except safety.Refused as exc:
            raise FormatError(where, lineno, str(exc)) from None
        if not raw:
            break
        if lineno == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(
                where, lineno, f"invalid UTF-8 at byte {exc.start + 1} of the line"
            ) from None
        try:
            obj = decode(line, raw)
        except safety.Refused as exc:
            raise FormatError(where, lineno, str(exc)) from None
        except (json.JSONDecodeError, ValueError) as exc:
            if not line.strip(" \t\r\n"):
                continue
            if isinstance(exc, json.JSONDecodeError):
                message = f"malformed JSON: {exc.msg} (column {exc.colno})"
            else:  # an integer too long to convert, say
                message = f"malformed JSON: {one_line(str(exc))}"
            if lineno == 1 and line.lstrip().startswith("["):
                message += "; JSON Lines needs one object per line, not an array"
            raise FormatError(where, lineno, message) from None
        if type(obj) is not dict:
            raise FormatError(where, lineno, f"expected a JSON object, got {_json_type(obj)}")
        yield lineno, obj
