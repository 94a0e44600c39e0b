"""Small helpers for ``--format auto``: the first JSON record of a file, its first lines."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["first_lines", "first_record", "has_suffix"]

_HEAD_BYTES = 1 << 20


def has_suffix(path: Path, *suffixes: str) -> bool:
    """True for a file whose extension (any case) is one of ``suffixes`` (".jsonl", ...)."""
    return path.is_file() and path.suffix.lower() in suffixes


def first_lines(path: Path, n: int = 20) -> list[str]:
    """Up to ``n`` non-blank lines from the start of a text file (at most 1 MB read)."""
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[:n]


def first_record(path: Path) -> dict[str, Any] | None:
    """The first JSON object of a JSON Lines file, or None if the first line is not one.

    Reads one line of at most 1 MB, so a huge file is not read to be sniffed.
    A file that holds a single JSON array gives its first element.
    """
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        line = b""
        while not line.strip():
            line = fh.readline(_HEAD_BYTES)
            if not line:
                return None
    text = line.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return obj[0]
    return obj if isinstance(obj, dict) else None
