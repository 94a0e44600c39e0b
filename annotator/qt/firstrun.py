"""The first run: who is annotating?  A strip above the text asks once; the name goes on every annotation.

Not a modal dialog: the window works while the question is open, the keyboard
focus stays in the text, and "Skip" (or closing the strip) answers it for good.
Edit › Preferences… changes the name later.  ``annotator --annotator NAME``
names the annotator for one run and asks nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from .layer_switch import name_problem

if TYPE_CHECKING:
    from .mainwindow import MainWindow


class NamePrompt(QFrame):
    """``Who is annotating? [name] [Save] [Skip]``, across the top of the text."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        #: run once a name is saved (review mode waits for one: :mod:`annotator.qt.review_name`)
        self.after_save: Callable[[], None] | None = None
        self.setObjectName("first-run-name")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 6, 4)
        lay.setSpacing(8)
        question = QLabel("<b>Who is annotating?</b> Your name goes on every annotation you make.")
        question.setTextFormat(Qt.TextFormat.RichText)
        question.setWordWrap(True)
        self.edit = QLineEdit(placeholderText="Your name")
        self.edit.setMaximumWidth(220)
        self.edit.returnPressed.connect(self.save)
        self.save_button = QPushButton("Save")
        self.save_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.save_button.clicked.connect(self.save)
        self.skip_button = QPushButton("Skip")
        self.skip_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.skip_button.setToolTip("Annotate without a name; Edit › Preferences… sets it later")
        self.skip_button.clicked.connect(self.skip)
        lay.addWidget(question, 1)
        lay.addWidget(self.edit)
        lay.addWidget(self.save_button)
        lay.addWidget(self.skip_button)

    def save(self) -> None:
        """Record the typed name (an empty one counts as Skip) and close the strip."""
        name = self.edit.text().strip()
        if not name:
            self.skip()
            return
        problem = name_problem(name)
        if problem is not None:
            self.window.statusBar().showMessage(problem, 8000)
            self.edit.selectAll()
            return
        self.window.use_annotator(self.window.prefs.set_annotator(name))
        self._done(f"Annotations you make are recorded as {name}")
        then, self.after_save = self.after_save, None
        if then is not None:
            then()

    def skip(self) -> None:
        self.window.prefs.skip_annotator()
        self._done("No annotator name: Edit › Preferences… sets one")

    def _done(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 5000)
        self.hide()
        self.deleteLater()
        self.window.view.setFocus()


def first_run(window: MainWindow, annotator: str | None = None) -> NamePrompt | None:
    """At the application's start: ``annotator`` names the annotator for this run; else ask once.

    Returns the prompt when it is shown (None when there is nothing to ask).
    """
    prefs = window.prefs
    if annotator is not None:
        prefs.override = annotator.strip()
        window.use_annotator(prefs.annotator())
        return None
    if prefs.was_asked():
        return None
    prompt = NamePrompt(window)
    layout = window.centralWidget().layout()
    layout.insertWidget(0, prompt)  # above the find bar and the text
    prompt.show()
    return prompt
