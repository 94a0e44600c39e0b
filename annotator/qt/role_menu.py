"""The role menu of a new argument: the allowed roles, full ones disabled with the reason, the likely one pre-selected."""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from .role_priors import RoleOption

ENTER_HINT = "Enter"  # shown in the shortcut column of the pre-selected role


def full_tooltip(option: RoleOption) -> str:
    n = option.limit
    return (f"{option.role} takes at most {n} filler{'s' if n != 1 else ''} and has {option.filled}: "
            "remove or move one first (Inspector, ⋯)")


def build_role_menu(parent: QWidget, title: str, options: list[RoleOption], preselected: str | None,
                    choose: Callable[[str], None]) -> QMenu:
    """A menu with one item per option, in the given (schema) order, digits 1-9 as accelerators.

    A full role is shown disabled, its reason in the text ("Place — full (1 of 1)")
    and in its tooltip.  ``preselected`` is the active item (Enter takes it),
    in bold with "Enter" beside it.
    """
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    head = menu.addAction(title)
    head.setEnabled(False)
    menu.addSeparator()
    active: QAction | None = None
    for i, option in enumerate(options):
        text = f"&{i + 1} {option.role}" if i < 9 else option.role
        if option.full:
            text += f" — {option.reason()}"
        act = menu.addAction(text)
        act.setData(option.role)
        if option.full:
            act.setEnabled(False)
            act.setToolTip(full_tooltip(option))
            continue
        act.triggered.connect(lambda _checked=False, r=option.role: choose(r))
        if option.role == preselected:
            act.setText(f"{text}\t{ENTER_HINT}")
            font = act.font()
            font.setBold(True)
            act.setFont(font)
            act.setToolTip(f"The most likely role here: Enter takes it; Ctrl (or Shift) held as you release "
                           f"a drag takes it without this menu")
            active = act
    if active is not None:
        menu.setActiveAction(active)
    return menu
