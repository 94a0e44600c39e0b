"""Argument slots: one row per role of the shown event, with clickable fillers.

A row shows the role, its cardinality hint ("1", "0-1", "1+", "any", or a
count "2" / range "1-3") and its fillers.  A filler is a link button (its covered text and type); clicking it,
or pressing Enter on it, emits :attr:`ArgumentSlots.jump_requested` with the
filler's id.  Each filler has a "⋯" menu (change role, move to another filler,
remove) and each role a "+" button that asks the main window to pick a filler.

Rows are rebuilt from the session's stored state on every :meth:`refresh`, so
after a refused write the display is simply rebuilt from what the store holds.
Edits go through :class:`~annotator.qt.session.Session` (one undoable command
each); picking a filler in the text is the main window's job, asked for by
:attr:`pick_filler_requested` and :attr:`add_argument_requested`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..schema import Role
from .palette import swatch
from .session import Session

#: The short hint shown for each named cardinality (counts and ranges show as themselves: see Role.hint).
CARD_HINT: dict[str, str] = {"optional": "0-1", "one": "1", "one_or_more": "1+", "any": "any"}
_CARD_WORDS: dict[str, str] = {
    "optional": "optional, at most one filler",
    "one": "required, exactly one filler",
    "one_or_more": "required, one or more fillers",
    "any": "optional, any number of fillers",
}


def card_words(role: Role) -> str:
    """The cardinality of ``role`` in words, for tooltips."""
    words = _CARD_WORDS.get(role.cardinality)
    if words:
        return words
    need = "required" if role.required else "optional"
    if role.max is None:
        return f"{need}, {role.min} or more fillers"
    if role.min == role.max:
        return f"{need}, exactly {role.min} fillers"
    if role.min == 0:
        return f"{need}, at most {role.max} fillers"
    return f"{need}, {role.min} to {role.max} fillers"
FILLER_CHARS = 60  # covered text longer than this is cut in the button (full text in the tooltip)

# slot states, as :meth:`ArgumentSlots.slot_rows` reports them
FILLED, EMPTY, REQUIRED, TOO_MANY, NOT_ALLOWED = "filled", "empty", "required", "too_many", "not_allowed"


@dataclass
class SlotRow:
    """What one row shows: a role, its hint, its fillers as (position, ref), and its state."""

    role: str
    hint: str
    fillers: list[tuple[int, str]] = field(default_factory=list)
    state: str = EMPTY


def tones(palette: QPalette) -> dict[str, QColor]:
    """Text colours for error, warning, muted and link text that read on ``palette``'s background."""
    dark = palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5
    link = palette.color(QPalette.ColorRole.Link)
    if dark and link.lightnessF() < 0.6:  # Qt's default link blue is unreadable on dark grey
        link = QColor("#8ab4f8")
    return {
        "error": QColor("#ff7b72" if dark else "#c62828"),
        "warn": QColor("#f0a040" if dark else "#b45309"),
        "muted": palette.color(QPalette.ColorRole.PlaceholderText),
        "link": link,
    }


def _color(w: QWidget, role: QPalette.ColorRole, c: QColor) -> None:
    pal = w.palette()
    pal.setColor(role, c)
    w.setPalette(pal)


class FillerLink(QToolButton):
    """A filler shown as a link ``“covered text” TYPE``: click, Space or Enter activates it.

    When narrow, the type's name goes first (the swatch keeps its colour, the tooltip its name),
    then the covered text is cut at its end.
    """

    def __init__(self, ref: str, covered: str, type_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ref = ref
        self._covered = covered
        self._type = type_name
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setText(self.full_text())

    def full_text(self) -> str:
        return f"“{self._covered}” {self._type}" if self._type else self.ref

    def _chrome(self) -> int:
        """Width of everything but the text (icon, margins)."""
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(self.text())

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        fm = self.fontMetrics()
        return QSize(hint.width() - fm.horizontalAdvance(self.text()) + fm.horizontalAdvance(self.full_text()),
                     hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        fm = self.fontMetrics()
        least = self._chrome() + fm.horizontalAdvance(f"“{self._covered[:4]}…”")
        return QSize(min(least, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        if not self._type:
            return
        fm = self.fontMetrics()
        room = self.width() - self._chrome()
        text = self.full_text()
        if fm.horizontalAdvance(text) > room:
            covered = fm.elidedText(self._covered, Qt.TextElideMode.ElideRight, max(room - fm.horizontalAdvance("“”"), 0))
            text = f"“{covered}”"
        if text != self.text():
            self.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.animateClick()
            event.accept()
            return
        super().keyPressEvent(event)


class ArgumentSlots(QWidget):
    """The role slots of one event, or the head and tail of one relation."""

    jump_requested = Signal(str)              # a filler's id (entity span or event)
    pick_filler_requested = Signal(str, int)  # event id, argument position: pick its new filler
    add_argument_requested = Signal(str, str)  # event id, role: pick a filler to add under role

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._event_id: str | None = None
        self._relation_id: str | None = None
        self._rows: list[SlotRow] = []
        self._named: dict[str, QWidget] = {}   # objectName -> widget of the current build
        self._focus_chain: list[QWidget] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(1)
        self._grid.setColumnStretch(2, 1)

    # ------------------------------------------------------------------ public

    @property
    def event_id(self) -> str | None:
        return self._event_id

    def show_event(self, event_id: str | None) -> None:
        """Show the slots of ``event_id`` (None: nothing)."""
        self._event_id, self._relation_id = event_id, None
        self.refresh()

    def show_relation(self, relation_id: str | None) -> None:
        """Show the head and tail of ``relation_id`` as fillers."""
        self._event_id, self._relation_id = None, relation_id
        self.refresh()

    def slot_rows(self) -> list[SlotRow]:
        """The rows as shown, in order (schema roles first, then roles not in the schema)."""
        return list(self._rows)

    def widget(self, name: str) -> QWidget | None:
        """A widget of the current rows by name: ``role:R``, ``hint:R``, ``status:R``,
        ``filler:P`` and ``menu:P`` (P an argument position), ``add:R``; for a
        relation ``filler:head`` / ``filler:tail``."""
        return self._named.get(name)

    def focus_chain(self) -> list[QWidget]:
        """The focusable widgets in Tab order (fillers, their menus, then the role's + button)."""
        return [w for w in self._focus_chain if w.isEnabled()]

    def summary(self) -> str:
        """The arguments as plain text, one ``Role → “text” (id)`` line each (for tooltips and screen readers)."""
        cur = self.session.current
        ev = cur.events.get(self._event_id) if cur is not None and self._event_id else None
        if ev is None:
            return ""
        lines = [f"{a.role} → {self._filler_text(a.ref)}" for a in ev.arguments]
        return "\n".join(lines) if lines else "(none)"

    def change_role(self, position: int, role: str) -> bool:
        """Give the argument at ``position`` the role ``role`` (one undoable command)."""
        if self._event_id is None:
            return False
        ok = self.session.change_argument(self._event_id, position, role=role)
        if not ok:
            self.refresh()  # refused: show exactly what the store holds
        return ok

    def remove(self, position: int) -> bool:
        """Remove the argument at ``position`` (one undoable command)."""
        if self._event_id is None:
            return False
        ok = self.session.remove_argument(self._event_id, position)
        if not ok:
            self.refresh()
        return ok

    # ------------------------------------------------------------------ building

    def refresh(self) -> None:
        """Rebuild the rows from the stored state, keeping keyboard focus on the same slot."""
        focused = QApplication.focusWidget()
        keep = focused.objectName() if focused is not None and focused in self._named.values() else None
        self._clear()
        self._tones = tones(self.palette())
        self._line_height = self._button_height()
        cur = self.session.current
        if cur is not None and self._event_id in cur.events:
            self._build_event(cur.events[self._event_id])
        elif cur is not None and self._relation_id in cur.relations:
            self._build_relation(cur.relations[self._relation_id])
        self.setAccessibleDescription(self.summary())
        if keep:
            role = keep.split(":", 1)[1]
            target = self._named.get(keep) or self._named.get(f"add:{role}")
            if target is None or not target.isEnabled():
                target = next(iter(self.focus_chain()), None)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _button_height(self) -> int:
        """The height of a one-line tool button in this widget's font (never shown)."""
        probe = QToolButton()
        probe.setFont(self.font())
        probe.setAutoRaise(True)
        probe.setText("X")
        return probe.sizeHint().height()

    def _clear(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            w = item.widget()
            if w is not None:
                w.hide()
                w.deleteLater()  # a menu of it may still be on its way out
        self._rows, self._named, self._focus_chain = [], {}, []

    def _name(self, w: QWidget, name: str) -> QWidget:
        w.setObjectName(name)
        self._named[name] = w
        if isinstance(w, QLabel):
            # as tall as a filler button, text centred: every row's words sit on one line
            w.setMinimumHeight(self._line_height)
            w.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return w

    def _build_event(self, ev) -> None:  # noqa: ANN001
        schema = self.session.project.schema
        et = schema.event_types.get(ev.type)
        roles: dict[str, Role | None] = dict(et.roles) if et is not None else {}
        for a in ev.arguments:
            if a.role not in roles:
                roles[a.role] = None  # filled, but not a role of this type
        for r, (name, role) in enumerate(roles.items()):
            positions = [(i, a.ref) for i, a in enumerate(ev.arguments) if a.role == name]
            n = len(positions)
            if role is None:
                state = NOT_ALLOWED
            elif role.max is not None and n > role.max:
                state = TOO_MANY
            elif n < role.min:
                state = REQUIRED  # empty, or fewer fillers than the role needs
            elif n:
                state = FILLED
            else:
                state = EMPTY
            row = SlotRow(name, role.hint if role else "", positions, state)
            self._rows.append(row)
            self._add_row(r, ev, row, role)

    def _add_row(self, r: int, ev, row: SlotRow, role: Role | None) -> None:  # noqa: ANN001
        t = self._tones
        name = row.role
        label = self._name(QLabel(name), f"role:{name}")
        f = label.font()
        f.setBold(bool(role and role.required) or row.state in (TOO_MANY, NOT_ALLOWED))
        label.setFont(f)
        if row.state in (TOO_MANY, NOT_ALLOWED):
            _color(label, QPalette.ColorRole.WindowText, t["error"])
        elif row.state == REQUIRED:
            _color(label, QPalette.ColorRole.WindowText, t["warn"])
        if role is not None:
            types = ", ".join(role.types)
            label.setToolTip(f"{name}: {card_words(role)}\nFillers: {types}")
            hint = self._name(QLabel(row.hint), f"hint:{name}")
            hint.setToolTip(label.toolTip())
            _color(hint, QPalette.ColorRole.WindowText, t["error"] if row.state == TOO_MANY else t["muted"])
        else:
            hint = self._name(QLabel("✕"), f"hint:{name}")
            hint.setToolTip(f"{ev.type} has no role {name}: change its role or remove it")
            _color(hint, QPalette.ColorRole.WindowText, t["error"])
            label.setToolTip(hint.toolTip())
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        cell = QWidget()
        col = QVBoxLayout(cell)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        for pos, ref in row.fillers:
            col.addWidget(self._filler_line(ev, pos, ref, role))
        if row.state in (EMPTY, REQUIRED):
            missing = (role.min - len(row.fillers)) if role is not None else 0
            text = "—" if row.state == EMPTY else "required" if not row.fillers else f"needs {missing} more"
            status = self._name(QLabel(text), f"status:{name}")
            if row.state == REQUIRED:
                sf = status.font()
                sf.setBold(True)
                status.setFont(sf)
                status.setToolTip(f"{name} must be filled: press + and click its filler in the text" if not row.fillers
                                  else f"{name} needs at least {role.min if role else 1} fillers: press + and click "
                                       f"the next one in the text")
            else:
                status.setToolTip("empty (optional)")
            _color(status, QPalette.ColorRole.WindowText, t["warn"] if row.state == REQUIRED else t["muted"])
            col.addWidget(status)
        elif row.state in (TOO_MANY, NOT_ALLOWED):
            text = f"too many: {len(row.fillers)}, at most {role.max}" if role else "not allowed"
            status = self._name(QLabel(text), f"status:{name}")
            _color(status, QPalette.ColorRole.WindowText, t["error"])
            col.addWidget(status)
        status = self._named.get(f"status:{name}")
        if status is not None:
            status.setContentsMargins(4, 0, 0, 0)  # line up with the fillers' text

        align = Qt.AlignmentFlag.AlignTop
        self._grid.addWidget(label, r, 0, align | Qt.AlignmentFlag.AlignLeft)
        self._grid.addWidget(hint, r, 1, align)
        self._grid.addWidget(cell, r, 2, align)
        if role is not None:
            add = self._name(QToolButton(), f"add:{name}")
            add.setText("+")
            add.setAutoRaise(True)
            add.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            add.setAccessibleName(f"Add {name}")
            full = role.max is not None and len(row.fillers) >= role.max
            add.setEnabled(not full)
            add.setToolTip(f"{name} is full ({len(row.fillers)} of {role.max})" if full
                           else f"Add a {name}: click its filler in the text next")
            add.clicked.connect(lambda _c=False, e=ev.id, n=name: self.add_argument_requested.emit(e, n))
            self._grid.addWidget(add, r, 3, align)
            self._focus_chain.append(add)

    def _filler_line(self, ev, pos: int, ref: str, role: Role | None) -> QWidget:  # noqa: ANN001
        line = QWidget()
        h = QHBoxLayout(line)
        h.setContentsMargins(0, 0, 0, 0)
        h.setSpacing(0)
        link = self._link(ref, f"filler:{pos}")
        ftype = self._filler_type(ref)
        if role is not None and ftype not in role.types:
            _color(link, QPalette.ColorRole.ButtonText, self._tones["error"])
            link.setToolTip(link.toolTip() + f"\n{ftype} may not fill {role.name}")
        h.addWidget(link, 1)
        menu_button = self._name(QToolButton(), f"menu:{pos}")
        menu_button.setText("⋯")
        menu_button.setAutoRaise(True)
        menu_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu_button.setAccessibleName(f"Actions for {ev.arguments[pos].role} {ref}")
        menu_button.setToolTip("Change role, move or remove this argument")
        menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        menu_button.setMenu(self._argument_menu(menu_button, ev, pos, ftype))
        h.addWidget(menu_button)
        self._focus_chain.append(menu_button)
        return line

    def _argument_menu(self, parent: QWidget, ev, pos: int, ftype: str) -> QMenu:  # noqa: ANN001
        schema = self.session.project.schema
        et = schema.event_types.get(ev.type)
        now = ev.arguments[pos].role
        menu = QMenu(parent)
        sub = menu.addMenu("Change role")
        sub.setObjectName("change_role")
        sub.setToolTipsVisible(True)
        for role in schema.allowed_roles(ev.type, ftype):
            if role == now:
                continue
            act = sub.addAction(role)
            spec = et.roles[role]
            filled = sum(1 for a in ev.arguments if a.role == role)
            if spec.max is not None and filled >= spec.max:
                act.setEnabled(False)
                act.setText(f"{role} — full ({filled} of {spec.max})")
                act.setToolTip(f"{role} takes at most {spec.max}; remove or move its filler first")
            act.triggered.connect(lambda _c=False, p=pos, r=role: self.change_role(p, r))
        sub.setEnabled(not sub.isEmpty())
        move = menu.addAction("Move to another filler…")
        move.setObjectName("move")
        move.triggered.connect(lambda _c=False, e=ev.id, p=pos: self.pick_filler_requested.emit(e, p))
        menu.addSeparator()
        remove = menu.addAction("Remove")
        remove.setObjectName("remove")
        remove.triggered.connect(lambda _c=False, p=pos: self.remove(p))
        return menu

    def _build_relation(self, rel) -> None:  # noqa: ANN001
        rt = self.session.project.schema.relation_types.get(rel.type)
        for r, (end, ref) in enumerate((("head", rel.head), ("tail", rel.tail))):
            allowed = (rt.head_types if end == "head" else rt.tail_types) if rt else ()
            row = SlotRow(end.capitalize(), "", [(r, ref)], FILLED)
            self._rows.append(row)
            label = self._name(QLabel(row.role), f"role:{row.role}")
            if allowed:
                label.setToolTip(f"{row.role}: {', '.join(allowed)}")
            link = self._link(ref, f"filler:{end}")
            self._grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(link, r, 2, Qt.AlignmentFlag.AlignTop)

    def _link(self, ref: str, name: str) -> FillerLink:
        schema = self.session.project.schema
        ftype = self._filler_type(ref)
        text = self._covered_of(ref)
        short = text if len(text) <= FILLER_CHARS else text[: FILLER_CHARS - 1] + "…"
        link = FillerLink(ref, short, ftype)
        self._name(link, name)
        link.setIcon(swatch(schema.color(ftype), 10))
        link.setToolTip(f"“{text}” {ftype} ({ref})\nClick or Enter: go to it")
        link.setAccessibleName(f"{text} {ftype}")
        link.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        _color(link, QPalette.ColorRole.ButtonText, self._tones["link"])
        link.clicked.connect(lambda _c=False, i=ref: self.jump_requested.emit(i))
        self._focus_chain.append(link)
        return link

    # ------------------------------------------------------------------ text of fillers

    def _filler_type(self, ref: str) -> str:
        cur = self.session.current
        if ref in cur.spans:
            return cur.spans[ref].label
        if ref in cur.events:
            return cur.events[ref].type
        return ""

    def _covered_of(self, ref: str) -> str:
        cur = self.session.current
        if ref in cur.events:
            ref = cur.events[ref].trigger
        s = cur.spans.get(ref)
        return " … ".join(cur.text[a:b] for a, b in s.pieces()) if s is not None else ""

    def _filler_text(self, ref: str) -> str:
        cur = self.session.current
        if ref in cur.spans:
            return f"“{self._covered_of(ref)}” ({ref})"
        if ref in cur.events:
            return f"{cur.events[ref].type} “{self._covered_of(ref)}” ({ref})"
        return ref

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._rows and not getattr(self, "_in_palette", False):
            self._in_palette = True
            try:
                self.refresh()  # the tones depend on the palette (light / dark)
            finally:
                self._in_palette = False
