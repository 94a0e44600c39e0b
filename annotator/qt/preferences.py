"""Edit › Preferences…: the annotator's name, recorded on every annotation the user makes (and naming "my" layer)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from .layer_switch import name_problem

#: The longest name the dialog takes (it goes on every annotation and names a layer).
MAX_NAME = 80


class PreferencesDialog(QDialog):
    """The annotator's name; OK applies it (the window saves it and uses it at once), Cancel changes nothing.

    ``overridden``: this run was started with ``--annotator NAME``; a name
    saved here replaces it for the rest of the run and for the next ones.
    """

    def __init__(self, name: str, overridden: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences_dialog")
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("annotator_name")
        self.name_edit.setPlaceholderText("Your name")
        self.name_edit.setMaxLength(MAX_NAME)
        self.name_edit.setClearButtonEnabled(True)
        self.name_edit.setMinimumWidth(260)
        form = QFormLayout()
        form.addRow("&Annotator name", self.name_edit)
        hint = QLabel("Recorded on every annotation you make from now on; in a project with several annotators "
                      "your layer (“Mine” in the Layers menu) is the one named after you.")
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        self.override_note = QLabel(
            "This run was started with --annotator; the name saved here replaces it." if overridden else "")
        self.override_note.setWordWrap(True)
        self.override_note.setVisible(overridden)
        self.problem = QLabel("")
        self.problem.setObjectName("preferences_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.hide()
        self.reason = QLabel("")
        self.reason.setObjectName("preferences_reason")
        self.reason.setWordWrap(True)
        self.reason.hide()
        self._then: Callable[[], None] | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        lay.addWidget(self.reason)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.override_note)
        lay.addWidget(self.problem)
        lay.addWidget(buttons)
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def name(self) -> str:
        """The name as typed, without the blanks around it and with line breaks made spaces."""
        return " ".join(self.name_edit.text().split())

    def accept(self) -> None:  # noqa: D102 - a name that would name another layer keeps the dialog open, saying why
        problem = name_problem(self.name())
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            self.adjustSize()  # the wrapped lines above keep their room (the dialog grows instead of squeezing them)
            self.name_edit.setFocus()
            return
        super().accept()  # ``accepted``: the window applies the name
        then, self._then = self._then, None
        if then is not None:
            then()

    def ask_for(self, reason: str, then: Callable[[], None]) -> None:
        """Say at the top why the name is asked for now; OK runs ``then`` after the name is applied."""
        self.reason.setText(f"<b>{reason}</b>")
        self.reason.show()
        self._then = then
        self.adjustSize()
        self.name_edit.setFocus()


def open_preferences(parent: QWidget, shown: PreferencesDialog | None, name: str, overridden: bool,
                     apply: Callable[[str], None]) -> PreferencesDialog:
    """Show the dialog over ``parent`` (``shown``, when it is open already, comes to the front); returns it.

    Window-modal without blocking (``open()``); OK calls ``apply`` with the name.
    """
    if shown is not None:
        if shown.isVisible():
            shown.raise_()
            shown.activateWindow()
            return shown
        shown.deleteLater()
    dlg = PreferencesDialog(name, overridden, parent)
    dlg.accepted.connect(lambda: apply(dlg.name()))
    dlg.open()
    return dlg
