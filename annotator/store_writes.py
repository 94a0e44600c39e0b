"""Single annotation writes: adding and changing spans, events, arguments and relations, each checked and all-or-nothing."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .model import ENTITY, REVIEW_STATES, TRIGGER, AnnotatedDocument, Argument, Event, Relation, Span
from .rows import dumps, span_from_row
from .store_annrows import AnnotationRows, normalizations_column, review_columns
from .store_checks import WriteChecks
from .store_ids import IdAllocator
from .store_reads import AnnotationReads
from .store_state import StoreState
from .storeerrors import StoreError

REVIEW_FIELDS = frozenset({"review", "reviewer", "review_note"})
SPAN_FIELDS = frozenset({"label", "start", "end", "fragments", "attributes", "note", "annotator", "normalizations"}) | REVIEW_FIELDS
EVENT_FIELDS = frozenset({"type", "attributes", "note", "annotator", "normalizations"}) | REVIEW_FIELDS
RELATION_FIELDS = EVENT_FIELDS


def count_annotations(state: StoreState, doc_pk: int, delta: int) -> None:
    """Add ``delta`` to a document's stored number of annotations (``documents.n_annotations``, m006), inside a write."""
    if delta:
        state.db.execute("UPDATE documents SET n_annotations = n_annotations + ? WHERE pk = ?", [delta, doc_pk])


def check_fields(changes: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    """Refuse changes to fields outside ``allowed``, and a review state that is not one of REVIEW_STATES."""
    bad = set(changes) - allowed
    if bad:
        raise StoreError(f"cannot change {', '.join(sorted(bad))} of {what}")
    check_review(changes.get("review", ""))


def check_review(review: object) -> None:
    """Refuse a review state that is not one of :data:`~annotator.model.REVIEW_STATES`."""
    if review not in REVIEW_STATES:
        raise StoreError(
            f"unknown review state {review!r} (expected one of {', '.join(repr(s) for s in REVIEW_STATES)})")


class AnnotationWrites:
    """Every single-annotation write of the GUI and the CLI; each runs in one write transaction.

    A write is refused with :class:`StoreError`, and changes nothing, when it
    would leave a span outside the text, use a type, role or attribute the
    schema does not allow, or make a new validation error nearby.
    """

    def __init__(
        self, state: StoreState, rows: AnnotationRows, ids: IdAllocator, checks: WriteChecks, reads: AnnotationReads,
    ) -> None:
        self.state = state
        self.rows = rows
        self.ids = ids
        self.checks = checks
        self.reads = reads

    def _stamped(self, value: Any) -> Any:
        """``value`` with the project's annotator when it names none."""
        return value if value.annotator else replace(value, annotator=self.state.annotator)

    # ------------------------------------------------------------------ spans

    def add_span(self, doc_id: str, span: Span) -> Span:
        """Store a new entity or trigger span; an empty id gets a fresh one.  Returns it as stored."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            span = replace(span, id=self.ids.claim(pk, span.id, "T", "span", doc_id))
            span = self._stamped(span)
            self.checks.check_span(st.text(pk), span)
            self.rows.insert_span(pk, span)
            if span.kind == ENTITY:  # a trigger is counted with its event
                count_annotations(st, pk, 1)
            st.touch(pk)
        return span

    def update_span(self, doc_id: str, span_id: str, **changes: Any) -> Span:
        """Change a span's label, offsets, fragments, attributes or note; returns it as it was."""
        check_fields(changes, SPAN_FIELDS, "a span")
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            row = self.rows.row("spans", pk, span_id)
            old = span_from_row(row)
            new = replace(old, **changes)
            if ("start" in changes or "end" in changes) and "fragments" not in changes:
                new.fragments = None
            self.checks.check_span(st.text(pk), new)

            def mutate(adoc: AnnotatedDocument) -> None:
                for i, s in enumerate(adoc.spans):
                    if s.id == span_id:
                        adoc.spans[i] = new
                for e in adoc.events:
                    if e.trigger == span_id and new.kind == TRIGGER:
                        e.type = new.label

            self.checks.check_local(pk, {span_id}, mutate)
            st.db.table("spans").update(row["pk"], {
                "label": new.label, "start": new.start, "end": new.end,
                "fragments": dumps([list(f) for f in new.fragments]) if new.fragments else None,
                "attributes": dumps(new.attributes), "note": new.note, "annotator": new.annotator,
                "normalizations": normalizations_column(new.normalizations, f"span {span_id}"),
                **review_columns(new),
            })
            if new.kind == TRIGGER and new.label != old.label:
                st.db.execute("UPDATE events SET type = ? WHERE trigger = ?", [new.label, row["pk"]])
            st.touch(pk)
        return old

    # ------------------------------------------------------------------ events

    def add_event(self, doc_id: str, event: Event, trigger: Span | None = None) -> Event:
        """Store an event with its arguments; with ``trigger``, its trigger span too.  Returns it as stored."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            if trigger is not None:
                trigger = replace(trigger, kind=TRIGGER, label=event.type)
                trigger = self.add_span(doc_id, trigger)
                event = replace(event, trigger=trigger.id)
            event = replace(event, id=self.ids.claim(pk, event.id, "E", "event", doc_id))
            event = self._stamped(event)
            if st.schema.label_kind(event.type) != "trigger":
                raise StoreError(f"event {event.id}: unknown event type {event.type!r}")
            trow = self.rows.row("spans", pk, event.trigger)
            if trow["kind"] != TRIGGER:
                raise StoreError(f"event {event.id}: {event.trigger} is not a trigger span")
            self.checks.check_attributes(event.type, event.attributes, f"event {event.id}")
            ev = event

            def mutate(adoc: AnnotatedDocument) -> None:
                adoc.events.append(ev)

            self.checks.check_local(pk, {event.trigger, *(a.ref for a in event.arguments)}, mutate)
            self.rows.insert_event(pk, event)
            count_annotations(st, pk, 1)
            st.touch(pk)
        return event

    def update_event(self, doc_id: str, event_id: str, **changes: Any) -> Event:
        """Change an event's type, attributes or note; returns it as it was."""
        check_fields(changes, EVENT_FIELDS, "an event")
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            row = self.rows.row("events", pk, event_id)
            old = self.reads.fetch_pk(pk, {event_id})[1][0]
            new = replace(old, **changes)
            if st.schema.label_kind(new.type) != "trigger":
                raise StoreError(f"event {event_id}: unknown event type {new.type!r}")
            self.checks.check_attributes(new.type, new.attributes, f"event {event_id}")

            def mutate(a: AnnotatedDocument) -> None:
                for i, e in enumerate(a.events):
                    if e.id == event_id:
                        a.events[i] = new
                for s in a.spans:
                    if s.id == new.trigger:
                        s.label = new.type

            self.checks.check_local(pk, {event_id}, mutate)
            st.db.table("events").update(row["pk"], {
                "type": new.type, "attributes": dumps(new.attributes), "note": new.note,
                "annotator": new.annotator,
                "normalizations": normalizations_column(new.normalizations, f"event {event_id}"),
                **review_columns(new),
            })
            if new.type != old.type:
                st.db.execute("UPDATE spans SET label = ? WHERE pk = ?", [new.type, row["trigger"]])
            st.touch(pk)
        return old

    # ------------------------------------------------------------------ arguments

    def add_argument(self, doc_id: str, event_id: str, argument: Argument, position: int | None = None) -> int:
        """Attach a filler to an event under a role; returns its position among the event's arguments."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            erow = self.rows.row("events", pk, event_id)
            argument = self._stamped(argument)
            count = st.execute("SELECT count(*) FROM arguments WHERE event = ?", [erow["pk"]]).fetchone()[0]
            pos = count if position is None else max(0, min(position, count))
            arg = argument

            def mutate(adoc: AnnotatedDocument) -> None:
                for e in adoc.events:
                    if e.id == event_id:
                        e.arguments.insert(pos, arg)

            self.checks.check_local(pk, {event_id, argument.ref}, mutate)
            st.db.execute(
                "UPDATE arguments SET position = position + 1 WHERE event = ? AND position >= ?", [erow["pk"], pos]
            )
            self.rows.insert_argument(pk, erow["pk"], pos, argument)
            st.touch(pk)
        return pos

    def remove_argument(self, doc_id: str, event_id: str, position: int) -> Argument:
        """Remove the argument at ``position`` of an event; returns it, for undo."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            erow = self.rows.row("events", pk, event_id)
            ev = self.reads.fetch_pk(pk, {event_id})[1][0]
            if not 0 <= position < len(ev.arguments):
                raise StoreError(f"event {event_id} has no argument at position {position}")
            arg = ev.arguments[position]
            st.db.execute("DELETE FROM arguments WHERE event = ? AND position = ?", [erow["pk"], position])
            st.db.execute(
                "UPDATE arguments SET position = position - 1 WHERE event = ? AND position > ?", [erow["pk"], position]
            )
            st.touch(pk)
        return arg

    def replace_argument(self, doc_id: str, event_id: str, position: int, argument: Argument) -> Argument:
        """Give the argument at ``position`` another role or filler; returns it as it was."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            erow = self.rows.row("events", pk, event_id)
            ev = self.reads.fetch_pk(pk, {event_id})[1][0]
            if not 0 <= position < len(ev.arguments):
                raise StoreError(f"event {event_id} has no argument at position {position}")
            old = ev.arguments[position]
            check_review(argument.review)
            if not argument.annotator:
                argument = replace(argument, annotator=old.annotator or st.annotator)
            arg = argument

            def mutate(adoc: AnnotatedDocument) -> None:
                for e in adoc.events:
                    if e.id == event_id:
                        e.arguments[position] = arg

            self.checks.check_local(pk, {event_id, argument.ref}, mutate)
            fs, fe = self.rows.filler_pks(pk, argument.ref)
            st.db.execute(
                "UPDATE arguments SET role = ?, filler_span = ?, filler_event = ?, annotator = ?, "
                "review = ?, reviewer = ?, review_note = ? WHERE event = ? AND position = ?",
                [argument.role, fs, fe, argument.annotator, argument.review, argument.reviewer, argument.review_note,
                 erow["pk"], position],
            )
            st.touch(pk)
        return old

    # ------------------------------------------------------------------ relations

    def add_relation(self, doc_id: str, relation: Relation) -> Relation:
        """Store a relation between two entity spans; an empty id gets a fresh one.  Returns it as stored."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            relation = replace(relation, id=self.ids.claim(pk, relation.id, "R", "relation", doc_id))
            relation = self._stamped(relation)
            rel = relation

            def mutate(a: AnnotatedDocument) -> None:
                a.relations.append(rel)

            self.checks.check_local(pk, {relation.head, relation.tail}, mutate)
            self.rows.insert_relation(pk, relation)
            count_annotations(st, pk, 1)
            st.touch(pk)
        return relation

    def update_relation(self, doc_id: str, relation_id: str, **changes: Any) -> Relation:
        """Change a relation's type, attributes or note; returns it as it was."""
        check_fields(changes, RELATION_FIELDS, "a relation")
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            row = self.rows.row("relations", pk, relation_id)
            old = self.reads.fetch_pk(pk, {relation_id})[2][0]
            new = replace(old, **changes)

            def mutate(a: AnnotatedDocument) -> None:
                a.relations[:] = [new if r.id == relation_id else r for r in a.relations]

            self.checks.check_local(pk, {relation_id}, mutate)
            st.db.table("relations").update(row["pk"], {
                "type": new.type, "attributes": dumps(new.attributes), "note": new.note,
                "annotator": new.annotator,
                "normalizations": normalizations_column(new.normalizations, f"relation {relation_id}"),
                **review_columns(new),
            })
            st.touch(pk)
        return old

    # ------------------------------------------------------------------ review decisions

    def set_review(
        self, doc_id: str, ann_id: str, review: str, *, note: str | None = None, reviewer: str | None = None,
        position: int | None = None,
    ) -> tuple[str, str, str]:
        """Record a reviewer's decision on one annotation; returns its ``(review, reviewer, review_note)`` before.

        ``ann_id`` is a span, event or relation id; with ``position``, the
        decision is on that argument of event ``ann_id``.  ``reviewer=None``
        records the project's annotator (none when ``review`` is ""),
        ``note=None`` keeps the note.  Undo: call again with the returned values.
        """
        check_review(review)
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            if position is not None:
                erow = self.rows.row("events", pk, ann_id)
                row = st.execute(
                    "SELECT pk, review, reviewer, review_note FROM arguments WHERE event = ? AND position = ?",
                    [erow["pk"], position]).fetchone()
                if row is None:
                    raise StoreError(f"event {ann_id} has no argument at position {position}")
                table = "arguments"
            else:
                row = None
                for table in ("spans", "events", "relations"):
                    row = st.execute(
                        f"SELECT pk, review, reviewer, review_note FROM {table} WHERE doc = ? AND layer = ? AND id = ?",
                        [pk, pk.layer, ann_id]).fetchone()
                    if row is not None:
                        break
                if row is None:
                    raise StoreError(f"no annotation {ann_id!r} in document {doc_id}")
            old = (row[1], row[2], row[3])
            who = reviewer if reviewer is not None else (st.annotator if review else "")
            st.db.execute(
                f"UPDATE {table} SET review = ?, reviewer = ?, review_note = ? WHERE pk = ?",
                [review, who, old[2] if note is None else note, row[0]])
            st.touch(pk)
        return old
