"""Single annotation rows: finding one by id, and inserting spans, events, arguments and relations in export order."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from .model import Argument, Event, Normalization, Relation, Span
from .rows import dump_normalizations, dumps
from .store_state import StoreState
from .storeerrors import StoreError

_KIND = {"spans": "span", "events": "event", "relations": "relation"}


def normalizations_column(norms: Iterable[Normalization] | None, what: str) -> str | None:
    """The stored form of ``norms`` (see :func:`~annotator.rows.dump_normalizations`); a bad one is a :class:`StoreError`."""
    try:
        return dump_normalizations(norms)
    except ValueError as exc:
        raise StoreError(f"{what}: {exc}") from None


def layer_of(doc_pk: int) -> str:
    """The layer a document pk from :meth:`~annotator.store_state.StoreState.doc_pk` works in ("" for a bare pk)."""
    return getattr(doc_pk, "layer", "")


def review_columns(ann: Span | Event | Argument | Relation) -> dict[str, str]:
    """The review columns of an annotation's row."""
    return {"review": ann.review, "reviewer": ann.reviewer, "review_note": ann.review_note}


class AnnotationRows:
    """Row-level access for single writes and undo: callers hold the write transaction and have checked the values."""

    def __init__(self, state: StoreState) -> None:
        self.state = state

    def row(self, table: str, doc_pk: int, ann_id: str) -> dict[str, Any]:
        """The row of annotation ``ann_id`` in ``table`` (spans, events or relations) of a document."""
        rows = list(self.state.query(
            f"SELECT * FROM {table} WHERE doc = ? AND layer = ? AND id = ?", [doc_pk, layer_of(doc_pk), ann_id]))
        if not rows:
            raise StoreError(f"no {_KIND[table]} {ann_id!r} in this document")
        return rows[0]

    def next_seq(self, table: str, doc_pk: int) -> int:
        """The position after the last annotation of ``table`` in a document (export order)."""
        row = self.state.execute(
            f"SELECT max(seq) FROM {table} WHERE doc = ? AND layer = ?", [doc_pk, layer_of(doc_pk)]).fetchone()
        return (row[0] or 0) + 1

    def seqs(self, table: str, doc_pk: int, ids: set[str]) -> dict[str, int]:
        """The export positions of the annotations ``ids`` of ``table``, by id."""
        if not ids:
            return {}
        return {r[0]: r[1] for r in self.state.execute(
            f"SELECT id, seq FROM {table} WHERE doc = ? AND layer = ? AND id IN ({','.join('?' * len(ids))})",
            [doc_pk, layer_of(doc_pk), *ids])}

    def insert_span(self, doc_pk: int, span: Span, seq: int | None = None) -> int:
        """Insert a span (at the end of the export order unless ``seq``); returns its row pk."""
        if seq is None:
            seq = self.next_seq("spans", doc_pk)
        return cast(int, self.state.db.table("spans").insert(
            {
                "doc": doc_pk, "layer": layer_of(doc_pk), "id": span.id, "seq": seq, "kind": span.kind,
                "label": span.label,
                "start": span.start, "end": span.end,
                "fragments": dumps([list(f) for f in span.fragments]) if span.fragments else None,
                "attributes": dumps(span.attributes), "note": span.note,
                "annotator": span.annotator or self.state.annotator,
                "normalizations": normalizations_column(span.normalizations, f"span {span.id}"),
                **review_columns(span),
            }
        ).last_pk)

    def insert_event(self, doc_pk: int, event: Event, seq: int | None = None) -> int:
        """Insert an event and its arguments; returns its row pk."""
        if seq is None:
            seq = self.next_seq("events", doc_pk)
        tpk = self.row("spans", doc_pk, event.trigger)["pk"]
        epk = cast(int, self.state.db.table("events").insert({
            "doc": doc_pk, "layer": layer_of(doc_pk), "id": event.id, "seq": seq, "type": event.type, "trigger": tpk,
            "attributes": dumps(event.attributes), "note": event.note,
            "annotator": event.annotator or self.state.annotator,
            "normalizations": normalizations_column(event.normalizations, f"event {event.id}"),
            **review_columns(event),
        }).last_pk)
        for i, a in enumerate(event.arguments):
            self.insert_argument(doc_pk, epk, i, a)
        return epk

    def filler_pks(self, doc_pk: int, ref: str) -> tuple[int | None, int | None]:
        """``(span pk, None)`` or ``(None, event pk)`` of the argument filler ``ref``."""
        db = self.state.db
        row = db.execute("SELECT pk FROM spans WHERE doc = ? AND layer = ? AND id = ?", [doc_pk, layer_of(doc_pk), ref]).fetchone()
        if row:
            return row[0], None
        row = db.execute("SELECT pk FROM events WHERE doc = ? AND layer = ? AND id = ?", [doc_pk, layer_of(doc_pk), ref]).fetchone()
        if row:
            return None, row[0]
        raise StoreError(f"no entity or event {ref!r} in this document")

    def insert_argument(self, doc_pk: int, event_pk: int, position: int, a: Argument) -> None:
        """Insert one argument row at ``position`` (the caller has made room)."""
        fs, fe = self.filler_pks(doc_pk, a.ref)
        self.state.db.table("arguments").insert({
            "doc": doc_pk, "layer": layer_of(doc_pk), "event": event_pk, "position": position, "role": a.role,
            "filler_span": fs, "filler_event": fe, "annotator": a.annotator or self.state.annotator,
            **review_columns(a),
        })

    def insert_relation(self, doc_pk: int, r: Relation, seq: int | None = None) -> None:
        """Insert a relation between two spans of the document."""
        if seq is None:
            seq = self.next_seq("relations", doc_pk)
        head = self.row("spans", doc_pk, r.head)["pk"]
        tail = self.row("spans", doc_pk, r.tail)["pk"]
        self.state.db.table("relations").insert({
            "doc": doc_pk, "layer": layer_of(doc_pk), "id": r.id, "seq": seq, "type": r.type, "head": head, "tail": tail,
            "attributes": dumps(r.attributes), "note": r.note, "annotator": r.annotator or self.state.annotator,
            "normalizations": normalizations_column(r.normalizations, f"relation {r.id}"),
            **review_columns(r),
        })
