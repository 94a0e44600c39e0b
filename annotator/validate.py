"""Check an annotated document against a schema.

:func:`validate_document` returns a list of :class:`Problem`.  Every message
starts with the id of the annotation it concerns.  Severity ``"error"`` means
the annotations break the schema or the document; ``"incomplete"`` means a
required role is still empty, which is allowed while the user works.

The checks run in time linear in the number of annotations (one pass over
spans, events and relations, dict lookups, one graph walk for cycles), so a
bulk import can validate every document.
"""
from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .quoting import ident, show
from .model import ENTITY, SPAN_KINDS, TRIGGER, AnnotatedDocument, Event, Normalization, Relation, Span
from .schema import AttributeDef, Schema

__all__ = ["ERROR", "INCOMPLETE", "Problem", "errors", "validate_document"]

ERROR = "error"
INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document.

    ``severity`` is ``"error"`` or ``"incomplete"``; ``ref`` is the id of the
    annotation concerned (None when it concerns no single annotation).
    """

    severity: str
    message: str
    ref: str | None = None


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems of severity ``"error"``."""
    return [p for p in problems if p.severity == ERROR]


def _allowed(types: Iterable[str]) -> str:
    return ", ".join(map(ident, types))


class _Checker:
    def __init__(self, schema: Schema, doc: AnnotatedDocument) -> None:
        self.schema = schema
        self.doc = doc
        self.problems: list[Problem] = []
        self.spans: dict[str, Span] = {}
        self.events: dict[str, Event] = {}

    def error(self, ref: str | None, message: str) -> None:
        self.problems.append(Problem(ERROR, f"{ident(ref)}: {message}" if ref is not None else message, ref))

    def incomplete(self, ref: str, message: str) -> None:
        self.problems.append(Problem(INCOMPLETE, f"{ident(ref)}: {message}", ref))

    # ------------------------------------------------------------------ ids
    def index(self) -> None:
        """Fill the id lookups (first one wins) and report duplicate ids."""
        owner: dict[str, str] = {}
        groups: tuple[tuple[str, list[Any]], ...] = (
            ("span", self.doc.spans),
            ("event", self.doc.events),
            ("relation", self.doc.relations),
        )
        for kind, items in groups:
            for item in items:
                if item.id in owner:
                    first = owner[item.id]
                    article = "an" if first == "event" else "a"
                    self.error(item.id, f"duplicate annotation id (already used by {article} {first})")
                    continue
                owner[item.id] = kind
                if kind == "span":
                    self.spans[item.id] = item
                elif kind == "event":
                    self.events[item.id] = item

    # ------------------------------------------------------------------ spans
    def check_span(self, span: Span, text_len: int) -> None:
        sid = span.id
        if not (0 <= span.start < span.end <= text_len):
            self.error(
                sid,
                f"offsets {span.start}..{span.end} are not a non-empty range of the text "
                f"(need 0 <= start < end <= {text_len})",
            )
        if span.fragments:
            frags = sorted(span.fragments)
            prev: tuple[int, int] | None = None
            for a, b in frags:
                if a >= b:
                    self.error(sid, f"fragment {a}..{b} is empty")
                elif a < span.start or b > span.end:
                    self.error(sid, f"fragment {a}..{b} lies outside the span extent {span.start}..{span.end}")
                if prev is not None and a < prev[1]:
                    self.error(sid, f"fragments {prev[0]}..{prev[1]} and {a}..{b} overlap")
                prev = (a, b) if prev is None or b > prev[1] else prev
        if span.normalizations:
            self.check_normalizations(sid, span.normalizations)
        schema = self.schema
        if span.kind == ENTITY:
            if span.label not in schema.entity_types:
                hint = " (it is an event type)" if span.label in schema.event_types else ""
                self.error(sid, f"entity label {show(span.label)} is not an entity type{hint}")
                return
        elif span.kind == TRIGGER:
            if span.label not in schema.event_types:
                hint = " (it is an entity type)" if span.label in schema.entity_types else ""
                self.error(sid, f"trigger label {show(span.label)} is not an event type{hint}")
                return
        else:
            self.error(sid, f"unknown span kind {show(span.kind)} (expected one of {_allowed(SPAN_KINDS)})")
            return
        self.check_attributes(sid, span.label, span.attributes)

    # ----------------------------------------------------------- normalizations
    def check_normalizations(self, ref: str, norms: list[Normalization]) -> None:
        for i, n in enumerate(norms, 1):
            if not _normalization_ok(n):
                self.error(ref, f"normalization {i} needs a non-empty resource and entry and a text (strings), "
                                f"not {show(n)}")

    # ----------------------------------------------------------- attributes
    def check_attributes(self, ref: str, type_name: str, attributes: dict[str, Any]) -> None:
        for name, value in attributes.items():
            adef: AttributeDef | None = self.schema.attribute_def(type_name, name)
            if adef is None:
                self.error(ref, f"attribute {show(name)} is not defined for {ident(type_name)}")
            elif not adef.allows(value):
                allowed = "true or false" if adef.is_flag else _allowed(adef.values)
                self.error(ref, f"attribute {ident(name)} has value {show(value)}, which is not allowed (allowed: {allowed})")

    # ----------------------------------------------------------------- events
    def filler_type(self, eid: str, role: str, ref: str) -> str | None:
        span = self.spans.get(ref)
        if span is not None:
            if span.kind == ENTITY:
                return span.label
            self.error(eid, f"argument {ident(role)} refers to {show(ref)}, a trigger span, not an entity or event "
                            f"(use the event's id)")
            return None
        event = self.events.get(ref)
        if event is not None:
            return event.type
        self.error(eid, f"argument {ident(role)} refers to {show(ref)}, which names no entity or event in the document")
        return None

    def check_event(self, event: Event) -> None:
        eid = event.id
        schema = self.schema
        et = schema.event_types.get(event.type)
        if et is None:
            self.error(eid, f"unknown event type {show(event.type)}")
        trigger = self.spans.get(event.trigger)
        if trigger is None:
            self.error(eid, f"trigger {show(event.trigger)} does not exist")
        elif trigger.kind != TRIGGER:
            self.error(eid, f"trigger {show(event.trigger)} is not a trigger span (its kind is {ident(trigger.kind)})")
        elif et is not None and trigger.label != event.type and trigger.label in schema.event_types:
            self.error(eid, f"trigger {show(event.trigger)} is labelled {ident(trigger.label)}, not {ident(event.type)}")
        if et is None:
            return
        counts: Counter[str] = Counter()
        for arg in event.arguments:
            role = et.roles.get(arg.role)
            if role is None:
                self.error(eid, f"role {show(arg.role)} is not a role of {ident(event.type)}")
                continue
            counts[arg.role] += 1
            if arg.ref == eid:
                self.error(eid, f"event fills its own role {ident(arg.role)}")
                continue
            ftype = self.filler_type(eid, arg.role, arg.ref)
            if ftype is not None and ftype not in role.types:
                self.error(
                    eid,
                    f"{ident(event.type)} role {ident(arg.role)} does not allow {ident(ftype)} (allowed: {_allowed(role.types)})",
                )
        for rname, role in et.roles.items():
            n = counts.get(rname, 0)
            if role.max is not None and n > role.max:
                self.error(
                    eid,
                    f"{ident(event.type)} role {ident(rname)} is filled {n} times, but its cardinality "
                    f"{show(role.cardinality)} allows at most {role.max}",
                )
            if n < role.min:
                if role.min == 1:
                    self.incomplete(eid, f"required role {ident(rname)} of {ident(event.type)} is not filled")
                else:
                    self.incomplete(eid, f"role {ident(rname)} of {ident(event.type)} needs at least {role.min} "
                                         f"fillers ({n} so far)")
        self.check_attributes(eid, event.type, event.attributes)
        if event.normalizations:
            self.check_normalizations(eid, event.normalizations)

    def check_cycles(self) -> None:
        """Report each cycle of events filling one another's roles once (self-fills are reported apart)."""
        graph: dict[str, list[str]] = {}
        for eid, event in self.events.items():
            succ = event_successors(event, self.events)
            if succ:
                graph[eid] = succ
        for ref, message in cycle_messages(graph):
            self.error(ref, message)

    # -------------------------------------------------------------- relations
    def check_relations(self) -> None:
        for rel in self.doc.relations:
            self.check_relation(rel)

    def check_relation(self, rel: Relation) -> None:
        schema = self.schema
        rid = rel.id
        rt = schema.relation_types.get(rel.type)
        if rt is None:
            self.error(rid, f"unknown relation type {show(rel.type)}")
        labels: dict[str, str | None] = {}
        for end, ref in (("head", rel.head), ("tail", rel.tail)):
            span = self.spans.get(ref)
            if span is None:
                what = "an event" if ref in self.events else "no annotation in the document"
                self.error(rid, f"{end} {show(ref)} is not an entity span (it names {what})")
                labels[end] = None
            elif span.kind != ENTITY:
                self.error(rid, f"{end} {show(ref)} is not an entity span (it is a {span.kind} span)")
                labels[end] = None
            else:
                labels[end] = span.label
        if rel.normalizations:
            self.check_normalizations(rid, rel.normalizations)
        if rt is None:
            return
        head, tail = labels["head"], labels["tail"]
        if rt.symmetric and head is not None and tail is not None:
            if not rt.allows(head, tail):
                self.error(
                    rid,
                    f"{ident(rel.type)} does not allow {ident(head)} and {ident(tail)} "
                    f"(allowed: {_allowed(rt.head_types)} with {_allowed(rt.tail_types)})",
                )
        else:
            if head is not None and head not in rt.head_types:
                self.error(rid, f"{ident(rel.type)} does not allow head {ident(head)} (allowed: {_allowed(rt.head_types)})")
            if tail is not None and tail not in rt.tail_types:
                self.error(rid, f"{ident(rel.type)} does not allow tail {ident(tail)} (allowed: {_allowed(rt.tail_types)})")
        self.check_attributes(rid, rel.type, rel.attributes)


def event_successors(event: Event, events: dict[str, Event] | Any) -> list[str]:
    """The events ``event`` has as role fillers (itself left out), in argument order."""
    eid = event.id
    return [a.ref for a in event.arguments if a.ref in events and a.ref != eid]


def cycle_messages(graph: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``(ref, message)`` for each cycle found in ``graph`` (event id -> the events it has as fillers).

    The walk starts from the roots in sorted order, so the result depends only
    on the graph, not on the order the events came in: a validation of part of
    a document (:mod:`annotator.validate_incremental`) finds the same cycles.
    """
    out: list[tuple[str, str]] = []
    WHITE, GREY, BLACK = 0, 1, 2
    state: dict[str, int] = {}
    for root in sorted(graph):
        if state.get(root, WHITE) != WHITE:
            continue
        path: list[str] = [root]
        pos: dict[str, int] = {root: 0}
        iters = [iter(graph.get(root, ()))]
        state[root] = GREY
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                done = path.pop()
                del pos[done]
                state[done] = BLACK
                iters.pop()
                continue
            s = state.get(nxt, WHITE)
            if s == GREY:
                cycle = path[pos[nxt]:]
                chain = " -> ".join(map(ident, [*cycle, nxt]))
                out.append((nxt, f"events fill each other's roles in a cycle: {chain}"))
            elif s == WHITE:
                state[nxt] = GREY
                pos[nxt] = len(path)
                path.append(nxt)
                iters.append(iter(graph.get(nxt, ())))
    return out


# ---------------------------------------------------------------- fast path
#
# A bulk import validates every document, and nearly all of them are clean.
# ``_is_clean`` answers "would the checker report nothing at all?" with plain
# dict and set lookups in tables built once per schema; it only says yes when
# it is sure, and anything unusual (fragments, nested events, any doubt) sends
# the document to the full checker, which alone builds messages.

_RoleRow = tuple[str, int | None, bool]
"""A role's name, the most fillers it takes (None: no limit), the fewest it needs."""


@dataclass(frozen=True)
class _Tables:
    entity_types: frozenset[str]
    event_types: frozenset[str]
    roles: dict[str, dict[str, frozenset[str]]]
    """event type -> role name -> the types that may fill it."""
    role_rows: dict[str, tuple[_RoleRow, ...]]
    """event type -> its roles, for the cardinality checks."""
    attributes: dict[str, dict[str, AttributeDef]]
    """type name -> the attributes it may carry, by name."""


_TABLES: weakref.WeakKeyDictionary[Schema, _Tables] = weakref.WeakKeyDictionary()


def _tables(schema: Schema) -> _Tables:
    """Lookup tables for ``schema``, built on first use (a Schema is read-only)."""
    tables = _TABLES.get(schema)
    if tables is None:
        tables = _Tables(
            entity_types=frozenset(schema.entity_types),
            event_types=frozenset(schema.event_types),
            roles={
                name: {r.name: frozenset(r.types) for r in et.roles.values()}
                for name, et in schema.event_types.items()
            },
            role_rows={
                name: tuple((r.name, r.max, r.min) for r in et.roles.values())
                for name, et in schema.event_types.items()
            },
            attributes={
                name: {a.name: a for a in schema.attributes_for(name)}
                for name in (*schema.entity_types, *schema.event_types, *schema.relation_types)
            },
        )
        _TABLES[schema] = tables
    return tables


def _normalization_ok(n: object) -> bool:
    return (isinstance(n, Normalization) and isinstance(n.resource, str) and n.resource != ""
            and isinstance(n.entry, str) and n.entry != "" and isinstance(n.text, str))


def _normalizations_ok(norms: list[Normalization]) -> bool:
    return all(_normalization_ok(n) for n in norms)


def _attributes_ok(defs: dict[str, AttributeDef] | None, attributes: dict[str, Any]) -> bool:
    if defs is None:
        return False
    for name, value in attributes.items():
        adef = defs.get(name)
        if adef is None or not adef.allows(value):
            return False
    return True


# ---------------------------------------------------------------- fast paths
#
# Per annotation: True only when the checker would report nothing for it
# (anything unusual goes the long way, through _Checker).  _is_clean runs them
# over a whole document; validate_incremental over the annotations an edit touched.


def span_clean(t: _Tables, span: Span, text_len: int) -> bool:
    """A span the checker would find nothing wrong with (continuous, in the text, known label, good values)."""
    if span.fragments or not 0 <= span.start < span.end <= text_len:
        return False
    kind = span.kind
    if kind == ENTITY:
        if span.label not in t.entity_types:
            return False
    elif kind != TRIGGER or span.label not in t.event_types:
        return False
    if span.attributes and not _attributes_ok(t.attributes.get(span.label), span.attributes):
        return False
    return not span.normalizations or _normalizations_ok(span.normalizations)


def event_clean(t: _Tables, event: Event, spans: dict[str, Span]) -> bool:
    """An event with its trigger, entity fillers the roles allow, every role count within bounds."""
    etype = event.type
    roles = t.roles.get(etype)
    trigger = spans.get(event.trigger)
    if roles is None or trigger is None or trigger.kind != TRIGGER or trigger.label != etype:
        return False
    counts: dict[str, int] = {}
    for arg in event.arguments:
        allowed = roles.get(arg.role)
        filler = spans.get(arg.ref)
        # A filler that is an event (nested events) goes the long way, for the cycle check.
        if allowed is None or filler is None or filler.kind != ENTITY or filler.label not in allowed:
            return False
        counts[arg.role] = counts.get(arg.role, 0) + 1
    for rname, most, least in t.role_rows[etype]:
        n = counts.get(rname, 0)
        if (most is not None and n > most) or n < least:
            return False
    if event.attributes and not _attributes_ok(t.attributes.get(etype), event.attributes):
        return False
    return not event.normalizations or _normalizations_ok(event.normalizations)


def relation_clean(schema: Schema, t: _Tables, rel: Relation, spans: dict[str, Span]) -> bool:
    """A relation of a known type between two entities its type allows, with good values."""
    rt = schema.relation_types.get(rel.type)
    head = spans.get(rel.head)
    tail = spans.get(rel.tail)
    if rt is None or head is None or tail is None or head.kind != ENTITY or tail.kind != ENTITY:
        return False
    if not (head.label in rt.head_types and tail.label in rt.tail_types):
        if not (rt.symmetric and rt.allows(head.label, tail.label)):
            return False
    if rel.attributes and not _attributes_ok(t.attributes.get(rel.type), rel.attributes):
        return False
    return not rel.normalizations or _normalizations_ok(rel.normalizations)


def _is_clean(schema: Schema, doc: AnnotatedDocument) -> bool:
    """True only if :class:`_Checker` would find no problem (not even an incomplete role)."""
    t = _tables(schema)
    text_len = len(doc.document.text)
    spans: dict[str, Span] = {}
    for span in doc.spans:
        if span.id in spans or not span_clean(t, span, text_len):
            return False
        spans[span.id] = span
    taken: set[str] = set()
    for event in doc.events:
        if event.id in spans or event.id in taken:
            return False
        taken.add(event.id)
    for event in doc.events:
        if not event_clean(t, event, spans):
            return False
    for rel in doc.relations:
        if rel.id in spans or rel.id in taken:
            return False
        taken.add(rel.id)  # from here on: every id taken so far
        if not relation_clean(schema, t, rel, spans):
            return False
    return True


def validate_document(schema: Schema, doc: AnnotatedDocument) -> list[Problem]:
    """All problems of ``doc`` against ``schema`` (empty list: the document is valid).

    Problems come in this order: duplicate ids, spans, events (with their
    incomplete roles), cycles of nested events, relations.
    """
    if _is_clean(schema, doc):
        return []
    c = _Checker(schema, doc)
    c.index()
    text_len = len(doc.document.text)
    for span in doc.spans:
        c.check_span(span, text_len)
    for event in doc.events:
        c.check_event(event)
    c.check_cycles()
    c.check_relations()
    return c.problems
