"""A non-modal summary of an import or export: the count, then what was skipped, left out or changed."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .fitlabels import fit_to_wrapped_labels


class ReportDialog(QDialog):
    """``headline`` over the report's ``lines``; Enter or Esc closes it, Copy puts it all on the clipboard."""

    def __init__(self, title: str, headline: str, lines: list[str], parent: QWidget | None = None,
                 intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.lines = list(lines)
        lay = QVBoxLayout(self)
        lay.setSpacing(8)
        self.headline = QLabel(headline)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        lay.addWidget(self.headline)
        if intro:
            self.intro = QLabel(intro)
            self.intro.setWordWrap(True)
            lay.addWidget(self.intro)
        self.text = QPlainTextEdit("\n".join(self.lines))
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.text.setFocusPolicy(Qt.ClickFocus)  # Tab goes to the buttons; Enter closes
        metrics = self.text.fontMetrics()
        margin = 2 * (self.text.frameWidth() + int(self.text.document().documentMargin())) + 4
        widest = max((metrics.horizontalAdvance(x) for x in self.lines), default=0)
        width = min(max(widest + margin + 20, 440), 900)  # 20: room for a vertical scroll bar
        height = min(max(len(self.lines), 3), 18) * metrics.lineSpacing() + margin
        if widest + margin > width:
            height += self.text.horizontalScrollBar().sizeHint().height()
        self.text.setMinimumSize(width, height)
        lay.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.Close)
        self.close_button.setDefault(True)
        buttons.rejected.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        lay.addWidget(buttons)
        self.close_button.setFocus()

    def showEvent(self, e: QShowEvent) -> None:  # noqa: N802
        super().showEvent(e)
        fit_to_wrapped_labels(self)
        self.resize(self.width(), self.minimumHeight())  # the list's own height, not a scroll area's guess

    def copy(self) -> None:
        """The headline and every line, as plain text on the clipboard."""
        QGuiApplication.clipboard().setText("\n".join([self.headline.text(), *self.lines]))
