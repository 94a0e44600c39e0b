"""The layer switcher: whose annotations the window shows and edits (mine, another annotator's, gold, or all overlaid).

A combo box on the toolbar and the radio items of the Layers menu choose the
same thing; Next Layer (a shortcut) cycles through them.  "Mine" is the layer
named after the user (``project.annotator``) when the project has that layer
or other annotators' layers (a team project); otherwise the default layer
``""``, where a single-annotator project keeps its work.  The list is
``project.layers()`` plus the user's own name and ``gold`` (even when empty),
and "All layers" last: every layer at once, read-only.  The choice is
remembered per project in the settings ("mine" as such, so it follows the
name).  Switching sets ``project.layer`` through :meth:`Session.set_layer`,
which reads the open document again in that layer and clears the undo stack.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QStatusBar, QWidget

from ..model import DEFAULT_LAYER, GOLD_LAYER, layer_title
from ..shortcuts import APP_SHORTCUTS
from ..store import StoreError
from .layer_overlay import TAG_SEPARATOR, short_tags
from .session import Session
from .textview import AnnotationView
from .view_anchor import capture, restore

#: The value of the "all layers overlaid" choice (a layer is a str).
ALL_LAYERS = None
#: How many layers' letters the status bar spells out while every layer is overlaid (all of them in its tooltip).
LEGEND_MAX = 4
MINE, ALL, NAMED = "*mine", "*all", "="  # how a choice is written in the settings (NAMED + the layer's name)


@dataclass(frozen=True)
class LayerChoice:
    """One entry of the switcher: its text, and the layer it shows (None: all of them, overlaid)."""

    text: str
    layer: str | None
    mine: bool = False

    @property
    def key(self) -> str:
        """How this choice is remembered in the settings."""
        if self.mine:
            return MINE
        return ALL if self.layer is None else NAMED + self.layer


def mine_layer(layers: list[str], annotator: str) -> str:
    """The user's own layer: their name's when the project has it or other annotators' layers, else the default."""
    if not annotator:
        return DEFAULT_LAYER
    if annotator in layers or any(name not in (DEFAULT_LAYER, GOLD_LAYER) for name in layers):
        return annotator
    return DEFAULT_LAYER


def layer_choices(layers: list[str], annotator: str) -> list[LayerChoice]:
    """The switcher's entries: mine first, then the other layers in ``layers``' order, gold, all overlaid."""
    mine = mine_layer(layers, annotator)
    names = [mine]
    names += [n for n in layers if n not in names and n != GOLD_LAYER]
    if annotator and annotator not in names:
        names.append(annotator)
    if mine != GOLD_LAYER:
        names.append(GOLD_LAYER)
    out = [LayerChoice(f"Mine ({layer_title(mine)})", mine, mine=True)]
    out += [LayerChoice(layer_title(n), n) for n in names[1:]]
    out.append(LayerChoice("All layers (overlaid, read-only)", ALL_LAYERS))
    return out


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an annotator's name (it names another layer), or None when it can."""
    for layer in (GOLD_LAYER, DEFAULT_LAYER):
        title = layer_title(layer)
        if name.strip().casefold() == title:
            return f"“{title}” names the {'adjudicated' if layer else 'default'} layer: choose your own name"
    return None


def settings_key(path: Path) -> str:
    """The settings entry that remembers the choice for the project at ``path``."""
    return f"layer/{path.resolve()}"


def describe(layer: str | None, annotator: str) -> str:
    """The layer as the title and status bar name it: ``"Dana"``, ``"default"``, ``"all layers"``."""
    if layer is None:
        return "all layers (read-only)"
    title = layer_title(layer)
    return f"{title} (mine)" if annotator and layer == annotator else title


class LayerSwitch(QObject):
    """The combo box (``combo``, in ``widget``), the Layers menu's radio items and Next Layer, for one window.

    ``attach(session)`` for each project opened; ``refresh()`` when the
    layers or the user's name may have changed.  ``switched`` after each
    switch and refresh (the window retitles itself).
    """

    switched = Signal()

    def __init__(self, parent: QWidget, settings: QSettings, menu: QMenu, anchor: QAction, bar: QStatusBar,
                 refuse: Callable[[str], None], view: AnnotationView | None = None):
        """``menu``: the Layers menu; the choices go above ``anchor`` (a separator in it).

        ``view``: the text, whose line being read stays in place across a switch.
        """
        super().__init__(parent)
        self.view = view
        self.settings = settings
        self.menu = menu
        self.anchor = anchor
        self.bar = bar
        self.refuse = refuse
        self.session: Session | None = None
        self.choices: list[LayerChoice] = []
        self.current: LayerChoice | None = None
        self.widget = QWidget()
        self.widget.setObjectName("layer_switch")
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(4)
        self.caption = QLabel("Layer:")
        self.combo = QComboBox()
        self.combo.setObjectName("layer_combo")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(8)
        self.combo.setToolTip("Whose annotations are shown and edited")
        self.caption.setBuddy(self.combo)
        row.addWidget(self.caption)
        row.addWidget(self.combo)
        self.combo.activated.connect(lambda i: self.choose(self.choices[i]) if 0 <= i < len(self.choices) else None)
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.menu_actions: list[QAction] = []
        self.status_label = QLabel("")
        self.status_label.setObjectName("layer_status")
        self.status_label.setContentsMargins(8, 0, 8, 0)
        bar.addPermanentWidget(self.status_label)
        self._fill()

    # ------------------------------------------------------------------ per project

    def attach(self, session: Session) -> None:
        """A newly opened project: its layers, and the choice remembered for it (else mine)."""
        self.session = session
        self.current = None
        self._fill()
        saved = str(self.settings.value(self._key(), MINE) or MINE) if self._key() else MINE
        choice = next((c for c in self.choices if c.key == saved), None) or self.choices[0]
        self.choose(choice, remember=False)
        self._hint_other_layers(choice)

    def _hint_other_layers(self, choice: LayerChoice) -> None:
        """Opening on an empty layer of mine in a project where others have work: say where it is."""
        s = self.session
        if s is None or not choice.mine:
            return
        layers = s.project.layers()
        if choice.layer in layers:
            return
        others = [layer_title(n) for n in layers]
        if others:
            self.bar.showMessage(
                f"Your layer is empty; this project holds {', '.join(others)}: "
                f"the Layer box or {APP_SHORTCUTS['Next Layer'][0]} shows them", 15000)

    def _key(self) -> str | None:
        s = self.session
        path = s.project.path if s is not None else None
        return settings_key(Path(path)) if path else None

    def refresh(self, *, follow_mine: bool = True) -> None:
        """Read the project's layers and the user's name again (a name change, an import).

        ``follow_mine``: when "mine" is shown and now means another layer (the
        name changed), show that one; False keeps the layer shown (the list
        changed under the user: an import, another program's write).
        """
        if self.session is None:
            return
        was = self.current
        self._fill()
        if was is not None and was.mine and follow_mine:
            self.choose(self.choices[0], remember=False)
        else:
            now = self._index_of_shown()
            self.current = self.choices[now] if now >= 0 else was
            self._show_current()
        self.switched.emit()

    def _fill(self) -> None:
        s = self.session
        if s is None:
            self.choices = []
        else:
            try:
                layers = s.project.layers()
            except StoreError:
                layers = [s.project.layer]
            self.choices = layer_choices(layers, s.project.annotator)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([c.text for c in self.choices])
        self.combo.blockSignals(False)
        self.combo.setEnabled(bool(self.choices))
        for a in self.menu_actions:
            self.group.removeAction(a)
            self.menu.removeAction(a)
            a.deleteLater()
        self.menu_actions = []
        for i, c in enumerate(self.choices):
            a = QAction(c.text.replace("&", "&&"), self)
            a.setCheckable(True)
            a.setObjectName(f"layer_choice_{i}")
            a.triggered.connect(lambda _checked=False, c=c: self.choose(c))
            self.group.addAction(a)
            self.menu.insertAction(self.anchor, a)
            self.menu_actions.append(a)
        self._show_current()

    # ------------------------------------------------------------------ choosing

    def choose(self, choice: LayerChoice, *, remember: bool = True) -> bool:
        """Show ``choice``'s layer (the open document is read again in it); False if it could not be read."""
        s = self.session
        if s is None:
            return False
        place = capture(self.view) if self.view is not None and choice.layer != s.layer else None
        try:
            s.set_layer(choice.layer)
        except StoreError as exc:
            self.refuse(f"Cannot show layer {describe(choice.layer, '')}: {exc}")
            self._show_current()
            return False
        if place is not None and self.view is not None:
            restore(self.view, place)  # the same text in another layer: the line read stays where it was
        self.current = choice
        if remember and self._key():
            self.settings.setValue(self._key(), choice.key)
        self._show_current()
        self.switched.emit()
        return True

    def cycle(self, step: int = 1) -> None:
        """Next Layer: the next entry of the list (round to the first after the last)."""
        if not self.choices:
            return
        i = self.choices.index(self.current) if self.current in self.choices else -1
        self.choose(self.choices[(i + step) % len(self.choices)])
        shown = self.current.text if self.current is not None else ""
        self.bar.showMessage(f"Layer: {shown}", 4000)

    def _show_current(self) -> None:
        s = self.session
        i = self._index_of_shown()
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(i)
        self.combo.blockSignals(False)
        for j, a in enumerate(self.menu_actions):
            a.setChecked(j == i)
        if s is None:
            self.status_label.setText("")
            return
        text = describe(s.layer, s.project.annotator)
        if s.layer is None:  # the tags end with each layer's letter: say which is whose
            keys = [f"{html.escape(tag)} = {html.escape(layer_title(layer))}"
                    for layer, tag in self.overlay_tags().items()]
            legend = ", ".join(keys[:LEGEND_MAX] + (["…"] if len(keys) > LEGEND_MAX else []))
            self.status_label.setText(f"Layer: <b>{text}</b> · {legend}" if legend else f"Layer: <b>{text}</b>")
            self.status_label.setToolTip(f"Every layer at once: a tag such as ORG{TAG_SEPARATOR}X is layer X's "
                                         f"annotation (Layers menu; toolbar)<br>{'<br>'.join(keys)}")
            return
        self.status_label.setText(f"Layer: <b>{html.escape(text)}</b>")
        self.status_label.setToolTip("The annotations shown and edited (Layers menu; toolbar)")

    def overlay_tags(self) -> dict[str, str]:
        """Each layer's letter in the tags while every layer is shown (``{"dana": "D", "bob": "B"}``)."""
        s = self.session
        if s is None:
            return {}
        try:
            return short_tags(s.project.layers())
        except StoreError:
            return dict(s.overlay.tags) if s.overlay is not None else {}

    def _index_of_shown(self) -> int:
        """The entry of the layer the session shows (the current choice first: mine and a named one can agree)."""
        s = self.session
        if s is None:
            return -1
        if self.current is not None and self.current in self.choices and self.current.layer == s.layer:
            return self.choices.index(self.current)
        return next((i for i, c in enumerate(self.choices) if c.layer == s.layer), -1)

    def title_part(self) -> str:
        """What the window title says of the layer: ``"layer Dana"`` (nothing when no project is open)."""
        s = self.session
        return "" if s is None else f"layer {describe(s.layer, s.project.annotator)}"
