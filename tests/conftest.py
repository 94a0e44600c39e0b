"""Shared test set-up: offscreen Qt and a helper for real mouse drags."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


def drag(qtbot, widget: QWidget, p0: QPoint, p1: QPoint, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Drag with the left button from ``p0`` to ``p1`` (widget coordinates), as a person does.

    ``qtbot.mouseMove`` carries no pressed button in Qt 6, so the move is a real
    QMouseEvent with ``LeftButton`` in its buttons.
    """
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, modifiers, pos=p0)
    mid = QPoint((p0.x() + p1.x()) // 2, (p0.y() + p1.y()) // 2)
    for p in (mid, p1):
        ev = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(p),
            QPointF(widget.mapToGlobal(p)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            modifiers,
        )
        QApplication.sendEvent(widget, ev)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, modifiers, pos=p1)


def left_of(rect) -> QPoint:  # noqa: ANN001
    """A point just inside the left edge of ``rect`` (vertically centred)."""
    return QPoint(rect.left() + 1, rect.center().y())


def right_of(rect) -> QPoint:  # noqa: ANN001
    """A point just inside the right edge of ``rect``."""
    return QPoint(rect.right(), rect.center().y())
