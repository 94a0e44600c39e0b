"""What the undo commands and the undo stack need from the session, as a Protocol, so neither imports the session."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from ..store import Project
    from .docstate import DocState


class SessionApi(Protocol):
    """The part of :class:`annotator.qt.session.Session` that commands and SafeUndoStack use."""

    project: Project
    current: DocState | None

    @property
    def saved(self) -> SignalInstance:
        """Emitted when a write reached the project file."""
        ...

    def open_document(self, doc_id: str) -> None:
        """Make ``doc_id`` the current document."""
        ...

    def refresh(self, doc_id: str, ids: set[str], *, status: bool = False, wrote: bool = True) -> None:
        """Re-read these annotations from the store and announce the change."""
        ...

    def report_write_failure(self, what: str, exc: BaseException, outcome: str = "was not saved") -> None:
        """Tell the user that ``what`` was not written, and why."""
        ...

    def refuse_if_read_only(self, what: str) -> bool:
        """True (and a message) if the project is read-only."""
        ...
