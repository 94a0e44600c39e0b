"""A message strip across the top of the window: read-only notice, failed write, upgrade notice.

Non-modal: it never takes the keyboard focus from the text, and it stays
until the user closes it (or the situation it describes ends).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

#: kind -> (light background, dark background, symbol)
KINDS = {
    "error": ("#f8d7da", "#5c1f24", "✖"),
    "warning": ("#fff3cd", "#5a4a12", "⚠"),
    "info": ("#d9ecff", "#1d3a5a", "ℹ"),
}


class Banner(QFrame):
    """One coloured line of text with optional buttons and a close button."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 5, 6, 5)
        lay.setSpacing(8)
        self.icon = QLabel()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.label, 1)
        self._buttons: list[QPushButton] = []
        self._lay = lay
        self.close_button = QToolButton(text="✕", autoRaise=True)
        self.close_button.setToolTip("Close this message")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.hide)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.kind = "info"
        self.hide()

    def show_message(self, text: str, kind: str = "error",
                     buttons: list[tuple[str, Callable[[], None]]] | None = None,
                     closable: bool = True) -> None:
        """Show ``text``; ``buttons`` are (caption, action) pairs shown before the close button."""
        self.kind = kind
        self.label.setText(text)
        self.icon.setText(KINDS[kind][2])
        for b in self._buttons:
            self._lay.removeWidget(b)
            b.deleteLater()
        self._buttons = []
        for caption, action in buttons or []:
            b = QPushButton(caption)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, a=action: a())
            self._lay.insertWidget(self._lay.count() - 1, b, 0, Qt.AlignmentFlag.AlignTop)
            self._buttons.append(b)
        self.close_button.setVisible(closable)
        self._apply_colors()
        self.show()

    def button(self, caption: str) -> QPushButton | None:
        """The button with this caption (for tests and for focus)."""
        return next((b for b in self._buttons if b.text() == caption), None)

    def text(self) -> str:
        return self.label.text()

    def _apply_colors(self) -> None:
        light, dark, _sym = KINDS[self.kind]
        window = QApplication.palette().color(QPalette.ColorRole.Window)
        dark_theme = window.lightness() < 128
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(dark if dark_theme else light))
        pal.setColor(QPalette.ColorRole.WindowText, QColor("#f5f5f5" if dark_theme else "#1a1a1a"))
        self.setPalette(pal)
        self.label.setPalette(pal)

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().changeEvent(event)
        if event.type() == event.Type.ApplicationPaletteChange and self.isVisible():
            self._apply_colors()
