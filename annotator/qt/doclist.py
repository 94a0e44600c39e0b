"""The document list: every document of the project with its status and size.

A table (name, status, number of annotations) read lazily, a page at a time,
with a status filter, a review progress filter (in the layer shown: review
not started, in progress, all decided), a name filter and a sort done in
SQL, and a "N of M documents done" progress line.
A document with validation problems carries a badge before its name: the
number of errors in red, of incomplete events in orange (counts stored in the
project; :meth:`DocumentList.set_problem_counts` and
:meth:`DocumentList.refresh_document` update one row in place).
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
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
from ..store import DocumentSummary, StoreError
from .doclist_model import DONE_STATUSES, ID_ROLE, STATUS_ROLE, STATUS_TEXT, DocumentTableModel, status_text
from .session import Session

#: The review progress filter: (shown text, DocumentQuery.review).
REVIEW_FILTERS: tuple[tuple[str, str | None], ...] = (
    ("Any review", None), ("Review not started", "not_started"), ("Review in progress", "in_progress"),
    ("All decided", "decided"),
)

__all__ = ["DocumentList", "DocumentTableModel", "DONE_STATUSES", "ID_ROLE", "STATUS_ROLE", "STATUS_TEXT", "status_text"]


class DocumentList(QWidget):
    """The project's documents; a click (or Enter) on one emits :attr:`document_activated`.

    The status filter, the name filter and the sort are SQL queries
    (:class:`~annotator.store.DocumentQuery`); the rows are read lazily
    (:class:`DocumentTableModel`), so a project of a million documents opens,
    scrolls, filters and finds without reading every row.
    """

    document_activated = Signal(str)

    #: Up to this many documents the name filter follows every key press; above, a pause in typing.
    FIND_AT_ONCE_UP_TO = 50_000
    FIND_DELAY_MS = 200

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._current: str | None = None
        self._quiet = False
        self._statuses: dict[str, str] = {}  # the last status seen of documents updated while off the list
        self._progress: dict[str, str] = {}  # the last review progress seen of documents updated (a filter on)
        self._n_documents = 0
        # In a big project each change of the name filter scans the names index: typing waits for a pause.
        self._find_timer = QTimer(self)
        self._find_timer.setSingleShot(True)
        self._find_timer.setInterval(self.FIND_DELAY_MS)
        self._find_timer.timeout.connect(self._apply_filters)

        self.model = DocumentTableModel(self, lambda: self.session.project)
        self.model.set_palette(self.palette())
        self.proxy = self.model  # the view's model (filtering and sorting are in SQL; the name stays for callers)

        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for s in STATUSES:
            self.status_filter.addItem(status_text(s), s)
        self.status_filter.setToolTip("Show only documents with this status")
        self.review_filter = QComboBox()
        self.review_filter.setObjectName("review_filter")
        for text, value in REVIEW_FILTERS:
            self.review_filter.addItem(text, value)
        self.review_filter.setToolTip("Show only documents whose review (in the layer shown) is not started, "
                                      "in progress, or complete (every annotation and argument decided)")
        self.name_filter = QLineEdit(placeholderText="Filter by name")
        self.name_filter.setClearButtonEnabled(True)

        self.view = QTableView()
        self.view.setModel(self.model)
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
        # Status and Annotations are as wide as their widest possible text: sizing them to their
        # contents (ResizeToContents) would read rows off screen, every row in some layouts.
        fm = self.view.fontMetrics()
        pad = 3 * fm.horizontalAdvance("M")
        widths = (max(fm.horizontalAdvance(status_text(s)) for s in STATUSES),
                  max(fm.horizontalAdvance("Annotations"), fm.horizontalAdvance("0000000")))
        for col, width in ((1, widths[0]), (2, widths[1])):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, width + pad)
        header.setHighlightSections(False)

        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.status_filter, 1)
        top.addWidget(self.review_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.name_filter)  # a line of its own: room to type in a narrow dock
        layout.addWidget(self.view, 1)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress)

        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.review_filter.currentIndexChanged.connect(self._apply_filters)
        session.layer_changed.connect(self._apply_filters)  # the review progress is the shown layer's
        self.name_filter.textChanged.connect(self._on_name_typed)
        self.view.clicked.connect(self._on_activated)
        self.view.activated.connect(self._on_activated)  # Enter (and double-click)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.model.modelReset.connect(self._reselect)  # after a sort, a filter or a refresh
        session.documents_changed.connect(self.refresh)
        session.document_updated.connect(self._on_document_updated)
        session.document_opened.connect(self.set_current)
        self.refresh()

    # ------------------------------------------------------------------ public

    def refresh(self) -> None:
        """Re-read the documents from the project; keep the current one selected."""
        self._quiet = True
        try:
            self.model.reload()
        finally:
            self._quiet = False
        self._update_progress()
        self._reselect()

    def refresh_document(self, doc_id: str) -> None:
        """Re-read one document's row (status, annotations, problem counts) in place, without a reset.

        For after an edit that changed its problem counts or size.  When its
        new status takes it out of (or into) the status filter, or moves it
        in a sort by status, the list is re-read instead.
        """
        project = self.session.project
        try:
            summary = project.document_summary(doc_id) if project is not None else None
        except (StoreError, sqlite3.Error):
            return
        if summary is None:
            return
        self._put_row(summary)

    def set_current(self, doc_id: str | None) -> None:
        """Select (and scroll to) the row of ``doc_id`` without emitting :attr:`document_activated`."""
        self._current = doc_id
        row = self.model.row_of(doc_id) if doc_id is not None else None
        index = self.model.index(row, 0) if row is not None else QModelIndex()
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
        """Ids of the documents that pass the filters, in the order shown (reads every one: for small lists)."""
        return [r.id for r in (self.model.row_at(i) for i in range(self.model.rowCount())) if r is not None]

    def next_id(self, doc_id: str | None, step: int = 1) -> str | None:
        """The id ``step`` rows after (or before, if negative) ``doc_id`` among the visible rows.

        When ``doc_id`` is filtered out, the first (or last) visible document.
        None at either end or when nothing is visible.
        """
        total = self.model.rowCount()
        if not total:
            return None
        row = self.model.row_of(doc_id) if doc_id is not None else None
        if row is None:
            target = 0 if step > 0 else total - 1
        else:
            target = row + step
        found = self.model.row_at(target)
        return found.id if found is not None else None

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Show new problem counts for one document (connect ``ValidationPanel.problems_changed`` here)."""
        self.model.set_problem_counts(doc_id, n_errors, n_incomplete)

    def problem_counts(self, doc_id: str) -> tuple[int, int] | None:
        """The ``(n_errors, n_incomplete)`` shown for ``doc_id`` (None if it is not listed)."""
        hit = self.model.loaded_row(doc_id)
        if hit is not None:
            return hit[1].n_errors, hit[1].n_incomplete
        project = self.session.project
        try:
            summary = project.document_summary(doc_id) if project is not None else None
        except (StoreError, sqlite3.Error):
            return None
        return (summary.n_errors, summary.n_incomplete) if summary is not None else None

    def done_counts(self) -> tuple[int, int]:
        """(documents done or reviewed, all documents), counted in SQL."""
        project = self.session.project
        try:
            by_status = project.counts_by_status() if project is not None else {}
        except (StoreError, sqlite3.Error):
            by_status = {}
        return sum(by_status.get(s, 0) for s in DONE_STATUSES), sum(by_status.values())

    # ------------------------------------------------------------------ internals

    def _reselect(self) -> None:
        if self._current is not None:
            self.set_current(self._current)

    def _on_name_typed(self) -> None:
        if self._n_documents >= self.FIND_AT_ONCE_UP_TO:
            self._find_timer.start()
        else:
            self._apply_filters()

    def _apply_filters(self) -> None:
        self._find_timer.stop()
        self._progress.clear()
        layer = self.session.project.layer if self.session.project is not None else ""
        self.model.set_query(replace(self.model.query, status=self.status_filter.currentData(),
                                     name=self.name_filter.text(), review=self.review_filter.currentData(),
                                     layer=layer))

    def _update_progress(self) -> None:
        done, total = self.done_counts()
        self._n_documents = total
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

    def _put_row(self, summary: DocumentSummary) -> None:
        """Show ``summary`` in its row: in place, or by re-reading the list when its status moves it."""
        hit = self.model.loaded_row(summary.id)
        old_status = hit[1].status if hit is not None else None
        q = self.model.query
        moves = old_status is not None and old_status != summary.status and (
            q.status is not None or q.sort == "status" or q.review is not None)
        if moves:
            self.refresh()
            return
        self.model.update_row(summary)
        if old_status is not None and old_status != summary.status:
            self._update_progress()

    def _on_document_updated(self, doc_id: str) -> None:
        """One document's status or count changed: update its row in place (no full re-read)."""
        if self.model.query.review is not None and self._review_moved(doc_id):
            self.refresh()  # a decision (or its undo) took it out of the review progress filter, or into it
            return
        hit = self.model.loaded_row(doc_id)
        cur = self.session.current
        if hit is None:
            # Its row is not held (scrolled far away, or filtered out): only the progress line may
            # change, and only with the status, which is read from the session or the index, so that
            # an edit does not count a million documents by status.
            try:
                status = cur.document.status if cur is not None and cur.id == doc_id else \
                    self.session.project.document_status(doc_id)
            except StoreError:
                return
            before = self._statuses.get(doc_id)
            self._statuses[doc_id] = status
            if self.model.query.status is not None and status == self.model.query.status:
                self.refresh()  # it may have just come into the status filter
            elif self.model.query.review is not None and before != status:
                self.refresh()  # reviewed, or back: it may have just come into the review progress filter
            elif before is not None and before != status:
                self._update_progress()
            return
        row = hit[1]
        if cur is not None and cur.id == doc_id:
            status = cur.document.status  # Session.refresh re-reads it after every write
            # the count is the document's, over every layer: the file's (one indexed row), not the layer shown
            summary = self.session.project.document_summary(doc_id)
            n = summary.n_annotations if summary is not None else row.n_annotations
        else:
            try:
                status = self.session.project.document_status(doc_id)
            except StoreError:  # the document was deleted: a full refresh will follow
                return
            n = row.n_annotations
        self._statuses[doc_id] = status
        if (status, n) == (row.status, row.n_annotations):
            return
        self._put_row(replace(row, status=status, n_annotations=n))

    def _review_moved(self, doc_id: str) -> bool:
        """With a review progress filter on: has ``doc_id``'s progress (in the layer shown) taken it out of the
        list, or into it?  A few indexed probes of one document (:meth:`ProjectDocuments.review_state`)."""
        project = self.session.project
        try:
            decided, undecided = project.documents.review_state(doc_id) if project is not None else (False, False)
        except (StoreError, sqlite3.Error):
            return False
        progress = "decided" if decided and not undecided else "in_progress" if decided else "not_started"
        before = self._progress.get(doc_id)
        self._progress[doc_id] = progress
        if self.model.loaded_row(doc_id) is not None:  # listed: it matched the filter when the list was read
            return progress != self.model.query.review
        return progress == self.model.query.review and progress != before

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001
        """Follow palette (theme) changes for the status tints."""
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.model.set_palette(self.palette())
