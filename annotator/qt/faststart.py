"""The GUI's start: PySide6's scan of every imported module's source, made cheap.

PySide6 (shibokensupport ``feature``) looks at each module imported after it
for the word "PySide6" in its source, through ``inspect.getsource``: about
0.3 ms a module, some 100 ms over the ~350 modules the window's start
imports.  :func:`quicken_pyside_import_scan` puts a plain read of the
module's file in its place; the answer is the same (the word in the
source, False where there is no source file).  Imported before the rest of
the application, PySide6 scans only the few modules already loaded the slow
way.
"""
from __future__ import annotations

import sys
from types import ModuleType
from typing import Callable


def quicken_pyside_import_scan() -> bool:
    """Import PySide6 and replace its per-module source scan; False (and nothing changed) where it is not there."""
    try:
        import PySide6.QtCore  # noqa: F401 - loads shibokensupport.feature
    except ImportError:
        return False
    feature = sys.modules.get("shibokensupport.feature")
    slow = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(slow) or getattr(slow, "quick", False):
        return False
    feature._mod_uses_pyside = _quick(slow)
    return True


def _quick(slow: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return slow(module)
        try:
            with open(path, "rb") as fh:
                return b"PySide6" in fh.read()
        except OSError:
            return False

    uses_pyside.quick = True  # type: ignore[attr-defined]
    return uses_pyside
