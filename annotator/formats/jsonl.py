"""The native JSON Lines format: one annotated document per line.

A line holds one object; offsets are Python code points, end-exclusive::

    {"id": "iraq-attacks", "text": "...", "meta": {}, "status": "done",
     "entities": [{"id": "T1", "start": 0, "end": 4, "label": "GPE", "text": "Iraq",
                   "attributes": {}, "note": ""}],
     "events": [{"id": "E1", "type": "Conflict.Attack",
                 "trigger": {"start": 120, "end": 127, "text": "attacks"},
                 "arguments": [{"role": "Attacker", "ref": "T5"}],
                 "attributes": {}, "note": ""}],
     "relations": [{"id": "R1", "type": "PART-WHOLE", "head": "T9", "tail": "T1",
                    "attributes": {}, "note": ""}]}

Only ``text`` is required.  Missing ids are made up (``<file stem>-<line>``
for the document, ``T<n>``/``E<n>``/``R<n>`` for annotations, never colliding
with the ids given).  Event triggers become spans of kind ``trigger`` whose ids
continue the ``T`` numbering after the highest entity; two events with the same
type and trigger extent share one trigger span.  Keys this module does not know
are ignored, so files written by newer versions or other tools still load.

Canonical key order (what :func:`doc_to_json` writes; ``name`` only when it
differs from ``id``, ``fragments`` only on discontinuous spans, ``annotator``
only when non-empty):

* document: id, name, text, meta, status, entities, events, relations
* entity: id, start, end, label, text, fragments, attributes, note, annotator
* trigger: start, end, text, fragments
* event: id, type, trigger, arguments, attributes, note, annotator
* argument: role, ref, annotator
* relation: id, type, head, tail, attributes, note, annotator

The span ``text`` written is always ``text[start:end]`` (the outer extent,
also for discontinuous spans).  Reading a canonical line and writing it back
gives the same bytes.  Shape and offsets are checked here; whether labels and
roles exist in a schema is the job of the validator.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Callable, TextIO

from annotator.formats import safety
from annotator.formats.errors import FormatError
from annotator.quoting import ident, one_line, show
from annotator.model import (
    ENTITY,
    STATUSES,
    TRIGGER,
    AnnotatedDocument,
    Argument,
    Document,
    Event,
    Relation,
    Span,
)

__all__ = [
    "doc_from_json",
    "doc_to_json",
    "dumps_doc",
    "iter_jsonl_lines",
    "iter_jsonl_stream",
    "read_jsonl",
    "read_jsonl_stream",
    "write_jsonl",
]

_BOM = b"\xef\xbb\xbf"


_Err = Callable[[str], FormatError]


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _js(value: Any) -> str:
    """A parsed JSON value as JSON text for a message: one line, at most about 80 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return show(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return one_line(text)


# --------------------------------------------------------------------------
# reading one object


def _opt_str(raw: dict[str, Any], key: str, what: str, err: _Err) -> str:
    value = raw.get(key, "")
    if type(value) is not str:
        raise err(f'{what}: "{key}" must be a string, got {_json_type(value)}')
    return value


def _req_str(raw: dict[str, Any], key: str, what: str, err: _Err) -> str:
    value = raw.get(key)
    if type(value) is not str:
        if value is None and key not in raw:
            raise err(f'{what}: missing "{key}"')
        raise err(f'{what}: "{key}" must be a string, got {_json_type(value)}')
    return value


def _opt_obj(raw: dict[str, Any], key: str, what: str, err: _Err) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        if key in raw:
            raise err(f'{what}: "{key}" must be an object, got null')
        return {}
    if type(value) is not dict:
        raise err(f'{what}: "{key}" must be an object, got {_json_type(value)}')
    return value


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
    if raw_frags is not None or "fragments" in raw:
        fragments = _fragments(raw_frags, start, end, what, err)
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
    str, int, int, list[tuple[int, int]] | None, list[Argument], dict[str, Any], str, str
]
"""type, trigger start, end and fragments, arguments, attributes, note, annotator."""


def _event_fast(raw: dict[str, Any], text: str, length: int) -> _EventFields | None:
    """The fields of a well-formed event without fragments; None for anything else."""
    event_type = raw.get("type")
    trigger = raw.get("trigger")
    if type(event_type) is not str or type(trigger) is not dict or "fragments" in trigger:
        return None
    start = trigger.get("start")
    end = trigger.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
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
            arg_annotator = arg.get("annotator", "")
            if type(role) is not str or type(ref) is not str or type(arg_annotator) is not str:
                return None
            arguments.append(Argument(role, ref, arg_annotator))
    elif "arguments" in raw:
        return None
    attributes = raw.get("attributes")
    if attributes is None:
        if "attributes" in raw:
            return None
        attributes = {}
    elif type(attributes) is not dict:
        return None
    note = raw.get("note", "")
    annotator = raw.get("annotator", "")
    if type(note) is not str or type(annotator) is not str:
        return None
    return event_type, start, end, None, arguments, attributes, note, annotator


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
        arguments.append(
            Argument(
                role=_req_str(arg, "role", awhat, err),
                ref=ref,
                annotator=_opt_str(arg, "annotator", awhat, err),
            )
        )
    return (
        event_type,
        start,
        end,
        fragments,
        arguments,
        _opt_obj(raw, "attributes", vwhat, err),
        _opt_str(raw, "note", vwhat, err),
        _opt_str(raw, "annotator", vwhat, err),
    )


def doc_from_json(
    obj: dict[str, Any],
    *,
    path: str = "<input>",
    line: int | None = None,
    default_id: str | None = None,
) -> AnnotatedDocument:
    """Build an :class:`AnnotatedDocument` from one parsed JSONL object.

    ``path`` and ``line`` only locate errors.  ``default_id`` names a document
    that has no ``"id"`` (``read_jsonl`` passes ``<file stem>-<line>``); without
    one, ``doc-<line>`` (or ``doc``) is used.

    Raises :class:`FormatError` for anything that is not the documented shape:
    missing or non-string text, offsets that are not integers or fall outside
    the text, span text that differs from the document text, fragments outside
    the extent, duplicate annotation ids, references to unknown annotations,
    fields of the wrong type and unknown statuses.
    """
    path = str(path)

    def err(message: str) -> FormatError:
        return FormatError(path, line, message)

    if type(obj) is not dict:
        raise err(f"expected a JSON object, got {_json_type(obj)}")

    text = obj.get("text")
    if type(text) is not str:
        if text is None and "text" not in obj:
            raise err('missing "text"')
        raise err(f'"text" must be a string, got {_json_type(text)}')
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise err(f'"text" holds a lone surrogate at offset {exc.start}') from None
    length = len(text)

    if "id" in obj:
        doc_id = obj["id"]
        if type(doc_id) is not str or not doc_id:
            raise err(f'"id" must be a non-empty string, got {_js(doc_id)}')
    elif default_id:
        doc_id = default_id
    else:
        doc_id = "doc" if line is None else f"doc-{line}"
    what = f"document {ident(doc_id)}"
    name = obj.get("name", "")
    if type(name) is not str:
        name = _opt_str(obj, "name", what, err)
    meta = obj.get("meta")
    if type(meta) is not dict:
        meta = _opt_obj(obj, "meta", what, err)
    status = obj.get("status", "new")
    if type(status) is not str or status not in STATUSES:
        raise err(
            f"{what}: status {_js(status)} is not one of {', '.join(STATUSES)}"
        )
    raw_entities = obj.get("entities")
    if type(raw_entities) is not list:
        raw_entities = _opt_list(obj, "entities", what, err)
    raw_events = obj.get("events")
    if type(raw_events) is not list:
        raw_events = _opt_list(obj, "events", what, err)
    raw_relations = obj.get("relations")
    if type(raw_relations) is not list:
        raw_relations = _opt_list(obj, "relations", what, err)

    # Ids first: every given id is reserved before any is made up.
    used: set[str] = set()
    entity_given = _given_ids(raw_entities, "entity", used, err)
    event_given = _given_ids(raw_events, "event", used, err)
    relation_given = _given_ids(raw_relations, "relation", used, err)
    entity_ids = _fill_ids(entity_given, "T", used)
    event_ids = _fill_ids(event_given, "E", used)
    relation_ids = _fill_ids(relation_given, "R", used)

    # Each annotation first tries a fast path: a few type checks inline for the
    # well-formed case.  Whatever does not pass goes through the checked code
    # (the helpers above), which accepts it after all or raises the message.
    spans: list[Span] = []
    for raw, span_id in zip(raw_entities, entity_ids):
        start = raw.get("start")
        end = raw.get("end")
        label = raw.get("label")
        attributes = raw.get("attributes")
        note = raw.get("note", "")
        annotator = raw.get("annotator", "")
        if (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= length
            and type(label) is str
            and ((given := raw.get("text")) == text[start:end] or (given is None and "text" not in raw))
            and "fragments" not in raw
            and (type(attributes) is dict or (attributes is None and "attributes" not in raw))
            and type(note) is str
            and type(annotator) is str
        ):
            spans.append(
                Span(span_id, label, start, end, ENTITY, None, {} if attributes is None else attributes, note, annotator)
            )
            continue
        ewhat = f"entity {ident(span_id)}"
        start, end, fragments = _extent(raw, text, length, ewhat, err)
        spans.append(
            Span(
                id=span_id,
                label=_req_str(raw, "label", ewhat, err),
                start=start,
                end=end,
                kind=ENTITY,
                fragments=fragments,
                attributes=_opt_obj(raw, "attributes", ewhat, err),
                note=_opt_str(raw, "note", ewhat, err),
                annotator=_opt_str(raw, "annotator", ewhat, err),
            )
        )

    # Trigger ids continue after the highest entity id of the form T<n>.
    trigger_number = _max_t_number(entity_ids) if raw_events else 0
    triggers: dict[tuple[Any, ...], str] = {}
    events: list[Event] = []
    refs: list[tuple[str, int, str]] = []  # (event id, argument index, ref), checked below
    for raw, event_id in zip(raw_events, event_ids):
        fields = _event_fast(raw, text, length) or _event_checked(raw, text, length, event_id, err)
        event_type, start, end, fragments, arguments, attributes, note, annotator = fields
        key = (event_type, start, end, tuple(fragments) if fragments else None)
        trigger_id = triggers.get(key)
        if trigger_id is None:
            while True:
                trigger_number += 1
                trigger_id = f"T{trigger_number}"
                if trigger_id not in used:
                    break
            used.add(trigger_id)
            triggers[key] = trigger_id
            spans.append(Span(trigger_id, event_type, start, end, TRIGGER, fragments))
        for index, arg in enumerate(arguments):
            refs.append((event_id, index, arg.ref))
        events.append(Event(event_id, event_type, trigger_id, arguments, attributes, note, annotator))

    # Arguments may name events that come later in the line (nested events).
    known_entities = set(entity_ids)
    known = known_entities.union(event_ids)
    for event_id, index, ref in refs:
        if ref not in known:
            raise err(
                f"event {ident(event_id)} argument #{index + 1}: ref {show(ref)} names no entity or event in the document"
            )

    relations: list[Relation] = []
    for raw, relation_id in zip(raw_relations, relation_ids):
        head = raw.get("head")
        tail = raw.get("tail")
        relation_type = raw.get("type")
        attributes = raw.get("attributes")
        note = raw.get("note", "")
        annotator = raw.get("annotator", "")
        if (
            type(head) is str
            and type(tail) is str
            and head in known_entities
            and tail in known_entities
            and type(relation_type) is str
            and (type(attributes) is dict or (attributes is None and "attributes" not in raw))
            and type(note) is str
            and type(annotator) is str
        ):
            relations.append(
                Relation(
                    relation_id, relation_type, head, tail, {} if attributes is None else attributes, note, annotator
                )
            )
            continue
        rwhat = f"relation {ident(relation_id)}"
        head = _req_str(raw, "head", rwhat, err)
        tail = _req_str(raw, "tail", rwhat, err)
        for end_name, ref in (("head", head), ("tail", tail)):
            if ref not in known_entities:
                raise err(f"{rwhat}: {end_name} {show(ref)} names no entity in the document")
        relations.append(
            Relation(
                id=relation_id,
                type=_req_str(raw, "type", rwhat, err),
                head=head,
                tail=tail,
                attributes=_opt_obj(raw, "attributes", rwhat, err),
                note=_opt_str(raw, "note", rwhat, err),
                annotator=_opt_str(raw, "annotator", rwhat, err),
            )
        )

    document = Document(id=doc_id, text=text, name=name, meta=meta, status=status)
    return AnnotatedDocument(document=document, spans=spans, events=events, relations=relations)


# --------------------------------------------------------------------------
# writing one object


def _span_json(span: Span, text: str) -> dict[str, Any]:
    if not span.fragments and not span.annotator:  # the common case, in one literal
        return {
            "id": span.id,
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "text": text[span.start : span.end],
            "attributes": dict(span.attributes),
            "note": span.note,
        }
    out: dict[str, Any] = {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": text[span.start : span.end],
    }
    if span.fragments:
        out["fragments"] = [[s, e] for s, e in span.fragments]
    out["attributes"] = dict(span.attributes)
    out["note"] = span.note
    if span.annotator:
        out["annotator"] = span.annotator
    return out


def _trigger_json(span: Span, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {"start": span.start, "end": span.end, "text": text[span.start : span.end]}
    if span.fragments:
        out["fragments"] = [[s, e] for s, e in span.fragments]
    return out


def doc_to_json(doc: AnnotatedDocument) -> dict[str, Any]:
    """The canonical JSON object for ``doc`` (see the module docstring).

    Trigger spans are written inline in their events, never among the
    entities; a trigger span that no event uses is not written.  Raises
    ``ValueError`` if an event names a trigger span that ``doc`` lacks.
    """
    d = doc.document
    text = d.text
    out: dict[str, Any] = {"id": d.id}
    if d.name and d.name != d.id:
        out["name"] = d.name
    out["text"] = text
    out["meta"] = dict(d.meta)
    out["status"] = d.status
    spans: dict[str, Span] = {}
    entities: list[dict[str, Any]] = []
    for span in doc.spans:
        spans[span.id] = span  # the last of a repeated id wins, as in AnnotatedDocument.span_by_id()
        if span.kind == ENTITY:
            entities.append(_span_json(span, text))
    out["entities"] = entities
    events: list[dict[str, Any]] = []
    for event in doc.events:
        trigger = spans.get(event.trigger)
        if trigger is None:
            raise ValueError(
                f"document {ident(d.id)}: event {ident(event.id)} names trigger {show(event.trigger)},"
                " which is not a span"
            )
        arguments: list[dict[str, Any]] = []
        for arg in event.arguments:
            a: dict[str, Any] = {"role": arg.role, "ref": arg.ref}
            if arg.annotator:
                a["annotator"] = arg.annotator
            arguments.append(a)
        e: dict[str, Any] = {
            "id": event.id,
            "type": event.type,
            "trigger": _trigger_json(trigger, text),
            "arguments": arguments,
            "attributes": dict(event.attributes),
            "note": event.note,
        }
        if event.annotator:
            e["annotator"] = event.annotator
        events.append(e)
    out["events"] = events
    relations: list[dict[str, Any]] = []
    for rel in doc.relations:
        r: dict[str, Any] = {
            "id": rel.id,
            "type": rel.type,
            "head": rel.head,
            "tail": rel.tail,
            "attributes": dict(rel.attributes),
            "note": rel.note,
        }
        if rel.annotator:
            r["annotator"] = rel.annotator
        relations.append(r)
    out["relations"] = relations
    return out


def dumps_doc(doc: AnnotatedDocument) -> str:
    """``doc`` as one line of JSON (no trailing newline), non-ASCII kept as is."""
    return json.dumps(doc_to_json(doc), ensure_ascii=False)


# --------------------------------------------------------------------------
# files


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


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[AnnotatedDocument]:
    """Stream the documents of a JSONL file, one per non-blank line.

    A document without ``"id"`` is named ``<file stem>-<line>``.  Raises
    :class:`FormatError` (with the 1-based line) for any bad line and for a
    document id already used earlier in the file.  Documents before the bad
    line have been yielded by then; callers that want all-or-nothing should
    import inside a transaction.
    """
    with open(path, "rb") as fh:
        yield from read_jsonl_stream(fh, str(path), Path(path).stem)


def read_jsonl_stream(fh: BinaryIO, where: str, stem: str) -> Iterator[AnnotatedDocument]:
    """:func:`read_jsonl` on an open binary stream (``io.BytesIO``, say); ``where`` names it in errors."""
    seen: dict[str, int] = {}
    for lineno, obj in iter_jsonl_stream(fh, where):
        doc = doc_from_json(obj, path=where, line=lineno, default_id=f"{stem}-{lineno}")
        doc_id = doc.document.id
        first = seen.setdefault(doc_id, lineno)
        if first != lineno:
            raise FormatError(where, lineno, f"duplicate document id {show(doc_id)} (first on line {first})")
        yield doc


def write_jsonl(docs: Iterable[AnnotatedDocument], fh: TextIO) -> int:
    """Write each document as one line to ``fh`` and return how many.

    ``docs`` may be any iterable (a generator over the store, say); each line
    is written as soon as it is made.  Open ``fh`` with ``encoding="utf-8",
    newline="\\n"``.
    """
    count = 0
    write = fh.write
    for doc in docs:
        write(dumps_doc(doc))
        write("\n")
        count += 1
    return count
