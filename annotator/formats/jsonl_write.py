"""Writing JSONL: the canonical JSON object of a document, and one line per document."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from annotator.model import ENTITY, AnnotatedDocument, Normalization, Span
from annotator.quoting import ident, show

__all__ = ["doc_to_json", "dumps_doc", "write_jsonl"]


def _obj_text(value: dict[str, Any]) -> str:
    """A free-form object as JSON text: one string column for any reader that types columns."""
    return json.dumps(value, ensure_ascii=False) if value else "{}"


def _norm_text(norms: list[Normalization]) -> str:
    """Normalizations as JSON text of ``[{"resource", "entry", "text"}]``."""
    if not norms:
        return "[]"
    return json.dumps([{"resource": n.resource, "entry": n.entry, "text": n.text} for n in norms], ensure_ascii=False)


def _pieces(span: Span) -> list[list[int]]:
    """The ranges a span covers: its fragments, or its one extent."""
    if span.fragments:
        return [[s, e] for s, e in span.fragments]
    return [[span.start, span.end]]


def _span_json(span: Span, text: str) -> dict[str, Any]:
    return {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": text[span.start : span.end],
        "fragments": _pieces(span),
        "attributes": _obj_text(span.attributes),
        "note": span.note,
        "annotator": span.annotator,
        "review": span.review,
        "reviewer": span.reviewer,
        "review_note": span.review_note,
        "normalizations": _norm_text(span.normalizations),
    }


def _trigger_json(span: Span, text: str) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": text[span.start : span.end], "fragments": _pieces(span)}


def doc_to_json(doc: AnnotatedDocument) -> dict[str, Any]:
    """The canonical JSON object for ``doc`` (see the module docstring).

    Trigger spans are written inline in their events, never among the
    entities; a trigger span that no event uses is not written.  Raises
    ``ValueError`` if an event names a trigger span that ``doc`` lacks.
    """
    d = doc.document
    text = d.text
    out: dict[str, Any] = {
        "id": d.id,
        "name": d.name or d.id,
        "text": text,
        "meta": _obj_text(d.meta),
        "status": d.status,
    }
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
            arguments.append({"role": arg.role, "ref": arg.ref, "annotator": arg.annotator, "review": arg.review,
                              "reviewer": arg.reviewer, "review_note": arg.review_note})
        events.append({
            "id": event.id,
            "type": event.type,
            "trigger": _trigger_json(trigger, text),
            "arguments": arguments,
            "attributes": _obj_text(event.attributes),
            "note": event.note,
            "annotator": event.annotator,
            "review": event.review,
            "reviewer": event.reviewer,
            "review_note": event.review_note,
            "normalizations": _norm_text(event.normalizations),
        })
    out["events"] = events
    relations: list[dict[str, Any]] = []
    for rel in doc.relations:
        relations.append({
            "id": rel.id,
            "type": rel.type,
            "head": rel.head,
            "tail": rel.tail,
            "attributes": _obj_text(rel.attributes),
            "note": rel.note,
            "annotator": rel.annotator,
            "review": rel.review,
            "reviewer": rel.reviewer,
            "review_note": rel.review_note,
            "normalizations": _norm_text(rel.normalizations),
        })
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
