"""Ctrl+F: the find bar above the text."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from .textview import AnnotationView


class FindBar(QWidget):
    """Ctrl+F: find text in the document (Enter: next, Shift+Enter: previous, Esc: close)."""

    def __init__(self, view: AnnotationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(placeholderText="Text to find in this document")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(lambda: self.find(True))
        lay.addWidget(self.edit, 1)
        self.status = QLabel("")
        lay.addWidget(self.status)
        close = QToolButton(text="✕", autoRaise=True)
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.hide)
        lay.addWidget(close)

    def find(self, forward: bool = True) -> bool:
        needle = self.edit.text()
        if not needle:
            return False
        ok = self.view.find(needle, forward)
        self.status.setText("" if ok else "not found")
        return ok

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() == Qt.Key_Escape:
            self.hide()
            self.view.setFocus()
            return
        if e.key() in (Qt.Key_Return, Qt.Key_Enter) and e.modifiers() & Qt.ShiftModifier:
            self.find(False)
            return
        super().keyPressEvent(e)
