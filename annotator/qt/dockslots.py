"""The docks around the text, empty: the window's final layout before the panels that fill them exist."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from .dock_layout import DockLayout

#: (key, title, area) of each dock, in the order the panels fill them.
LAYOUT = (
    ("documents", "Documents", Qt.LeftDockWidgetArea),
    ("labels", "Labels", Qt.RightDockWidgetArea),
    ("annotations", "Annotations", Qt.LeftDockWidgetArea),
    ("inspector", "Inspector", Qt.RightDockWidgetArea),
    ("problems", "Problems", Qt.LeftDockWidgetArea),
)


def dock_slots(window: QMainWindow) -> dict[str, QDockWidget]:
    """One dock per panel, docked into ``window`` in the arrangement for its width, holding an empty widget.

    Each dock's object name (``dock_<key>``) is what the saved window state refers to; the window's
    :class:`~annotator.qt.dock_layout.DockLayout` arranges them (and keeps following the width).
    """
    docks: dict[str, QDockWidget] = {}
    for key, title, area in LAYOUT:
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock_{key}")
        dock.setWidget(QWidget())
        window.addDockWidget(area, dock)
        docks[key] = dock
    DockLayout.of(window).adopt(docks)
    return docks
