"""Review mode's actions: the Review Mode toggle (Ctrl+Shift+R), the Review menu, and the key of a key event.

The review commands are menu items without a shortcut: their keys (single
letters, Space, Enter) are label hotkeys while tagging, so a window shortcut
would make both dead.  The menu shows the keys in its shortcut column (the
text after a tab) and in each item's tooltip; review mode's key filter
(:class:`annotator.qt.review_mode.ReviewMode`) acts on them.
"""
from __future__ import annotations

from typing import Callable, Protocol

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QToolBar

from .review_keys import COMMANDS, TOGGLE_KEY

_MODS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
         | Qt.KeyboardModifier.MetaModifier)
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_unknown}

#: The Review menu's order ("-" a separator).
MENU_ORDER = ("next", "prev", "next_any", "prev_any", "-", "accept", "reject", "correct", "comment", "clear", "-",
              "leave")


def key_text(event: QKeyEvent) -> str:
    """The key of ``event`` as ``QKeySequence.toString(PortableText)`` writes it (``Shift+Space``, ``A``)."""
    key = event.key()
    if key in _MODIFIER_KEYS:
        return ""
    mods = event.modifiers() & _MODS
    return QKeySequence(QKeyCombination(mods, Qt.Key(key))).toString(QKeySequence.SequenceFormat.PortableText)


class WindowMenus(Protocol):
    """What this needs of the window's :class:`~annotator.qt.actions.WindowActions`."""

    menus: dict[str, QMenu]
    toolbar: QToolBar

    def __getitem__(self, name: str) -> QAction: ...


class ReviewActions:
    """The toggle (``toggle``, a window action with its shortcut), one action per review command
    (``actions[name]``, enabled only in review mode) and the Review menu (``menu``, before Help)."""

    def __init__(self, window: QMainWindow, menus: WindowMenus, handlers: dict[str, Callable[[], object]],
                 on_toggled: Callable[[bool], None]):
        self.toggle = QAction("&Review Mode", window)
        self.toggle.setObjectName("action_review_mode")
        self.toggle.setCheckable(True)
        self.toggle.setShortcut(QKeySequence(TOGGLE_KEY))
        self.toggle.setIconText("Review")
        self.toggle.setToolTip(f"Review Mode ({TOGGLE_KEY})")
        self.toggle.setStatusTip("Review mode: step through the annotations and accept, reject, correct or comment "
                                 f"each ({TOGGLE_KEY}; Esc leaves)")
        self.toggle.toggled.connect(on_toggled)
        window.addAction(self.toggle)
        self.actions: dict[str, QAction] = {}
        for name, (text, keys, what) in COMMANDS.items():
            native = ", ".join(keys)
            a = QAction(f"{text}\t{native}", window)  # the keys in the menu's shortcut column, no shortcut
            a.setObjectName(f"action_review_{name}")
            a.setIconText(text.split()[0].rstrip("…"))  # a short button ("Next"): the keys are in its tooltip
            a.setToolTip(f"{what} — {native}")
            a.setStatusTip(f"{what} ({native})")
            a.setEnabled(False)
            a.triggered.connect(lambda _c=False, h=handlers[name]: h())
            self.actions[name] = a
        self.menu = QMenu("&Review", window)
        self.menu.setObjectName("menu_review")
        self.menu.setToolTipsVisible(True)
        self.menu.addAction(self.toggle)
        self.menu.addSeparator()
        for name in MENU_ORDER:
            self.menu.addSeparator() if name == "-" else self.menu.addAction(self.actions[name])
        bar: QMenuBar = window.menuBar()
        help_menu = menus.menus.get("&Help")
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        menus.toolbar.insertAction(menus["find"], self.toggle)

    def set_checked(self, on: bool) -> None:
        """Show the mode's state on the toggle without running it again."""
        if self.toggle.isChecked() != on:
            self.toggle.blockSignals(True)
            self.toggle.setChecked(on)
            self.toggle.blockSignals(False)

    def set_enabled(self, on: bool) -> None:
        """The review commands act only in review mode."""
        for a in self.actions.values():
            a.setEnabled(on)
