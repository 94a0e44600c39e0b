"""The review queue of the open document (no Qt): its items in reading order, the one under review, the count decided.

The items are made when first needed and made again only when a change adds,
removes, moves or re-argues an annotation; a decision only updates the
count.  The item under review is kept by its key across a rebuild.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import ENTITY
from .review_items import ReviewItem, review_items, state_of

if TYPE_CHECKING:
    from .docstate import DocState


def _shape_of(cur: DocState, ann_id: str) -> tuple[int, int] | None:
    """Where an item is and how many arguments it has (None: not an item): what its place in the order needs."""
    s = cur.spans.get(ann_id)
    if s is not None:
        return (s.start, -1) if s.kind == ENTITY else None
    ev = cur.events.get(ann_id)
    if ev is not None:
        t = cur.spans.get(ev.trigger)
        return (t.start if t is not None else 0, len(ev.arguments))
    r = cur.relations.get(ann_id)
    if r is not None:
        h = cur.spans.get(r.head)
        return (h.start if h is not None else 0, -2)
    return None


class ReviewQueue:
    """``items`` (None until :meth:`build`), ``index`` of the one under review, ``decided`` among them."""

    def __init__(self) -> None:
        self.items: list[ReviewItem] | None = None
        self.index: int | None = None
        self.decided = 0
        self._key: str | None = None                          # the key under review, kept across rebuilds
        self._shape: dict[str, tuple[int, int] | None] = {}
        self._by_ann: dict[str, list[int]] = {}               # ann id -> its items' indexes
        self._states: dict[int, bool] = {}                    # item index -> decided

    def reset(self) -> None:
        """Another document: nothing built, nothing under review."""
        self.items = None
        self.index = None
        self._key = None

    def build(self, cur: DocState) -> list[ReviewItem]:
        """The items of ``cur`` (a complete document), made now if they are not."""
        if self.items is None:
            items = self.items = review_items(cur)
            self._by_ann, self._shape, self._states = {}, {}, {}
            for i, it in enumerate(items):
                self._by_ann.setdefault(it.ann_id, []).append(i)
                st = state_of(cur, it)
                self._states[i] = bool(st and st[0])
            self.decided = sum(self._states.values())
            for ann_id in self._by_ann:
                self._shape[ann_id] = _shape_of(cur, ann_id)
            self.index = None
            if self._key is not None:
                self.index = next((i for i, it in enumerate(items) if it.key == self._key), None)
        return self.items

    def current(self) -> ReviewItem | None:
        items = self.items
        if items is None or self.index is None or not 0 <= self.index < len(items):
            return None
        return items[self.index]

    def set_index(self, index: int) -> ReviewItem:
        assert self.items is not None
        self.index = index
        item = self.items[index]
        self._key = item.key
        return item

    def indexes_of(self, ann_id: str) -> list[int]:
        """The items of an annotation (an event: itself, then its arguments)."""
        return self._by_ann.get(ann_id, [])

    def follow(self, cur: DocState, ids: set[str]) -> None:
        """Take in a change to ``ids``: a new order when needed, else the decided count updated."""
        if self.items is None:
            return
        if any(self._shape.get(i) != _shape_of(cur, i) for i in ids
               if i in self._shape or _shape_of(cur, i) is not None):
            self.items = None  # added, removed, moved or re-argued: the order is made again when needed
            return
        for ann_id in ids:
            for i in self._by_ann.get(ann_id, ()):
                st = state_of(cur, self.items[i])
                decided = bool(st and st[0])
                self.decided += int(decided) - int(self._states.get(i, False))
                self._states[i] = decided
