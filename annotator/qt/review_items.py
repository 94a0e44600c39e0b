"""What a reviewer decides on, in reading order: the working layer's entities, events, arguments and relations.

No Qt here.  "Everything in a document" (for the ``reviewed`` status and the
review progress) is exactly the items :func:`review_items` lists:

- every entity span (kind ``entity``);
- every event (its trigger span is part of the event, not an item of its own);
- every argument of every event, one item per position;
- every relation.

An item is decided when its ``review`` is one of ``accepted``, ``rejected``
or ``corrected`` (``annotator.model.REVIEW_STATES`` without ``""``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import ENTITY

if TYPE_CHECKING:
    from .docstate import DocState

ENTITY_ITEM, EVENT_ITEM, ARGUMENT_ITEM, RELATION_ITEM = "entity", "event", "argument", "relation"
_RANK = {ENTITY_ITEM: 0, EVENT_ITEM: 1, ARGUMENT_ITEM: 2, RELATION_ITEM: 3}

#: The words shown for each review state ("" = not reviewed yet).
STATE_TEXT: dict[str, str] = {"": "Not reviewed", "accepted": "Accepted", "rejected": "Rejected",
                              "corrected": "Corrected"}


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One thing to decide on: an annotation (``position`` None) or one argument of an event."""

    kind: str          # "entity", "event", "argument" or "relation"
    ann_id: str        # the span, event or relation id (the event's id for an argument)
    position: int | None = None  # the argument's position in its event
    anchor: int = 0    # code point where it is shown: the reading order

    @property
    def key(self) -> str:
        """A stable name: the annotation id, or ``E1:2`` for an argument (the view's link id)."""
        return self.ann_id if self.position is None else f"{self.ann_id}:{self.position}"

    @property
    def store_kind(self) -> str:
        """Which store update writes it: ``span``, ``event``, ``relation`` or ``argument``."""
        return "span" if self.kind == ENTITY_ITEM else self.kind


def _start(cur: DocState, span_id: str) -> int:
    s = cur.spans.get(span_id)
    return s.start if s is not None else 0


def review_items(cur: DocState) -> list[ReviewItem]:
    """Every item of the document shown, in reading order (by where it is drawn, then entity, event,
    its arguments, relation)."""
    items: list[ReviewItem] = [ReviewItem(ENTITY_ITEM, s.id, None, s.start)
                               for s in cur.spans.values() if s.kind == ENTITY]
    for ev in cur.events.values():
        at = _start(cur, ev.trigger)
        items.append(ReviewItem(EVENT_ITEM, ev.id, None, at))
        items.extend(ReviewItem(ARGUMENT_ITEM, ev.id, i, at) for i in range(len(ev.arguments)))
    items.extend(ReviewItem(RELATION_ITEM, r.id, None, _start(cur, r.head)) for r in cur.relations.values())
    items.sort(key=lambda it: (it.anchor, _RANK[it.kind], it.ann_id, -1 if it.position is None else it.position))
    return items


def target_of(cur: DocState, item: ReviewItem) -> Any:
    """The Span, Event, Relation or Argument the item stands for (None when it is gone)."""
    if item.kind == ENTITY_ITEM:
        return cur.spans.get(item.ann_id)
    if item.kind == RELATION_ITEM:
        return cur.relations.get(item.ann_id)
    ev = cur.events.get(item.ann_id)
    if ev is None or item.kind == EVENT_ITEM:
        return ev
    assert item.position is not None
    return ev.arguments[item.position] if 0 <= item.position < len(ev.arguments) else None


def state_of(cur: DocState, item: ReviewItem) -> tuple[str, str, str] | None:
    """``(review, reviewer, review_note)`` of the item, or None when it is gone."""
    t = target_of(cur, item)
    return None if t is None else (t.review, t.reviewer, t.review_note)


def is_decided(review: str) -> bool:
    return bool(review)


def _quote(cur: DocState, span_id: str, limit: int = 40) -> str:
    s = cur.spans.get(span_id)
    if s is None:
        return span_id
    text = " … ".join(cur.text[a:b] for a, b in s.pieces()).replace("\n", " ")
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def describe(cur: DocState, item: ReviewItem) -> str:
    """One line for the review bar: what the item is (``T3 PER “Alice”``, ``E1 Attack · argument 1: …``)."""
    t = target_of(cur, item)
    if t is None:
        return f"{item.key} (gone)"
    if item.kind == ENTITY_ITEM:
        return f"{t.id} {t.label} {_quote(cur, t.id)}"
    if item.kind == RELATION_ITEM:
        return f"{t.id} {t.type} {_quote(cur, t.head)} → {_quote(cur, t.tail)}"
    ev = cur.events[item.ann_id]
    if item.kind == EVENT_ITEM:
        return f"{ev.id} {ev.type} {_quote(cur, ev.trigger)}"
    filler = cur.span_of_ref(t.ref)
    return f"{ev.id} {ev.type} · argument {item.position + 1}: {t.role} {_quote(cur, filler) if filler else t.ref}"


def marks(cur: DocState) -> tuple[dict[str, str], dict[str, str]]:
    """The decided states to draw: (span id -> state for label tags, link id -> state for arcs).

    An event's state is drawn on its trigger's tag; an argument's on its arc
    (link id ``E1:2``), a relation's on its arc (link id = relation id).
    """
    tags = {s.id: s.review for s in cur.spans.values() if s.review and s.kind == ENTITY}
    links: dict[str, str] = {}
    for ev in cur.events.values():
        if ev.review:
            tags[ev.trigger] = ev.review
        for i, a in enumerate(ev.arguments):
            if a.review:
                links[f"{ev.id}:{i}"] = a.review
    links.update((r.id, r.review) for r in cur.relations.values() if r.review)
    return tags, links


def progress(cur: DocState, items: list[ReviewItem]) -> tuple[int, int]:
    """(decided, all) among ``items``."""
    decided = 0
    for it in items:
        st = state_of(cur, it)
        if st is not None and st[0]:
            decided += 1
    return decided, len(items)


def find(cur: DocState, items: list[ReviewItem], start: int | None, step: int, undecided_only: bool = True,
         wrap: bool = True) -> int | None:
    """The index of the next (``step`` 1) or previous (-1) item after ``start`` (None: from the first or the
    last), the undecided ones only if asked; wraps round once when ``wrap``; None when there is none."""
    n = len(items)
    if not n:
        return None
    i = (-1 if step > 0 else n) if start is None else start
    for _ in range(n):
        i += step
        if not 0 <= i < n:
            if not wrap:
                return None
            i %= n
        st = state_of(cur, items[i])
        if st is not None and (not undecided_only or not st[0]):
            return i
    return None
