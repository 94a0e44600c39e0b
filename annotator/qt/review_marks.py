"""The view's review marks: which label tags and arc labels carry a decision, kept in step with the document.

The marks live in the view's :class:`~annotator.qt.view_paint.ViewStyle`
(``review_tags``: span id -> state, ``review_links``: link id -> state) and
are drawn by :func:`~annotator.qt.view_paint.paint_review_mark`.  An event's
decision is drawn on its trigger's tag, an argument's on its arc (link id
``E1:2``), a relation's on its arc.  Each change updates only the ids it
touched, and the view repaints only around the marks that changed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..model import ENTITY, TRIGGER

if TYPE_CHECKING:
    from .docstate import DocState
    from .textview import AnnotationView


class ReviewMarks:
    """Keeps ``view.vstyle.review_tags`` and ``review_links`` in line with the shown document."""

    def __init__(self, view: AnnotationView):
        self.view = view
        self._arg_links: dict[str, list[str]] = {}  # event id -> the link ids of its marked arguments

    def clear(self) -> None:
        """No marks (another document is shown: :meth:`update` with all its ids follows)."""
        self._arg_links = {}
        self.view.vstyle.review_tags = {}
        self.view.vstyle.review_links = {}

    def update(self, cur: DocState, ids: set[str]) -> bool:
        """Bring the marks of ``ids`` in line with ``cur``; repaint around (and return True) if one changed."""
        tags, links = self.view.vstyle.review_tags, self.view.vstyle.review_links
        new_tags: dict[str, str] = {}
        new_links: dict[str, str] = {}
        tag_keys: set[str] = set()
        link_keys: set[str] = set()
        for i in ids:
            tag_keys.add(i)
            link_keys.add(i)
            link_keys.update(self._arg_links.pop(i, ()))
            s = cur.spans.get(i)
            if s is not None:
                if s.kind == ENTITY and s.review:
                    new_tags[i] = s.review
                elif s.kind == TRIGGER:
                    ev_id = cur.event_of_trigger(i)
                    if ev_id is not None and cur.events[ev_id].review:
                        new_tags[i] = cur.events[ev_id].review
            ev = cur.events.get(i)
            if ev is not None:
                tag_keys.add(ev.trigger)
                if ev.review:
                    new_tags[ev.trigger] = ev.review
                keys = []
                for p, a in enumerate(ev.arguments):
                    if a.review:
                        keys.append(f"{i}:{p}")
                        new_links[keys[-1]] = a.review
                if keys:
                    self._arg_links[i] = keys
            r = cur.relations.get(i)
            if r is not None and r.review:
                new_links[i] = r.review
        changed_tags = _merge(tags, tag_keys, new_tags)
        changed_links = _merge(links, link_keys | set(new_links), new_links)
        self._repaint(changed_tags, changed_links)
        return bool(changed_tags or changed_links)

    def _repaint(self, tags: set[str], links: set[str]) -> None:
        """Repaint around the tags and arc labels whose mark changed (the rest of the view stays)."""
        view = self.view
        rects = [view.label_rect(k) for k in tags] + [view.arcs.link_label_rect(k) for k in links]
        for r in rects:
            if r is not None:  # (off screen: painted with its mark when it is scrolled to)
                view.viewport().update(r.adjusted(-8, -8, 8, 8))


def decided_ids(cur: DocState, spans: Iterable[str], events: Iterable[str], relations: Iterable[str]) -> set[str]:
    """Those of the given ids whose annotation (or one of an event's arguments) carries a decision: all that
    needs a mark when the marks start empty (a document opened, loaded a slice at a time)."""
    out = {i for i in spans if (s := cur.spans.get(i)) is not None and s.review}
    for i in events:
        ev = cur.events.get(i)
        if ev is not None and (ev.review or any(a.review for a in ev.arguments)):
            out.add(i)
    out.update(i for i in relations if (r := cur.relations.get(i)) is not None and r.review)
    return out


def _merge(marks: dict[str, str], keys: set[str], new: dict[str, str]) -> set[str]:
    """Set ``marks`` of ``keys`` to what ``new`` says (absent: no mark); returns the keys that changed."""
    changed = set()
    for k in keys:
        if marks.get(k) != new.get(k):
            changed.add(k)
            if k in new:
                marks[k] = new[k]
            else:
                marks.pop(k, None)
    return changed
