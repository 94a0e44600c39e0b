"""The window's side of trust: failed writes, read-only projects, upgrades, other writers.

- A write that did not reach the file shows a red banner naming what and why,
  and the status bar stops saying "Saved".
- A read-only project shows a banner with the reason and a "Save As…" button;
  editing actions, the palette and the inspector's fields are off (the session
  refuses every write anyway, with a message).
- An older project that was upgraded names the backup copy of the old file.
- Changes written by another window or process are taken in (see poller.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStatusBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..store import StoreError
from .banner import Banner
from .poller import ExternalChangeWatcher
from .session import Session

if TYPE_CHECKING:  # the panels are imported after the window's first frame
    from .inspector import Inspector


class WindowSafety(QObject):
    """Banners, read-only mode and Save As for one main window.

    It gets the window's parts it acts on, not the window: the layout above the
    text (for the banners), the Save As action and the editing actions (off in
    a read-only project), the status bar and its "Saved" field, the session of
    the open project, a way to show an error, and a way to open a project (Save
    As continues in the copy).
    """

    def __init__(self, window: QWidget, banner_layout: QBoxLayout, save_as: QAction, editing: list[QAction],
                 bar: QStatusBar, saved_label: QLabel, session_of: Callable[[], Session | None],
                 show_error: Callable[[str, str], None], open_project: Callable[[Path], bool]):
        super().__init__(window)
        self.window = window
        self.act_save_as = save_as
        self.editing = editing
        self.bar = bar
        self.saved_label = saved_label
        self._session_of = session_of
        self.show_error = show_error
        self.open_project = open_project
        self.last_failure: str | None = None  # the last write that failed, until one succeeds
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.read_only_banner = Banner("read_only_banner")
        self.failure_banner = Banner("failure_banner")
        self.info_banner = Banner("info_banner")
        for b in (self.read_only_banner, self.failure_banner, self.info_banner):
            lay.addWidget(b)
        banner_layout.insertWidget(0, box)
        self.watcher = ExternalChangeWatcher(window, session_of)

    # ------------------------------------------------------------------ a project was opened

    def attach(self, session: Session, palette: QWidget, inspector: Inspector) -> None:
        """Wire a newly opened project's session; show read-only and upgrade notices.

        In a read-only project ``palette`` is disabled and ``inspector`` takes no edits.
        """
        session.write_failed.connect(self._on_write_failed)
        session.saved.connect(self._on_saved)
        self.last_failure = None
        self.failure_banner.hide()
        self.info_banner.hide()
        self.act_save_as.setEnabled(True)
        self._apply_read_only(session, palette, inspector)
        backup = session.project.backup_path
        if backup:
            text = (f"This project was upgraded to the current format; a copy of the old file "
                    f"was kept as {Path(backup).name} (in {Path(backup).parent}).")
            self.info_banner.show_message(text, "info")
            self.bar.showMessage(f"Project upgraded; the old file was kept as {Path(backup).name}", 15000)

    def _apply_read_only(self, session: Session, palette: QWidget, inspector: Inspector) -> None:
        ro = session.read_only
        for a in self.editing:
            a.setEnabled(not ro)
        if not ro:
            self.read_only_banner.hide()
            return
        reason = session.project.read_only_reason or "opened read-only"
        self.read_only_banner.show_message(
            f"Read-only: {reason}. You can read, search and export, but changes cannot be saved "
            "to this file. Save a copy to edit it.",
            "warning", [("Save As…", self.save_as_dialog)], closable=False)
        palette.setEnabled(False)
        self._lock_inspector(inspector)
        self.saved_label.setText("Read-only")
        self.saved_label.setToolTip(f"{session.project.path}: {reason}")

    @staticmethod
    def _lock_inspector(ins: Inspector) -> None:
        """The inspector's fields show values but take no edits (its jumps still work)."""
        for spin in ins.findChildren(QAbstractSpinBox):
            spin.setReadOnly(True)
        for edit in ins.findChildren(QLineEdit):
            if not isinstance(edit.parent(), QAbstractSpinBox) and not isinstance(edit.parent(), QComboBox):
                edit.setReadOnly(True)
        for edit in (*ins.findChildren(QPlainTextEdit), *ins.findChildren(QTextEdit)):
            edit.setReadOnly(True)
        ins.type_combo.setEnabled(False)
        ins.attr_box.setEnabled(False)

    # ------------------------------------------------------------------ writes

    def _on_write_failed(self, message: str) -> None:
        self.last_failure = message
        session = self._session_of()
        if session is not None and session.read_only:
            self.bar.showMessage(message, 10000)  # the banner above says why already
            return
        self.failure_banner.show_message(message, "error")
        self.bar.showMessage("The last change was not saved: see the message above the text", 10000)
        label = self.saved_label
        label.setText("✖ Not saved")
        label.setToolTip(message)
        label.setMinimumWidth(label.sizeHint().width())

    def _on_saved(self) -> None:
        self.last_failure = None

    def confirm_saved(self) -> None:
        """Ctrl+S: say what is true about the file, never "saved" for what was not written."""
        s = self._session_of()
        sb = self.bar
        if s is None:
            sb.showMessage("No project is open", 5000)
        elif s.read_only:
            reason = s.project.read_only_reason or "opened read-only"
            sb.showMessage(f"Nothing can be saved to this file: it is read-only ({reason}); "
                           "use File › Save As… to make an editable copy", 8000)
        elif self.last_failure:
            sb.showMessage(f"Not saved: {self.last_failure}", 8000)
        else:
            sb.showMessage("All changes are saved: every change is written to the project file at once", 5000)

    # ------------------------------------------------------------------ save as

    def save_as_dialog(self) -> None:
        s = self._session_of()
        if s is None:
            return
        base = s.project.path or Path.home() / "project.annotator.db"
        default = str(base.with_name(base.stem.split(".")[0] + "-copy.annotator.db"))
        path, _ = QFileDialog.getSaveFileName(self.window, "Save a copy of the project", default,
                                              "Annotator projects (*.db);;All files (*)")
        if path:
            self.save_as(path)

    def save_as(self, path: str | Path) -> bool:
        """Write a full copy to ``path`` and continue in it (writable if its folder is)."""
        s = self._session_of()
        if s is None:
            return False
        target = Path(path)
        if s.project.path is not None and target.resolve() == s.project.path.resolve():
            self.show_error("Cannot save a copy", f"{target}: that is the open project itself; choose a new name")
            return False
        try:
            written = s.project.save_as(target)
        except (StoreError, OSError) as exc:
            self.show_error("Cannot save a copy", str(exc).splitlines()[0] if str(exc) else repr(exc))
            return False
        if not self.open_project(written or target):
            return False
        self.bar.showMessage(f"Saved a copy as {target}; you are now editing the copy", 8000)
        return True
