"""The label palette: every entity and event type of the schema, with colour and hotkey."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..schema import Schema


def swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of ``color``, for buttons and lists."""
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(QColor(color).darker(150))
    p.setBrush(QColor(color))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pm)


class LabelPalette(QWidget):
    """Buttons for the schema's types; a click emits :attr:`label_chosen`.

    The current (sticky) label is shown checked.
    """

    label_chosen = Signal(str)

    def __init__(self, schema: Schema, parent: QWidget | None = None):
        super().__init__(parent)
        self._buttons: dict[str, QToolButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.filter = QLineEdit(placeholderText="Filter types")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        outer.addWidget(self.filter)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        inner = QWidget()
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(1)
        scroll.setWidget(inner)
        outer.addWidget(scroll)
        self._headers: list[QLabel] = []
        self.set_schema(schema)

    def set_schema(self, schema: Schema) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._buttons.clear()
        self._headers.clear()
        hotkey_of = {name: key for key, name in schema.hotkeys().items()}
        for title, types in (("Entities", schema.entity_types), ("Events", schema.event_types)):
            header = QLabel(f"<b>{title}</b>")
            header.setContentsMargins(2, 6, 0, 2)
            self._headers.append(header)
            self._layout.addWidget(header)
            for name, t in types.items():
                b = QToolButton()
                b.setObjectName(f"label:{name}")
                key = hotkey_of.get(name)
                b.setText(f"{name}    {key}" if key else name)
                b.setIcon(swatch(schema.color(name)))
                b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
                b.setCheckable(True)
                b.setAutoRaise(True)
                b.setSizePolicy(b.sizePolicy().horizontalPolicy().Expanding, b.sizePolicy().verticalPolicy())
                tip = f"{name}: {t.description}" if getattr(t, "description", "") else name
                b.setToolTip(tip + (f"\nHotkey: {key}" if key else ""))
                b.clicked.connect(lambda _checked=False, n=name: self.label_chosen.emit(n))
                self._buttons[name] = b
                self._layout.addWidget(b)
        self._layout.addStretch(1)

    def button(self, label: str) -> QToolButton | None:
        return self._buttons.get(label)

    def set_current(self, label: str | None) -> None:
        """Show ``label`` as the sticky current label (None: no current label)."""
        for name, b in self._buttons.items():
            b.setChecked(name == label)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for name, b in self._buttons.items():
            b.setVisible(not needle or needle in name.lower())
