"""Paint a widget whose content changes in a burst (a list filling while a document loads) at most a few times a second."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget


class PaintThrottle(QObject):
    """Holds ``widget``'s repaints during a burst of changes: the first change paints as usual, later
    ones within ``interval_ms`` are painted together when it ends, and so on until :meth:`release`.

    Why: the annotation list gets rows at each turn of a sliced load (~200 turns at 4 MB of
    brat density); the table and its scroll bar repainted at each one, 6.5 ms a turn, about a
    third of the load.  Held, it repaints four times a second; what the user sees of it lags by
    at most ``interval_ms``, and only while the load runs.
    """

    def __init__(self, widget: QWidget, interval_ms: int = 250) -> None:
        super().__init__(widget)
        self._widget = widget
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def holding(self) -> bool:
        """Whether changes are being held (the widget's updates are off) until the interval ends."""
        return not self._widget.updatesEnabled()

    def changed(self) -> None:
        """The widget's content changed (again): paint now if it has not painted within the interval, else hold."""
        if not self._timer.isActive():
            self._timer.start()  # this change paints as usual; the next ones within the interval wait
        elif self._widget.updatesEnabled():
            self._widget.setUpdatesEnabled(False)

    def release(self) -> None:
        """The burst is over: paint what was held now, and stop holding."""
        self._timer.stop()
        if not self._widget.updatesEnabled():
            self._widget.setUpdatesEnabled(True)  # Qt repaints the whole widget

    def _tick(self) -> None:
        if not self._widget.updatesEnabled():  # changes were held: show them, and hold the next interval's
            self._widget.setUpdatesEnabled(True)
            self._timer.start()
