"""Ctrl+F: the find bar above the text."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from .text_find import match_position
from .textview import AnnotationView


class FindBar(QWidget):
    """Ctrl+F: find text in the document (Enter: next, Shift+Enter: previous, Esc: close); shows "3 of 7"."""

    def __init__(self, view: AnnotationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(placeholderText="Text to find in this document")
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)  # Enter: next, Shift+Enter: previous (one search per press)
        lay.addWidget(self.edit, 1)
        self.status = QLabel("")  # "3 of 7" after a search, "No matches" when there is none
        self.status.setObjectName("find-count")
        self.edit.textChanged.connect(lambda _t: self.status.setText(""))
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
        index, count = match_position(self.view.document_text(), needle, self.view.selection())
        self.status.setText(f"{index} of {count}" if ok and index else f"{count} matches" if ok else "No matches")
        return ok

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        # QLineEdit reports Shift+Enter as returnPressed too and passes the key on: take it here, once
        if obj is self.edit and e.type() == QEvent.Type.KeyPress and e.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.find(not e.modifiers() & Qt.ShiftModifier)
            return True
        return super().eventFilter(obj, e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() == Qt.Key_Escape:
            self.hide()
            self.view.setFocus()
            return
        super().keyPressEvent(e)
