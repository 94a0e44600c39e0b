"""``python -m annotator``: the same as the ``annotator`` command."""
import sys

_HEADLESS = ("import", "export", "stats", "schema", "-h", "--help", "--version")

if not sys.argv[1:] or sys.argv[1] not in _HEADLESS:  # the window: PySide6 first (see annotator.qt.faststart)
    from .qt.faststart import quicken_pyside_import_scan

    quicken_pyside_import_scan()

from .cli import main  # noqa: E402

sys.exit(main())
