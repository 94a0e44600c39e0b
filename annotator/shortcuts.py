"""The keys the application itself uses, as plain strings (no Qt), so that a schema cannot take them.

Keys are written in the canonical form of :func:`annotator.schema.normalize_hotkey`
(``QKeySequence.toString(PortableText)``: modifiers in the order Meta, Ctrl,
Alt, Shift; ``Del``, ``Esc``, ``PgUp``, ``Return``).  A label hotkey equal to
one of them would make both the label and the application's key dead (Qt
calls such a shortcut ambiguous and fires neither), so the schema loader
refuses it and names the key's job.

``APP_SHORTCUTS`` are the window's actions.  Where Qt's standard keys differ
by platform (Find Next is F3 on Windows and KDE, Ctrl+G on macOS and GNOME)
every variant is listed.  ``VIEW_KEYS`` are keys the annotation view and the
window handle themselves: moving and extending the selection, the span
boundary keys, scrolling, copy, select all, focus moves.  Digits and plain
letters stay free for labels (the role menus take digits only while open).
``tests/test_big_schema.py`` checks that every shortcut of the real window is
listed here.
"""
from __future__ import annotations

__all__ = ["APP_SHORTCUTS", "VIEW_KEYS", "reserved_keys"]

APP_SHORTCUTS: dict[str, tuple[str, ...]] = {
    "New Project": ("Ctrl+N",),
    "Open Project": ("Ctrl+O",),
    "Import": ("Ctrl+I",),
    "Export": ("Ctrl+E",),
    "Save": ("Ctrl+S",),
    "Save As": ("Ctrl+Shift+S",),
    "Quit": ("Ctrl+Q",),
    "Undo": ("Ctrl+Z",),
    "Redo": ("Ctrl+Shift+Z", "Ctrl+Y"),
    "Delete Annotation": ("Del",),
    "Clear Selection and Label": ("Esc",),
    "Link to (Argument or Relation)": ("Ctrl+L",),
    "Find": ("Ctrl+F",),
    "Find Next": ("F3", "Ctrl+G"),
    "Find Previous": ("Shift+F3", "Ctrl+Shift+G"),
    "Zoom In": ("Ctrl++", "Ctrl+="),
    "Zoom Out": ("Ctrl+-",),
    "Reset Zoom": ("Ctrl+0",),
    "Arcs of the Selection Only": ("Ctrl+Shift+A",),
    "Previous Document": ("Ctrl+PgUp", "Alt+Up"),
    "Next Document": ("Ctrl+PgDown", "Alt+Down"),
    "Mark Done": ("Ctrl+Return", "Ctrl+Enter"),
    "Mark Reviewed": ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
    "Keyboard Shortcuts": ("F1",),
    "Preferences": ("Ctrl+,",),
    "Next Layer": ("Ctrl+Shift+L",),
    # review mode's own keys (letters, Space, Enter...) act only while it is on: annotator/qt/review_keys.py
    "Review Mode": ("Ctrl+Shift+R",),
}

_MOVES = ("Left", "Right", "Up", "Down", "Home", "End")

VIEW_KEYS: dict[str, str] = {
    **{key: "moves the text cursor" for key in _MOVES},
    **{f"Shift+{key}": "extends the text selection" for key in _MOVES},
    "Shift+Left": "moves the selected span's end (or extends the selection)",
    "Shift+Right": "moves the selected span's end (or extends the selection)",
    "Ctrl+Shift+Left": "moves the selected span's start",
    "Ctrl+Shift+Right": "moves the selected span's start",
    "PgUp": "scrolls the text",
    "PgDown": "scrolls the text",
    "Shift+PgUp": "scrolls the text",
    "Shift+PgDown": "scrolls the text",
    "Ctrl+C": "copies the selected text",
    "Ctrl+Ins": "copies the selected text",
    "Ctrl+A": "selects all the text",
    "Tab": "moves the keyboard focus",
    "Shift+Tab": "moves the keyboard focus",
    "Return": "confirms (find bar, menus, panels)",
    "Enter": "confirms (find bar, menus, panels)",
    "Shift+Return": "finds the previous match in the find bar",
    "Shift+Enter": "finds the previous match in the find bar",
    "Backspace": "edits text in the find bar and panels",
}


def reserved_keys() -> dict[str, str]:
    """Every key the application uses -> what it does there (``"Undo"``, ``"moves the text cursor"``)."""
    out = dict(VIEW_KEYS)
    for action, keys in APP_SHORTCUTS.items():
        for key in keys:
            out[key] = action
    return out
