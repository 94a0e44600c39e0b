"""A reviewer's decision written to the project: the item's fields and the document's status, in one transaction.

No SQL here: every write is a :class:`~annotator.store.Project` method
(``set_review``, ``update_span``/``update_event``/``update_relation``,
``replace_argument``, ``set_status``), all inside one ``project.transaction()``
transaction (as :mod:`annotator.adjudicate` and :mod:`annotator.merge` do), so a
refused part leaves the file as it was.  The status is settled by the store
(:meth:`annotator.store_documents.ProjectDocuments.settled_status`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..store import Project, StoreError

REVIEW_FIELDS = ("review", "reviewer", "review_note")


@dataclass(frozen=True)
class ReviewWrite:
    """What :func:`write_review` wrote over: the fields as they were, and the document's status before and after."""

    before: dict[str, Any]
    status_before: str
    status_after: str


def write_review(project: Project, doc_id: str, kind: str, ann_id: str, fields: dict[str, Any], *,
                 position: int | None = None, status: str | None = None) -> ReviewWrite:
    """A reviewer's decision on one item of the working layer and the document's status, in one write.

    ``kind`` is ``span``, ``event``, ``relation`` or ``argument`` (then
    ``ann_id`` is its event and ``position`` says which argument).
    ``fields`` are the review fields (``review``, ``reviewer``,
    ``review_note``) and, for a correction, what it changes: ``label``,
    ``start``/``end`` (a span; for an event, its trigger's), ``type`` (an
    event or relation), ``role`` (an argument).  ``status`` is the document's
    status to leave (undo and redo give the one they recorded); None settles
    it (:meth:`ProjectDocuments.settled_status`).  All or nothing: a refused
    part leaves the file as it was.
    """
    docs = project.documents
    with project.transaction():
        status_before = docs.document_status(doc_id)
        if kind == "argument":
            before = _write_argument(project, doc_id, ann_id, position, fields)
        else:
            before = _write_annotation(project, doc_id, kind, ann_id, fields)
        now_status = docs.document_status(doc_id)
        status_after = status if status is not None else docs.settled_status(doc_id, now_status)
        if status_after != now_status:
            docs.set_status(doc_id, status_after)
    return ReviewWrite(before, status_before, status_after)


def _review_only(fields: dict[str, Any]) -> bool:
    return "review" in fields and set(fields) <= set(REVIEW_FIELDS)


def _write_annotation(project: Project, doc_id: str, kind: str, ann_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    fields = dict(fields)
    before: dict[str, Any] = {}
    if kind == "event" and {"start", "end", "fragments"} & set(fields):  # an event's boundaries are its trigger's
        events = project.fetch(doc_id, {ann_id})[1]
        if not events:
            raise StoreError(f"no event {ann_id!r} in document {doc_id}")
        offsets = {k: fields.pop(k) for k in ("start", "end", "fragments") if k in fields}
        old_span = project.update_span(doc_id, events[0].trigger, **offsets)
        before.update(start=old_span.start, end=old_span.end, fragments=old_span.fragments)
    if not fields:
        return before
    if _review_only(fields):
        old = project.set_review(doc_id, ann_id, fields["review"], note=fields.get("review_note"),
                                 reviewer=fields.get("reviewer"))
        before.update(zip(REVIEW_FIELDS, old))
        return before
    update = {"span": project.update_span, "event": project.update_event, "relation": project.update_relation}.get(kind)
    if update is None:
        raise StoreError(f"unknown kind of annotation {kind!r}")
    old_ann = update(doc_id, ann_id, **fields)
    before.update({k: getattr(old_ann, k) for k in fields})
    if kind == "span" and {"start", "end"} & set(fields):
        before["fragments"] = old_ann.fragments
    return before


def _write_argument(project: Project, doc_id: str, event_id: str, position: int | None,
                    fields: dict[str, Any]) -> dict[str, Any]:
    if position is None:
        raise StoreError(f"which argument of {event_id}: no position given")
    if _review_only(fields):
        old = project.set_review(doc_id, event_id, fields["review"], note=fields.get("review_note"),
                                 reviewer=fields.get("reviewer"), position=position)
        return dict(zip(REVIEW_FIELDS, old))
    events = project.fetch(doc_id, {event_id})[1]
    if not events or not 0 <= position < len(events[0].arguments):
        raise StoreError(f"event {event_id} has no argument at position {position}")
    old_arg = events[0].arguments[position]
    bad = set(fields) - {"role", "ref", *REVIEW_FIELDS}
    if bad:
        raise StoreError(f"cannot change {', '.join(sorted(bad))} of an argument")
    project.replace_argument(doc_id, event_id, position, replace(old_arg, **fields))
    return {k: getattr(old_arg, k) for k in fields}
