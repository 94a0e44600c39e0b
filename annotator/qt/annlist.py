"""The annotation list: every entity, event and relation of the current document.

One row per entity span, event and relation (a trigger span is shown through
its event).  The model is rebuilt when a document opens (a long one: from its
first part only); while the rest loads, each of the loader's slices
(``Session.document_progress``) adds its rows in place, in runs of
``beginInsertRows`` at their sorted places (or, for rows scattered between many
others, as one range taken out and put back merged), so no turn of the event
loop builds more than one slice's rows and ``document_loaded`` costs nothing
here.  Each
:class:`~annotator.qt.session.Change` touches only the rows of its ids, with
``beginInsertRows``/``beginRemoveRows``/``dataChanged``, so an edit costs the
same at 3,000 and at 200,000 annotations, and never resets the model.  A row
is found by binary search on the current sort order (every sort key ends with
the id, so keys are unique): there is no id -> row number table to rebuild
after rows move.
The model (rows, sorting, in-place updates) is in :mod:`annotator.qt.annlist_model`;
filtering happens in a :class:`QSortFilterProxyModel` that is put between the
model and the view only while the filter has text: the proxy handles each
inserted or removed row in time proportional to the whole list (its mapping
tables: ~1 ms a row at 200,000 rows), so without a filter the view shows the
model itself and one row's insert or removal costs the same at any length.
"""
from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..model import layer_title
from .annlist_model import ID_ROLE, TEXT_CHARS, AnnotationTableModel, Row, row_for
from .loader import LoadSlice
from .paint_throttle import PaintThrottle
from .session import Change, Session

__all__ = ["ID_ROLE", "TEXT_CHARS", "AnnotationList", "AnnotationTableModel", "Row", "row_for"]

#: Columns hidden until the header's menu shows them: Type and Text are what a narrow dock has room for.
#: Layer, beside Type, is shown while every layer is overlaid (and only then offered).
HIDDEN_COLUMNS = (AnnotationTableModel.COL_ID, AnnotationTableModel.COL_START, AnnotationTableModel.COL_END,
                  AnnotationTableModel.COL_KIND, AnnotationTableModel.COL_LAYER)


class _AnnotationFilter(QSortFilterProxyModel):
    """Keeps rows whose type or text contains the filter text (case-insensitive)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.needle = ""
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102
        self.sourceModel().sort(column, order)

    def set_needle(self, needle: str) -> None:
        """Filter by ``needle`` (stripped and casefolded already)."""
        self.beginFilterChange()  # Qt 6.10+: replaces the deprecated invalidateFilter()
        self.needle = needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self.needle:
            return True
        model = self.sourceModel()
        row = model.rows[source_row]
        if self.needle in row.type.casefold() or self.needle in model.text_of(row).casefold():
            return True
        return model.session.all_layers and self.needle in model.layer_of(row).casefold()


class AnnotationList(QWidget):
    """A sortable, filterable table of the current document's annotations.

    A click or Enter on a row emits :attr:`annotation_activated` with its id.
    """

    annotation_activated = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = AnnotationTableModel(session, self)
        self.filter_model = _AnnotationFilter(self)  # between model and view only while filtering (_set_needle)

        self.filter = QLineEdit(placeholderText="Filter")
        self.filter.setToolTip("Show only annotations whose type or text contains this")
        self.filter.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.model)
        self._throttle = PaintThrottle(self.view)  # while a document loads, the list repaints 4 times a second
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(AnnotationTableModel.COL_START, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        # Fixed widths, not ResizeToContents: measuring 12,000 rows on every change is slow.
        fm = self.fontMetrics()
        schema = session.project.schema
        names = [*schema.entity_types, *schema.event_types, *schema.relation_types] or ["Type"]
        type_w = min(max(fm.horizontalAdvance(n) for n in names), fm.horizontalAdvance("Conflict.Attack"))
        widths = {
            AnnotationTableModel.COL_ID: fm.horizontalAdvance("T0000") + 12,
            AnnotationTableModel.COL_TYPE: type_w + 34,
            AnnotationTableModel.COL_START: fm.horizontalAdvance("0000000") + 12,
            AnnotationTableModel.COL_END: fm.horizontalAdvance("0000000") + 12,
            AnnotationTableModel.COL_KIND: fm.horizontalAdvance("relation") + 16,
        }
        for col, w in widths.items():
            header.resizeSection(col, w)
        header.setSectionResizeMode(AnnotationTableModel.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        # Type and Text fit a narrow dock; the header's menu shows the others (and sorts by position again)
        for col in HIDDEN_COLUMNS:
            header.hideSection(col)
        header.moveSection(header.visualIndex(AnnotationTableModel.COL_LAYER),
                           header.visualIndex(AnnotationTableModel.COL_TYPE) + 1)
        self._overlaid = False  # the Layer column is shown for the overlay (_follow_overlay)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.header_menu: QMenu | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)

        self.filter.textChanged.connect(self._set_needle)
        self.view.clicked.connect(self._on_activated)
        self.view.activated.connect(self._on_activated)
        session.document_opened.connect(self._on_document_opened)
        session.document_progress.connect(self._on_slice)
        session.document_loaded.connect(self._on_document_loaded)
        session.changed.connect(self._on_changed)
        if session.current is not None:
            self._follow_overlay()
            self.model.rebuild()

    @property
    def proxy(self) -> AnnotationTableModel | _AnnotationFilter:
        """The view's model: the table model itself, or the filter over it while the filter has text."""
        return self.view.model()

    def _to_view(self, source: QModelIndex) -> QModelIndex:
        """The view's index of the table model's ``source`` (invalid if the filter hides it)."""
        return source if self.view.model() is self.model else self.filter_model.mapFromSource(source)

    def _set_needle(self, text: str) -> None:
        """Filter by ``text``: the filter model goes in with the first character and out when it is empty."""
        needle = text.strip().casefold()
        fm = self.filter_model
        if needle:
            if fm.sourceModel() is not self.model:
                fm.needle = needle
                fm.setSourceModel(self.model)
                self._show_model(fm)
            elif needle != fm.needle:
                fm.set_needle(needle)
        elif fm.sourceModel() is not None:
            self._show_model(self.model)
            fm.needle = ""
            fm.setSourceModel(None)  # it would follow every insert and removal of the model, unseen

    def _show_model(self, model: AnnotationTableModel | _AnnotationFilter) -> None:
        """Show ``model`` in the view, keeping the columns shown, their widths, the sort and the selection."""
        selected = self.selected_id()
        # the header keeps its sections (same columns); a new selection model: nothing outside holds the old one
        self.view.setModel(model)
        if selected:
            self.select(selected)

    def _on_document_opened(self, _doc_id: str) -> None:
        self._throttle.release()
        self._follow_overlay()
        self.model.rebuild()

    def _follow_overlay(self) -> None:
        """Every layer overlaid: show the Layer column, as wide as the longest layer's name; one layer: hide it."""
        overlaid = self.session.all_layers
        if overlaid == self._overlaid:
            return
        self._overlaid = overlaid
        header = self.view.horizontalHeader()
        col = AnnotationTableModel.COL_LAYER
        if overlaid:
            overlay = self.session.overlay
            names = [layer_title(n) for n in (overlay.tags if overlay is not None else [])]  # every layer's
            fm = self.fontMetrics()
            header.resizeSection(col, max(fm.horizontalAdvance(n) for n in [*names, "Layer"]) + 16)
        header.setSectionHidden(col, not overlaid)

    def _on_changed(self, change: Change) -> None:
        # Rows going out must not hand the selection to a neighbour: the list keeps
        # showing the annotation the window has selected, or nothing once it is gone.
        self._throttle.release()  # an edit shows at once, also while a document loads
        selected = self.selected_id()
        self.model.apply(change)
        if self.selected_id() != selected:
            self.select(selected)

    def _on_slice(self, sl: LoadSlice) -> None:
        # a slice may take rows out and put them back (AnnotationTableModel.insert_rows): keep the selection
        if sl.last:
            self._throttle.release()
        else:
            self._throttle.changed()
        selected = self.selected_id()
        self.model.take_slice(sl)
        if selected and self.selected_id() != selected:
            index = self.proxy_index(selected)
            if index.isValid():
                self._set_current(index)

    def _on_document_loaded(self, _doc_id: str) -> None:
        self._throttle.release()
        # the slices have brought every row already (a short document: document_opened did)
        if not self.model.complete():
            self.model.rebuild()

    def _header_menu(self, pos: QPoint) -> None:
        """The header's right-click menu: a check box per column, and sort by position in the text."""
        header = self.view.horizontalHeader()
        if self.header_menu is None:
            self.header_menu = QMenu(self)
        menu = self.header_menu
        menu.clear()
        for col, title in enumerate(AnnotationTableModel.HEADERS):
            if col == AnnotationTableModel.COL_TEXT or (col == AnnotationTableModel.COL_LAYER and not self._overlaid):
                continue
            a = menu.addAction(title)
            a.setCheckable(True)
            a.setChecked(not header.isSectionHidden(col))
            a.toggled.connect(lambda on, c=col: self._show_column(c, on))
        menu.addSeparator()
        by_pos = menu.addAction("Sort by Position in Text")
        by_pos.triggered.connect(
            lambda: self.view.sortByColumn(AnnotationTableModel.COL_START, Qt.SortOrder.AscendingOrder))
        menu.popup(header.mapToGlobal(pos))

    def _show_column(self, col: int, on: bool) -> None:
        """Show or hide column ``col``; the current cell leaves a column being hidden (see :meth:`_set_current`)."""
        self.view.horizontalHeader().setSectionHidden(col, not on)
        current = self.view.currentIndex()
        if not on and current.isValid() and current.column() == col:
            self.view.selectionModel().setCurrentIndex(
                current.siblingAtColumn(AnnotationTableModel.COL_TEXT), QItemSelectionModel.SelectionFlag.NoUpdate)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.annotation_activated.emit(index.data(ID_ROLE))

    def proxy_index(self, ann_id: str) -> QModelIndex:
        """The view's index (column 0) of ``ann_id``; invalid if it is absent or filtered out.

        A trigger span id gives its event's row.
        """
        row = self.model.row_of(ann_id)
        if row is None:
            cur = self.session.current
            if cur is not None and ann_id in cur.spans:
                for ev in cur.events_of_trigger(ann_id):
                    row = self.model.row_of(ev.id)
                    if row is not None:
                        break
        if row is None:
            return QModelIndex()
        return self._to_view(self.model.index(row, 0))

    def select(self, ann_id: str | None) -> None:
        """Select and scroll to the row of ``ann_id`` without emitting; None clears the selection."""
        index = self.proxy_index(ann_id) if ann_id else QModelIndex()
        sel = self.view.selectionModel()
        if not index.isValid():
            sel.clearSelection()
            return
        self.view.scrollTo(self._set_current(index))

    def _set_current(self, index: QModelIndex) -> QModelIndex:
        """Make ``index``'s row current and selected, the current cell in the Text column (never hidden).

        When the current row is removed, Qt looks for the next row whose cell in the current column
        is shown: with the current cell in a hidden column (ID, hidden by default) it walks every row
        below (17 ms for the selected row's delete at 200,000 rows).
        """
        index = index.siblingAtColumn(AnnotationTableModel.COL_TEXT)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        return index

    def selected_id(self) -> str | None:
        """The id of the selected row, if any."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(ID_ROLE) if rows else None

    def visible_ids(self) -> list[str]:
        """Ids in the order the view shows them (after sort and filter)."""
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in range(self.proxy.rowCount())]
