"""Letters in review mode's correction menu (C): a type's hotkey (or a role's first letter) takes that entry.

A menu of types shown without its keys made the user reach for the mouse:
the label hotkeys (PER: P, ORG: O, ...) did nothing while it was open (the
menu had the keyboard, and a menu searches its entries only by ``&``
mnemonics).  Each entry now shows its key in the shortcut column, and the
menu takes the key itself: no window shortcut is made, so the window's own
label hotkeys stay unambiguous.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QMenu

_KM = Qt.KeyboardModifier
_NO_LETTER_MODS = _KM.ControlModifier | _KM.AltModifier | _KM.MetaModifier


class MenuKeys(QObject):
    """Installed on a correction menu: ``keys`` maps a key (``"O"``) to the entry it takes."""

    def __init__(self, menu: QMenu, keys: dict[str, QAction]):
        super().__init__(menu)
        self.keys = keys
        menu.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QMenu):
            return False
        assert isinstance(event, QKeyEvent)
        if event.modifiers() & _NO_LETTER_MODS or len(event.text()) != 1:
            return False
        action = self.keys.get(event.text().upper())
        if action is None or not action.isEnabled():
            return False
        obj.close()
        action.trigger()
        return True


def add_menu_keys(menu: QMenu, names: list[str], hotkeys: dict[str, str] | None = None) -> MenuKeys:
    """Give the entries of ``menu`` named in ``names`` their keys: ``hotkeys`` (type name -> one-letter key) when
    given, else each name's first letter not taken by an earlier one.  The key is shown after a tab (the
    shortcut column); the entry's ``data()`` is its name."""
    keys: dict[str, QAction] = {}
    wanted = set(names)
    for action in menu.actions():
        name = action.data() if isinstance(action.data(), str) else action.text()
        if name not in wanted:
            continue
        if hotkeys is not None:
            key = hotkeys.get(name, "")
        else:
            key = next((c.upper() for c in name if c.isalnum() and c.upper() not in keys), "")
        action.setData(name)
        if len(key) == 1 and key.upper() not in keys:
            keys[key.upper()] = action
            action.setText(f"{name}\t{key.upper()}")
    return MenuKeys(menu, keys)
