"""The label palette: every entity and event type of the schema, with colour and hotkey.

One list view over a model (:mod:`annotator.qt.typelist`), with a filter box:
it opens as fast with 10,000 types as with 40, since a view draws only the
rows on screen.
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..schema import Schema
from .typelist import TypeListModel, TypeListView, cached_swatch


def swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of ``color``, for buttons and lists (cached per colour)."""
    return cached_swatch(color, size)


class LabelPalette(QWidget):
    """The schema's entity and event types in a filterable list; a click emits :attr:`label_chosen`.

    The current (sticky) label is shown in bold and selected.
    """

    label_chosen = Signal(str)

    def __init__(self, schema: Schema, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        self.types: TypeListView | None = None
        self._outer = outer
        self.set_schema(schema)

    @property
    def filter(self):  # noqa: ANN201 - the QLineEdit of the list
        return self.types.filter

    @property
    def list(self):  # noqa: ANN201 - the QListView
        return self.types.list

    def set_schema(self, schema: Schema) -> None:
        if self.types is not None:
            self._outer.removeWidget(self.types)
            self.types.deleteLater()
        model = TypeListModel(schema, [("Entities", list(schema.entity_types)), ("Events", list(schema.event_types))])
        self.types = TypeListView(model, parent=self)
        model.setParent(self.types)
        self.types.type_chosen.connect(self.label_chosen)
        self._outer.addWidget(self.types)

    def index_of(self, label: str) -> QModelIndex:
        """Where ``label`` is in the list as shown (invalid when filtered out or unknown)."""
        return self.types.index_of(label)

    def set_current(self, label: str | None) -> None:
        """Show ``label`` as the sticky current label (None: no current label)."""
        self.types.model.set_current(label)
        sel = self.types.list.selectionModel()
        idx = self.index_of(label) if label else QModelIndex()
        if idx.isValid():
            sel.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:
            sel.clearSelection()
