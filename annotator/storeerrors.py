"""The store's exceptions, in a module of their own so that every store-side module can raise them."""
from __future__ import annotations

__all__ = ["StoreError", "ReadOnlyError", "WriteError", "NotAProject", "NewerVersion"]


class StoreError(ValueError):
    """A write the store refuses, or a file it cannot open: the message says exactly why."""


class ReadOnlyError(StoreError):
    """A write to a project that is open read-only; nothing was written."""


class WriteError(StoreError):
    """SQLite failed during a write (locked, disk full, I/O error...); it was rolled back."""


class NotAProject(StoreError):
    """The file is not an annotator project (another program's SQLite file, or not SQLite)."""


class NewerVersion(StoreError):
    """The project was written by a newer version of annotator; it is left untouched."""
