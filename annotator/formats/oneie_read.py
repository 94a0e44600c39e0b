"""Reading OneIE / TextEE event JSONL: one document per record, spans from token indices or character offsets.

Records are JSON Lines, or JSON objects spread over lines, or an array of
them (:mod:`annotator.formats.json_records`).  What a record becomes:

* Its id is ``wnd_id`` (or ``doc_id``, or ``<file stem>-<line>``).  Windows
  are not joined back into documents (their texts do not say what lay
  between them): each record is a document, and one whose ``wnd_id`` differs
  from its ``doc_id`` keeps the ``doc_id`` in its metadata.
* Its text is ``text``, or ``sentence`` (OneIE's key); with neither, the
  tokens joined by single spaces, and the import report says so.  Tokens are
  found in the text in order, skipping whitespace; a token that is not there
  is refused with its line.
* Mentions are placed by their token ``start``/``end`` (end-exclusive), or by
  ``offset_start``/``offset_end`` when they have no token indices.  When both
  are given they must agree, and a mention's ``text`` must match the text at
  that place (whitespace aside, since tokens lose it).
* Event types come back in dotted form: ``Life:Die`` becomes ``Life.Die``.
* Arguments name an entity mention by ``entity_id``.  An argument without
  one (model output, such as TextEE's predictions) is placed by its own
  offsets: it uses the entity mention at exactly that place, or becomes a new
  entity there.  OneIE gives that entity no type, so it takes the first
  entity type that its role allows in the project's schema (``Place`` of
  ``Life.Die``: ``GPE``), or ``Argument`` (:data:`ARGUMENT_TYPE`) when the
  schema does not know the role; the report lists each role and the type
  given, to be reviewed.
* ``nested_arguments`` (``{"event_id", "role"}``) become arguments filled by
  those events; relation mentions take their ``Arg-1`` and ``Arg-2`` entities
  as head and tail.
* Missing ids are made up (``T<n>``, ``E<n>``, ``R<n>``) without colliding
  with given ones.  ``lang`` is not kept (the report names it when it is not
  ``en``; give ``--lang`` on export).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..model import ENTITY, TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from ..quoting import ident, show
from ..schema import Schema
from .errors import FormatError
from .json_records import first_record, read_records
from .jsonvalues import js as _js
from .jsonvalues import json_type as _json_type
from .jsonvalues import req_str as _str
from .spec import ImportReport, Sourced

__all__ = ["ARGUMENT_TYPE", "read_oneie", "record_to_doc", "sniff_oneie"]

#: the entity type given to an argument that names no entity mention
ARGUMENT_TYPE = "Argument"

_Err = Callable[[str], FormatError]


def sniff_oneie(path: Path) -> bool:
    """True for a file whose first record has ``tokens`` and ``event_mentions`` or ``entity_mentions``."""
    rec = first_record(path)  # never raises
    return (
        rec is not None
        and isinstance(rec.get("tokens"), list)
        and ("event_mentions" in rec or "entity_mentions" in rec)
    )


def read_oneie(path: Path, report: ImportReport, schema: Schema | None = None) -> Iterator[Sourced]:
    """Each record of a OneIE/TextEE JSONL file as a document; FormatError (file:line) for a bad one.

    ``schema`` types the entities made for arguments that name none (see the module docstring).
    """
    where = str(path)
    seen: dict[str, int] = {}
    tally: dict[str, int] = {}
    for lineno, obj in read_records(path, report, "OneIE"):
        adoc = record_to_doc(obj, where, lineno, f"{path.stem}-{lineno}", report, tally, schema)
        first = seen.setdefault(adoc.document.id, lineno)
        if first != lineno:
            raise FormatError(where, lineno, f"duplicate record id {show(adoc.document.id)} (first on line {first})")
        yield Sourced(adoc, where, lineno)
    if tally:
        given = ", ".join(f"{key} {n:,}" for key, n in sorted(tally.items()))
        report.note(f"{sum(tally.values()):,} argument(s) named no entity mention and became entities at their "
                    f"offsets, typed by their role (role -> type: count): {given}; review them")


def _opt_id(obj: dict[str, Any], key: str, what: str, err: _Err) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not str or not value:
        raise err(f'{what}"{key}" must be a non-empty string, got {_js(value)}')
    return value


def _list(obj: dict[str, Any], key: str, what: str, err: _Err) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise err(f'{what}"{key}" must be an array, got {_json_type(value)}')
    return value


def _objects(items: list[Any], what: str, err: _Err) -> list[dict[str, Any]]:
    for index, item in enumerate(items):
        if type(item) is not dict:
            raise err(f"{what} #{index + 1}: expected an object, got {_json_type(item)}")
    return items


def _token_offsets(tokens: list[str], text: str, err: _Err) -> list[tuple[int, int]]:
    """Where each token is in ``text``: in order, each after the one before, whitespace between."""
    out: list[tuple[int, int]] = []
    pos = 0
    for index, tok in enumerate(tokens):
        while pos < len(text) and text[pos].isspace() and not text.startswith(tok, pos):
            pos += 1
        if not tok or not text.startswith(tok, pos):
            found = text.find(tok, pos) if tok else -1
            if not tok or found < 0 or text[pos:found].strip():
                raise err(
                    f"token #{index + 1} {show(tok)} is not in the text at offset {pos}"
                    f" (it holds {show(text[pos:pos + 20])})"
                )
            pos = found
        out.append((pos, pos + len(tok)))
        pos += len(tok)
    return out


class _Record:
    """The state of one record while it is read: its text, tokens, spans and ids."""

    def __init__(self, text: str, toks: list[tuple[int, int]], offsets_valid: bool, err: _Err) -> None:
        self.text = text
        self.toks = toks
        self.offsets_valid = offsets_valid  # False when the text was rebuilt: offset_* name another text
        self.err = err
        self.used: set[str] = set()
        self.spans: list[Span] = []
        self.entity_at: dict[tuple[int, int], str] = {}
        self.counters: dict[str, int] = {}

    def new_id(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0)
        while True:
            n += 1
            candidate = f"{prefix}{n}"
            if candidate not in self.used:
                self.counters[prefix] = n
                self.used.add(candidate)
                return candidate

    def take_id(self, given: str | None, prefix: str) -> str:
        if given is None:
            return self.new_id(prefix)
        if given in self.used:
            raise self.err(f"duplicate annotation id {show(given)}")
        self.used.add(given)
        return given

    def extent(self, m: dict[str, Any], what: str) -> tuple[int, int]:
        """The code-point extent of a mention, a trigger or an argument, checked against the text."""
        err = self.err
        ts, te = m.get("start"), m.get("end")
        os_, oe = m.get("offset_start"), m.get("offset_end")
        has_tokens = ts is not None or te is not None
        has_offsets = self.offsets_valid and (os_ is not None or oe is not None)
        if not has_tokens and not has_offsets:
            raise err(f'{what}: no place: needs token "start" and "end" (or "offset_start" and "offset_end")')
        if has_tokens:
            if type(ts) is not int or type(te) is not int:
                raise err(f'{what}: token "start" and "end" must be integers, got {_js(ts)} and {_js(te)}')
            if not 0 <= ts < te <= len(self.toks):
                raise err(f"{what}: tokens {ts}-{te} outside the {len(self.toks)} tokens, or empty")
            start, end = self.toks[ts][0], self.toks[te - 1][1]
        if has_offsets:
            if type(os_) is not int or type(oe) is not int:
                raise err(f'{what}: "offset_start" and "offset_end" must be integers, got {_js(os_)} and {_js(oe)}')
            if not 0 <= os_ < oe <= len(self.text):
                raise err(f"{what}: offsets {os_}-{oe} outside the text (length {len(self.text)}), or empty")
            if has_tokens and (os_, oe) != (start, end):
                raise err(f"{what}: tokens {ts}-{te} are at {start}-{end} in the text, but its offsets say {os_}-{oe}")
            start, end = os_, oe
        given = m.get("text")
        if given is not None:
            if type(given) is not str:
                raise err(f'{what}: "text" must be a string, got {_json_type(given)}')
            actual = self.text[start:end]
            if "".join(given.split()) != "".join(actual.split()):
                raise err(f"{what}: text {show(given)} does not match {show(actual)} at {start}-{end}")
        return start, end

    def entity(self, span_id: str, label: str, start: int, end: int) -> None:
        self.spans.append(Span(span_id, label, start, end, ENTITY))
        self.entity_at.setdefault((start, end), span_id)


def _argument_type(schema: Schema | None, event_type: str, role: str) -> str:
    """The first entity type that ``role`` of ``event_type`` allows in ``schema``, else :data:`ARGUMENT_TYPE`."""
    if schema is not None:
        event = schema.event_types.get(event_type)
        spec = event.roles.get(role) if event is not None else None
        for name in spec.types if spec is not None else ():
            if name in schema.entity_types:
                return name
    return ARGUMENT_TYPE


def record_to_doc(obj: dict[str, Any], where: str, line: int | None, default_id: str,
                  report: ImportReport, tally: dict[str, int] | None = None,
                  schema: Schema | None = None) -> AnnotatedDocument:
    """One OneIE/TextEE record as a document (see the module docstring); FormatError for a bad one.

    ``tally["Role -> Type"]`` counts the arguments that became new entities, by role and the type given.
    """

    def err(message: str) -> FormatError:
        return FormatError(where, line, message)

    doc_id = _opt_id(obj, "doc_id", "", err)
    wnd_id = _opt_id(obj, "wnd_id", "", err)
    rid = wnd_id or doc_id or default_id
    meta: dict[str, Any] = {}
    if doc_id and wnd_id and wnd_id != doc_id:
        meta["doc_id"] = doc_id
    lang = obj.get("lang")
    if isinstance(lang, str) and lang != "en":
        report.note(f"the records' lang {show(lang)} is not kept; give --lang {lang} when exporting to oneie")
    what = f"record {ident(rid)}"
    tokens = obj.get("tokens")
    if type(tokens) is not list:
        raise err(f'{what}: missing "tokens"' if tokens is None else
                  f'{what}: "tokens" must be an array of strings, got {_json_type(tokens)}')
    for index, tok in enumerate(tokens):
        if type(tok) is not str:
            raise err(f"{what}: token #{index + 1} must be a string, got {_json_type(tok)}")
    text = obj.get("text")
    if text is None:
        text = obj.get("sentence")
    if text is None:
        text = " ".join(tokens)
        report.note("text rebuilt from the tokens joined by single spaces (records without \"text\" or \"sentence\")")
        rebuilt = True
    elif type(text) is not str:
        raise err(f'{what}: "text" must be a string, got {_json_type(text)}')
    else:
        rebuilt = False
    rec = _Record(text, _token_offsets(tokens, text, lambda m: err(f"{what}: {m}")), not rebuilt,
                  lambda m: err(m))

    entity_mentions = _objects(_list(obj, "entity_mentions", f"{what}: ", err), "entity mention", err)
    event_mentions = _objects(_list(obj, "event_mentions", f"{what}: ", err), "event mention", err)
    relation_mentions = _objects(_list(obj, "relation_mentions", f"{what}: ", err), "relation mention", err)
    # Given ids first, so that made-up ones avoid them.
    entity_ids = [rec.take_id(_opt_id(m, "id", f"entity mention #{i + 1}: ", err), "T") if "id" in m else None
                  for i, m in enumerate(entity_mentions)]
    event_ids = [rec.take_id(_opt_id(m, "id", f"event mention #{i + 1}: ", err), "E") if "id" in m else None
                 for i, m in enumerate(event_mentions)]
    relation_ids = [rec.take_id(_opt_id(m, "id", f"relation mention #{i + 1}: ", err), "R") if "id" in m else None
                    for i, m in enumerate(relation_mentions)]
    entity_ids = [x or rec.new_id("T") for x in entity_ids]
    event_ids = [x or rec.new_id("E") for x in event_ids]
    relation_ids = [x or rec.new_id("R") for x in relation_ids]

    for m, span_id in zip(entity_mentions, entity_ids):
        mwhat = f"entity mention {ident(span_id)}"
        rec.entity(span_id, _str(m, "entity_type", mwhat, err), *rec.extent(m, mwhat))
    known_entities = set(entity_ids)

    triggers: dict[tuple[str, int, int], str] = {}
    events: list[Event] = []
    nested: list[tuple[Event, str, int, str]] = []
    for m, event_id in zip(event_mentions, event_ids):
        vwhat = f"event mention {ident(event_id)}"
        event_type = _str(m, "event_type", vwhat, err).replace(":", ".", 1)
        trigger = m.get("trigger")
        if type(trigger) is not dict:
            raise err(f'{vwhat}: "trigger" must be an object, got {_json_type(trigger)}')
        start, end = rec.extent(trigger, f"{vwhat} trigger")
        trigger_id = triggers.get((event_type, start, end))
        if trigger_id is None:
            trigger_id = triggers[(event_type, start, end)] = rec.new_id("T")
            rec.spans.append(Span(trigger_id, event_type, start, end, TRIGGER))
        arguments: list[Argument] = []
        for index, a in enumerate(_objects(_list(m, "arguments", f"{vwhat}: ", err), f"{vwhat} argument", err)):
            awhat = f"{vwhat} argument #{index + 1}"
            role = _str(a, "role", awhat, err)
            ref = _opt_id(a, "entity_id", f"{awhat}: ", err)
            if ref is not None:
                if ref not in known_entities:
                    raise err(f"{awhat}: entity_id {show(ref)} names no entity mention of the record")
            else:
                place = rec.extent(a, awhat)
                ref = rec.entity_at.get(place)
                if ref is None:
                    ref = rec.new_id("T")
                    label = _argument_type(schema, event_type, role)
                    rec.entity(ref, label, *place)
                    if tally is not None:
                        key = f"{role} -> {label}"
                        tally[key] = tally.get(key, 0) + 1
            arguments.append(Argument(role, ref))
        event = Event(event_id, event_type, trigger_id, arguments)
        nested_args = _objects(_list(m, "nested_arguments", f"{vwhat}: ", err), f"{vwhat} nested argument", err)
        for index, a in enumerate(nested_args):
            nwhat = f"{vwhat} nested argument #{index + 1}"
            nested.append((event, _str(a, "role", nwhat, err), index, _str(a, "event_id", nwhat, err)))
        events.append(event)
    known_events = set(event_ids)
    for event, role, index, ref in nested:
        if ref not in known_events:
            raise err(f"event mention {ident(event.id)} nested argument #{index + 1}: "
                      f"event_id {show(ref)} names no event mention of the record")
        event.arguments.append(Argument(role, ref))

    relations: list[Relation] = []
    for m, relation_id in zip(relation_mentions, relation_ids):
        rwhat = f"relation mention {ident(relation_id)}"
        relation_type = _str(m, "relation_type", rwhat, err)
        args = _objects(_list(m, "arguments", f"{rwhat}: ", err), f"{rwhat} argument", err)
        if len(args) != 2:
            raise err(f"{rwhat}: needs two arguments (Arg-1 and Arg-2), got {len(args)}")
        if args[0].get("role") == "Arg-2" and args[1].get("role") == "Arg-1":
            args = [args[1], args[0]]
        ends = []
        for index, a in enumerate(args):
            ref = _str(a, "entity_id", f"{rwhat} argument #{index + 1}", err)
            if ref not in known_entities:
                raise err(f"{rwhat} argument #{index + 1}: entity_id {show(ref)} names no entity mention of the record")
            ends.append(ref)
        relations.append(Relation(relation_id, relation_type, ends[0], ends[1]))

    if meta:
        report.note("windows (wnd_id) are imported as documents of their own; meta.doc_id names their document")
    document = Document(id=rid, text=text, meta=meta)
    return AnnotatedDocument(document, rec.spans, events, relations)
