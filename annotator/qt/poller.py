"""Notice what other windows and processes write to the open project file.

Two windows (or a window and ``annotator import``) may write the same file:
the store takes the write lock per transaction.  This watcher asks the
session, cheaply (``PRAGMA data_version`` in the store), whether the file
changed under it: when the window is activated, and every ``INTERVAL_MS``.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from .session import Session


class ExternalChangeWatcher(QObject):
    """Polls ``Session.sync_external`` on a timer and on window activation."""

    INTERVAL_MS = 1500

    def __init__(self, window: QObject, session_of: Callable[[], Session | None]):
        super().__init__(window)
        self._session_of = session_of
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        window.installEventFilter(self)

    def poll(self) -> bool:
        """Check now; True when something written elsewhere was taken in."""
        session = self._session_of()
        if session is None or QApplication.activeModalWidget() is not None:
            # not under a modal dialog (an import in progress, a question): the next poll takes it in
            return False
        return session.sync_external()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.WindowActivate:
            self.poll()
        return False
