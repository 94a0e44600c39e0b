"""The keys of review mode, as plain strings (no Qt): what the review controller acts on and the help lists.

Review mode is entered with Ctrl+Shift+R (Review › Review Mode, the toolbar's
Review button).  Its keys are single letters and plain keys, which are label
hotkeys while tagging: they act only in review mode and only while the text
view has the keyboard (never in a text field), so no shortcut is ambiguous.
Keys are written as ``QKeySequence.toString(PortableText)`` writes them.
In review mode a label hotkey that is not one of these keys corrects the
item's type to that label.
"""
from __future__ import annotations

#: The window action that turns review mode on and off (also in ``annotator.shortcuts.APP_SHORTCUTS``).
TOGGLE_KEY = "Ctrl+Shift+R"

#: command -> (menu text, keys, what it does)
COMMANDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "next": ("Next Undecided", ("Space", "N"), "Go to the next annotation or argument not decided yet"),
    "prev": ("Previous Undecided", ("Shift+Space", "Shift+N"),
             "Go to the previous annotation or argument not decided yet"),
    "next_any": ("Next Item", ("]",), "Go to the next annotation or argument, decided or not"),
    "prev_any": ("Previous Item", ("[",), "Go to the previous annotation or argument, decided or not"),
    "accept": ("Accept", ("A", "Return", "Enter"), "Accept the current annotation as it is"),
    "reject": ("Reject", ("R", "X"), "Reject the current annotation (it stays in the file, marked rejected)"),
    "correct": ("Correct…", ("C",),
                "Change the type (or an argument's role) of the current annotation: marked corrected, by you"),
    "comment": ("Comment…", ("M",),
                "Write a reviewer's comment on the current annotation (Enter saves, Esc cancels)"),
    "clear": ("Clear Decision", ("U",), "Take the decision back: the current annotation is not reviewed"),
    "leave": ("Leave Review Mode", ("Esc",), "Back to tagging (single letters are label hotkeys again)"),
}

#: Keys that correct the current span's boundaries in review mode (token by token), as while tagging.
BOUNDARY_KEYS: dict[str, tuple[str, int]] = {
    "Shift+Left": ("end", -1), "Shift+Right": ("end", 1),
    "Ctrl+Shift+Left": ("start", -1), "Ctrl+Shift+Right": ("start", 1),
}

#: key -> command, for the controller.
KEYMAP: dict[str, str] = {key: name for name, (_t, keys, _w) in COMMANDS.items() for key in keys}


def help_rows() -> list[tuple[str, str]]:
    """(what, keys) rows for the keyboard help, in the order of the Review menu."""
    # (the toggle itself, Ctrl+Shift+R, is a window action: the help lists it with the commands)
    rows = [(f"Review: {text.rstrip('…')}", ", ".join(keys)) for text, keys, _w in COMMANDS.values()]
    rows.append(("Review: correct the span's end / start by a token", "Shift+Left/Right, Ctrl+Shift+Left/Right"))
    rows.append(("Review: correct the type to a label", "that label's hotkey"))
    return rows
