"""Moving between documents and projects: next/previous, status marks, recent projects, last position."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu, QStatusBar

from ..validate import Problem
from .messages import Messages
from .session import Session

MAX_RECENT = 8


class Navigator:
    """Previous/next document, Mark Done/Reviewed/In Progress (asking first when there are problems).

    ``next_id(doc_id, step)`` is the document list's neighbour in its current
    order and filter; ``problems_now()`` validates the open document now.
    """

    def __init__(self, session_of: Callable[[], Session | None], open_document: Callable[[str], None],
                 next_id: Callable[[str, int], str | None], problems_now: Callable[[], Sequence[Problem]],
                 messages: Messages, bar: QStatusBar):
        self._session_of = session_of
        self.open_document = open_document
        self.next_id = next_id
        self.problems_now = problems_now
        self.messages = messages
        self.bar = bar

    def step_document(self, step: int) -> None:
        s = self._session_of()
        if s is None or s.current is None:
            return
        nxt = self.next_id(s.current.id, step)
        if nxt:
            self.open_document(nxt)
        else:
            self.bar.showMessage("No more documents in that direction", 3000)

    def mark(self, status: str) -> None:
        """Set the document's status; done or reviewed with problems asks first, naming them."""
        s = self._session_of()
        if s is None or s.current is None:
            return
        if status in ("done", "reviewed"):
            problems = self.problems_now()  # up to date even inside the panel's debounce
            if problems:
                lines = [f"• {p.message}" for p in problems[:12]]
                if len(problems) > 12:
                    lines.append(f"… and {len(problems) - 12} more")
                self.messages.ask(f"Mark {status}?",
                                  f"{s.current.document.name} has {len(problems)} problem(s):\n\n"
                                  + "\n".join(lines) + f"\n\nMark it {status} anyway?",
                                  lambda: self.set_status(status))
                return
        self.set_status(status)

    def set_status(self, status: str) -> None:
        s = self._session_of()
        if s is not None and s.current is not None and s.set_status(status):
            self.bar.showMessage(f"Marked {s.current.document.name} {status.replace('_', ' ')}", 4000)


class RecentProjects:
    """File › Open Recent, and where each project was left (its last document)."""

    def __init__(self, settings: QSettings, menu: QMenu, open_project: Callable[[str], object]):
        self.settings = settings
        self.menu = menu
        self.open_project = open_project
        menu.aboutToShow.connect(self._fill_menu)

    def remember(self, path: str) -> None:
        """``path`` (resolved) goes first in the list, and is the project to reopen next time."""
        recent = [p for p in self.projects() if p != path]  # (one path is read back as a str, not a list)
        self.settings.setValue("recent_projects", [path, *recent][:MAX_RECENT])
        self.settings.setValue("last_project", path)

    def projects(self) -> list[str]:
        value = self.settings.value("recent_projects", []) or []
        return [value] if isinstance(value, str) else list(value)

    def _fill_menu(self) -> None:
        self.menu.clear()
        for p in self.projects():
            self.menu.addAction(p, lambda p=p: self.open_project(p))
        if not self.menu.actions():
            self.menu.addAction("(none)").setEnabled(False)

    def last_document(self, project: Path) -> str:
        """The document last shown in ``project``, or ''."""
        return str(self.settings.value(f"last_doc/{project.resolve()}", "") or "")

    def save_position(self, session: Session | None) -> None:
        """Remember the document shown now, to reopen the project on it."""
        if session is not None and session.current is not None and session.project.path:
            self.settings.setValue(f"last_doc/{session.project.path.resolve()}", session.current.id)
