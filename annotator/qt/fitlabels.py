"""Fit a dialog to its word-wrapped labels, which a window's layout does not measure by itself."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def fit_to_wrapped_labels(window: QWidget) -> None:
    """Give each wrapped label of ``window`` the height its text needs at its width, then fit the window.

    A top-level layout sizes a wrapped label by a guessed width, so text is
    cut or the window has gaps.  The labels get fixed heights instead,
    measured again once the layout has given them their widths.
    """
    lay = window.layout()
    if lay is None:
        return
    for measure in (True, True, False):
        for box in window.findChildren(QWidget):
            if box.layout() is not None:
                box.layout().invalidate()
                box.updateGeometry()  # drops the size its parent layout cached
        lay.invalidate()
        lay.activate()
        for label in window.findChildren(QLabel) if measure else ():
            if label.wordWrap() and label.width() > 50:
                label.setMinimumHeight(0)  # the measure below grows to the minimum
                label.setFixedHeight(label.heightForWidth(label.width()) if label.text() else 0)
    window.setMinimumHeight(lay.totalMinimumSize().height())
    window.resize(max(window.width(), window.minimumWidth()), lay.totalSizeHint().height())
