"""One parsed JSONL record to an AnnotatedDocument: shape and offsets checked, missing ids made up."""
from __future__ import annotations

from typing import Any

from annotator.formats.errors import FormatError
from annotator.formats.jsonl_fields import (
    _event_checked,
    _event_fast,
    _extent,
    _fill_ids,
    _given_ids,
    _js,
    _json_type,
    _max_t_number,
    _normalizations,
    _obj_fast,
    _one_piece,
    _opt_annotator,
    _opt_list,
    _opt_obj,
    _opt_str,
    _req_str,
    _review,
    _review_fast,
)
from annotator.model import (
    ENTITY,
    STATUSES,
    TRIGGER,
    AnnotatedDocument,
    Document,
    Event,
    Relation,
    Span,
)
from annotator.quoting import ident, show

__all__ = ["doc_from_json"]


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
    if meta == "{}":
        meta = {}
    elif type(meta) is not dict:
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
        if attributes == "{}":
            attributes = {}
        elif type(attributes) is not dict:
            attributes = _obj_fast(raw, "attributes")
        note = raw.get("note", "")
        annotator = raw.get("annotator")
        if annotator is None:
            annotator = ""
        frags = raw.get("fragments")
        norms = raw.get("normalizations")
        if (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= length
            and type(label) is str
            and ((given := raw.get("text")) == text[start:end] or (given is None and "text" not in raw))
            and (frags is None or _one_piece(frags, start, end))
            and attributes is not None
            and type(note) is str
            and type(annotator) is str
            and (norms is None or norms == "[]" or norms == [])
            and (review := _review_fast(raw)) is not None
        ):
            spans.append(Span(span_id, label, start, end, ENTITY, None, attributes, note, annotator, [], *review))
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
                annotator=_opt_annotator(raw, ewhat, err),
                normalizations=_normalizations(raw, ewhat, err),
            )
        )
        spans[-1].review, spans[-1].reviewer, spans[-1].review_note = _review(raw, ewhat, err)

    # Trigger ids continue after the highest entity id of the form T<n>.
    trigger_number = _max_t_number(entity_ids) if raw_events else 0
    triggers: dict[tuple[Any, ...], str] = {}
    events: list[Event] = []
    refs: list[tuple[str, int, str]] = []  # (event id, argument index, ref), checked below
    for raw, event_id in zip(raw_events, event_ids):
        fields = _event_fast(raw, text, length) or _event_checked(raw, text, length, event_id, err)
        event_type, start, end, fragments, arguments, attributes, note, annotator, norms, review = fields
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
        events.append(Event(event_id, event_type, trigger_id, arguments, attributes, note, annotator, norms, *review))

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
        attributes = _obj_fast(raw, "attributes")
        note = raw.get("note", "")
        annotator = raw.get("annotator")
        if annotator is None:
            annotator = ""
        norms = raw.get("normalizations")
        if (
            type(head) is str
            and type(tail) is str
            and head in known_entities
            and tail in known_entities
            and type(relation_type) is str
            and attributes is not None
            and type(note) is str
            and type(annotator) is str
            and (norms is None or norms == "[]" or norms == [])
            and (review := _review_fast(raw)) is not None
        ):
            relations.append(
                Relation(relation_id, relation_type, head, tail, attributes, note, annotator, [], *review)
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
                annotator=_opt_annotator(raw, rwhat, err),
                normalizations=_normalizations(raw, rwhat, err),
            )
        )
        relations[-1].review, relations[-1].reviewer, relations[-1].review_note = _review(raw, rwhat, err)

    document = Document(id=doc_id, text=text, name=name, meta=meta, status=status)
    return AnnotatedDocument(document=document, spans=spans, events=events, relations=relations)
