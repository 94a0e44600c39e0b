"""Annotator: a desktop tool for entity, event and relation annotation (see README.md)."""
from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec


class _NoPandasForSqliteUtils:
    """While ``sqlite_utils.db`` imports, pandas and numpy look absent to it.

    sqlite-utils imports both when they are installed (about 130 MB of RSS and
    0.3 s at start) only to map their scalar types to column types; the store
    never hands it either.  Any other import of them (e.g. by ``datasets``)
    is untouched, and once imported elsewhere sqlite-utils sees them as usual.
    """

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name in ("pandas", "numpy"):
            f = sys._getframe(1)
            for _ in range(40):
                if f is None:
                    break
                if f.f_globals.get("__name__") == "sqlite_utils.db":
                    raise ImportError(f"{name} is not offered to sqlite_utils (annotator/__init__.py)")
                f = f.f_back
        return None


if not any(isinstance(f, _NoPandasForSqliteUtils) for f in sys.meta_path):
    sys.meta_path.insert(0, _NoPandasForSqliteUtils())
