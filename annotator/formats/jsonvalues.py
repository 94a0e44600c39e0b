"""Naming parsed JSON values in error messages, shared by every JSON-based format."""
from __future__ import annotations

import json
from typing import Any

from annotator.quoting import one_line, show

__all__ = ["js", "json_type"]


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages ("a string", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def js(value: Any) -> str:
    """A parsed JSON value as JSON text for a message: one line, at most about 80 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return show(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return one_line(text)
