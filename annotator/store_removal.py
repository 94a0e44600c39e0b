"""Deleting an annotation with everything that depends on it, and putting it all back (undo)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .model import TRIGGER, Argument, Event, Relation, Span
from .rows import n_annotations
from .store_annrows import AnnotationRows
from .store_reads import AnnotationReads
from .store_state import StoreState
from .store_writes import count_annotations
from .storeerrors import StoreError


@dataclass
class Removal:
    """Everything one delete took out of a document, so that undo can put it back.

    ``arguments`` are ``(event_id, position, Argument)``; ``layer`` is the
    layer they were taken from (and go back to, whatever the working layer is then).
    """

    doc_id: str
    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    arguments: list[tuple[str, int, Argument]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    span_seq: dict[str, int] = field(default_factory=dict)
    event_seq: dict[str, int] = field(default_factory=dict)
    relation_seq: dict[str, int] = field(default_factory=dict)
    layer: str = ""


class Removals:
    """Cascading deletes and their undo, each in one write transaction."""

    def __init__(self, state: StoreState, rows: AnnotationRows, reads: AnnotationReads) -> None:
        self.state = state
        self.rows = rows
        self.reads = reads

    def remove(self, doc_id: str, ann_id: str) -> Removal:
        """Delete a span, event or relation and everything that depends on it.

        Deleting an entity removes the arguments it fills and its relations.
        Deleting an event (or its trigger span) removes its arguments, the
        arguments where it fills another event's role, and its trigger span
        when no other event uses it.  All in one transaction; the returned
        :class:`Removal` lets :meth:`restore` put everything back.
        """
        st = self.state
        with st.writing():
            pk = st.doc_pk(doc_id)
            adoc = self.reads.neighbourhood(pk, {ann_id})
            spans = adoc.span_by_id()
            events = adoc.event_by_id()
            rels = {r.id: r for r in adoc.relations}
            gone_spans: set[str] = set()
            gone_events: set[str] = set()
            gone_rels: set[str] = set()
            if ann_id in spans:
                gone_spans.add(ann_id)
                if spans[ann_id].kind == TRIGGER:
                    gone_events.update(e.id for e in adoc.events if e.trigger == ann_id)
            elif ann_id in events:
                gone_events.add(ann_id)
                trig = events[ann_id].trigger
                if not any(e.trigger == trig and e.id != ann_id for e in adoc.events):
                    gone_spans.add(trig)
            elif ann_id in rels:
                gone_rels.add(ann_id)
            else:
                raise StoreError(f"no annotation {ann_id!r} in document {doc_id}")
            removal = Removal(doc_id, layer=pk.layer)
            gone = gone_spans | gone_events
            for e in adoc.events:
                if e.id in gone_events:
                    continue
                for i, a in enumerate(e.arguments):
                    if a.ref in gone:
                        removal.arguments.append((e.id, i, a))
            for r in adoc.relations:
                if r.head in gone_spans or r.tail in gone_spans:
                    gone_rels.add(r.id)
            removal.spans = [s for s in adoc.spans if s.id in gone_spans]
            removal.events = [e for e in adoc.events if e.id in gone_events]
            removal.relations = [r for r in adoc.relations if r.id in gone_rels]
            removal.span_seq = self.rows.seqs("spans", pk, gone_spans)
            removal.event_seq = self.rows.seqs("events", pk, gone_events)
            removal.relation_seq = self.rows.seqs("relations", pk, gone_rels)
            # delete dependents first so foreign keys hold at every step
            for ev_id, pos, _a in sorted(removal.arguments, key=lambda t: (t[0], -t[1])):
                epk = self.rows.row("events", pk, ev_id)["pk"]
                st.db.execute("DELETE FROM arguments WHERE event = ? AND position = ?", [epk, pos])
                st.db.execute(
                    "UPDATE arguments SET position = position - 1 WHERE event = ? AND position > ?", [epk, pos]
                )
            for r in removal.relations:
                st.db.execute("DELETE FROM relations WHERE doc = ? AND layer = ? AND id = ?", [pk, pk.layer, r.id])
            for e in removal.events:
                epk = self.rows.row("events", pk, e.id)["pk"]
                st.db.execute("DELETE FROM arguments WHERE event = ?", [epk])
            for e in removal.events:
                st.db.execute("DELETE FROM events WHERE doc = ? AND layer = ? AND id = ?", [pk, pk.layer, e.id])
            for s in removal.spans:
                st.db.execute("DELETE FROM spans WHERE doc = ? AND layer = ? AND id = ?", [pk, pk.layer, s.id])
            count_annotations(st, pk, -_counted(removal))
            st.touch(pk)
        return removal

    def restore(self, removal: Removal) -> None:
        """Put back everything a :meth:`remove` took out, in its places (undo)."""
        st = self.state
        with st.writing():
            pk = st.doc_pk(removal.doc_id, removal.layer)
            for s in removal.spans:
                self.rows.insert_span(pk, s, removal.span_seq.get(s.id))
            # events may fill each other's roles: insert them bare, then their arguments
            for e in removal.events:
                self.rows.insert_event(pk, replace(e, arguments=[]), removal.event_seq.get(e.id))
            for e in removal.events:
                epk = self.rows.row("events", pk, e.id)["pk"]
                for i, a in enumerate(e.arguments):
                    self.rows.insert_argument(pk, epk, i, a)
            for ev_id, pos, a in sorted(removal.arguments, key=lambda t: (t[0], t[1])):
                epk = self.rows.row("events", pk, ev_id)["pk"]
                st.db.execute(
                    "UPDATE arguments SET position = position + 1 WHERE event = ? AND position >= ?", [epk, pos]
                )
                self.rows.insert_argument(pk, epk, pos, a)
            for r in removal.relations:
                self.rows.insert_relation(pk, r, removal.relation_seq.get(r.id))
            count_annotations(st, pk, _counted(removal))
            st.touch(pk)


def _counted(removal: Removal) -> int:
    """How many of a removal's annotations ``documents.n_annotations`` counts (entity spans, events, relations)."""
    return n_annotations(removal.spans, removal.events, removal.relations)
