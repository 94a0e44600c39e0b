"""File › Import and Export: the dialogs, a progress dialog with Cancel, all or nothing, and the summary."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QStatusBar, QWidget

from ..formats import registry
from ..formats.errors import FormatError
from ..formats.spec import ExportOptions, ExportReport, ImportReport
from ..importer import export_layer, export_to_path, import_paths
from ..model import DEFAULT_LAYER, layer_title
from ..store import StoreError
from .export_dialog import ExportDialog
from .report_dialog import ReportDialog
from .session import Session
from .transfer_dialogs import ImportDialog


class _Cancelled(Exception):
    """Raised from a progress callback when the user presses Cancel."""


def _plural(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


class Transfer:
    """Import into and export from the open project, with progress shown over ``parent``.

    ``open_document`` shows a document (the first one, after an import into an
    empty project); ``show_error`` shows a failure in one message.  When
    ``parent`` is the main window, its ``settings`` keep the folders last used
    and its ``open_project`` reopens the project after an import changed the schema.  ``dialog``
    is the Import or Export dialog last opened, ``summary`` the last summary
    (tests drive them).
    """

    def __init__(self, parent: QWidget, session_of: Callable[[], Session | None], bar: QStatusBar,
                 show_error: Callable[[str, str], None], open_document: Callable[[str], None]):
        self.parent = parent
        self._session_of = session_of
        self.bar = bar
        self.show_error = show_error
        self.open_document = open_document
        self.dialog: ImportDialog | ExportDialog | None = None
        self.summary: ReportDialog | None = None
        settings = getattr(parent, "settings", None)
        self.settings: QSettings | None = settings if isinstance(settings, QSettings) else None

    def _progress_dialog(self, text: str, title: str, maximum: int) -> QProgressDialog:
        dlg = QProgressDialog(text, "Cancel", 0, maximum, self.parent)
        dlg.setWindowTitle(title)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)
        return dlg

    def _replace_dialog(self, dlg: ImportDialog | ExportDialog) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dlg

    def _show_summary(self, title: str, headline: str, lines: list[str], intro: str = "") -> None:
        """A non-modal summary; it replaces the one still open."""
        if self.summary is not None:
            self.summary.close()  # its finished signal forgets it
        dlg = ReportDialog(title, headline, lines, self.parent, intro=intro)
        self.summary = dlg
        dlg.finished.connect(lambda _result, dlg=dlg: self._forget_summary(dlg))
        dlg.show()

    def _forget_summary(self, dlg: ReportDialog) -> None:
        if self.summary is dlg:
            self.summary = None

    # ------------------------------------------------------------------ import

    def import_files(self, paths: list[str], replace: bool = False, *, fmt: str = "auto", add_types: bool = False,
                     annotator: str | None = None, layer: str = DEFAULT_LAYER) -> int | None:
        """Import with a progress dialog and Cancel; all or nothing.  Returns the count, or None.

        ``layer``: the annotations go into it (an annotator's layer: documents the project has already, with
        the same text, gain it)."""
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

        report = ImportReport()
        schema_before = session.project.schema
        try:
            try:
                n = import_paths(session.project, paths, fmt=fmt, replace=replace, add_types=add_types,
                                 report=report, progress=progress, layer=layer,
                                 annotator=annotator or session.project.annotator or None)
            finally:
                dlg.close()  # before any message, and also on an error nobody expected
        except _Cancelled:
            self.bar.showMessage("Import cancelled; nothing was imported", 5000)
            return None
        except (FormatError, StoreError, OSError) as exc:
            self.show_error("Import failed", f"{exc}\n\nNothing was imported.")
            return None
        if session.project.schema is not schema_before:
            self._reopen(session)  # new types: the palette, the Labels menu and the colours follow
        else:
            session.documents_changed.emit()
        where = paths[0] if len(paths) == 1 else f"{len(paths):,} files"
        headline = f"Imported {_plural(n, 'document')} from {where}"
        if layer:
            headline += f" as {layer_title(layer)}'s layer"
        self.bar.showMessage(headline, 6000)
        lines = report.lines()
        if lines:
            self._show_summary("Import", headline, lines)
        session = self._session_of()
        if session is not None and session.current is None:
            ids = session.project.document_ids()
            if ids:
                self.open_document(ids[0])
        return n

    def _reopen(self, session: Session) -> None:
        """Open the project again in the window (its schema changed), when the window can."""
        reopen = getattr(self.parent, "open_project", None)
        if callable(reopen) and session.project.path is not None:
            reopen(session.project.path)
        else:
            session.documents_changed.emit()

    def import_dialog(self) -> None:
        """File › Import: ask for the format, the files or folder and the options, then import."""
        session = self._session_of()
        if session is None:
            return
        start = self._remembered("import/last_folder")
        dlg = ImportDialog(self.parent, annotator=session.project.annotator or "", start=start)
        self._replace_dialog(dlg)

        def run() -> None:
            c = dlg.choice()
            self._remember("import/last_folder", c.paths[0])
            self.import_files(c.paths, fmt=c.fmt, add_types=c.add_types, annotator=c.annotator, layer=c.layer)

        dlg.accepted.connect(run)
        dlg.open()

    # ------------------------------------------------------------------ export

    def export_file(self, path: str, statuses: list[str] | None = None, fmt: str = "jsonl", *,
                    split: float | None = None, seed: int = 0, windows: bool = False,
                    layer: str | None = None) -> int | None:
        """Export with a progress dialog and Cancel (a file target is untouched on cancel).  Returns the count.

        ``layer``: whose annotations (None: as ``annotator export`` without ``--layer``)."""
        session = self._session_of()
        if session is None:
            return None
        project = session.project
        counts = project.counts_by_status()
        total = sum(n for s, n in counts.items() if statuses is None or s in statuses)
        dlg = self._progress_dialog("Exporting…", "Export", total)

        def progress(done: int, _total: int) -> None:  # _total counts every status
            dlg.setValue(min(done, total))
            QApplication.processEvents()

        report = ExportReport()
        options = ExportOptions(schema=project.schema, split=split, seed=seed, windows=windows)
        try:
            try:
                if layer is None:
                    layer = export_layer(project, fmt)[0]
                n = export_to_path(project, path, fmt, statuses=statuses, options=options, report=report,
                                   progress=progress, cancelled=dlg.wasCanceled, layer=layer)
            finally:
                dlg.close()
        except InterruptedError:
            written = len(report.files)
            self.bar.showMessage("Export cancelled; " + (f"{_plural(written, 'file')} written before Cancel"
                                                         if written else "nothing was written"), 8000)
            return None
        except (OSError, StoreError, ValueError, ImportError) as exc:  # FormatError is a ValueError
            self.show_error("Export failed", str(exc))
            return None
        headline = f"Exported {_plural(n, 'document')} to {path}"
        if any(project.layers()):  # more than the default layer: say whose annotations went out
            headline += f" ({layer_title(layer)} layer)"
        self.bar.showMessage(headline, 8000)
        lines = report.lines()
        if lines:
            title = registry.get(fmt).title
            intro = (f"{title} cannot hold everything in this project. The export was written; "
                     "this is what it lacks and what was changed:" if not report.lossless else "")
            self._show_summary("Export", headline, lines, intro=intro)
        return n

    def export_dialog(self, fmt: str = "jsonl") -> None:
        """File › Export: ask for the format, the target and the options (``fmt`` chosen first), then export."""
        session = self._session_of()
        if session is None:
            return
        project = session.project
        stem = project.path.name.split(".")[0] if project.path else "export"
        dlg = ExportDialog(self.parent, stem=stem or "export", folder=self._remembered("export/last_folder"),
                           counts=project.counts_by_status(), fmt=fmt, layers=project.layers(),
                           working=project.layer)
        self._replace_dialog(dlg)

        def run() -> None:
            c = dlg.choice()
            self._remember("export/last_folder", c.path)
            self.export_file(c.path, c.statuses, c.fmt, split=c.split, seed=c.seed, windows=c.windows,
                             layer=c.layer)

        dlg.accepted.connect(run)
        dlg.open()

    # ------------------------------------------------------------------ where the dialogs start

    def _remembered(self, key: str) -> str | None:
        folder = self.settings.value(key) if self.settings is not None else None
        return str(folder) if folder and Path(str(folder)).is_dir() else None

    def _remember(self, key: str, path: str) -> None:
        """Remember the folder that holds ``path`` (an export folder's parent) for the next dialog."""
        if self.settings is not None:
            p = Path(path)
            self.settings.setValue(key, str(p.parent))


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
