"""Start the GUI: ``annotator [PROJECT]``."""
from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


class NoDisplay(Exception):
    """There is no screen to open the window on; the CLI prints it as one line."""


def last_project() -> str | None:
    """The project the window had open last, if that file still exists."""
    from pathlib import Path

    from PySide6.QtCore import QSettings

    value = QSettings("annotator", "annotator").value("last_project", "")
    return str(value) if value and Path(str(value)).is_file() else None


def set_app_identity(app: QApplication) -> None:
    """Version, window icon and .desktop name (matches resources/annotator.desktop)."""
    from ..bundled import version
    from .about import app_icon

    app.setApplicationVersion(version())
    app.setDesktopFileName("annotator")
    app.setWindowIcon(app_icon())


def warm_store_imports() -> threading.Thread:
    """Import sqlite-utils (the store's writes) on a worker thread; returns the started thread.

    The window opens a project and draws it through the sqlite3 module alone
    (see :attr:`annotator.store_state.StoreState.db`); the first write would
    otherwise pay the ~60 ms import on the GUI thread.  Python's import lock
    makes a write that comes first simply wait for this import to finish.
    """
    def work() -> None:
        try:
            import sqlite_utils  # noqa: F401

            from .. import migrations

            migrations.MIGRATIONS  # noqa: B018 - builds the Migrations object
        except Exception:  # noqa: BLE001 - the first write imports it again and reports any real error
            pass

    thread = threading.Thread(target=work, name="annotator-warm-imports", daemon=True)
    thread.start()
    return thread


def after_first_frame(app: QApplication) -> None:
    """What the start leaves for after the first frame: the application's identity, then the warm imports."""
    set_app_identity(app)  # the icon (SVG rendered at six sizes) and the version (importlib.metadata)
    warm_store_imports()


def run_gui(project: str, annotator: str | None = None) -> int:
    """Open the main window on ``project`` and run the event loop (``annotator``: the name for this run)."""
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplay("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); "
                        "run it in a desktop session, or use the import, export, stats and schema commands")
    from PySide6.QtWidgets import QApplication

    from .mainwindow import MainWindow, _AfterFirstPaint

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Annotator")
    app.setOrganizationName("annotator")
    app.setDesktopFileName("annotator")  # before the window exists (Wayland); the rest after the first frame
    # the text first, then the panels; the name of this run is known before the project's layer is chosen
    window = MainWindow(project, panels_after_paint=True, annotator=annotator)
    from .firstrun import first_run

    first_run(window, annotator)  # --annotator NAME, else ask for the name once (a strip above the text)
    _AfterFirstPaint(window.view.viewport(), lambda: after_first_frame(app))
    window.show()
    if os.environ.get("ANNOTATOR_QUIT_AFTER_START"):  # smoke tests: start, paint, quit
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(os.environ["ANNOTATOR_QUIT_AFTER_START"]), window.close)
    return app.exec()
