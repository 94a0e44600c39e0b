"""The current document as the GUI holds it (DocState), and what one operation changed in it (Change); no Qt."""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from ..model import ENTITY, TRIGGER, AnnotatedDocument, Event, Relation, Span
from .event_map import EventMap

_ID, _KIND = attrgetter("id"), attrgetter("kind")


@dataclass
class Change:
    """What one operation changed in the current document.

    ``ids`` are the annotation ids touched (added, removed or edited);
    ``start``/``end`` bound the text range they cover (code points), so the
    view repaints only that; ``status`` says the document's status changed.
    """

    doc_id: str
    ids: set[str] = field(default_factory=set)
    start: int = 0
    end: int = 0
    status: bool = False


class DocState:
    """The current document and its annotations, kept in step with the store by deltas."""

    def __init__(self, adoc: AnnotatedDocument):
        self.document = adoc.document
        self.spans: dict[str, Span] = {s.id: s for s in adoc.spans}
        self.events = {e.id: e for e in adoc.events}  # an EventMap (see the property)
        self.relations: dict[str, Relation] = {r.id: r for r in adoc.relations}
        self.n_entities = sum(1 for s in adoc.spans if s.kind == ENTITY)
        self.partial = False  # True while only the first part is loaded (Session.open_document)
        # while partial: every span starting before this code point is in (events and relations come last)
        self.loaded_upto = len(self.document.text)
        self.touched: set[str] = set()  # ids refreshed from the store while partial (the loader keeps them)

    def add_loaded_spans(self, spans: list[Span]) -> None:
        """Take in spans the loader read (none of them already here); a column at a time, in C calls."""
        self.spans.update(zip(map(_ID, spans), spans))
        self.n_entities += list(map(_KIND, spans)).count(ENTITY)

    @property
    def events(self) -> EventMap:
        """The events by id; they also know their events by trigger (``events_of_trigger``)."""
        return self._events

    @events.setter
    def events(self, events: dict[str, Event]) -> None:
        self._events = events if isinstance(events, EventMap) else EventMap(events)

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def text(self) -> str:
        return self.document.text

    def annotated(self) -> AnnotatedDocument:
        return AnnotatedDocument(
            self.document, list(self.spans.values()), list(self.events.values()), list(self.relations.values())
        )

    def kind_of(self, ann_id: str) -> str | None:
        if ann_id in self.spans:
            return "span"
        if ann_id in self.events:
            return "event"
        if ann_id in self.relations:
            return "relation"
        return None

    def events_of_trigger(self, span_id: str) -> list[Event]:
        """The events ``span_id`` triggers (indexed: no scan of every event)."""
        return self._events.of_trigger(span_id)

    def event_of_trigger(self, span_id: str) -> str | None:
        """The id of the (first) event ``span_id`` triggers; None for an entity or unknown span."""
        span = self.spans.get(span_id)
        if span is not None and span.kind == TRIGGER:
            evs = self.events_of_trigger(span_id)
            return evs[0].id if evs else None
        return None

    def span_of_ref(self, ref: str) -> str | None:
        """The span an argument's ref is drawn at: the entity, or a nested event's trigger."""
        if ref in self.spans:
            return ref
        ev = self.events.get(ref)
        return ev.trigger if ev is not None else None

    def counts(self) -> tuple[int, int, int]:
        """(entities, events, relations)."""
        return self.n_entities, len(self.events), len(self.relations)

    def extent(self, ann_id: str) -> tuple[int, int] | None:
        """Code-point range an annotation covers on screen (trigger for an event)."""
        if ann_id in self.spans:
            s = self.spans[ann_id]
            return s.start, s.end
        if ann_id in self.events:
            ev = self.events[ann_id]
            return self.extent(ev.trigger)
        if ann_id in self.relations:
            r = self.relations[ann_id]
            a, b = self.extent(r.head), self.extent(r.tail)
            if a and b:
                return min(a[0], b[0]), max(a[1], b[1])
        return None
