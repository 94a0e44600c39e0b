"""Two versions of one document side by side: each annotation marked agree, disagree, only in A or only in B.

Pure: reads two :class:`~annotator.model.AnnotatedDocument` of the same text
(two annotators' layers, or one annotator and gold) and matches them the way
adjudication needs:

- entities by their exact offsets (every fragment of a discontinuous span);
  the same offsets with another label is a disagreement;
- events by their trigger's offsets; another type is a disagreement;
- arguments by their slot, (trigger offsets, filler offsets); another role is a
  disagreement;
- relations by (head offsets, tail offsets); another type is a disagreement.

When one side has several annotations in one slot (two labels on one span),
equal labels are paired first, then the rest in order.  Each :class:`Item`
has a stable ``key`` (kind and offsets, ``#2`` for a second pairing in one
slot) so that a GUI can step through the items and take one into gold.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import ENTITY, AnnotatedDocument, Span
from .quoting import clipped

AGREE = "agree"
DISAGREE = "disagree"
ONLY_A = "only_a"
ONLY_B = "only_b"
MARKS: tuple[str, ...] = (AGREE, DISAGREE, ONLY_A, ONLY_B)
MARK_TITLES: dict[str, str] = {AGREE: "agree", DISAGREE: "disagree", ONLY_A: "only in A", ONLY_B: "only in B"}

KINDS: tuple[str, ...] = ("entity", "event", "argument", "relation")

Pieces = tuple[tuple[int, int], ...]
#: Where an annotation sits: an entity's or trigger's pieces; for an argument (trigger, filler) with the
#: filler's kind; for a relation (head, tail).
Slot = tuple


class TextMismatch(ValueError):
    """The two documents do not hold the same text: they cannot be compared."""


@dataclass(frozen=True)
class Side:
    """One side's version of an item: its label (entity label, event type, role, relation type) and its id.

    ``id`` is the span id of an entity, the event id of an event, ``"E1:0"``
    (event id and position) of an argument, the relation id of a relation.
    """

    label: str
    id: str


@dataclass(frozen=True)
class Item:
    """One compared annotation: its stable ``key``, kind, mark and each side's version (None: that side has none).

    ``start``/``end`` cover the text it is about (an argument's or relation's
    two ends together); ``slot`` is what the matching compared (see the module).
    """

    key: str
    kind: str
    mark: str
    slot: Slot
    start: int
    end: int
    a: Side | None
    b: Side | None

    def side(self, which: str) -> Side | None:
        """``a`` or ``b`` by name ("A" or "B")."""
        return self.a if which.upper() == "A" else self.b


@dataclass
class Comparison:
    """Every item of a comparison, in text order, with lookups by key."""

    text: str
    items: list[Item] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key = {it.key: it for it in self.items}

    def item(self, key: str) -> Item | None:
        """The item with this key, or None."""
        return self._by_key.get(key)

    def differences(self) -> list[Item]:
        """The items that are not agreements, in text order."""
        return [it for it in self.items if it.mark != AGREE]

    def agreements(self) -> list[Item]:
        """The agreed items, in text order."""
        return [it for it in self.items if it.mark == AGREE]

    def counts(self) -> dict[str, int]:
        """The number of items of each mark (every mark present, zero or not)."""
        out = dict.fromkeys(MARKS, 0)
        for it in self.items:
            out[it.mark] += 1
        return out


# ---------------------------------------------------------------------- slots


def pieces_of(span: Span) -> Pieces:
    """A span's pieces as a hashable tuple (one pair unless discontinuous)."""
    return tuple((int(s), int(e)) for s, e in span.pieces())


def pieces_text(p: Pieces) -> str:
    """``10-17``, or ``10-12+15-17`` for a discontinuous span."""
    return "+".join(f"{s}-{e}" for s, e in p)


@dataclass
class Versions:
    """One document's annotations by kind, each as ``(slot, label, id)``, in document order."""

    entity: list[tuple[Slot, str, str]] = field(default_factory=list)
    event: list[tuple[Slot, str, str]] = field(default_factory=list)
    argument: list[tuple[Slot, str, str]] = field(default_factory=list)
    relation: list[tuple[Slot, str, str]] = field(default_factory=list)

    def of(self, kind: str) -> list[tuple[Slot, str, str]]:
        """The list for ``kind``."""
        return getattr(self, kind)


def versions(adoc: AnnotatedDocument) -> Versions:
    """The slots of every annotation of ``adoc`` (what :func:`compare` matches on).

    An argument whose filler or an event whose trigger is missing is left out
    (the validator reports those; there is nothing to place).
    """
    spans = adoc.span_by_id()
    events = adoc.event_by_id()
    out = Versions()
    for s in adoc.spans:
        if s.kind == ENTITY:
            out.entity.append((pieces_of(s), s.label, s.id))
    for e in adoc.events:
        trig = spans.get(e.trigger)
        if trig is None:
            continue
        tp = pieces_of(trig)
        out.event.append((tp, e.type, e.id))
        for i, a in enumerate(e.arguments):
            filler = filler_slot(a.ref, spans, events)
            if filler is not None:
                out.argument.append(((tp, filler), a.role, f"{e.id}:{i}"))
    for r in adoc.relations:
        h, t = spans.get(r.head), spans.get(r.tail)
        if h is not None and t is not None:
            out.relation.append(((pieces_of(h), pieces_of(t)), r.type, r.id))
    return out


def filler_slot(ref: str, spans: dict[str, Span], events: dict) -> tuple[str, Pieces] | None:
    """Where an argument's filler sits: ``("entity", pieces)`` or ``("event", its trigger's pieces)``."""
    if ref in spans:
        return ("entity", pieces_of(spans[ref]))
    ev = events.get(ref)
    if ev is not None and ev.trigger in spans:
        return ("event", pieces_of(spans[ev.trigger]))
    return None


def slot_text(kind: str, slot: Slot) -> str:
    """The offsets part of a key: ``10-17``; ``30-36>10-17`` for an argument or a relation."""
    if kind in ("entity", "event"):
        return pieces_text(slot)
    if kind == "argument":
        trig, (filler_kind, filler) = slot
        return f"{pieces_text(trig)}>{'event ' if filler_kind == 'event' else ''}{pieces_text(filler)}"
    head, tail = slot
    return f"{pieces_text(head)}>{pieces_text(tail)}"


def slot_extent(kind: str, slot: Slot) -> tuple[int, int]:
    """The text range an item covers (both ends of an argument or relation)."""
    if kind in ("entity", "event"):
        ps = list(slot)
    elif kind == "argument":
        ps = [*slot[0], *slot[1][1]]
    else:
        ps = [*slot[0], *slot[1]]
    return min(s for s, _ in ps), max(e for _, e in ps)


# ---------------------------------------------------------------------- matching


def pair_slot(la: list[tuple[str, str]], lb: list[tuple[str, str]]) -> list[tuple[str, Side | None, Side | None]]:
    """Pair one slot's versions ``(label, id)``: equal labels first, then the rest in order, then the unpaired."""
    rest_b = list(lb)
    agreed: list[tuple[str, Side | None, Side | None]] = []
    rest_a = []
    for label, ident in la:
        j = next((k for k, (lab, _) in enumerate(rest_b) if lab == label), None)
        if j is None:
            rest_a.append((label, ident))
        else:
            blabel, bid = rest_b.pop(j)
            agreed.append((AGREE, Side(label, ident), Side(blabel, bid)))
    out = sorted(agreed, key=lambda t: t[1].label)  # type: ignore[union-attr]
    n = min(len(rest_a), len(rest_b))
    for (al, ai), (bl, bi) in zip(rest_a[:n], rest_b[:n]):
        out.append((DISAGREE, Side(al, ai), Side(bl, bi)))
    out += [(ONLY_A, Side(al, ai), None) for al, ai in rest_a[n:]]
    out += [(ONLY_B, None, Side(bl, bi)) for bl, bi in rest_b[n:]]
    return out


def _group(entries: Iterable[tuple[Slot, str, str]]) -> dict[Slot, list[tuple[str, str]]]:
    groups: dict[Slot, list[tuple[str, str]]] = defaultdict(list)
    for slot, label, ident in entries:
        groups[slot].append((label, ident))
    return groups


def compare(a: AnnotatedDocument, b: AnnotatedDocument) -> Comparison:
    """Mark every annotation of ``a`` and ``b`` (the same document's text); items in reading order.

    Raises :class:`TextMismatch` when the texts differ.
    """
    if a.document.text != b.document.text:
        raise TextMismatch(
            f"document {a.document.id!r} and document {b.document.id!r} do not hold the same text: cannot compare"
        )
    va, vb = versions(a), versions(b)
    items: list[Item] = []
    for kind in KINDS:
        ga, gb = _group(va.of(kind)), _group(vb.of(kind))
        for slot in list(ga) + [s for s in gb if s not in ga]:
            stext = slot_text(kind, slot)
            start, end = slot_extent(kind, slot)
            for n, (mark, sa, sb) in enumerate(pair_slot(ga.get(slot, []), gb.get(slot, [])), start=1):
                key = f"{kind} {stext}" + (f" #{n}" if n > 1 else "")
                items.append(Item(key, kind, mark, slot, start, end, sa, sb))
    items.sort(key=reading_order)
    return Comparison(a.document.text, items)


def reading_order(item: Item) -> tuple:
    """Where an item is read: at its span, an argument at its trigger, a relation at its head; then its other end.

    At one place: entities (the longer first), events, arguments, relations.
    """
    kind = KINDS.index(item.kind)
    if item.kind in ("entity", "event"):
        return (item.slot[0][0], kind, -item.slot[-1][1], 0, item.key)
    first, second = (item.slot[0], item.slot[1][1]) if item.kind == "argument" else item.slot
    return (first[0][0], kind, 0, second[0][0], item.key)


# ---------------------------------------------------------------------- gold and words


def gold_sides(comparison: Comparison, gold: AnnotatedDocument) -> dict[str, str]:
    """Which version of each item gold holds: ``"A"``, ``"B"``, ``"AB"`` (an agreement held), or absent.

    A version is held when gold has an annotation of the same kind, slot and label.
    """
    held: dict[str, set[tuple[Slot, str]]] = {}
    gv = versions(gold)
    for kind in KINDS:
        held[kind] = {(slot, label) for slot, label, _ in gv.of(kind)}
    out: dict[str, str] = {}
    for it in comparison.items:
        sides = "".join(name for name, side in (("A", it.a), ("B", it.b))
                        if side is not None and (it.slot, side.label) in held[it.kind])
        if sides:
            out[it.key] = sides
    return out


def quote(text: str, start: int, end: int, limit: int = 40) -> str:
    """The text ``[start, end)`` on one line, shortened to ``limit`` characters."""
    return clipped(text[start:end], limit)


def summary(item: Item, text: str) -> str:
    """One line about an item: kind, where, and each side's label, e.g. ``entity "Tikrit": A GPE | B LOC``."""
    if item.kind in ("entity", "event"):
        where = f'"{quote(text, item.start, item.end)}"'
    else:
        first, second = (item.slot[0], item.slot[1][1]) if item.kind == "argument" else item.slot
        where = (f'"{quote(text, first[0][0], first[-1][1], 20)}" → '
                 f'"{quote(text, second[0][0], second[-1][1], 20)}"')
    a = item.a.label if item.a else "—"
    b = item.b.label if item.b else "—"
    versions_text = a if item.mark == AGREE else f"A {a} | B {b}"
    return f"{item.kind} {where}: {versions_text}"
