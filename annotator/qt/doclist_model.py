"""The document list's table model: rows read lazily from SQL, a page at a time, updated in place.

:class:`DocumentTableModel` shows what a :class:`~annotator.store.DocumentQuery`
selects (Name, Status, Annotations, with problem badges and status tints);
:mod:`annotator.qt.doclist` puts it in the panel.
"""
from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPalette, QPixmap
from PySide6.QtWidgets import QWidget

from ..store import DocumentPages, DocumentQuery, DocumentSummary, Project, StoreError
from .problemicons import problem_badge, problem_summary

DONE_STATUSES = ("done", "reviewed")

#: Readable words for each stored status.
STATUS_TEXT: dict[str, str] = {
    "new": "New",
    "in_progress": "In progress",
    "done": "Done",
    "reviewed": "Reviewed",
}

# Subtle tints per status; blended into the palette's base colour so that
# they stay readable in light and dark themes alike.
_STATUS_TINT: dict[str, str] = {
    "new": "",
    "in_progress": "#f0b429",
    "done": "#3fa34d",
    "reviewed": "#3b7dd8",
}

ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2


def status_text(status: str) -> str:
    """The status as words for people (``in_progress`` -> ``In progress``)."""
    return STATUS_TEXT.get(status, status.replace("_", " ").capitalize())


def _blend(base: QColor, tint: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() * (1 - amount) + tint.red() * amount),
        round(base.green() * (1 - amount) + tint.green() * amount),
        round(base.blue() * (1 - amount) + tint.blue() * amount),
    )


class DocumentTableModel(QAbstractTableModel):
    """Name, Status, Annotations of the documents a :class:`~annotator.store.DocumentQuery` selects, read lazily.

    The row count comes from SQL; rows are read a page at a time when the
    view asks for them (:attr:`PAGE` rows, at most :attr:`MAX_PAGES` pages
    kept), so a list of a million documents costs what is on screen.
    Sorting (:meth:`sort`) and filtering (:meth:`set_query`) are done in SQL.
    :attr:`fetched` counts the rows read so far.
    """

    HEADERS = ("Name", "Status", "Annotations")
    PAGE = 200
    MAX_PAGES = 64
    SORT_OF_COLUMN = {0: "name", 1: "status", 2: "annotations"}

    def __init__(self, parent: QWidget | None = None, project_of: Callable[[], Project | None] | None = None):
        super().__init__(parent)
        self._project_of = project_of or (lambda: None)
        self.query = DocumentQuery()
        self.total = 0
        self.fetched = 0
        self._pages: OrderedDict[int, list[DocumentSummary]] = OrderedDict()
        self._row_of_id: dict[str, int] = {}  # the rows held, by document id
        self._palette = QPalette()
        self._badges: dict[tuple[int, int], QPixmap | None] = {}

    # ------------------------------------------------------------------ reading

    def _pages_of(self) -> DocumentPages | None:
        project = self._project_of()
        return project.pages if project is not None else None

    def reload(self) -> None:
        """Count again and forget every page read (a model reset)."""
        self.beginResetModel()
        self._pages.clear()
        self._row_of_id.clear()
        pages = self._pages_of()
        try:
            self.total = pages.count(self.query) if pages is not None else 0
        except (StoreError, sqlite3.Error):
            self.total = 0
        self.endResetModel()

    def set_query(self, query: DocumentQuery) -> None:
        """Show what ``query`` selects (a reset, only when it differs)."""
        if query != self.query:
            self.query = query
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; column -1 is import order."""
        self.set_query(replace(self.query, sort=self.SORT_OF_COLUMN.get(column, "order"),
                               descending=order == Qt.SortOrder.DescendingOrder and column in self.SORT_OF_COLUMN))

    def _page(self, number: int) -> list[DocumentSummary]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        pages = self._pages_of()
        try:
            page = pages.page(self.query, number * self.PAGE, self.PAGE, self.total) if pages is not None else []
        except (StoreError, sqlite3.Error):
            page = []  # the file could not be read now: empty cells until the next refresh
        self.fetched += len(page)
        self._pages[number] = page
        base = number * self.PAGE
        self._row_of_id.update((summary.id, base + i) for i, summary in enumerate(page))
        if len(self._pages) > self.MAX_PAGES:
            old_number, old = self._pages.popitem(last=False)
            for i, summary in enumerate(old, old_number * self.PAGE):
                if self._row_of_id.get(summary.id) == i:
                    del self._row_of_id[summary.id]
        return page

    def row_at(self, row: int) -> DocumentSummary | None:
        """The document at ``row`` (read with its page when not read yet)."""
        if not 0 <= row < self.total:
            return None
        page = self._page(row // self.PAGE)
        i = row % self.PAGE
        return page[i] if i < len(page) else None

    def loaded_row(self, doc_id: str) -> tuple[int, DocumentSummary] | None:
        """``(row, summary)`` of ``doc_id`` among the rows already read (nothing is read here)."""
        row = self._row_of_id.get(doc_id)
        if row is None:
            return None
        page = self._pages.get(row // self.PAGE)
        if page is None or row % self.PAGE >= len(page) or page[row % self.PAGE].id != doc_id:
            return None
        return row, page[row % self.PAGE]

    def row_of(self, doc_id: str) -> int | None:
        """The row of ``doc_id`` (None when the list does not show it): one indexed query, or the pages read."""
        hit = self.loaded_row(doc_id)
        if hit is not None:
            return hit[0]
        pages = self._pages_of()
        try:
            row = pages.position(self.query, doc_id) if pages is not None else None
        except (StoreError, sqlite3.Error):
            return None
        return row if row is not None and row < self.total else None

    def loaded_rows(self) -> int:
        """How many rows are held now."""
        return sum(len(p) for p in self._pages.values())

    # ------------------------------------------------------------------ updating one row

    def update_row(self, summary: DocumentSummary) -> bool:
        """Put a fresh summary in place of the row read for the same document; False when none is held."""
        hit = self.loaded_row(summary.id)
        if hit is None:
            return False
        row, old = hit
        if old == summary:
            return True
        page = self._pages[row // self.PAGE]
        page[row % self.PAGE] = summary
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        return True

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> bool:
        """Update one document's problem counts in place; False if its row is not held."""
        hit = self.loaded_row(doc_id)
        if hit is None:
            return False
        row, old = hit
        if (old.n_errors, old.n_incomplete) != (n_errors, n_incomplete):
            self.update_row(replace(old, n_errors=n_errors, n_incomplete=n_incomplete))
        return True

    # ------------------------------------------------------------------ look

    def set_palette(self, palette: QPalette) -> None:
        """Use ``palette`` for the status tints (they blend into its base colour) and problem badges."""
        self._palette = palette
        self._badges.clear()
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, 1))

    def _badge(self, n_errors: int, n_incomplete: int) -> QPixmap | None:
        key = (n_errors, n_incomplete)
        if key not in self._badges:
            font = QGuiApplication.font()
            height = min(16, QFontMetrics(font).height())
            ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
            self._badges[key] = problem_badge(n_errors, n_incomplete, font, self._palette, height, ratio)
        return self._badges[key]

    # ------------------------------------------------------------------ QAbstractTableModel

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.name
            if col == 1:
                return status_text(row.status)
            return row.n_annotations
        if role == ID_ROLE:
            return row.id
        if role == STATUS_ROLE:
            return row.status
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and (row.n_errors or row.n_incomplete):
            return self._badge(row.n_errors, row.n_incomplete)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.name} ({row.id}): {status_text(row.status)}, {row.n_annotations} annotation(s)"
            if row.n_errors or row.n_incomplete:
                tip += f"\nProblems: {problem_summary(row.n_errors, row.n_incomplete)}"
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and col == 1:
            tint = _STATUS_TINT.get(row.status)
            if tint:
                return _blend(self._palette.color(QPalette.ColorRole.Base), QColor(tint), 0.22)
        return None


