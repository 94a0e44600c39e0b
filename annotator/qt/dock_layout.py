"""The docks' default arrangement: two columns on a wide window, one tabbed column on a narrow one.

The arrangement follows the window's width for as long as the user has not
moved a dock (dragged it to another side, floated it): then their layout is
theirs, and it is what the window saves.  The Problems dock stays one line
high while the document has no problems, and opens when it has some.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

#: The narrowest window that gets two columns of docks; a narrower one gets one column, its panels tabbed.
WIDE_MIN = 1300
#: The right column (Labels, Inspector): wide enough for an event's role rows with their fillers' names.
RIGHT_WIDTH = 430
#: The one column of a narrow window: at 1000 px the text keeps 570 px.
NARROW_WIDTH = 390
#: The left column of a wide window (Documents, Annotations, Problems).
LEFT_WIDTH = 300
#: The share of the column's height the Inspector gets (the rest: Labels, or the tabbed panels).
INSPECTOR_SHARE = 0.66
#: The Problems dock's height when problems arrive (it never takes more than a third of its column).
PROBLEMS_OPEN = 200
_NO_MAX = 16777215  # QWIDGETSIZE_MAX


class DockLayout(QObject):
    """Arranges the window's docks (see the module docstring); ``changed`` reports any change of theirs.

    One per window (:meth:`of`); :meth:`adopt` takes each project's new docks.
    ``auto`` is True while the arrangement follows the width.
    """

    changed = Signal()  # a dock moved, floated, was resized, shown or hidden; the window moved or was resized

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setObjectName("dock_layout")
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        self.auto = True
        self.wide: bool | None = None  # the arrangement in place (None: none yet)
        self.user_state: QByteArray | None = None  # the user's own layout, last saved (put back on new docks)
        self._arranging = False
        self._problems_open = False
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)  # after the window's own layout has taken the new size
        self._later.timeout.connect(self._follow_width)
        window.installEventFilter(self)

    @classmethod
    def of(cls, window: QMainWindow) -> DockLayout:
        """The window's one DockLayout (made on first use)."""
        found = window.findChild(cls, "dock_layout", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else cls(window)

    # ------------------------------------------------------------------ docks

    def adopt(self, docks: dict[str, QDockWidget]) -> None:
        """Watch and arrange a project's docks (keys as in :data:`annotator.qt.dockslots.LAYOUT`)."""
        self.docks = docks
        for old in self.window.findChildren(QDockWidget):  # the last project's docks, on their way out:
            if old not in docks.values() and old.objectName() in {d.objectName() for d in docks.values()}:
                old.setObjectName("")  # a saved layout names the new ones
        for dock in docks.values():
            dock.installEventFilter(self)
            dock.dockLocationChanged.connect(self._user_moved)
            dock.topLevelChanged.connect(self._user_moved)
        self._problems_open = False
        if not self.auto and self.user_state is not None:  # another project: the user's layout again
            self.restore_state(self.user_state, auto=False)
        else:
            self.arrange()

    def arrange(self) -> None:
        """Put the docks in the arrangement for the window's width (auto mode on again)."""
        if not self.docks:
            return
        self.auto = True
        wide = self.window.width() >= WIDE_MIN
        self._arranging = True
        try:
            for dock in self.docks.values():
                if dock.isFloating():
                    dock.setFloating(False)
            if wide:
                self._two_columns()
            else:
                self._one_column()
            if "problems" in self.docks:
                self._fit_problems(True)
        finally:
            self._arranging = False
        self.wide = wide
        self.changed.emit()

    def _column_height(self) -> int:
        """The docks' height: the text's, or, before the window was laid out, the window's less its bars."""
        central = self.window.centralWidget()
        laid_out = central is not None and self.window.isVisible() and central.height() > 100
        return max(central.height() if laid_out else self.window.height() - 110, 300)

    def _two_columns(self) -> None:
        w, d = self.window, self.docks
        w.addDockWidget(Qt.LeftDockWidgetArea, d["documents"])
        w.splitDockWidget(d["documents"], d["annotations"], Qt.Vertical)
        w.splitDockWidget(d["annotations"], d["problems"], Qt.Vertical)
        w.addDockWidget(Qt.RightDockWidgetArea, d["labels"])
        w.splitDockWidget(d["labels"], d["inspector"], Qt.Vertical)
        w.resizeDocks([d["documents"], d["labels"]], [LEFT_WIDTH, RIGHT_WIDTH], Qt.Horizontal)
        h = self._column_height()
        inspector = int(h * INSPECTOR_SHARE)
        w.resizeDocks([d["labels"], d["inspector"]], [h - inspector, inspector], Qt.Vertical)
        problems = self._problems_height(h)
        docs = min(180, h // 4)
        w.resizeDocks([d["documents"], d["annotations"], d["problems"]], [docs, h - docs - problems, problems],
                      Qt.Vertical)

    def _one_column(self) -> None:
        w, d = self.window, self.docks
        w.addDockWidget(Qt.RightDockWidgetArea, d["labels"])
        w.splitDockWidget(d["labels"], d["inspector"], Qt.Vertical)
        for key in ("annotations", "documents", "problems"):
            w.tabifyDockWidget(d["labels"], d[key])
        d["labels"].raise_()
        w.resizeDocks([d["labels"]], [NARROW_WIDTH], Qt.Horizontal)
        h = self._column_height()
        inspector = int(h * INSPECTOR_SHARE)
        w.resizeDocks([d["labels"], d["inspector"]], [h - inspector, inspector], Qt.Vertical)

    def restore_state(self, state: QByteArray, *, auto: bool) -> bool:
        """Put back a saved layout; ``auto``: it was the width's arrangement (and keeps following it)."""
        self._arranging = True
        try:
            done = self.window.restoreState(state)
        finally:
            self._arranging = False
        self.auto = auto
        self.user_state = None if auto else state
        if "labels" in self.docks:  # which arrangement was saved: one column has the panels tabbed with Labels
            self.wide = not self.window.tabifiedDockWidgets(self.docks["labels"])
        if "problems" in self.docks:
            self._fit_problems(self._problems_open)
        return done

    # ------------------------------------------------------------------ the Problems dock

    def problems_changed(self, n_problems: int) -> None:
        """Title the Problems dock with its count; one line high when empty, opened when problems arrive."""
        dock = self.docks.get("problems")
        if dock is None:
            return
        dock.setWindowTitle(f"Problems ({n_problems})" if n_problems else "Problems")
        panel = dock.widget()
        tree = getattr(panel, "tree", None)
        if tree is not None:
            tree.setVisible(n_problems > 0)  # empty: the panel is its one summary line ("No problems")
        was_open, self._problems_open = self._problems_open, n_problems > 0
        self._fit_problems(was_open)
        self.changed.emit()

    def _fit_problems(self, was_open: bool) -> None:
        """One line high while closed; opened to :data:`PROBLEMS_OPEN` when it has just opened."""
        dock = self.docks["problems"]
        if self.window.tabifiedDockWidgets(dock) or dock.isFloating():
            dock.setMaximumHeight(_NO_MAX)  # a tab: its group's height is the group's
        elif not self._problems_open:
            dock.setMaximumHeight(self._collapsed_height())
        else:
            dock.setMaximumHeight(_NO_MAX)
            if not was_open:
                self.window.resizeDocks([dock], [self._problems_height(self._column_height())], Qt.Vertical)

    def _problems_height(self, column: int) -> int:
        return min(PROBLEMS_OPEN, column // 3) if self._problems_open else self._collapsed_height()

    def _collapsed_height(self) -> int:
        """The title bar and one line: the panel's summary ("No problems") and its margins."""
        dock = self.docks["problems"]
        panel = dock.widget()
        line = dock.fontMetrics().height() + 8
        summary = getattr(panel, "summary", None)
        if summary is not None:
            line = summary.sizeHint().height()
        margins = panel.layout().contentsMargins() if panel is not None and panel.layout() is not None else None
        inner = line + (margins.top() + margins.bottom() if margins is not None else 8)
        title = dock.fontMetrics().height() + 10  # the dock's title bar
        return inner + title

    # ------------------------------------------------------------------ following the user and the width

    def _user_moved(self, *_args: object) -> None:
        if not self._arranging and self.wide is not None:
            self.auto = False  # the user arranged the docks: leave them where they are
        self.changed.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if obj is self.window:
            if kind == QEvent.Type.Resize:
                if self.auto and self.wide is not None and (self.window.width() >= WIDE_MIN) != self.wide:
                    self._later.start()
                self.changed.emit()
            elif kind == QEvent.Type.Move:
                self.changed.emit()
        elif isinstance(obj, QWidget) and kind in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
            self.changed.emit()
        return False

    def _follow_width(self) -> None:
        if self.auto and self.docks and (self.window.width() >= WIDE_MIN) != self.wide:
            self.arrange()
