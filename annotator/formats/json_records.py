"""Records of a JSON Lines file, also when the "JSONL" is one JSON document spread over several lines.

Tools such as doccano and Prodigy export JSON Lines, but their documentation
and examples also show records pretty-printed over many lines, and users save
arrays of records as ``.json``.  :func:`read_records` reads all three without
guessing: a file whose first non-blank line is a complete JSON object is JSON
Lines (read line by line with every check of :mod:`annotator.formats.jsonl`);
otherwise the whole file must parse as JSON values one after another (objects,
or arrays of objects), each record located by the line it starts on.  A file
that is neither is refused with a message that says what it looks like.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats import safety
from annotator.formats.errors import FormatError
from annotator.formats.jsonlines import iter_jsonl_lines
from annotator.formats.record_checks import json_type as _json_type
from annotator.formats.spec import ImportReport
from annotator.quoting import one_line

__all__ = ["first_record", "read_records"]

_BOM = "\ufeff"
_HEAD_BYTES = 1 << 20
_WS = " \t\r\n"


def _refuse_constant(name: str) -> Any:
    raise safety.Refused(f"{name} is not a JSON number; numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise safety.Refused(f"number {text} is out of range; numbers must be finite")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def _first_line(path: Path) -> str | None:
    """The first non-blank line of the file (at most 1 MB of it), or None for an empty file."""
    with open(path, "rb") as fh:
        while True:
            raw = fh.readline(_HEAD_BYTES)
            if not raw:
                return None
            text = raw.decode("utf-8", errors="replace").lstrip(_BOM)
            if text.strip(_WS):
                return text.strip(_WS)


def _is_json_lines(first: str) -> bool:
    """True when the first non-blank line is a whole JSON object, or anything but the start of a bigger value."""
    if not first.startswith(("{", "[")):
        return True  # not JSON at all: the line-by-line reader says so with line 1
    if first.startswith("{") and first.endswith("}") and len(first) > 1:
        try:
            return isinstance(json.loads(first), dict)
        except RecursionError:
            return True  # too deep: the line-by-line reader refuses it with its line
        except ValueError:
            return False
    return False


def read_records(path: Path, report: ImportReport, title: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line, record)`` for each JSON object of the file (JSON Lines, pretty-printed or an array).

    ``title`` names the format in messages.  Raises :class:`FormatError` with
    the file and line for anything that is not JSON objects.
    """
    if path.is_dir():
        raise FormatError(str(path), None, f"is a folder; {title} import takes files")
    first = _first_line(path)
    if first is None:
        return
    if _is_json_lines(first):
        yield from iter_jsonl_lines(path)
        return
    try:
        yield from _spread_records(path, report, title)
    except _FirstValueBroken:
        # A broken first line of real JSON Lines (not a lone "{" or "["): say what is wrong with line 1.
        yield from iter_jsonl_lines(path)
        raise  # pragma: no cover - iter_jsonl_lines raises for that line


class _FirstValueBroken(Exception):
    """The first value of a file read as spread JSON does not parse, and its first line is long."""


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


def _spread_records(path: Path, report: ImportReport, title: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of a file holding JSON values over several lines (pretty-printed objects, or arrays)."""
    where = str(path)
    limit = safety.MAX_LINE_BYTES
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise FormatError(
            where, 1,
            f"not JSON Lines (the first line is not a whole JSON object), and larger than "
            f"{safety.describe_size(limit)}, the limit for one JSON document; refused",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(where, data.count(b"\n", 0, exc.start) + 1, "invalid UTF-8") from None
    if text.startswith(_BOM):
        text = text[1:]
    what = (
        f"is not JSON Lines (one {title} record per line) but JSON spread over several lines"
    )
    count = 0
    pos = _skip(text, 0)
    eol = text.find("\n", pos)
    lone_opener = text[pos:eol if eol >= 0 else len(text)].strip(_WS) in ("{", "[")
    while pos < len(text):
        if text[pos] == "[":
            pos = _skip(text, pos + 1)
            if pos < len(text) and text[pos] == "]":
                pos = _skip(text, pos + 1)
                continue
            while True:
                obj, start, pos = _value(text, pos, where, what, guard=count == 0 and not lone_opener)
                yield _record(obj, text, start, where, "an array item")
                count += 1
                pos = _skip(text, pos)
                if pos < len(text) and text[pos] == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if pos < len(text) and text[pos] == "]":
                    pos = _skip(text, pos + 1)
                    break
                raise FormatError(where, _line_of(text, pos), f"{what}, and an array there lacks its ',' or ']'")
        else:
            obj, start, pos = _value(text, pos, where, what, guard=count == 0 and not lone_opener)
            yield _record(obj, text, start, where, "a record")
            count += 1
            pos = _skip(text, pos)
    report.note(f"{path.name} {what} (pretty-printed); read {count:,} record(s) from it")


def _value(text: str, pos: int, where: str, what: str, guard: bool = False) -> tuple[Any, int, int]:
    """The JSON value at ``pos``; with ``guard``, a decoding error raises :class:`_FirstValueBroken`."""
    try:
        obj, end = _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        if guard:
            raise _FirstValueBroken from None
        raise FormatError(
            where, exc.lineno, f"{what}, and malformed as that: {exc.msg} (column {exc.colno})"
        ) from None
    except safety.Refused as exc:
        raise FormatError(where, _line_of(text, pos), str(exc)) from None
    except RecursionError:
        raise FormatError(where, _line_of(text, pos), f"JSON nested deeper than {safety.MAX_DEPTH} levels") from None
    return obj, pos, end


def _record(obj: Any, text: str, start: int, where: str, what: str) -> tuple[int, dict[str, Any]]:
    line = _line_of(text, start)
    if type(obj) is not dict:
        raise FormatError(where, line, f"expected {what} to be a JSON object, got {_json_type(obj)}")
    try:
        safety.check_depth(obj)
        safety.check_surrogates(obj)
    except safety.Refused as exc:
        raise FormatError(where, line, one_line(str(exc))) from None
    return line, obj


def first_record(path: Path) -> dict[str, Any] | None:
    """The first record of a file for sniffing: its first line, or the first object of spread JSON; never raises."""
    try:
        if not path.is_file():
            return None
        first = _first_line(path)
        if first is None:
            return None
        if _is_json_lines(first):
            obj = json.loads(first)
            return obj if isinstance(obj, dict) else None
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace").lstrip(_BOM)
        pos = _skip(head, 0)
        if head[pos:pos + 1] == "[":
            pos = _skip(head, pos + 1)
        obj, _ = json.JSONDecoder().raw_decode(head, pos)
        return obj if isinstance(obj, dict) else None
    except (OSError, ValueError, RecursionError):
        return None
