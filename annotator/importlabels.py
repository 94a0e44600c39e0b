"""Labels an import brings that the schema lacks: found, listed with where each first occurs, or added.

The importer refuses an input whose labels the project's schema does not
know, naming every such label and the file and line where it first occurs,
so the user fixes everything at once rather than one label per attempt.
With ``--add-types`` the labels become new types instead: entity labels as
entity types, event types with the roles and filler types seen, relation
types with the head and tail types seen, attributes with the values seen.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .formats.errors import FormatError
from .formats.spec import Sourced
from .model import ENTITY, AnnotatedDocument
from .quoting import show
from .schema import Schema

__all__ = ["LabelCheck", "SeenTypes"]

#: at most this many unknown labels are named in the error; the rest are counted
MAX_NAMED = 20


def _where(src: Sourced) -> str:
    return f"{src.path}:{src.line}" if src.line is not None else src.path


class LabelCheck:
    """Passes documents whose labels the schema knows; remembers the rest and refuses at the end.

    Iterating yields the documents with known labels only; when the input is
    exhausted and some label was unknown, :meth:`check` raises one
    :class:`FormatError` that lists them all (the import's transaction then
    rolls back, so nothing is written).
    """

    def __init__(self, schema: Schema, carries_schema: bool) -> None:
        self.schema = schema
        self.carries_schema = carries_schema
        self.unknown: dict[tuple[str, str], Sourced] = {}
        self.current: Sourced | None = None

    def missing(self, adoc: AnnotatedDocument) -> list[tuple[str, str]]:
        """(kind, name) of each label in ``adoc`` that the schema lacks."""
        s = self.schema
        out: list[tuple[str, str]] = []
        for span in adoc.spans:
            if span.kind == ENTITY:
                if span.label not in s.entity_types:
                    out.append(("entity", span.label))
            elif span.label not in s.event_types:
                out.append(("event", span.label))
        out += [("event", e.type) for e in adoc.events if e.type not in s.event_types]
        out += [("relation", r.type) for r in adoc.relations if r.type not in s.relation_types]
        return out

    def filter(self, sources: Iterable[Sourced]) -> Iterator[AnnotatedDocument]:
        """The documents of ``sources`` whose labels are all known (``current`` says where each came from)."""
        for src in sources:
            self.current = src
            missing = self.missing(src.doc)
            if missing:
                for key in missing:
                    self.unknown.setdefault(key, src)
                continue
            yield src.doc
        self.check()

    def check(self) -> None:
        """Raise the one error that lists every unknown label, if there was any."""
        if not self.unknown:
            return
        items = sorted(self.unknown.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        first_src = min(self.unknown.values(), key=lambda s: (s.path, s.line or 0))
        named = [f"{kind} {show(name)} (first at {_where(src)})" for (kind, name), src in items[:MAX_NAMED]]
        more = len(items) - len(named)
        listing = "; ".join(named) + (f"; and {more} more" if more > 0 else "")
        hint = (
            "add them to the schema (annotator schema PROJECT --set FILE.toml)"
            + ("" if self.carries_schema else ", or import with --add-types to add them as new types")
        )
        n = len(items)
        raise FormatError(
            first_src.path, first_src.line,
            f"{n} label{'s' if n != 1 else ''} not in the project's schema: {listing}; {hint}",
        )


@dataclass
class SeenTypes:
    """Every type an input uses, with what fills its roles and links, for :func:`schema_add.add_types`."""

    entities: set[str] = field(default_factory=set)
    events: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    relations: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    attributes: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    #: event types the schema has already, here only for the roles they lack
    extended: set[str] = field(default_factory=set)

    def add(self, adoc: AnnotatedDocument) -> None:
        """Note the labels, roles, fillers and attributes of one document."""
        spans = adoc.span_by_id()
        events = adoc.event_by_id()
        for span in adoc.spans:
            if span.kind == ENTITY:
                self.entities.add(span.label)
                self._attrs(span.attributes, span.label)
        for ev in adoc.events:
            roles = self.events.setdefault(ev.type, {})
            for arg in ev.arguments:
                filler = spans.get(arg.ref)
                ftype = filler.label if filler is not None else (events[arg.ref].type if arg.ref in events else None)
                fillers = roles.setdefault(arg.role, set())
                if ftype is not None:
                    fillers.add(ftype)
            self._attrs(ev.attributes, ev.type)
        for rel in adoc.relations:
            heads, tails = self.relations.setdefault(rel.type, (set(), set()))
            if rel.head in spans:
                heads.add(spans[rel.head].label)
            if rel.tail in spans:
                tails.add(spans[rel.tail].label)
            self._attrs(rel.attributes, rel.type)

    def _attrs(self, attributes: dict[str, object], type_name: str) -> None:
        for name, value in attributes.items():
            values, applies = self.attributes.setdefault(name, (set(), set()))
            applies.add(type_name)
            if isinstance(value, str):
                values.add(value)

    def new_to(self, schema: Schema) -> SeenTypes:
        """Only what ``schema`` lacks: new types and attributes, and the roles its event types lack."""
        events: dict[str, dict[str, set[str]]] = {}
        for etype, roles in self.events.items():
            known = schema.event_types.get(etype)
            lacking = roles if known is None else {r: f for r, f in roles.items() if r not in known.roles}
            if lacking:
                events[etype] = lacking
        return SeenTypes(
            entities={e for e in self.entities if e not in schema.entity_types and e not in schema.event_types},
            events=events,
            relations={k: v for k, v in self.relations.items() if k not in schema.relation_types},
            attributes={k: v for k, v in self.attributes.items() if k not in schema.attributes},
            extended={k for k in events if k in schema.event_types},
        )

    def names(self) -> list[str]:
        """Every type and attribute name, sorted, for a message; an event type given roles says which."""
        events = [f"{e} (roles {', '.join(sorted(self.events[e]))})" if e in self.extended else e for e in self.events]
        return sorted({*self.entities, *events, *self.relations, *self.attributes})

    def __bool__(self) -> bool:
        return bool(self.entities or self.events or self.relations or self.attributes)
