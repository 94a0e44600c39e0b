"""An undo stack that moves only after the store has taken the write.

``QUndoStack.undo()`` moves its index whatever ``QUndoCommand.undo()`` does,
so a failed write would leave the stack saying "undone" while the annotation
is still in the file.  :class:`SafeUndoStack` turns the order round: it asks
the command to write first (``undo_write`` / ``do``), and only when that
succeeded lets Qt move the index (the command then just refreshes the screen).
A failed undo or redo leaves the stack, the screen and the file as they were,
and tells the user why through the session (``Session.write_failed``).  A step the store
refuses outright (its annotation was changed in another window) is dropped
from the history instead, so it cannot block the older steps.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack

from .. import store

if TYPE_CHECKING:
    from .sessionapi import SessionApi


def is_write_failure(exc: BaseException) -> bool:
    """True for a write that did not reach the file (lock, read-only, disk), not a refused edit."""
    return isinstance(exc, (sqlite3.Error, store.WriteError, store.ReadOnlyError))


def write_failure_text(what: str, exc: BaseException, project: store.Project,
                       outcome: str = "was not saved") -> str:
    """One sentence: what was not saved, and the store's reason (which names the file)."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, sqlite3.Error):  # a raw driver error does not name the file
        reason = f"{project.path}: {reason}; nothing was written"
    return f"{what} {outcome}: {reason}"


class SafeUndoStack(QUndoStack):
    """QUndoStack whose undo/redo write first and move the index only on success."""

    def __init__(self, session: SessionApi, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session

    def undo(self) -> bool:  # noqa: D102 (Qt API; returns whether it happened)
        if not self.canUndo():
            return False
        cmd = self.command(self.index() - 1)
        if not self._write_first(cmd, undo=True):
            return False
        super().undo()
        return True

    def redo(self) -> bool:  # noqa: D102
        if not self.canRedo():
            return False
        cmd = self.command(self.index())
        if not self._write_first(cmd, undo=False):
            return False
        super().redo()
        return True

    def _write_first(self, cmd, *, undo: bool) -> bool:  # noqa: ANN001 (a QUndoCommand)
        write = getattr(cmd, "undo_write" if undo else "do", None)
        if write is None or not hasattr(cmd, "mark_written"):
            return True  # not a store command: Qt's own behaviour
        s = self._session
        what = f"{'Undo' if undo else 'Redo'} of “{cmd.text()}”"
        if s.refuse_if_read_only(what):
            return False
        try:
            write()
        except (store.StoreError, sqlite3.Error) as exc:
            if is_write_failure(exc):  # locked, disk, read-only: the user may try again
                s.report_write_failure(what, exc, outcome="failed, nothing changed")
                return False
            # The store refused it: the annotation was changed or deleted elsewhere
            # (another window).  Trying again cannot help and would block every older
            # step, so the command leaves the history (Qt deletes an obsolete command
            # when it is undone or redone, without calling it), after the screen is
            # brought in line with the file.
            s.report_write_failure(what, exc, outcome="is no longer possible and was dropped from the history")
            cmd.setObsolete(True)
            cmd.refresh_screen(wrote=False)
        cmd.mark_written()
        return True
