"""The one list of formats: each module named here defines ``FORMAT``, a :class:`FormatSpec`.

Adding a format is a new module in :mod:`annotator.formats` and its name in
:data:`MODULES`; no other format's code changes.  Modules are imported on
first use, so a command that needs one format loads only that one (and the
optional spaCy dependency only when a spaCy file is read or written).
"""
from __future__ import annotations

import importlib
from pathlib import Path

from .errors import FormatError
from .spec import FormatSpec

__all__ = ["MODULES", "all_formats", "detect", "get", "names", "readable", "writable"]

#: format name -> module in annotator.formats.  The order is the order in which
#: ``--format auto`` asks each format whether it recognises a file: the more
#: specific shapes first, plain JSONL and plain text last.
MODULES: dict[str, str] = {
    "brat": "brat",
    "doccano": "doccano",
    "prodigy": "prodigy",
    "hf": "hf",
    "oneie": "oneie",
    "spacy": "spacy_docbin",
    "conll": "conll",
    "jsonl": "jsonl",
    "text": "plaintext",
}

_loaded: dict[str, FormatSpec] = {}


def names() -> list[str]:
    """Every format name, in detection order."""
    return list(MODULES)


def get(name: str) -> FormatSpec:
    """The format called ``name``; FormatError naming the choices for an unknown name."""
    spec = _loaded.get(name)
    if spec is not None:
        return spec
    module = MODULES.get(name)
    if module is None:
        raise FormatError("<arguments>", None, f"unknown format {name!r} (expected one of {', '.join(MODULES)})")
    spec = importlib.import_module(f"{__package__}.{module}").FORMAT
    if spec.name != name:  # pragma: no cover - a wiring mistake
        raise RuntimeError(f"annotator.formats.{module} declares format {spec.name!r}, registered as {name!r}")
    _loaded[name] = spec
    return spec


def all_formats() -> list[FormatSpec]:
    """Every format, in detection order."""
    return [get(n) for n in MODULES]


def readable() -> list[str]:
    """The names of the formats that can be imported."""
    return [s.name for s in all_formats() if s.can_read]


def writable() -> list[str]:
    """The names of the formats that can be exported."""
    return [s.name for s in all_formats() if s.can_write]


def detect(path: Path) -> FormatSpec:
    """The first format that recognises ``path``; FormatError when none does."""
    if not path.exists():
        raise FormatError(str(path), None, "no such file or folder")
    for spec in all_formats():
        if spec.read is None or spec.sniff is None:
            continue
        try:
            if spec.sniff(path):
                return spec
        except (OSError, ValueError, UnicodeError, RecursionError):
            continue  # a sniffer never decides by failing
    what = "folder" if path.is_dir() else f"file (extension {path.suffix or 'none'})"
    raise FormatError(
        str(path), None,
        f"cannot tell the format of this {what}; give --format (one of {', '.join(readable())})",
    )
