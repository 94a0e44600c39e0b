"""The inspector's Review row: an annotation's review state, its reviewer and comment (and its arguments')."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from .review_bar import STATE_COLOR
from .review_items import STATE_TEXT


def review_html(review: str, reviewer: str, note: str) -> str:
    """``Accepted by Bob — “fine”`` with the state in its colour (rich text, escaped)."""
    word = STATE_TEXT.get(review, review)
    color = STATE_COLOR.get(review, "")
    out = f"<b style='color:{color}'>{word}</b>" if color else word
    if reviewer and review:
        out += f" by {_esc(reviewer)}"
    if note:
        out += f" — “{_esc(note)}”"
    return out


class ReviewBox(QLabel):
    """Read-only: what a reviewer decided on the annotation shown, and on each of an event's arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("inspector_review")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip("The reviewer's decision (Review mode: Ctrl+Shift+R)")

    def show_annotation(self, kind: str | None, ann: Any) -> None:
        """Show the review of ``ann`` (a Span, Event or Relation of ``kind``; None: nothing)."""
        if ann is None:
            self.setText("")
            return
        lines = [review_html(ann.review, ann.reviewer, ann.review_note)]
        if kind == "event":
            for i, a in enumerate(ann.arguments):
                if a.review or a.review_note:
                    lines.append(f"{i + 1}. {_esc(a.role)}: {review_html(a.review, a.reviewer, a.review_note)}")
        self.setText("<br>".join(lines))

    def plain(self) -> str:
        """The text shown, without markup (for tests and screen readers)."""
        doc = self.text().replace("<br>", "\n")
        out, skip = [], False
        for ch in doc:
            if ch == "<":
                skip = True
            elif ch == ">":
                skip = False
            elif not skip:
                out.append(ch)
        return "".join(out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
