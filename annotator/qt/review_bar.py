"""The review bar: a strip above the text in review mode, with the item under review and a comment editor.

It never takes the keyboard from the text except while a comment is being
written (M): Enter saves the comment, Esc cancels it, and the text keeps its
place (no dialog in front of it).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from .review_items import STATE_TEXT

#: The colour of each state's word in the bar (the view's marks use the same hues).
STATE_COLOR = {"": "", "accepted": "#1f8f3a", "rejected": "#c62828", "corrected": "#d97706"}


class ElidedLabel(QLabel):
    """One line of plain text that gives way with an ellipsis ("…") when narrow; the whole text is its tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        # the bar never widens the window: the words give way
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def full_text(self) -> str:
        """The whole text (what is shown may end in "…")."""
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        self._full = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class ReviewBar(QFrame):
    """What is under review (``item_label``), its state, the progress, buttons for the review actions,
    and the comment editor (``comment_edit``, shown by :meth:`open_comment`)."""

    comment_saved = Signal(str)   # the comment as written (Enter)
    comment_closed = Signal()     # the editor closed (saved or cancelled): the text takes the keyboard again

    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("review_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel("<b>Review</b>")
        self.item_label = ElidedLabel()  # the item's words give way, ending in "…" (whole in its tooltip)
        self.state_label = QLabel()
        self.state_label.setTextFormat(Qt.TextFormat.RichText)
        self.progress_label = QLabel()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(title)
        row.addWidget(self.item_label, 1)
        row.addSpacing(8)
        row.addWidget(self.state_label)
        row.addWidget(self.progress_label)
        self.buttons: list[QToolButton] = []
        for a in actions:
            b = QToolButton()
            b.setDefaultAction(a)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click leaves the keyboard with the text
            row.addWidget(b)
            self.buttons.append(b)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("Reviewer's comment: Enter saves, Esc cancels")
        self.comment_edit.setClearButtonEnabled(True)
        self.comment_edit.hide()
        self.comment_edit.returnPressed.connect(self._save)
        self.comment_edit.installEventFilter(self)
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 3, 6, 3)
        col.setSpacing(3)
        col.addLayout(row)
        col.addWidget(self.comment_edit)

    def show_item(self, description: str, state: tuple[str, str, str] | None,
                  progress: tuple[int, int] | None) -> None:
        """Show the item under review (``description``), its (review, reviewer, note) and (decided, all)."""
        self.item_label.setText(description)
        if state is None:
            self.state_label.setText("")
        else:
            review, reviewer, note = state
            word = STATE_TEXT.get(review, review)
            color = STATE_COLOR.get(review, "")
            html = f"<span style='color:{color}'><b>{word}</b></span>" if color else word
            if note:
                html += " · <i>commented</i>"
            self.state_label.setText(html)  # the reviewer and the comment: in the tooltip and the inspector
            tip = f"{word} by {reviewer}" if review and reviewer else word
            self.state_label.setToolTip(f"{tip}\n{note}" if note else tip)
        if progress is None:
            self.progress_label.setText("")
            return
        decided, total = progress
        self.progress_label.setText(f" · {decided} of {total} decided")

    # ------------------------------------------------------------------ the comment editor

    def open_comment(self, note: str) -> None:
        """Show the editor with the item's comment, and give it the keyboard."""
        self.comment_edit.setText(note)
        self.comment_edit.show()
        self.comment_edit.setFocus()
        self.comment_edit.selectAll()

    def close_comment(self) -> None:
        if self.comment_edit.isVisible():
            self.comment_edit.hide()
            self.comment_closed.emit()

    def _save(self) -> None:
        text = self.comment_edit.text().strip()
        self.close_comment()
        self.comment_saved.emit(text)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Esc in the editor cancels the comment (before the window's Esc shortcut sees it)."""
        if obj is self.comment_edit and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.close_comment()
                return True
        return False


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
