"""Event arguments and relations in the window: arcs, drag-to-link, the role menu, pick mode.

- Arcs: every argument is a :class:`Link` from its event's trigger to its
  filler (an entity, or a nested event's trigger); every relation one from
  head to tail.  Only the links of annotations a change touched are rebuilt.
- Drag from a trigger (its label tag) to an entity: the role menu offers only
  the roles the schema allows for that event type and that filler type (full
  ones disabled, with the reason), with the likely role pre-selected (see
  :mod:`annotator.qt.role_priors`): Enter takes it, and Ctrl or Shift held at
  the release takes it without the menu.  One role that fits is taken at once.
  Entity to entity makes a relation.
- What is not allowed (no role fits, the role is full, a wrong filler type) is
  refused in the status bar (and a tooltip at the drop), never in a dialog.
- Pick mode, for the keyboard: Ctrl+L with an event (or entity) selected, then
  click a span — or select text and press an entity hotkey, which creates the
  entity and attaches it in the same flow.  Esc cancels.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QCursor, QGuiApplication
from PySide6.QtWidgets import QMenu, QStatusBar, QToolTip, QWidget

from ..model import ENTITY, TRIGGER, Event
from .arcs import Link
from .role_menu import build_role_menu
from .role_priors import ProjectRoleCounts, RoleOption, preselect, role_options
from .session import DocState, Session
from .textview import AnnotationView

#: held at the release of a link drag: take the pre-selected role, no menu
QUICK_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@dataclass
class Pick:
    """A pending link: the next span the user picks completes it."""

    source: str                 # event id (argument) or entity span id (relation)
    role: str | None = None     # a role chosen in advance (the inspector's Add button)
    position: int | None = None  # an argument to move to the picked filler


class Linker(QObject):
    """Keeps the view's arcs in step with the session and turns gestures into arguments."""

    def __init__(self, parent: QWidget, view: AnnotationView, session_of: Callable[[], Session | None],
                 bar: QStatusBar, refuse: Callable[[str, QPoint | None], None], on_pick_changed: Callable[[], None]):
        """``parent`` owns the role menus; ``session_of`` gives the open project's session;
        ``refuse(message, global_pos)`` tells the user what was not allowed (never a dialog);
        ``on_pick_changed`` runs when pick mode starts or ends (the status bar says so)."""
        super().__init__(parent)
        self.parent_widget = parent
        self.view = view
        self._session_of = session_of
        self.bar = bar
        self.refuse = refuse
        self.role_counts = ProjectRoleCounts()
        self._hover: tuple[str, str] | None = None  # (source, span under the pointer) of a link drag
        self._short_hint = ""
        view.viewport().installEventFilter(self)  # to say, during a link drag, what the release will do
        self.on_pick_changed = on_pick_changed
        self.pick: Pick | None = None
        self.last_menu: QMenu | None = None
        self._owned: dict[str, tuple[str, ...]] = {}  # owner annotation id -> its link ids in the view

    @property
    def session(self) -> Session:
        session = self._session_of()
        assert session is not None, "no project is open"
        return session

    # ------------------------------------------------------------------ arcs

    def links_of(self, cur: DocState, ann_id: str) -> list[Link]:
        schema = self.session.project.schema
        ev = cur.events.get(ann_id)
        if ev is not None:
            out = []
            for i, a in enumerate(ev.arguments):
                target = cur.span_of_ref(a.ref)
                if target is not None:
                    out.append(Link(f"{ev.id}:{i}", ev.trigger, target, a.role, _arc_color(schema.color(ev.type)),
                                    "argument", ev.id))
            return out
        rel = cur.relations.get(ann_id)
        if rel is not None:
            return [Link(rel.id, rel.head, rel.tail, rel.type, schema.color(rel.type), "relation", rel.id)]
        return []

    def all_links(self, cur: DocState) -> list[Link]:
        """Every link of the document (and the owner index used by :meth:`update`)."""
        out: list[Link] = []
        self._owned = {}
        for ann_id in (*cur.events, *cur.relations):
            links = self.links_of(cur, ann_id)
            if links:
                self._owned[ann_id] = tuple(lk.id for lk in links)
                out.extend(links)
        return out

    def links_for(self, cur: DocState, ids: list[str]) -> list[Link]:
        """The links of ``ids`` (events, relations just loaded), recorded as theirs for :meth:`update`.

        What :meth:`links_of` gives for each, with the lookups taken out of the loop (a slice
        of a loading document has thousands)."""
        out: list[Link] = []
        owned = self._owned
        schema = self.session.project.schema
        spans, events = cur.spans, cur.events
        colors: dict[str, str] = {}
        for ann_id in ids:
            ev = events.get(ann_id)
            if ev is None:
                links = self.links_of(cur, ann_id)
                if links:
                    owned[ann_id] = tuple(lk.id for lk in links)
                    out.extend(links)
                continue
            color = colors.get(ev.type)
            if color is None:
                color = colors[ev.type] = _arc_color(schema.color(ev.type))
            trigger, mine = ev.trigger, []
            for i, a in enumerate(ev.arguments):
                ref = a.ref
                if ref in spans:
                    target = ref
                else:
                    nested = events.get(ref)
                    if nested is None:
                        continue
                    target = nested.trigger
                lid = f"{ann_id}:{i}"
                out.append(Link(lid, trigger, target, a.role, color, "argument", ann_id))
                mine.append(lid)
            if mine:
                owned[ann_id] = tuple(mine)
        return out

    def update(self, ids: set[str]) -> None:
        """Rebuild the links owned by ``ids`` (events and relations a change touched)."""
        self.role_counts.forget()  # every change of the open document comes here
        cur = self.session.current
        view = self.view
        for ann_id in ids:
            for link_id in self._owned.pop(ann_id, ()):
                view.remove_link(link_id)
            links = self.links_of(cur, ann_id)
            if links:
                self._owned[ann_id] = tuple(lk.id for lk in links)
                for link in links:
                    view.add_link(link)

    # ------------------------------------------------------------------ highlight

    def highlight(self, ann_id: str | None) -> None:
        """Strong trigger, arcs and fillers for a selected event or relation; the rest fades."""
        cur = self.session.current
        if cur is None or not ann_id:
            self.view.set_highlight(None)
            return
        ev = cur.events.get(ann_id)
        if ev is not None:
            spans = {ev.trigger} | {cur.span_of_ref(a.ref) for a in ev.arguments}
            self.view.set_highlight(ev.id, spans - {None})
            return
        rel = cur.relations.get(ann_id)
        if rel is not None:
            self.view.set_highlight(rel.id, {rel.head, rel.tail})
            return
        self.view.set_highlight(None)

    # ------------------------------------------------------------------ making links

    def _filler(self, span_id: str) -> tuple[str, str] | None:
        """(ref, type) for a span used as a filler: an entity, or the event a trigger stands for."""
        cur = self.session.current
        span = cur.spans.get(span_id)
        if span is None:
            return None
        if span.kind == ENTITY:
            return span_id, span.label
        ev_id = self.session.current.event_of_trigger(span_id)
        return (ev_id, cur.events[ev_id].type) if ev_id else None

    def link(self, source_span: str, target_span: str, pos: QPoint | None = None) -> None:
        """A drag from ``source_span`` to ``target_span``: an argument, or a relation.

        Ctrl or Shift held at the release takes the pre-selected role without a menu.
        """
        if self.session.refuse_if_read_only("Linking"):
            return
        cur = self.session.current
        src = cur.spans.get(source_span)
        if src is None or source_span == target_span:
            return
        quick = bool(QGuiApplication.keyboardModifiers() & QUICK_MODIFIERS)
        if src.kind == TRIGGER:
            ev_id = self.session.current.event_of_trigger(source_span)
            if ev_id:
                self.attach(ev_id, target_span, pos=pos, quick=quick)
            return
        tgt = cur.spans.get(target_span)
        if tgt is not None and tgt.kind == TRIGGER:  # entity dragged onto a trigger: the same argument
            ev_id = self.session.current.event_of_trigger(target_span)
            if ev_id:
                self.attach(ev_id, source_span, pos=pos, quick=quick)
            return
        self.relate(source_span, target_span, pos=pos)

    def attach(self, event_id: str, filler_span: str, role: str | None = None, position: int | None = None,
               pos: QPoint | None = None, quick: bool = False) -> None:
        """Make ``filler_span`` (or the event it triggers) an argument of ``event_id``.

        With no ``role``: one role that fits is taken at once; several give the
        role menu, the likely one pre-selected (``quick``: taken without a
        menu).  What cannot be added is refused in the status bar, never in a
        dialog.
        """
        cur = self.session.current
        schema = self.session.project.schema
        ev = cur.events[event_id]
        filler = self._filler(filler_span)
        if filler is None:
            return
        ref, ftype = filler
        what = f"“{_text(cur, filler_span)}” ({ftype})"
        if ref == event_id:
            self.refuse(f"Not added: {event_id} cannot fill one of its own roles", pos)
            return
        options = role_options(schema, ev, ftype)
        if position is not None:
            now = ev.arguments[position].role
            et = schema.event_types.get(ev.type)
            if et is not None and now in et.roles and ftype not in et.roles[now].types:
                self.refuse(f"Not moved: {what} may not fill {now} of {ev.type} "
                            f"(it takes {', '.join(et.roles[now].types)})", pos)
                return
            self.session.change_argument(event_id, position, ref=ref)
            return
        if role is not None:
            self._add_as(ev, role, ref, what, options, pos)
            return
        best, refusal = self._choice(ev, ftype, what, options)
        if best is None:
            self.refuse(refusal, pos)
            return
        if len(options) == 1 or quick:
            self._add(ev, best, ref, what)
            return
        self.last_menu = build_role_menu(self.parent_widget, f"Role of {what} in {ev.type}", options, best,
                                         lambda r: self._add(ev, r, ref, what))
        self.bar.showMessage(f"Enter takes {best}; holding Ctrl or Shift as you release a drag takes it "
                             "without this menu", 8000)
        self.last_menu.popup(pos or QCursor.pos())

    def _choice(self, ev: Event, ftype: str, what: str, options: list[RoleOption]) -> tuple[str | None, str]:
        """(the pre-selected role, "") or (None, why no role can be added)."""
        if not options:
            et = self.session.project.schema.event_types.get(ev.type)
            have = ", ".join(f"{r.name} ({'/'.join(r.types)})" for r in et.roles.values()) if et else ""
            return None, f"Not added: {ev.type} has no role that takes {ftype}.\nIts roles: {have or 'none'}"
        counts = self.role_counts.counts(self.session.project, self.session.current, ev.type)
        best = preselect(options, ev.type, ftype, counts)
        if best is None:
            full = "; ".join(f"{o.role} — {o.reason()}" for o in options)
            return None, f"Not added: no free role for {what} in {ev.type}: {full}"
        return best, ""

    def drag_hint(self, source_span: str, target_span: str) -> str:
        """What releasing a link drag from ``source_span`` over ``target_span`` would do, in words ("" if nothing)."""
        self._short_hint = ""  # the same in a few words, for beside the pointer
        session = self._session_of()
        cur = session.current if session is not None else None
        if cur is None or not target_span or source_span == target_span:
            return ""
        src, tgt = cur.spans.get(source_span), cur.spans.get(target_span)
        if src is None or tgt is None:
            return ""
        if src.kind == TRIGGER:
            ev_id, filler_span = cur.event_of_trigger(source_span), target_span
        elif tgt.kind == TRIGGER:
            ev_id, filler_span = cur.event_of_trigger(target_span), source_span
        else:
            return ""
        filler = self._filler(filler_span)
        if not ev_id or filler is None or filler[0] == ev_id:
            return ""
        ev = cur.events[ev_id]
        what = f"“{_text(cur, filler_span)}” ({filler[1]})"
        options = role_options(session.project.schema, ev, filler[1])
        best, refusal = self._choice(ev, filler[1], what, options)
        if best is None:
            self._short_hint = "✕ " + refusal.splitlines()[0].removeprefix("Not added: ")
            return "Release: " + refusal.splitlines()[0]
        if len(options) == 1:
            self._short_hint = best
            return f"Release: {what} becomes the {best} of {ev.type} (the one role that fits)"
        self._short_hint = f"{best} · Ctrl: no menu"
        return (f"Release: the role menu, {best} first · with Ctrl or Shift held: {what} becomes the {best} "
                f"of {ev.type}")

    def _add_as(self, ev: Event, role: str, ref: str, what: str, options: list[RoleOption],
                pos: QPoint | None) -> None:
        """Add under a role chosen in advance (the Inspector's +), unless the schema or the role's room forbid it."""
        option = next((o for o in options if o.role == role), None)
        if option is None:
            spec = self.session.project.schema.event_types.get(ev.type)
            takes = ", ".join(spec.roles[role].types) if spec is not None and role in spec.roles else "nothing"
            self.refuse(f"Not added: {what} may not fill {role} of {ev.type} (it takes {takes})", pos)
        elif option.full:
            self.refuse(f"Not added: {role} of {ev.type} is {option.reason()}", pos)
        else:
            self._add(ev, role, ref, what)

    def _add(self, ev: Event, role: str, ref: str, what: str) -> None:
        if self.session.add_argument(ev.id, role, ref):
            self.bar.showMessage(f"{role} of {ev.type}: {what} (Ctrl+Z undoes)", 5000)

    def relate(self, head: str, tail: str, pos: QPoint | None = None) -> None:
        cur = self.session.current
        h, t = cur.spans.get(head), cur.spans.get(tail)
        if h is None or t is None or h.kind != ENTITY or t.kind != ENTITY:
            return
        types = self.session.project.schema.allowed_relations(h.label, t.label)
        if not types:
            self.refuse(f"Not related: the schema has no relation from {h.label} to {t.label}", pos)
            return
        if len(types) == 1:
            self.session.add_relation(types[0], head, tail)
            return
        self._menu(f"Relation {h.label} → {t.label}", types,
                   lambda r: self.session.add_relation(r, head, tail), pos)

    def _menu(self, title: str, choices: list[str], act, pos: QPoint | None) -> QMenu:
        menu = QMenu(self.parent_widget)
        head = menu.addAction(title)
        head.setEnabled(False)
        menu.addSeparator()
        first = None
        for i, name in enumerate(choices):
            label = f"&{i + 1} {name}" if i < 9 else name
            a = menu.addAction(label, lambda n=name: act(n))
            a.setData(name)
            first = first or a
        menu.setActiveAction(first)  # Enter takes the first, arrows move, digits pick
        self.last_menu = menu
        menu.popup(pos or QCursor.pos())
        return menu

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """During a link drag, the status bar says what releasing over the span under the pointer does."""
        kind = event.type()
        if kind == QEvent.Type.MouseMove:
            rubber = self.view.input.rubber
            if rubber is not None:
                key = (rubber[0], self.view.hits.span_at(event.position()))
                if key != self._hover:
                    self._hover = key
                    hint = self.drag_hint(*key)
                    if hint:
                        self.bar.showMessage(hint)
                    else:
                        self.bar.clearMessage()
                    vp = self.view.viewport()
                    short = self._short_hint
                    if short:  # the same, in short, beside the pointer
                        QToolTip.showText(vp.mapToGlobal(event.position().toPoint()) + QPoint(14, 18), short, vp)
                    else:
                        QToolTip.hideText()
        elif kind == QEvent.Type.MouseButtonRelease and self._hover is not None:
            self._hover = None
            self.bar.clearMessage()  # the release's own message (added, refused, the menu) follows
            QToolTip.hideText()
        return False

    # ------------------------------------------------------------------ pick mode

    def start_pick(self, source: str, role: str | None = None, position: int | None = None) -> None:
        """Wait for the user to pick a filler (event source) or a tail (entity source)."""
        if self.session.refuse_if_read_only("Linking"):
            return
        self.pick = Pick(source, role, position)
        cur = self.session.current
        if source in cur.events:
            what = f"the {role} of {cur.events[source].type}" if role else f"an argument of {cur.events[source].type}"
            if position is not None:
                what = f"the new filler of {cur.events[source].arguments[position].role}"
        else:
            what = f"the other end of a relation from “{_text(cur, source)}”"
        self.bar.showMessage(
            f"Click {what}, or select text and press an entity hotkey (Esc cancels)")
        self.on_pick_changed()

    def cancel_pick(self) -> bool:
        if self.pick is None:
            return False
        self.pick = None
        self.bar.clearMessage()
        self.on_pick_changed()
        return True

    def picked(self, span_id: str, pos: QPoint | None = None) -> bool:
        """Complete a pending pick with ``span_id``; returns False when no pick was pending."""
        pick = self.pick
        if pick is None or not span_id:
            return False
        self.pick = None
        self.bar.clearMessage()
        cur = self.session.current
        if pick.source in cur.events:  # Ctrl (or Shift) held: the pre-selected role, no menu
            quick = bool(QGuiApplication.keyboardModifiers() & QUICK_MODIFIERS)
            self.attach(pick.source, span_id, role=pick.role, position=pick.position, pos=pos, quick=quick)
        elif pick.source in cur.spans:
            self.relate(pick.source, span_id, pos=pos)
        self.on_pick_changed()
        return True


def _text(cur: DocState, span_id: str) -> str:
    s = cur.spans.get(span_id)
    if s is None:
        return span_id
    t = cur.text[s.start:s.end]
    return t if len(t) <= 30 else t[:29] + "…"


@lru_cache(maxsize=256)
def _arc_color(color: str) -> str:
    """Event colours are light (label backgrounds); arcs need a darker shade of the same hue
    (one string per colour, shared by every arc of it)."""
    return QColor(color).darker(170).name()
