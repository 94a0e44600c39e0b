"""Review mode's corrections: the type (C's menu, or a label hotkey), a span's boundaries, an argument's role.

Each correction is one write that changes the item and marks it
``corrected`` by the reviewer (see :mod:`annotator.qt.review_write`); the
store refuses what the schema does not allow, with the reason.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from ..text import tokens
from .review_items import ARGUMENT_ITEM, ENTITY_ITEM, EVENT_ITEM, RELATION_ITEM, ReviewItem, describe, target_of
from .review_menu_keys import add_menu_keys
from .typelist import fill_type_menu

if TYPE_CHECKING:
    from .docstate import DocState
    from .session import Session
    from .textview import AnnotationView


class Reviewer(Protocol):
    """What a correction needs of review mode (:class:`annotator.qt.review_mode.ReviewMode`)."""

    session: Session | None
    view: AnnotationView

    def item_or_say(self) -> ReviewItem | None: ...
    def cur(self) -> DocState | None: ...
    def me(self) -> str: ...
    def say(self, message: str) -> None: ...
    def write(self, item: ReviewItem, fields: dict[str, Any], text: str) -> bool: ...


class ReviewCorrections:
    """The corrections of the item under review; ``last_menu`` is the correction menu shown last."""

    def __init__(self, reviewer: Reviewer, parent: QWidget):
        self.r = reviewer
        self.parent = parent
        self.last_menu: QMenu | None = None
        self._tokens: tuple[list[int], list[int]] | None = None

    def forget(self) -> None:
        """Another document: its tokens are computed when first needed."""
        self._tokens = None

    def _open(self) -> tuple[ReviewItem, DocState, Session] | None:
        item, cur, s = self.r.item_or_say(), self.r.cur(), self.r.session
        if item is None or cur is None or s is None:
            return None
        return item, cur, s

    def _corrected(self, **changes: Any) -> dict[str, Any]:
        return {**changes, "review": "corrected", "reviewer": self.r.me()}

    def label(self, label: str) -> bool:
        """Correct the type of the entity, event or relation under review to ``label``."""
        if (opened := self._open()) is None:
            return False
        item, cur, s = opened
        schema = s.project.schema
        kind = "relation" if label in schema.relation_types else schema.label_kind(label)
        want = {ENTITY_ITEM: "entity", EVENT_ITEM: "trigger", RELATION_ITEM: "relation"}.get(item.kind)
        if want is None or kind != want:
            what = {ARGUMENT_ITEM: "an argument (press C for its role)", RELATION_ITEM: "a relation",
                    ENTITY_ITEM: "an entity", EVENT_ITEM: "an event"}[item.kind]
            self.r.say(f"{item.key} is {what}; {label} is not a type it can take")
            return False
        t = target_of(cur, item)
        if (t.label if item.kind == ENTITY_ITEM else t.type) == label:
            self.r.say(f"{item.key} is already {label}")
            return False
        field = "label" if item.kind == ENTITY_ITEM else "type"
        return self.r.write(item, self._corrected(**{field: label}), f"Correct {item.key} to {label}")

    def role(self, role: str) -> bool:
        """Correct the role of the argument under review."""
        if (opened := self._open()) is None:
            return False
        item, cur, _s = opened
        if item.kind != ARGUMENT_ITEM:
            self.r.say(f"{item.key} is not an argument")
            return False
        if target_of(cur, item).role == role:
            return False
        return self.r.write(item, self._corrected(role=role), f"Correct {item.key} to {role}")

    def boundary(self, which: str, direction: int) -> bool:
        """Move the start or end of the entity (or an event's trigger) under review by one token."""
        if (opened := self._open()) is None:
            return False
        item, cur, _s = opened
        span_id = item.ann_id if item.kind == ENTITY_ITEM else (
            cur.events[item.ann_id].trigger if item.kind == EVENT_ITEM else None)
        span = cur.spans.get(span_id or "")
        if span is None:
            self.r.say(f"{item.key} has no boundaries of its own (an argument or a relation)")
            return False
        moved = self._moved(cur, span.start, span.end, which, direction)
        if moved is None:
            return False
        ok = self.r.write(item, self._corrected(start=moved[0], end=moved[1]), f"Correct the boundaries of {item.key}")
        if ok:
            self.r.view.select_span(span.id, scroll=False)
        return ok

    def _moved(self, cur: DocState, start: int, end: int, which: str, direction: int) -> tuple[int, int] | None:
        """``(start, end)`` with one end moved a token (as the tagging keys move it); None at a limit."""
        if self._tokens is None:
            toks = tokens(cur.text)
            self._tokens = ([t[0] for t in toks], [t[1] for t in toks])
        starts, ends = self._tokens
        if which == "end":
            if direction > 0:
                i = bisect_right(ends, end)
                return (start, ends[i]) if i < len(ends) else None
            i = bisect_left(ends, end) - 1
            return (start, ends[i]) if i >= 0 and ends[i] > start else None
        if direction < 0:
            i = bisect_left(starts, start) - 1
            return (starts[i], end) if i >= 0 else None
        i = bisect_right(starts, start)
        return (starts[i], end) if i < len(starts) and starts[i] < end else None

    def open_menu(self) -> QMenu | None:
        """C: a menu of the types (for an argument: the roles) the item under review can be corrected to."""
        if (opened := self._open()) is None:
            return None
        item, cur, s = opened
        schema = s.project.schema
        t = target_of(cur, item)
        menu = QMenu(self.parent)
        menu.setObjectName("review_correct_menu")
        menu.setToolTipsVisible(True)
        head = menu.addAction(f"Correct {describe(cur, item)}")
        head.setEnabled(False)
        menu.addSeparator()
        if item.kind == ARGUMENT_ITEM:
            ev = cur.events[item.ann_id]
            ftype = cur.events[t.ref].type if t.ref in cur.events else (
                cur.spans[t.ref].label if t.ref in cur.spans else "")
            roles = schema.allowed_roles(ev.type, ftype) or [t.role]
            for role in roles:
                a = menu.addAction(role)
                a.setData(role)
                a.setEnabled(role != t.role)
                a.triggered.connect(lambda _c=False, r=role: self.role(r))
            add_menu_keys(menu, roles)  # each role's first free letter
        elif item.kind == RELATION_ITEM:
            head_t, tail_t = cur.spans.get(t.head), cur.spans.get(t.tail)
            names = (schema.allowed_relations(head_t.label, tail_t.label) if head_t and tail_t else []) \
                or list(schema.relation_types)
            fill_type_menu(menu, schema, names, self.label, title="Correct the relation type", disabled=t.type)
            add_menu_keys(menu, names)
        else:
            names = list(schema.entity_types if item.kind == ENTITY_ITEM else schema.event_types)
            current = t.label if item.kind == ENTITY_ITEM else t.type
            fill_type_menu(menu, schema, names, self.label, title="Correct the type", disabled=current)
            add_menu_keys(menu, names, {n: k for k, n in schema.hotkeys().items() if len(k) == 1})
            menu.addSeparator()
            hint = menu.addAction("Boundaries: Shift+←/→ moves the end, Ctrl+Shift+←/→ the start")
            hint.setEnabled(False)
        menu.aboutToHide.connect(self.r.view.setFocus)  # the keys go on acting on the text
        menu.popup(self._menu_point(cur, item))
        self.last_menu = menu
        return menu

    def _menu_point(self, cur: DocState, item: ReviewItem) -> QPoint:
        span = item.ann_id if item.kind == ENTITY_ITEM else None
        if item.kind in (EVENT_ITEM, ARGUMENT_ITEM):
            span = cur.events[item.ann_id].trigger
        elif item.kind == RELATION_ITEM:
            span = cur.relations[item.ann_id].head
        r = self.r.view.label_rect(span) if span else None
        vp = self.r.view.viewport()
        return vp.mapToGlobal(r.bottomLeft() if r is not None else vp.rect().center())
