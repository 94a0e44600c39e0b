"""The inspector's field editors: attribute boxes, the note box and the type box's cached lists."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QPlainTextEdit, QWidget

from ..schema import AttributeDef, Schema
from .typelist import TypeListModel

__all__ = ["UNSET", "AttributeEditors", "NoteEdit", "TypeModels"]

UNSET = "(unset)"


class NoteEdit(QPlainTextEdit):
    """A note editor that commits on focus-out and on Ctrl+Enter (through ``on_commit``)."""

    def __init__(self, on_commit: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_commit = on_commit

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._on_commit()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        self._on_commit()
        super().focusOutEvent(event)


class AttributeEditors(QWidget):
    """One editor per attribute of the type shown: a check box for a flag, else a combo box.

    A combo box's first item is :data:`UNSET`.  Filling the editors
    (:meth:`show_type`) emits nothing; a change made by the user emits ``edited``.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.type_name: str | None = None  # the type the editors were built for
        self.widgets: dict[str, QComboBox | QCheckBox] = {}
        """Attribute name -> its editor, in schema order."""

    def show_type(self, schema: Schema, type_name: str, values: dict[str, Any]) -> bool:
        """Show ``values`` in editors for the attributes of ``type_name``; False when it has none.

        The editors are built again only when the type or its attributes change.
        """
        defs = schema.attributes_for(type_name)
        if type_name != self.type_name or set(self.widgets) != {d.name for d in defs}:
            self._build(defs)
            self.type_name = type_name
        for d in defs:
            w = self.widgets[d.name]
            w.blockSignals(True)
            if isinstance(w, QCheckBox):
                w.setChecked(values.get(d.name) is True)
            else:
                v = values.get(d.name)
                w.setCurrentIndex(d.values.index(v) + 1 if v in d.values else 0)
            w.blockSignals(False)
        return bool(defs)

    def _build(self, defs: list[AttributeDef]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)  # deletes the widgets
        self.widgets = {}
        for d in defs:
            if d.is_flag:
                w: QComboBox | QCheckBox = QCheckBox(d.name)
                w.toggled.connect(self._changed)
                self.form.addRow(w)
            else:
                w = QComboBox()
                w.addItem(UNSET)
                w.addItems(list(d.values))
                if d.default:
                    w.setToolTip(f"Default when unset: {d.default}")
                w.currentIndexChanged.connect(self._changed)
                self.form.addRow(d.name, w)
            self.widgets[d.name] = w

    def _changed(self, *_args: object) -> None:
        self.edited.emit()

    def values(self, schema: Schema) -> dict[str, Any]:
        """The attributes as the editors show them (unset ones left out)."""
        values: dict[str, Any] = {}
        defs = {d.name: d for d in schema.attributes_for(self.type_name or "")}
        for name, w in self.widgets.items():
            if isinstance(w, QCheckBox):
                if w.isChecked():
                    values[name] = True
            elif w.currentIndex() > 0:
                d = defs.get(name)
                values[name] = d.values[w.currentIndex() - 1] if d else w.currentText()
        return values


class TypeModels:
    """The type box's list for each kind of annotation: made once per schema, not per annotation shown.

    A model, not 10,000 combo items: showing an annotation stays instant
    whatever the schema size.  A type the schema lacks gets a model of its own.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        self._parent = parent
        self._models: dict[str, TypeListModel] = {}

    def model(self, schema: Schema, kind: str, type_name: str) -> TypeListModel:
        """The list of ``kind`` ("entity", "event" or "relation") types, with ``type_name`` in it."""
        types = {"entity": schema.entity_types, "event": schema.event_types, "relation": schema.relation_types}[kind]
        extra = None if type_name in types else type_name
        cache = self._models
        model = cache.get(kind)
        if model is None or model.schema is not schema or getattr(model, "extra", None) != extra:
            names = list(types) + ([extra] if extra is not None else [])
            model = TypeListModel(schema, [("", names)], sections=False, icon_size=12, hotkeys=False,
                                  parent=self._parent)
            model.extra = extra
            cache[kind] = model
        return model
