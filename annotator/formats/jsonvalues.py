"""Naming parsed JSON values in error messages, shared by every JSON-based format."""
from __future__ import annotations

import json
from typing import Any, Callable

from annotator.quoting import one_line, show

__all__ = ["js", "json_type", "req_str"]


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


def req_str(obj: dict[str, Any], key: str, what: str, err: Callable[[str], Exception]) -> str:
    """``obj[key]``, which must be a string; ``err(message)`` is raised when it is missing or not one."""
    value = obj.get(key)
    if type(value) is not str:
        if value is None and key not in obj:
            raise err(f'{what}: missing "{key}"')
        raise err(f'{what}: "{key}" must be a string, got {json_type(value)}')
    return value
