"""Adjudication: take one side's version of a compared item into the gold layer, or every agreement at once; undoable.

Every take runs through the :class:`~annotator.store.Project` API in the gold
layer, inside one write transaction, so it is all or nothing.  It brings what
the item depends on: an event brings its trigger; an argument needs its event
and its filler in gold (a gold annotation with the same offsets and label is
reused, else one in the same place, else the side's is copied); a relation
needs both its ends.

Gold refuses (:class:`Refused`, nothing written) a take that would sit beside
a gold annotation of another label in the same place; with ``replace=True``
that gold annotation takes the side's label instead (its links stay).  Taking
the side that has *no* version of an item removes the other version from gold.
The returned :class:`Take` lists what was done, and :func:`undo` reverses it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .compare import KINDS, Comparison, Item, Pieces, compare, filler_slot, pieces_of, pieces_text, quote
from .model import ENTITY, GOLD_LAYER, TRIGGER, AnnotatedDocument, Argument, Event, Relation, Span
from .storeerrors import StoreError

if TYPE_CHECKING:
    from .store import Project

GOLD = GOLD_LAYER


class Refused(Exception):
    """Gold cannot take this as asked; nothing was written.

    ``conflicts`` are the gold ids in the way: asking again with
    ``replace=True`` relabels them to the side's version.
    """

    def __init__(self, message: str, conflicts: list[str] | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.conflicts = conflicts or []
        self.reason = reason or message  # the conflict alone, for a question ("gold has T4 LOC at ... where A has GPE")


class _Missing(Exception):
    """(accept all) a dependency of an agreed item is not in gold."""


@dataclass
class Take:
    """What one take wrote into a document's gold layer, in order, so that :func:`undo` can reverse it.

    ``steps``: ``("add", id)``, ``("arg", event_id, position)``,
    ``("arg_replaced", event_id, position, old Argument)``, ``("arg_removed",
    event_id, position, Argument)``, ``("span" | "event" | "relation", the
    annotation as it was)`` and ``("removed", Removal)``.  ``skipped``: (key,
    reason) of the agreements :func:`accept_agreements` left alone.
    """

    doc_id: str
    layer: str
    message: str = ""
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def added(self) -> list[str]:
        """The ids of the spans, events and relations this take added."""
        return [s[1] for s in self.steps if s[0] == "add"]


@contextmanager
def _gold_write(project: Project, layer: str) -> Iterator[None]:
    """The gold layer as the working layer, inside one write transaction."""
    with project.in_layer(layer), project.transaction():
        yield


def _read(project: Project, doc_id: str, layer: str) -> AnnotatedDocument:
    return project.get_annotated(doc_id, layer=layer)


def _where(text: str, p: Pieces) -> str:
    return f'{pieces_text(p)} "{quote(text, p[0][0], p[-1][1], 30)}"'


class _Side:
    """One side's document with its annotations by id (made once per take, not per lookup)."""

    def __init__(self, adoc: AnnotatedDocument) -> None:
        self.spans = adoc.span_by_id()
        self.events = adoc.event_by_id()
        self.relations = {r.id: r for r in adoc.relations}


class _Gold:
    """The gold layer of one document as the writes go (an index by place, kept up to date), and the writes."""

    def __init__(self, project: Project, adoc: AnnotatedDocument, *, replace: bool, bring: bool) -> None:
        self.p = project
        self.doc = adoc.document.id
        self.text = adoc.document.text
        self.replace = replace
        self.bring = bring
        self.steps: list[tuple[Any, ...]] = []
        self.fallback = ""  # the annotator named on copies that name none ("": the store names the project's)
        self.spans = adoc.span_by_id()
        self.events = adoc.event_by_id()
        self.relations: dict[tuple[str, str], list[Relation]] = defaultdict(list)  # by (head id, tail id)
        for r in adoc.relations:
            self.relations[(r.head, r.tail)].append(r)
        self.entities_at: dict[Pieces, list[Span]] = defaultdict(list)
        self.events_at: dict[Pieces, list[Event]] = defaultdict(list)
        for s in adoc.spans:
            if s.kind == ENTITY:
                self.entities_at[pieces_of(s)].append(s)
        for e in adoc.events:
            if e.trigger in self.spans:
                self.events_at[pieces_of(self.spans[e.trigger])].append(e)

    # ------------------------------------------------------------------ each kind: the gold id of the side's version
    def entity(self, span: Span, who: str, *, own: bool) -> str:
        """The gold entity with ``span``'s offsets and label: found, relabelled (replace) or copied."""
        where = pieces_of(span)
        here = self.entities_at[where]
        for g in here:
            if g.label == span.label:
                return g.id
        if here and not own:  # an end of an argument or relation: gold's span in that place, whatever its label
            return here[0].id
        if not own and not self.bring:
            raise _Missing(f"its entity {span.label} at {_where(self.text, where)} is not in gold")
        if here:
            g = here[0]
            self._conflict(g.id, f"gold has {g.id} {g.label} at {_where(self.text, where)} where {who} has {span.label}")
            old = self.p.update_span(self.doc, g.id, label=span.label, attributes=dict(span.attributes),
                                     note=span.note, annotator=span.annotator or self.fallback or g.annotator)
            self.steps.append(("span", old))
            g.label, g.attributes, g.note = span.label, dict(span.attributes), span.note
            return g.id
        new = self.p.add_span(self.doc, Span(
            "", span.label, span.start, span.end, kind=ENTITY, fragments=list(span.fragments) if span.fragments else None,
            attributes=dict(span.attributes), note=span.note, annotator=span.annotator or self.fallback,
            normalizations=list(span.normalizations)))
        self.steps.append(("add", new.id))
        self.spans[new.id] = new
        here.append(new)
        return new.id

    def event(self, ev: Event, side: _Side, who: str, *, own: bool) -> str:
        """The gold event with ``ev``'s trigger offsets and type: found, retyped (replace) or copied with its trigger."""
        trig = side.spans[ev.trigger]
        where = pieces_of(trig)
        here = self.events_at[where]
        for g in here:
            if g.type == ev.type:
                return g.id
        if here and not own:  # an argument's event or filler: gold's event on that trigger, whatever its type
            return here[0].id
        if not own and not self.bring:
            raise _Missing(f"its event {ev.type} at {_where(self.text, where)} is not in gold")
        if here:
            g = here[0]
            self._conflict(g.id, f"gold has event {g.id} {g.type} at {_where(self.text, where)} where {who} has {ev.type}")
            old = self.p.update_event(self.doc, g.id, type=ev.type, attributes=dict(ev.attributes), note=ev.note,
                                      annotator=ev.annotator or self.fallback or g.annotator)
            self.steps.append(("event", old))
            g.type, g.attributes, g.note = ev.type, dict(ev.attributes), ev.note
            return g.id
        trigger = Span("", ev.type, trig.start, trig.end, kind=TRIGGER,
                       fragments=list(trig.fragments) if trig.fragments else None,
                       attributes=dict(trig.attributes), note=trig.note, annotator=trig.annotator or self.fallback)
        new = self.p.add_event(self.doc, Event("", ev.type, "", [], dict(ev.attributes), ev.note,
                                               ev.annotator or self.fallback, list(ev.normalizations)), trigger)
        self.steps.append(("add", new.id))
        self.spans[new.trigger] = Span(new.trigger, ev.type, trig.start, trig.end, kind=TRIGGER,
                                       fragments=trigger.fragments)
        new = Event(new.id, new.type, new.trigger, [])
        self.events[new.id] = new
        here.append(new)
        return new.id

    def filler(self, ref: str, side: _Side, who: str) -> str:
        """The gold id of an argument's filler (an entity or an event)."""
        spans = side.spans
        if ref in spans:
            return self.entity(spans[ref], who, own=False)
        return self.event(side.events[ref], side, who, own=False)

    def argument(self, ev: Event, position: int, side: _Side, who: str) -> None:
        """Gold's event gets the argument ``position`` of ``ev`` (role and filler), bringing both."""
        arg = ev.arguments[position]
        gid = self.event(ev, side, who, own=False)
        gf = self.filler(arg.ref, side, who)
        gev = self.events[gid]
        for i, ga in enumerate(gev.arguments):
            if ga.ref == gf:
                if ga.role == arg.role:
                    return
                self._conflict(gid, f"gold's event {gid} has {gf} as {ga.role} where {who} has {arg.role}")
                old = self.p.replace_argument(self.doc, gid, i, Argument(arg.role, gf, arg.annotator or self.fallback))
                self.steps.append(("arg_replaced", gid, i, old))
                gev.arguments[i] = Argument(arg.role, gf)
                return
        pos = self.p.add_argument(self.doc, gid, Argument(arg.role, gf, arg.annotator or self.fallback))
        self.steps.append(("arg", gid, pos))
        gev.arguments.insert(pos, Argument(arg.role, gf))

    def relation(self, rel: Relation, side: _Side, who: str) -> None:
        """Gold gets the relation between the gold versions of its two ends."""
        spans = side.spans
        gh = self.entity(spans[rel.head], who, own=False)
        gt = self.entity(spans[rel.tail], who, own=False)
        here = self.relations[(gh, gt)]
        if any(g.type == rel.type for g in here):
            return
        if here:
            g = here[0]
            self._conflict(g.id, f"gold has relation {g.id} {g.type} from {gh} to {gt} where {who} has {rel.type}")
            old = self.p.update_relation(self.doc, g.id, type=rel.type, attributes=dict(rel.attributes),
                                         note=rel.note, annotator=rel.annotator or self.fallback or g.annotator)
            self.steps.append(("relation", old))
            g.type = rel.type
            return
        new = self.p.add_relation(self.doc, Relation("", rel.type, gh, gt, dict(rel.attributes), rel.note,
                                                     rel.annotator or self.fallback, list(rel.normalizations)))
        self.steps.append(("add", new.id))
        self.relations[(gh, gt)].append(new)

    def _conflict(self, gold_id: str, message: str) -> None:
        if not self.replace:
            raise Refused(f"{message}: nothing was taken (replace to give {gold_id} this version)", [gold_id], message)

    # ------------------------------------------------------------------ one item
    def take(self, item: Item, side: _Side, who: str) -> None:
        """Write the side's version of ``item`` (it has one) into gold."""
        version = item.side(who)
        assert version is not None
        if item.kind == "entity":
            self.entity(side.spans[version.id], who, own=True)
        elif item.kind == "event":
            self.event(side.events[version.id], side, who, own=True)
        elif item.kind == "argument":
            eid, pos = version.id.rsplit(":", 1)
            self.argument(side.events[eid], int(pos), side, who)
        else:
            self.relation(side.relations[version.id], side, who)

    def drop(self, item: Item, other: str, label: str) -> bool:
        """Remove from gold the version of ``item`` labelled ``label`` (the side being taken has none); False if absent."""
        if item.kind in ("entity", "event"):
            found = [g.id for g in (self.entities_at if item.kind == "entity" else self.events_at)[item.slot]
                     if (g.label if item.kind == "entity" else g.type) == label]
            if not found:
                return False
            self.steps.append(("removed", self.p.remove(self.doc, found[0])))
            return True
        if item.kind == "argument":
            trig, filler = item.slot
            for g in self.events_at[trig]:
                for i, ga in enumerate(g.arguments):
                    if ga.role == label and filler_slot(ga.ref, self.spans, self.events) == filler:
                        old = self.p.remove_argument(self.doc, g.id, i)
                        self.steps.append(("arg_removed", g.id, i, old))
                        return True
            return False
        head, tail = item.slot
        for g in (r for rels in self.relations.values() for r in rels):
            if g.type == label and g.head in self.spans and g.tail in self.spans \
                    and (pieces_of(self.spans[g.head]), pieces_of(self.spans[g.tail])) == (head, tail):
                self.steps.append(("removed", self.p.remove(self.doc, g.id)))
                return True
        return False


def take(project: Project, doc_id: str, a_layer: str, b_layer: str, key: str, which: str, *,
         replace: bool = False, gold: str = GOLD) -> Take:
    """Make gold hold side ``which`` ("A" or "B") of the item ``key`` of the comparison of two layers.

    The side's version is copied with what it needs; when that side has no
    version, the other side's is removed from gold.  Raises :class:`Refused`
    (nothing written) for a conflict (unless ``replace``), an unknown key, a
    version gold already holds, or a write the store refuses.
    """
    which = which.upper()
    if which not in ("A", "B"):
        raise Refused(f"take A or B, not {which!r}")
    a, b = _read(project, doc_id, a_layer), _read(project, doc_id, b_layer)
    comparison = compare(a, b)
    item = comparison.item(key)
    if item is None:
        raise Refused(f"document {doc_id} has no compared item {key!r} (any more): nothing was taken")
    side_doc, layer = (a, a_layer) if which == "A" else (b, b_layer)
    version = item.side(which)
    other = item.side("B" if which == "A" else "A")
    label_of = version.label if version else ""
    try:
        with _gold_write(project, gold):
            g = _Gold(project, _read(project, doc_id, gold), replace=replace, bring=True)
            if version is None:
                assert other is not None
                if not g.drop(item, "B" if which == "A" else "A", other.label):
                    raise Refused(f"{which} has no {item.kind} at {item.key.split(' ', 1)[1]} and gold has none "
                                  "either: nothing to take")
                message = f"Gold follows {which}: {item.kind} {other.label} removed"
            else:
                g.fallback = layer if layer != gold else ""
                g.take(item, _Side(side_doc), which)
                if not g.steps:
                    raise Refused(f"gold already has {which}'s {item.kind} {label_of}: nothing to take")
                message = f"Took {which}'s {item.kind} {label_of} into gold"
    except StoreError as exc:
        raise Refused(f"gold cannot take {which}'s {item.kind}: {exc}; nothing was taken") from exc
    return Take(doc_id, gold, message, g.steps)


def accept_agreements(project: Project, doc_id: str, a_layer: str, b_layer: str, *, gold: str = GOLD,
                      comparison: Comparison | None = None) -> Take:
    """Copy every agreed item that gold does not hold yet into gold, in one write (A's copy of each).

    An agreement gold cannot take (a conflict with gold, or something it
    needs that is not agreed and not in gold) is left out and listed in
    ``skipped`` with the reason.  Refused only when there is nothing to take.
    """
    a, b = _read(project, doc_id, a_layer), _read(project, doc_id, b_layer)
    comparison = comparison or compare(a, b)
    order = {k: i for i, k in enumerate(KINDS)}
    agreed = sorted(comparison.agreements(), key=lambda it: order[it.kind])
    skipped: list[tuple[str, str]] = []
    with _gold_write(project, gold):
        g = _Gold(project, _read(project, doc_id, gold), replace=False, bring=False)
        g.fallback = a_layer if a_layer != gold else ""
        taken = 0
        side = _Side(a)
        for item in agreed:
            before = len(g.steps)
            try:
                with project.transaction():  # a savepoint: an item refused leaves the others
                    g.take(item, side, "A")
            except (Refused, _Missing, StoreError) as exc:
                del g.steps[before:]
                skipped.append((item.key, str(exc)))
                continue
            taken += len(g.steps) > before
    if not g.steps:
        why = f" ({len(skipped)} cannot be taken: {skipped[0][1]})" if skipped else ""
        raise Refused(f"gold already holds every agreement it can take{why}: nothing was taken")
    message = f"Accepted {taken} agreement{'s' if taken != 1 else ''} into gold"
    if skipped:
        message += f"; {len(skipped)} left out ({skipped[0][0]}: {skipped[0][1]})"
    return Take(doc_id, gold, message, g.steps, skipped)


def undo(project: Project, done: Take) -> None:
    """Reverse a :class:`Take`, step by step from the last, in one write."""
    doc = done.doc_id
    with _gold_write(project, done.layer):
        for step in reversed(done.steps):
            what = step[0]
            if what == "add":
                spans, events, relations = project.fetch(doc, [step[1]])
                if spans or events or relations:  # an event's removal may have taken its trigger already
                    project.remove(doc, step[1])
            elif what == "arg":
                project.remove_argument(doc, step[1], step[2])
            elif what == "arg_replaced":
                project.replace_argument(doc, step[1], step[2], step[3])
            elif what == "arg_removed":
                project.add_argument(doc, step[1], step[3], step[2])
            elif what == "span":
                old = step[1]
                project.update_span(doc, old.id, label=old.label, attributes=old.attributes, note=old.note,
                                    annotator=old.annotator)
            elif what == "event":
                old = step[1]
                project.update_event(doc, old.id, type=old.type, attributes=old.attributes, note=old.note,
                                     annotator=old.annotator)
            elif what == "relation":
                old = step[1]
                project.update_relation(doc, old.id, type=old.type, attributes=old.attributes, note=old.note,
                                        annotator=old.annotator)
            elif what == "removed":
                project.restore(step[1])
