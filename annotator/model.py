"""Plain data classes for documents and annotations.

No Qt and no SQL here: these are the values that the store, the formats and the
GUI pass to each other.  Offsets are Python code points, end-exclusive, into
``Document.text``.  Annotation ids (``T1``, ``E1``, ``R1``) are unique within
one layer of one document: the annotations of one annotator (or of gold).
Each annotation records who made it (``annotator``) and a reviewer's
decision on it (``review``, ``reviewer``, ``review_note``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATUSES: tuple[str, ...] = ("new", "in_progress", "done", "reviewed")

#: The layer a single-annotator project keeps its work in (and every project made before layers).
DEFAULT_LAYER = ""
#: The adjudicated layer: the default for training exports once it exists.
GOLD_LAYER = "gold"
#: A reviewer's decision on one annotation: "" = not reviewed yet.
REVIEW_STATES: tuple[str, ...] = ("", "accepted", "rejected", "corrected")


def layer_title(name: str) -> str:
    """How a layer is named to the user: the default layer ``""`` is "default"."""
    return name or "default"


def layer_order(name: str) -> tuple:
    """Sort key of layers as they are listed: the default layer first, annotators' names alphabetically, gold last."""
    return (name != DEFAULT_LAYER, name == GOLD_LAYER, name.casefold(), name)


def parse_layer(text: str) -> str:
    """A layer as the user names it (command line, settings): "default" (or nothing) is the default layer."""
    text = text.strip()
    return DEFAULT_LAYER if text in ("", "default") else text

ENTITY = "entity"
TRIGGER = "trigger"
SPAN_KINDS: tuple[str, ...] = (ENTITY, TRIGGER)


@dataclass
class Document:
    """One imported text.  ``text`` never changes after import."""

    id: str
    text: str
    name: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    status: str = "new"
    checksum: str = ""
    created: str = ""
    updated: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            self.name = self.id


@dataclass(slots=True)
class Normalization:
    """A link from an annotation to an entry of an external resource (brat's ``N`` line).

    ``resource`` names the resource (``Wikipedia``), ``entry`` the entry's id
    in it (``534366``), ``text`` the entry's name as the annotator saw it.
    """

    resource: str
    entry: str
    text: str = ""


@dataclass(slots=True)
class Span:
    """An entity mention (kind ``entity``) or an event trigger (kind ``trigger``).

    ``start``/``end`` give the outer extent.  ``fragments`` is set only for a
    discontinuous span: a sorted list of ``(start, end)`` pairs inside it.
    """

    id: str
    label: str
    start: int
    end: int
    kind: str = ENTITY
    fragments: list[tuple[int, int]] | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""
    normalizations: list[Normalization] = field(default_factory=list)
    review: str = ""
    reviewer: str = ""
    review_note: str = ""

    def pieces(self) -> list[tuple[int, int]]:
        """The ranges of text this span covers (one unless discontinuous)."""
        return list(self.fragments) if self.fragments else [(self.start, self.end)]

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(slots=True)
class Argument:
    """A role of an event filled by an entity span id or another event id."""

    role: str
    ref: str
    annotator: str = ""
    review: str = ""
    reviewer: str = ""
    review_note: str = ""


@dataclass(slots=True)
class Event:
    """An event: a type, a trigger span (by id), arguments and attributes."""

    id: str
    type: str
    trigger: str
    arguments: list[Argument] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""
    normalizations: list[Normalization] = field(default_factory=list)
    review: str = ""
    reviewer: str = ""
    review_note: str = ""


@dataclass(slots=True)
class Relation:
    """A typed, directed link from ``head`` to ``tail`` (both entity span ids)."""

    id: str
    type: str
    head: str
    tail: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    annotator: str = ""
    normalizations: list[Normalization] = field(default_factory=list)
    review: str = ""
    reviewer: str = ""
    review_note: str = ""


@dataclass
class AnnotatedDocument:
    """A document with all of its annotations, as exchanged by the formats."""

    document: Document
    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    #: Whose annotations these are: an annotator's name, ``"gold"``, or ``""`` (the default layer).
    layer: str = DEFAULT_LAYER

    def span_by_id(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}

    def event_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.events}

    @property
    def entities(self) -> list[Span]:
        return [s for s in self.spans if s.kind == ENTITY]
