"""Review mode records who decided: without an annotator name it asks for one first, then starts.

The question goes where the name is asked anyway: the first-run strip above
the text when it is still open, else Edit › Preferences… (with a line saying
why).  Review mode starts once a name is given; Cancel (or Skip) leaves it
off, with the reason in the status bar.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFrame, QMainWindow

from .preferences import PreferencesDialog

#: The first-run strip's object name (:class:`annotator.qt.firstrun.NamePrompt`, which imports the window).
PROMPT_NAME = "first-run-name"

#: The status bar's line when review mode is asked for without a name.
NEED_NAME = "Review mode records who made each decision: give your name first (Edit › Preferences…)"
#: The line above the name in the dialog.
REASON = "Review mode records your name on each decision. Who is reviewing?"


def ask_for_name(window: QMainWindow, then: Callable[[], None]) -> None:
    """Ask for the annotator's name (the strip, else the Preferences dialog); ``then`` runs once one is saved."""
    window.statusBar().showMessage(NEED_NAME, 10000)
    prompt = window.findChild(QFrame, PROMPT_NAME)
    if prompt is not None and prompt.isVisible() and hasattr(prompt, "after_save"):
        prompt.after_save = then
        prompt.edit.setFocus()
        prompt.edit.selectAll()
        return
    open_dialog = getattr(window, "preferences_dialog", None)
    if open_dialog is None:
        return
    open_dialog()
    dlg = getattr(window, "preferences", None)
    if isinstance(dlg, PreferencesDialog):
        dlg.ask_for(REASON, then)
