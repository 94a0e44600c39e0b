"""Messages of the window: non-blocking error boxes, yes/no questions, and refusals that never block.

A *refusal* (an edit the schema or the store did not allow: a role that is
full, a filler of the wrong type, no relation that fits) is not an error of the
program: it goes to the status bar and, when the place of the gesture is known,
to a tooltip there.  It never opens a dialog, so keyboard focus stays where the
user was working.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QToolTip, QWidget

REFUSAL_MS = 10000  # how long a refusal stays in the status bar


class Messages:
    """Shows one box at a time over ``parent``; ``last`` is the latest one (tests answer it)."""

    def __init__(self, parent: QWidget, bar: QStatusBar):
        self.parent = parent
        self.bar = bar
        self.last: QMessageBox | None = None
        self.last_refusal: str | None = None  # the latest refusal's text (tests read it)

    def error(self, title: str, message: str) -> None:
        """A non-blocking message box (and the same text in the status bar)."""
        self.bar.showMessage(message.splitlines()[0], 8000)
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self.parent)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.last = box
        box.open()

    def refuse(self, message: str, pos: QPoint | None = None) -> None:
        """An edit that was not allowed: the status bar says why (and a tooltip at ``pos``, global).

        No dialog: nothing takes the keyboard focus or waits for a click.
        """
        self.last_refusal = message
        self.bar.showMessage(" ".join(message.split("\n")), REFUSAL_MS)
        if pos is not None:
            QToolTip.showText(pos, message, self.parent)

    def ask(self, title: str, text: str, on_yes: Callable[[], None]) -> None:
        """A non-blocking Yes/No question (No is the default); ``on_yes`` runs on Yes."""
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Yes | QMessageBox.No, self.parent)
        box.setDefaultButton(QMessageBox.No)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.finished.connect(lambda result: on_yes() if result == QMessageBox.Yes else None)
        self.last = box
        box.open()
