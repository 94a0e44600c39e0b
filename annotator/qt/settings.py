"""What the window remembers between runs: geometry, dock layout, zoom, arcs mode, the annotator's name.

The layout is saved when it changes (half a second after the last change: a
drag of a dock's edge, a move of the window, a zoom), not only on a clean exit,
so a crash loses none of it.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from .dock_layout import WIDE_MIN, DockLayout
from .textview import AnnotationView

#: The size of the window on the first run, when the screen has room for it (else Qt's default stays).
FIRST_RUN_SIZE = (1400, 900)


class WindowSettings(QObject):
    """Restores and saves ``window``'s layout and the view's zoom in ``settings``.

    ``saved`` is emitted after each save (on a change, after :attr:`SAVE_DELAY_MS` of quiet).
    """

    saved = Signal()
    SAVE_DELAY_MS = 500

    def __init__(self, settings: QSettings, window: QMainWindow, view: AnnotationView):
        super().__init__(window)
        self.settings = settings
        self.window = window
        self.view = view
        self.override: str | None = None  # an annotator name for this run only (``annotator --annotator NAME``)
        self._watching = False  # changes are saved only once the saved layout was restored
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.docks = DockLayout.of(window)
        self.docks.changed.connect(self.schedule_save)

    def restore(self, arcs_selected: QAction) -> None:
        """Geometry, dock layout, the arcs mode (checks ``arcs_selected``) and the zoom; then watch for changes."""
        geo = self.settings.value("geometry")
        if isinstance(geo, QByteArray):
            self.window.restoreGeometry(geo)
        else:
            self._first_run_size()
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray):
            auto = self.settings.value("layout_auto", False) in (True, "true", "1", 1)
            self.docks.restore_state(state, auto=auto)
        elif self.docks.wide is not None and (self.window.width() >= WIDE_MIN) != self.docks.wide:
            self.docks.arrange()
        arcs_sel = self.settings.value("arcs_selected_only", False)
        arcs_selected.setChecked(arcs_sel in (True, "true", "1", 1))
        for name in ("zoom_in", "zoom_out", "zoom_reset"):
            action = self.window.findChild(QAction, f"action_{name}")
            if action is not None:
                action.triggered.connect(self.schedule_save)
        self._watching = True
        try:
            zoom = int(self.settings.value("zoom", 0))
        except (TypeError, ValueError):
            return
        if zoom != self.view.zoom():  # the same zoom would lay the shown text out again for nothing
            self.view.set_zoom(zoom)

    def _first_run_size(self) -> None:
        screen = self.window.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        w, h = FIRST_RUN_SIZE
        if room.width() >= w + 40 and room.height() >= h + 60:
            self.window.resize(w, h)

    def schedule_save(self, *_args: object) -> None:
        """Save the layout once it has stopped changing for :attr:`SAVE_DELAY_MS`."""
        if self._watching:
            self._timer.start()

    @property
    def save_pending(self) -> bool:
        """A change waits for its save."""
        return self._timer.isActive()

    def save(self) -> None:
        """Geometry, dock layout (and whether it still follows the width) and zoom, written to the file at once."""
        self._timer.stop()
        self.settings.setValue("geometry", self.window.saveGeometry())
        state = self.window.saveState()
        self.settings.setValue("window_state", state)
        self.settings.setValue("layout_auto", self.docks.auto)
        self.docks.user_state = None if self.docks.auto else state
        self.settings.setValue("zoom", self.view.zoom())
        self.settings.sync()
        self.saved.emit()

    def set_arcs_selected_only(self, selected_only: bool) -> None:
        self.view.set_arcs_mode("selected" if selected_only else "all")
        self.settings.setValue("arcs_selected_only", selected_only)

    # ------------------------------------------------------------------ the annotator's name

    def annotator(self) -> str:
        """The name recorded on every annotation this user makes ('' if not set)."""
        if self.override is not None:
            return self.override
        return str(self.settings.value("annotator", "") or "")

    def was_asked(self) -> bool:
        """Whether the name was asked for (or set) once already: the first-run question comes once."""
        return self.settings.contains("annotator") or self.settings.value("annotator_asked", False) in (
            True, "true", "1", 1)

    def set_annotator(self, name: str) -> str:
        """Remember ``name`` (stripped) as this user's; returns it."""
        name = name.strip()
        self.override = None
        self.settings.setValue("annotator", name)
        self.settings.setValue("annotator_asked", True)
        self.settings.sync()
        return name

    def skip_annotator(self) -> None:
        """The first-run question was skipped: do not ask again (Edit › Preferences… still can)."""
        self.settings.setValue("annotator_asked", True)
        self.settings.sync()
