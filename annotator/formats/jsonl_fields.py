"""Field checks for JSONL records: typed getters, extents, fragments, ids and the event fast path."""
from __future__ import annotations

import json
import re
from typing import Any, Callable

from annotator.formats import safety
from annotator.formats.errors import FormatError
from annotator.formats.jsonvalues import js, json_type, req_str
from annotator.model import REVIEW_STATES, Argument, Normalization
from annotator.quoting import ident, one_line, show

_Err = Callable[[str], FormatError]


_json_type = json_type
_js = js
_req_str = req_str


# --------------------------------------------------------------------------
# reading one object


def _opt_str(raw: dict[str, Any], key: str, what: str, err: _Err) -> str:
    value = raw.get(key, "")
    if type(value) is not str:
        raise err(f'{what}: "{key}" must be a string, got {_json_type(value)}')
    return value


def _opt_obj(raw: dict[str, Any], key: str, what: str, err: _Err) -> dict[str, Any]:
    """A free-form object (``attributes``, ``meta``): an object, or JSON text of one (what is written)."""
    value = raw.get(key)
    if value is None:
        if key in raw:
            raise err(f'{what}: "{key}" must be an object, got null')
        return {}
    if type(value) is str:
        value = _json_text(value, key, what, err)
        if type(value) is not dict:
            raise err(f'{what}: "{key}" must be JSON text of an object, got {_json_type(value)}')
        return value
    if type(value) is not dict:
        raise err(f'{what}: "{key}" must be an object, got {_json_type(value)}')
    return value


def _json_text(text: str, key: str, what: str, err: _Err) -> Any:
    """The value of a field written as JSON text, with the checks of a whole line."""
    try:
        return safety.decode_json(text)
    except safety.Refused as exc:
        raise err(f'{what}: "{key}": {exc}') from None
    except (json.JSONDecodeError, ValueError) as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else one_line(str(exc))
        raise err(f'{what}: "{key}" is not JSON text ({message}): {_js(text)}') from None


def _normalizations(raw: dict[str, Any], what: str, err: _Err) -> list[Normalization]:
    """``normalizations``: absent or null (none), an array of objects, or JSON text of one."""
    value = raw.get("normalizations")
    if value is None or value == "[]":
        return []
    if type(value) is str:
        value = _json_text(value, "normalizations", what, err)
    if type(value) is not list:
        raise err(f'{what}: "normalizations" must be an array, got {_json_type(value)}')
    out: list[Normalization] = []
    for index, item in enumerate(value):
        nwhat = f"{what} normalization #{index + 1}"
        if type(item) is not dict:
            raise err(f"{nwhat}: expected an object, got {_json_type(item)}")
        out.append(
            Normalization(
                _req_str(item, "resource", nwhat, err),
                _req_str(item, "entry", nwhat, err),
                _opt_str(item, "text", nwhat, err),
            )
        )
    return out


def _opt_annotator(raw: dict[str, Any], what: str, err: _Err) -> str:
    """``annotator``: a string; absent or null is the empty string."""
    value = raw.get("annotator")
    if value is None:
        return ""
    if type(value) is not str:
        raise err(f'{what}: "annotator" must be a string, got {_json_type(value)}')
    return value


#: The review keys of an annotation, in the order written: the decision, who made it, their comment.
REVIEW_KEYS = ("review", "reviewer", "review_note")

_Review = tuple[str, str, str]
_NOT_REVIEWED: _Review = ("", "", "")


def _review_fast(raw: dict[str, Any]) -> _Review | None:
    """``(review, reviewer, review_note)`` of a well-formed annotation (each absent or a string, the state
    known); None for the checked path."""
    review = raw.get("review", "")
    reviewer = raw.get("reviewer", "")
    note = raw.get("review_note", "")
    if review == "" and reviewer == "" and note == "":
        return _NOT_REVIEWED
    if type(review) is str and review in REVIEW_STATES and type(reviewer) is str and type(note) is str:
        return review, reviewer, note
    return None


def _review(raw: dict[str, Any], what: str, err: _Err) -> _Review:
    """``(review, reviewer, review_note)``: strings (absent or null is ""), the state one of REVIEW_STATES."""
    out: list[str] = []
    for key in REVIEW_KEYS:
        value = raw.get(key)
        if value is None:
            value = ""
        elif type(value) is not str:
            raise err(f'{what}: "{key}" must be a string, got {_json_type(value)}')
        out.append(value)
    if out[0] not in REVIEW_STATES:
        states = ", ".join(json.dumps(s) for s in REVIEW_STATES)
        raise err(f'{what}: "review" {_js(out[0])} is not one of {states} ("" = not reviewed yet)')
    return out[0], out[1], out[2]


def _obj_fast(raw: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A free-form object of a well-formed line (absent, an object, or JSON text of one); None for the checked path."""
    value = raw.get(key)
    if type(value) is dict:
        return value
    if value == "{}" or (value is None and key not in raw):
        return {}
    if type(value) is str:
        try:
            obj = safety.decode_json(value)
        except (safety.Refused, ValueError):
            return None
        return obj if type(obj) is dict else None
    return None


def _one_piece(frags: Any, start: int, end: int) -> bool:
    """Whether ``frags`` is ``[[start, end]]``: the pieces of a continuous span, as written."""
    return (
        type(frags) is list
        and len(frags) == 1
        and type(piece := frags[0]) is list
        and len(piece) == 2
        and type(piece[0]) is int
        and type(piece[1]) is int
        and piece[0] == start
        and piece[1] == end
    )


def _opt_list(raw: dict[str, Any], key: str, what: str, err: _Err) -> list[Any]:
    value = raw.get(key)
    if value is None:
        if key in raw:
            raise err(f'{what}: "{key}" must be an array, got null')
        return []
    if type(value) is not list:
        raise err(f'{what}: "{key}" must be an array, got {_json_type(value)}')
    return value


def _extent(
    raw: dict[str, Any], text: str, length: int, what: str, err: _Err
) -> tuple[int, int, list[tuple[int, int]] | None]:
    """Check and return ``start, end, fragments`` of an entity or trigger."""
    start = raw.get("start")
    end = raw.get("end")
    if type(start) is not int:
        if start is None and "start" not in raw:
            raise err(f'{what}: missing "start"')
        raise err(f'{what}: "start" must be an integer, got {_js(start)}')
    if type(end) is not int:
        if end is None and "end" not in raw:
            raise err(f'{what}: missing "end"')
        raise err(f'{what}: "end" must be an integer, got {_js(end)}')
    if not 0 <= start < end <= length:
        if start < 0 or end > length:
            raise err(f"{what}: offsets {start}-{end} outside the text (length {length})")
        raise err(f"{what}: offsets {start}-{end} are empty or reversed")
    fragments: list[tuple[int, int]] | None = None
    raw_frags = raw.get("fragments")
    if raw_frags is not None:  # absent or null: continuous
        fragments = _fragments(raw_frags, start, end, what, err)
        if len(fragments) == 1:  # one piece is the extent itself
            fragments = None
    given = raw.get("text")
    if given is not None:
        if type(given) is not str:
            raise err(f'{what}: "text" must be a string, got {_json_type(given)}')
        actual = text[start:end]
        if given != actual:
            raise err(f"{what}: text {show(given)} does not match {show(actual)} at {start}-{end}")
    elif "text" in raw:
        raise err(f'{what}: "text" must be a string, got null')
    return start, end, fragments


def _fragments(raw: Any, start: int, end: int, what: str, err: _Err) -> list[tuple[int, int]]:
    """Sorted, non-overlapping pieces that begin at ``start`` and end at ``end``."""
    if type(raw) is not list or not raw:
        raise err(f'{what}: "fragments" must be a non-empty array of [start, end] pairs')
    out: list[tuple[int, int]] = []
    prev_end = start
    for pair in raw:
        if (
            type(pair) is not list
            or len(pair) != 2
            or type(pair[0]) is not int
            or type(pair[1]) is not int
        ):
            raise err(
                f"{what}: fragment {_js(pair)} is not a [start, end] pair of integers"
            )
        s, e = pair
        if not prev_end <= s < e <= end:
            raise err(
                f"{what}: fragments {_js(raw)} do not fit the extent {start}-{end}"
                " (they must be sorted, non-overlapping and inside it)"
            )
        out.append((s, e))
        prev_end = e
    if out[0][0] != start or out[-1][1] != end:
        raise err(
            f"{what}: fragments {_js(raw)} do not fit the extent {start}-{end}"
            " (the first must start and the last must end with it)"
        )
    return out


def _t_number(span_id: str) -> int:
    """``n`` for an id of the form ``T<n>``, else 0."""
    if len(span_id) > 1 and span_id[0] == "T":
        digits = span_id[1:]
        if digits.isascii() and digits.isdigit():
            return int(digits)
    return 0


def _max_t_number(span_ids: list[str]) -> int:
    """The highest :func:`_t_number` of ``span_ids`` (0 if none has the form ``T<n>``)."""
    joined = "\0".join(span_ids)
    if joined.count("\0") != len(span_ids) - 1:  # an id holds NUL itself: go one by one
        return max(map(_t_number, span_ids), default=0)
    # One C-level scan instead of a call per id; [0-9] is what isascii() and isdigit() allow.
    return max(map(int, _T_NUMBER.findall(joined)), default=0)


_T_NUMBER = re.compile(r"(?:^|\0)T([0-9]+)(?=\0|$)")


def _given_ids(items: list[Any], kind: str, used: set[str], err: _Err) -> list[str | None]:
    """The ids given to ``items`` (``None`` where missing), checked and reserved."""
    if not items:
        return []
    # Fast path: every item is an object with a distinct, non-empty string id
    # that is not taken yet.  Anything else takes the checked loop below.
    try:
        ids = [item["id"] for item in items]
        fresh = set(ids)
    except (TypeError, KeyError):  # not an object, no "id", or an unhashable id
        pass
    else:
        if (
            len(fresh) == len(ids)
            and (not ids or set(map(type, ids)) == {str})
            and "" not in fresh
            and fresh.isdisjoint(used)
        ):
            used |= fresh
            return ids
    given: list[str | None] = []
    for index, item in enumerate(items):
        if type(item) is not dict:
            raise err(f"{kind} #{index + 1}: expected an object, got {_json_type(item)}")
        item_id = item.get("id")
        if item_id is None:
            if "id" in item:
                raise err(f'{kind} #{index + 1}: "id" must be a non-empty string, got null')
            given.append(None)
            continue
        if type(item_id) is not str or not item_id:
            raise err(
                f'{kind} #{index + 1}: "id" must be a non-empty string, got {_js(item_id)}'
            )
        if item_id in used:
            raise err(f"duplicate annotation id {show(item_id)}")
        used.add(item_id)
        given.append(item_id)
    return given


def _fill_ids(given: list[str | None], prefix: str, used: set[str]) -> list[str]:
    """``given`` with each ``None`` replaced by the next free ``<prefix><n>``."""
    if None not in given:
        return given  # type: ignore[return-value]  # every id was given
    counter = 0
    out: list[str] = []
    for item_id in given:
        if item_id is None:
            while True:
                counter += 1
                candidate = f"{prefix}{counter}"
                if candidate not in used:
                    break
            used.add(candidate)
            item_id = candidate
        out.append(item_id)
    return out


def _text_ok(raw: dict[str, Any], text: str, start: int, end: int) -> bool:
    """Whether the optional ``"text"`` of a span is absent or matches ``text[start:end]``."""
    given = raw.get("text")
    if given is None:
        return "text" not in raw
    return given == text[start:end]


_EventFields = tuple[
    str, int, int, list[tuple[int, int]] | None, list[Argument], dict[str, Any], str, str, list[Normalization], _Review
]
"""type, trigger start, end and fragments, arguments, attributes, note, annotator, normalizations, review."""


def _event_fast(raw: dict[str, Any], text: str, length: int) -> _EventFields | None:
    """The fields of a well-formed continuous event without normalizations; None for anything else."""
    event_type = raw.get("type")
    trigger = raw.get("trigger")
    if type(event_type) is not str or type(trigger) is not dict:
        return None
    start = trigger.get("start")
    end = trigger.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
        return None
    frags = trigger.get("fragments")
    if frags is not None and not _one_piece(frags, start, end):
        return None
    if not _text_ok(trigger, text, start, end):
        return None
    raw_args = raw.get("arguments")
    arguments: list[Argument] = []
    if raw_args is not None:
        if type(raw_args) is not list:
            return None
        for arg in raw_args:
            if type(arg) is not dict:
                return None
            role = arg.get("role")
            ref = arg.get("ref")
            arg_annotator = arg.get("annotator")
            if arg_annotator is None:
                arg_annotator = ""
            if type(role) is not str or type(ref) is not str or type(arg_annotator) is not str:
                return None
            arg_review = _review_fast(arg)
            if arg_review is None:
                return None
            arguments.append(Argument(role, ref, arg_annotator, *arg_review))
    elif "arguments" in raw:
        return None
    attributes = _obj_fast(raw, "attributes")
    if attributes is None:
        return None
    note = raw.get("note", "")
    annotator = raw.get("annotator")
    if annotator is None:
        annotator = ""
    norms = raw.get("normalizations")
    if type(note) is not str or type(annotator) is not str or not (norms is None or norms == "[]" or norms == []):
        return None
    review = _review_fast(raw)
    if review is None:
        return None
    return event_type, start, end, None, arguments, attributes, note, annotator, [], review


def _event_checked(
    raw: dict[str, Any], text: str, length: int, event_id: str, err: _Err
) -> _EventFields:
    """The fields of an event, every one checked: raises the message for the first fault."""
    vwhat = f"event {ident(event_id)}"
    event_type = _req_str(raw, "type", vwhat, err)
    trigger = raw.get("trigger")
    if type(trigger) is not dict:
        if trigger is None and "trigger" not in raw:
            raise err(f'{vwhat}: missing "trigger"')
        raise err(f'{vwhat}: "trigger" must be an object, got {_json_type(trigger)}')
    start, end, fragments = _extent(trigger, text, length, f"{vwhat} trigger", err)
    arguments: list[Argument] = []
    for index, arg in enumerate(_opt_list(raw, "arguments", vwhat, err)):
        awhat = f"{vwhat} argument #{index + 1}"
        if type(arg) is not dict:
            raise err(f"{awhat}: expected an object, got {_json_type(arg)}")
        ref = _req_str(arg, "ref", awhat, err)
        role = _req_str(arg, "role", awhat, err)
        arg_annotator = _opt_annotator(arg, awhat, err)
        arguments.append(Argument(role, ref, arg_annotator, *_review(arg, awhat, err)))
    return (
        event_type,
        start,
        end,
        fragments,
        arguments,
        _opt_obj(raw, "attributes", vwhat, err),
        _opt_str(raw, "note", vwhat, err),
        _opt_annotator(raw, vwhat, err),
        _normalizations(raw, vwhat, err),
        _review(raw, vwhat, err),
    )
