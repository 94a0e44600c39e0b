"""The events of the current document by id, with an index of them by trigger span; no Qt.

``DocState.events_of_trigger`` is asked on every selection and most edits (is this
span a trigger? which event does it stand for?).  A scan of every event is 2 ms at
35,000 events (brat's density at 4 MB); the index answers at once.  It is built
when first asked and then kept by the dict itself, so every way the GUI changes
the events (a refresh after a write, the loader's slices, a change made by
another program) keeps it right.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Event

_MISSING: Any = object()


class EventMap(dict[str, Event]):
    """``dict`` of event id -> Event that also knows the event ids of each trigger span (in the dict's order).

    Events are replaced, not changed in place, when the store changes them; an
    event whose ``trigger`` is changed in place must be set again (``m[id] = ev``).
    """

    def __init__(self, items: Mapping[str, Event] | Iterable[tuple[str, Event]] = ()) -> None:
        super().__init__(items)
        self._by_trigger: dict[str, dict[str, None]] | None = None  # built when first asked
        self._seq: dict[str, int] = {}  # with the index: each id's place in the dict's order
        self._next = 0

    # ------------------------------------------------------------------ the index
    def _link(self, eid: str, ev: Event) -> None:
        if self._by_trigger is not None:
            self._by_trigger.setdefault(ev.trigger, {})[eid] = None
            if eid not in self._seq:
                self._seq[eid] = self._next
                self._next += 1

    def _unlink(self, eid: str, ev: Event, gone: bool = True) -> None:
        if self._by_trigger is None:
            return
        if gone:
            self._seq.pop(eid, None)
        ids = self._by_trigger.get(ev.trigger)
        if ids is not None:
            ids.pop(eid, None)
            if not ids:
                del self._by_trigger[ev.trigger]

    def of_trigger(self, span_id: str) -> list[Event]:
        """The events whose trigger is ``span_id``, in the order they were added."""
        index = self._by_trigger
        if index is None:
            index = self._by_trigger = {}
            self._seq = {eid: i for i, eid in enumerate(self)}
            self._next = len(self._seq)
            for eid, ev in self.items():
                index.setdefault(ev.trigger, {})[eid] = None
        ids = index.get(span_id)
        if not ids:
            return []
        if len(ids) > 1:  # rare: several events on one trigger, in the dict's order
            return [self[i] for i in sorted(ids, key=self._seq.__getitem__)]
        return [self[i] for i in ids]

    # ------------------------------------------------------------------ every way a dict changes
    def __setitem__(self, eid: str, ev: Event) -> None:
        old = super().get(eid, _MISSING)
        super().__setitem__(eid, ev)
        if old is not _MISSING:
            if old.trigger == ev.trigger:
                return  # keeps its place, in the dict and in the index
            self._unlink(eid, old, gone=False)  # keeps its place in the dict
        self._link(eid, ev)

    def __delitem__(self, eid: str) -> None:
        ev = super().__getitem__(eid)
        super().__delitem__(eid)
        self._unlink(eid, ev)

    def pop(self, eid: str, *default: Any) -> Any:  # noqa: D102
        ev = super().pop(eid, _MISSING)
        if ev is _MISSING:
            if default:
                return default[0]
            raise KeyError(eid)
        self._unlink(eid, ev)
        return ev

    def popitem(self) -> tuple[str, Event]:  # noqa: D102
        eid, ev = super().popitem()
        self._unlink(eid, ev)
        return eid, ev

    def setdefault(self, eid: str, default: Any = None) -> Any:  # noqa: D102
        if eid not in self:
            self[eid] = default
        return self[eid]

    def update(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102
        for items in (*args, kwargs):
            new = dict(items)
            if self._by_trigger is None:  # no index yet: as fast as a dict
                super().update(new)
                continue
            for eid, ev in new.items():
                self[eid] = ev

    def clear(self) -> None:  # noqa: D102
        super().clear()
        self._by_trigger = None
        self._seq = {}

    def __ior__(self, other: Any) -> EventMap:  # noqa: D105
        self.update(other)
        return self

    def copy(self) -> EventMap:  # noqa: D102
        return EventMap(self)
