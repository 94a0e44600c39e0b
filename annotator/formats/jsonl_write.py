"""Writing JSONL: the canonical JSON object of a document, and one line per document."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from annotator.model import ENTITY, AnnotatedDocument, Span
from annotator.quoting import ident, show

__all__ = ["doc_to_json", "dumps_doc", "write_jsonl"]


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
