"""Non-blocking message boxes of the window: errors and yes/no questions."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget


class Messages:
    """Shows one box at a time over ``parent``; ``last`` is the latest one (tests answer it)."""

    def __init__(self, parent: QWidget, bar: QStatusBar):
        self.parent = parent
        self.bar = bar
        self.last: QMessageBox | None = None

    def error(self, title: str, message: str) -> None:
        """A non-blocking message box (and the same text in the status bar)."""
        self.bar.showMessage(message.splitlines()[0], 8000)
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self.parent)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.last = box
        box.open()

    def ask(self, title: str, text: str, on_yes: Callable[[], None]) -> None:
        """A non-blocking Yes/No question (No is the default); ``on_yes`` runs on Yes."""
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.Yes | QMessageBox.No, self.parent)
        box.setDefaultButton(QMessageBox.No)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.finished.connect(lambda result: on_yes() if result == QMessageBox.Yes else None)
        self.last = box
        box.open()
