"""File › Import and Export: the file dialogs, a progress dialog with Cancel, all or nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QStatusBar, QWidget

from ..formats.errors import FormatError
from ..importer import export_to_path, import_paths
from ..store import StoreError
from .session import Session


class _Cancelled(Exception):
    """Raised from a progress callback when the user presses Cancel."""


class Transfer:
    """Import into and export from the open project, with progress shown over ``parent``.

    ``open_document`` shows a document (the first one, after an import into an
    empty project); ``show_error`` shows a failure in one message.
    """

    def __init__(self, parent: QWidget, session_of: Callable[[], Session | None], bar: QStatusBar,
                 show_error: Callable[[str, str], None], open_document: Callable[[str], None]):
        self.parent = parent
        self._session_of = session_of
        self.bar = bar
        self.show_error = show_error
        self.open_document = open_document

    def _progress_dialog(self, text: str, title: str, maximum: int) -> QProgressDialog:
        dlg = QProgressDialog(text, "Cancel", 0, maximum, self.parent)
        dlg.setWindowTitle(title)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)
        return dlg

    def import_files(self, paths: list[str], replace: bool = False) -> int | None:
        """Import with a progress dialog and Cancel; all or nothing.  Returns the count, or None."""
        session = self._session_of()
        if session is None:
            return None
        dlg = self._progress_dialog("Importing…", "Import", 0)

        def progress(done: int, total: int) -> None:
            if total:
                dlg.setMaximum(total)
                dlg.setValue(min(done, total))
            dlg.setLabelText(f"Importing… {done:,} of {total:,}" if total else f"Importing… {done:,}")
            QApplication.processEvents()
            if dlg.wasCanceled():
                raise _Cancelled()

        try:
            n = import_paths(session.project, paths, replace=replace, progress=progress,
                             annotator=session.project.annotator or None)
        except _Cancelled:
            dlg.close()
            self.bar.showMessage("Import cancelled; nothing was imported", 5000)
            return None
        except (FormatError, StoreError, OSError) as exc:
            dlg.close()
            self.show_error("Import failed", f"{exc}\n\nNothing was imported.")
            return None
        dlg.close()
        session.documents_changed.emit()
        self.bar.showMessage(f"Imported {n} document(s)", 5000)
        if session.current is None:
            ids = session.project.document_ids()
            if ids:
                self.open_document(ids[0])
        return n

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, "Import documents", str(Path.home()),
                                                "JSONL or text (*.jsonl *.json *.txt);;All files (*)")
        if paths:
            self.import_files(paths)

    def export_file(self, path: str, statuses: list[str] | None = None, fmt: str = "jsonl") -> int | None:
        """Export JSONL with a progress dialog and Cancel (the target is untouched on cancel)."""
        session = self._session_of()
        if session is None:
            return None
        dlg = self._progress_dialog("Exporting…", "Export", session.project.document_count())

        def progress(done: int, total: int) -> None:
            dlg.setValue(done)
            QApplication.processEvents()

        try:
            n = export_to_path(session.project, path, fmt, statuses=statuses, progress=progress,
                               cancelled=dlg.wasCanceled)
        except InterruptedError:
            dlg.close()
            self.bar.showMessage("Export cancelled", 5000)
            return None
        except (OSError, StoreError, ValueError) as exc:
            dlg.close()
            self.show_error("Export failed", str(exc))
            return None
        dlg.close()
        self.bar.showMessage(f"Exported {n} document(s) to {path}", 6000)
        return n

    def export_dialog(self, fmt: str = "jsonl") -> None:
        """Ask where to export (JSONL, or ``fmt="oneie"`` for event extraction code), then export."""
        session = self._session_of()
        if session is None:
            return
        base = session.project.path or Path.home()
        if fmt == "oneie":
            default, title = str(base.with_suffix(".oneie.jsonl")), "Export for event extraction"
        else:
            default, title = str(base.with_suffix(".jsonl")), "Export JSONL"
        path, _ = QFileDialog.getSaveFileName(self.parent, title, default, "JSONL (*.jsonl);;All files (*)")
        if path:
            if fmt == "jsonl":
                self.export_file(path)
            else:
                self.export_file(path, fmt=fmt)


def new_project_dialog(parent: QWidget, show_error: Callable[[str, str], None],
                       open_project: Callable[[str], object]) -> None:
    """File › New Project: ask for a file that does not exist yet, and open it."""
    path, _ = QFileDialog.getSaveFileName(parent, "New project", str(Path.home() / "project.annotator.db"),
                                          "Annotator projects (*.db);;All files (*)")
    if path:
        if Path(path).exists():
            show_error("Cannot create project", f"{path} exists already; open it instead")
            return
        open_project(path)


def open_project_dialog(parent: QWidget, open_project: Callable[[str], object]) -> None:
    """File › Open Project."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", str(Path.home()),
                                          "Annotator projects (*.db);;All files (*)")
    if path:
        open_project(path)
