"""Schema hotkeys: the canonical key-sequence form, and the check that each key is free and used once."""
from __future__ import annotations

import dataclasses
from typing import Callable

from .quoting import ident
from .schema_types import EntityType, EventType
from .shortcuts import reserved_keys

__all__ = ["check_hotkeys", "normalize_hotkey"]

# Modifier order and key names as QKeySequence.toString() writes them, so that
# hotkeys() keys compare equal to what the GUI gets from Qt.
_MODIFIERS: tuple[str, ...] = ("Meta", "Ctrl", "Alt", "Shift")
_NAMED_KEYS: dict[str, str] = {
    **{f"f{i}": f"F{i}" for i in range(1, 36)},
    **{k.lower(): k for k in (
        "Space", "Tab", "Backspace", "Return", "Enter", "Ins", "Del", "Home", "End",
        "PgUp", "PgDown", "Left", "Right", "Up", "Down", "Esc",
    )},
    "insert": "Ins", "delete": "Del", "escape": "Esc", "pageup": "PgUp", "pagedown": "PgDown",
}


def normalize_hotkey(text: str) -> str | None:
    """The canonical form of a Qt key-sequence string (``"shift+a"`` -> ``"Shift+A"``).

    Returns None when ``text`` is not a single key with optional modifiers.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip()
    # A trailing "+" is the plus key itself ("Shift++" or "+").
    if raw.endswith("++") or raw == "+":
        head, key = raw[:-2] if raw != "+" else "", "+"
        parts = [p for p in head.split("+")] if head else []
    else:
        *parts, key = raw.split("+")
    mods: set[str] = set()
    for part in parts:
        canon = next((m for m in _MODIFIERS if m.lower() == part.strip().lower()), None)
        if canon is None or canon in mods:
            return None
        mods.add(canon)
    key = key.strip()
    if len(key) == 1 and key.isprintable() and not key.isspace():
        key = key.upper()
    else:
        key = _NAMED_KEYS.get(key.lower(), "")
        if not key:
            return None
    return "+".join([m for m in _MODIFIERS if m in mods] + [key])


def check_hotkeys(
    entities: dict[str, EntityType],
    events: dict[str, EventType],
    add: Callable[[str], None],
    drop_reserved_hotkeys: bool = False,
) -> list[str]:
    """Report (through ``add``) hotkeys the application uses itself and hotkeys given twice.

    With ``drop_reserved_hotkeys`` a type whose hotkey the application uses
    keeps no hotkey instead (replaced in ``entities`` or ``events``), and the
    messages are returned rather than reported.
    """
    seen_keys: dict[str, str] = {}
    taken = reserved_keys()
    dropped: list[str] = []
    for t in (*entities.values(), *events.values()):
        if t.hotkey is None:
            continue
        if t.hotkey in taken:
            message = (
                f"hotkey {t.hotkey} of {ident(t.name)} is taken by the application"
                f" ({taken[t.hotkey]}); choose another key"
            )
            if not drop_reserved_hotkeys:
                add(message)
                continue
            dropped.append(message)
            if t.name in entities:
                entities[t.name] = dataclasses.replace(t, hotkey=None)
            else:
                events[t.name] = dataclasses.replace(t, hotkey=None)
        elif t.hotkey in seen_keys:
            add(f"hotkey {t.hotkey} is used by both {ident(seen_keys[t.hotkey])} and {ident(t.name)}")
        else:
            seen_keys[t.hotkey] = t.name
    return dropped
