"""What the window remembers between runs: geometry, dock layout, zoom, arcs mode, the annotator's name."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMainWindow

from .textview import AnnotationView


class WindowSettings:
    """Restores and saves ``window``'s layout and the view's zoom in ``settings``."""

    def __init__(self, settings: QSettings, window: QMainWindow, view: AnnotationView):
        self.settings = settings
        self.window = window
        self.view = view

    def restore(self, arcs_selected: QAction) -> None:
        """Geometry, dock layout, the arcs mode (checks ``arcs_selected``) and the zoom."""
        geo = self.settings.value("geometry")
        if isinstance(geo, QByteArray):
            self.window.restoreGeometry(geo)
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray):
            self.window.restoreState(state)
        arcs_sel = self.settings.value("arcs_selected_only", False)
        arcs_selected.setChecked(arcs_sel in (True, "true", "1", 1))
        try:
            zoom = int(self.settings.value("zoom", 0))
        except (TypeError, ValueError):
            return
        if zoom != self.view.zoom():  # the same zoom would lay the shown text out again for nothing
            self.view.set_zoom(zoom)

    def save(self) -> None:
        """On close: geometry, dock layout and zoom."""
        self.settings.setValue("geometry", self.window.saveGeometry())
        self.settings.setValue("window_state", self.window.saveState())
        self.settings.setValue("zoom", self.view.zoom())

    def set_arcs_selected_only(self, selected_only: bool) -> None:
        self.view.set_arcs_mode("selected" if selected_only else "all")
        self.settings.setValue("arcs_selected_only", selected_only)

    def annotator(self) -> str:
        """The name recorded on every annotation this user makes ('' if not set)."""
        return str(self.settings.value("annotator", "") or "")

    def ask_annotator(self) -> str | None:
        """Edit › Set Annotator Name: the new name (stored), or None when cancelled."""
        name, ok = QInputDialog.getText(self.window, "Annotator name",
                                        "Your name, recorded on every annotation you make:", text=self.annotator())
        if not ok:
            return None
        self.settings.setValue("annotator", name.strip())
        return name.strip()
