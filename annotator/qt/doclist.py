"""The document list: every document of the project with its status and size.

A table (name, status, number of annotations) behind a sort/filter proxy, with
a status filter, a name filter and a "N of M documents done" progress line.
A document with validation problems carries a badge before its name: the
number of errors in red, of incomplete events in orange (counts stored in the
project; :meth:`DocumentList.set_problem_counts` updates one row in place).
"""
from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..model import STATUSES
from ..store import DocumentSummary
from ..store import StoreError
from .session import Session
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
    """Rows of :class:`~annotator.store.DocumentSummary`: Name, Status, Annotations."""

    HEADERS = ("Name", "Status", "Annotations")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[DocumentSummary] = []
        self._palette = QPalette()
        self._badges: dict[tuple[int, int], QPixmap | None] = {}

    def set_palette(self, palette: QPalette) -> None:
        """Use ``palette`` for the status tints (they blend into its base colour) and problem badges."""
        self._palette = palette
        self._badges.clear()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 1))

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> bool:
        """Update one document's problem counts in place; False if it is not listed."""
        for r, row in enumerate(self.rows):
            if row.id == doc_id:
                break
        else:
            return False
        if (row.n_errors, row.n_incomplete) != (n_errors, n_incomplete):
            row.n_errors, row.n_incomplete = n_errors, n_incomplete
            index = self.index(r, 0)
            self.dataChanged.emit(index, index)
        return True

    def _badge(self, n_errors: int, n_incomplete: int) -> QPixmap | None:
        key = (n_errors, n_incomplete)
        if key not in self._badges:
            font = QGuiApplication.font()
            height = min(16, QFontMetrics(font).height())
            ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
            self._badges[key] = problem_badge(n_errors, n_incomplete, font, self._palette, height, ratio)
        return self._badges[key]

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.name
            if col == 1:
                return status_text(row.status)
            return row.n_annotations
        if role == Qt.ItemDataRole.EditRole:  # sort keys
            if col == 0:
                return row.name.casefold()
            if col == 1:
                return STATUSES.index(row.status) if row.status in STATUSES else len(STATUSES)
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


class _DocumentFilter(QSortFilterProxyModel):
    """Filters rows by status (None: all) and by a case-insensitive name substring."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.status: str | None = None
        self.name = ""
        self.setSortRole(Qt.ItemDataRole.EditRole)

    def set_filters(self, status: str | None, name: str) -> None:
        self.beginFilterChange()  # Qt 6.10+: replaces the deprecated invalidateFilter()
        self.status = status
        self.name = name.casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        row = self.sourceModel().rows[source_row]
        if self.status is not None and row.status != self.status:
            return False
        return not self.name or self.name in row.name.casefold()


class DocumentList(QWidget):
    """The project's documents; a click (or Enter) on one emits :attr:`document_activated`."""

    document_activated = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._current: str | None = None
        self._quiet = False

        self.model = DocumentTableModel(self)
        self.model.set_palette(self.palette())
        self.proxy = _DocumentFilter(self)
        self.proxy.setSourceModel(self.model)

        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for s in STATUSES:
            self.status_filter.addItem(status_text(s), s)
        self.status_filter.setToolTip("Show only documents with this status")
        self.name_filter = QLineEdit(placeholderText="Filter by name")
        self.name_filter.setClearButtonEnabled(True)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # import order until the user sorts
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)

        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.status_filter)
        top.addWidget(self.name_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)

        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.name_filter.textChanged.connect(self._apply_filters)
        self.view.clicked.connect(self._on_activated)
        self.view.activated.connect(self._on_activated)  # Enter (and double-click)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        session.documents_changed.connect(self.refresh)
        session.document_updated.connect(self._on_document_updated)
        session.document_opened.connect(self.set_current)
        self.refresh()

    # ------------------------------------------------------------------ public

    def refresh(self) -> None:
        """Re-read the documents from the project; keep the current one selected."""
        self._quiet = True
        try:
            self.model.set_rows(self.session.project.document_summaries())
        finally:
            self._quiet = False
        self._update_progress()
        if self._current is not None:
            self.set_current(self._current)

    def set_current(self, doc_id: str | None) -> None:
        """Select (and scroll to) the row of ``doc_id`` without emitting :attr:`document_activated`."""
        self._current = doc_id
        index = self._proxy_index(doc_id) if doc_id is not None else QModelIndex()
        self._quiet = True
        try:
            sel = self.view.selectionModel()
            if index.isValid():
                sel.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.view.scrollTo(index)
            else:
                sel.clearSelection()
        finally:
            self._quiet = False

    def current_id(self) -> str | None:
        """The id of the selected document (None if none)."""
        return self._current

    def visible_ids(self) -> list[str]:
        """Ids of the documents that pass the filters, in the order shown."""
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]

    def next_id(self, doc_id: str | None, step: int = 1) -> str | None:
        """The id ``step`` rows after (or before, if negative) ``doc_id`` among the visible rows.

        When ``doc_id`` is filtered out, the first (or last) visible document.
        None at either end or when nothing is visible.
        """
        ids = self.visible_ids()
        if not ids:
            return None
        if doc_id not in ids:
            return ids[0] if step > 0 else ids[-1]
        i = ids.index(doc_id) + step
        return ids[i] if 0 <= i < len(ids) else None

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Show new problem counts for one document (connect ``ValidationPanel.problems_changed`` here)."""
        self.model.set_problem_counts(doc_id, n_errors, n_incomplete)

    def problem_counts(self, doc_id: str) -> tuple[int, int] | None:
        """The ``(n_errors, n_incomplete)`` shown for ``doc_id`` (None if it is not listed)."""
        for row in self.model.rows:
            if row.id == doc_id:
                return row.n_errors, row.n_incomplete
        return None

    def done_counts(self) -> tuple[int, int]:
        """(documents done or reviewed, all documents)."""
        done = sum(1 for r in self.model.rows if r.status in DONE_STATUSES)
        return done, len(self.model.rows)

    # ------------------------------------------------------------------ internals

    def _proxy_index(self, doc_id: str) -> QModelIndex:
        for r, row in enumerate(self.model.rows):
            if row.id == doc_id:
                return self.proxy.mapFromSource(self.model.index(r, 0))
        return QModelIndex()

    def _apply_filters(self) -> None:
        self.proxy.set_filters(self.status_filter.currentData(), self.name_filter.text())
        if self._current is not None:
            self.set_current(self._current)

    def _update_progress(self) -> None:
        done, total = self.done_counts()
        self.progress_label.setText(f"{done} of {total} documents done")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setToolTip(f"{done} of {total} documents done or reviewed")

    def _on_activated(self, index: QModelIndex) -> None:
        if self._quiet or not index.isValid():
            return
        doc_id = index.data(ID_ROLE)
        self._current = doc_id
        self.document_activated.emit(doc_id)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # Keyboard moves (arrow keys) select; Enter opens through ``activated``.
        if not self._quiet and current.isValid():
            self._current = current.data(ID_ROLE)

    def _on_document_updated(self, doc_id: str) -> None:
        """One document's status or count changed: update its row in place (no full re-read)."""
        for r, row in enumerate(self.model.rows):
            if row.id == doc_id:
                break
        else:
            return
        cur = self.session.current
        if cur is not None and cur.id == doc_id:
            status = cur.document.status  # Session.refresh re-reads it after every write
        else:
            try:
                status = self.session.project.document_status(doc_id)
            except StoreError:  # the document was deleted: a full refresh will follow
                return
        n = sum(cur.counts()) if cur is not None and cur.id == doc_id else row.n_annotations
        if (status, n) == (row.status, row.n_annotations):
            return
        row.status, row.n_annotations = status, n
        self.model.dataChanged.emit(self.model.index(r, 0), self.model.index(r, 2))
        self.proxy.invalidate()
        if self._current is not None:
            self.set_current(self._current)
        self._update_progress()

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001
        """Follow palette (theme) changes for the status tints."""
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.model.set_palette(self.palette())
