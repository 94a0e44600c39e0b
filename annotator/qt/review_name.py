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
#: The same while the first-run strip asks for the name above the text.
NEED_NAME_HERE = "Review mode records who made each decision: type your name above the text first (Enter saves it)"
#: The status bar's line when review mode is asked for with no document open.
NO_DOCUMENT = "Review mode works on the open document: open one first (the Documents panel)"
#: The line above the name in the dialog.
REASON = "Review mode records your name on each decision. Who is reviewing?"


def ask_for_name(window: QMainWindow, then: Callable[[], None]) -> None:
    """Ask for the annotator's name (the strip, else the Preferences dialog); ``then`` runs once one is saved."""
    prompt = window.findChild(QFrame, PROMPT_NAME)
    if prompt is not None and prompt.isVisible() and hasattr(prompt, "after_save"):
        window.statusBar().showMessage(NEED_NAME_HERE, 10000)
        prompt.after_save = then
        prompt.edit.setFocus()
        prompt.edit.selectAll()
        return
    window.statusBar().showMessage(NEED_NAME, 10000)
    open_dialog = getattr(window, "preferences_dialog", None)
    if open_dialog is None:
        return
    open_dialog()
    dlg = getattr(window, "preferences", None)
    if isinstance(dlg, PreferencesDialog):
        dlg.ask_for(REASON, then)


def refuse_start(window: QMainWindow, has_document: bool, name: Callable[[], str], then: Callable[[], None]) -> bool:
    """Whether review mode cannot start now: no document open (said in the status bar), or no annotator
    name (asked for; ``then`` runs once one is given).  ``name`` is read only when a document is open."""
    if not has_document:
        window.statusBar().showMessage(NO_DOCUMENT, 8000)
        return True
    if not name():
        ask_for_name(window, then)
        return True
    return False
