"""The inspector: the fields of the selected annotation, each editable through the session.

Every edit goes through one :class:`~annotator.qt.session.Session` operation
(and so becomes one undoable command).  Nothing is written when a value did
not change: widgets are filled with their signals blocked, and each commit
compares with the stored value first.  When the store refuses a change the
session reports it on ``error`` and returns False; the widget then goes back
to the stored value.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..model import TRIGGER
from .argslots import ArgumentSlots
from .inspector_fields import UNSET, AttributeEditors, NoteEdit, TypeModels
from .review_inspector import ReviewBox
from .session import Change, Session

__all__ = ["UNSET", "Inspector"]

TEXT_CHARS = 400

_KIND_WORD = {"entity": "Entity", "event": "Event", "relation": "Relation"}


class Inspector(QWidget):
    """Shows and edits one annotation: type, offsets, attributes, arguments, note and annotator; shows its review.

    :meth:`show_annotation` takes an entity span, event, trigger span (shown as
    its event) or relation id, or None for the empty state.  Argument slots
    are :class:`~annotator.qt.argslots.ArgumentSlots` (``self.slots``); their
    requests are re-emitted here for the main window.
    """

    jump_requested = Signal(str)               # filler id: scroll to it and select it
    pick_filler_requested = Signal(str, int)   # event id, argument position: pick its new filler
    add_argument_requested = Signal(str, str)  # event id, role: pick a filler to add under role

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._ann_id: str | None = None     # the annotation shown (an event for a trigger)
        self._kind: str | None = None       # "entity", "event" or "relation"
        self._span_id: str | None = None    # the span whose offsets are shown (trigger for an event)
        self._filling = False

        self.stack = QStackedWidget()
        self.hint = QLabel("Select an annotation to inspect it")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        pal = self.hint.palette()
        pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorRole.PlaceholderText))
        self.hint.setPalette(pal)
        self.stack.addWidget(self.hint)

        inner = QWidget()
        form = QFormLayout()
        form.setContentsMargins(6, 6, 6, 6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form = form

        self.title = QLabel()
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        form.addRow(self.title)

        self.type_combo = QComboBox()
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(12)
        self.type_combo.setMaxVisibleItems(20)
        self._type_models = TypeModels(self)
        form.addRow("Type", self.type_combo)

        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        form.addRow("Text", self.text_label)

        # normalizations (links to entries of external resources, brat's N lines): read-only
        self.norm_label = QLabel()
        self.norm_label.setTextFormat(Qt.TextFormat.PlainText)
        self.norm_label.setWordWrap(True)
        self.norm_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.norm_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.norm_label.setToolTip("Links to entries of external resources (resource:entry name)")
        form.addRow("Links", self.norm_label)

        self.start_spin = QSpinBox()
        self.end_spin = QSpinBox()
        for spin, tip in ((self.start_spin, "First character (code points from 0)"),
                          (self.end_spin, "One past the last character (code points)")):
            spin.setKeyboardTracking(False)
            spin.setToolTip(tip)
            spin.setAccelerated(True)
        offsets = QWidget()
        row = QHBoxLayout(offsets)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start_spin, 1)
        row.addWidget(QLabel("–"))
        row.addWidget(self.end_spin, 1)
        self.offsets_row = offsets
        form.addRow("Offsets", offsets)

        self.attr_box = AttributeEditors()  # its editors: self.attr_box.widgets
        self.attr_box.edited.connect(self._commit_attributes)
        self.attr_title = QLabel("Attributes")
        form.addRow(self.attr_title, self.attr_box)

        # arguments of an event (head and tail of a relation): one row per role
        self.args_title = QLabel("Arguments")
        f = self.args_title.font()
        f.setBold(True)
        self.args_title.setFont(f)
        self.args_title.setContentsMargins(0, 6, 0, 0)
        form.addRow(self.args_title)
        self.slots = ArgumentSlots(session)
        form.addRow(self.slots)
        self.slots.jump_requested.connect(self.jump_requested)
        self.slots.pick_filler_requested.connect(self.pick_filler_requested)
        self.slots.add_argument_requested.connect(self.add_argument_requested)
        # The arguments as plain text: kept (hidden, outside the layout) for
        # screen readers and older callers; the slots above are what is shown.
        self.args_label = QLabel(self)
        self.args_label.setTextFormat(Qt.TextFormat.PlainText)
        self.args_label.hide()

        self.note_edit = NoteEdit(self._commit_note)
        self.note_edit.setPlaceholderText("Note (Ctrl+Enter to save)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 12)  # taller notes scroll
        form.addRow("Note", self.note_edit)

        self.annotator_edit = QLineEdit()
        self.annotator_edit.setPlaceholderText("Who made it")
        form.addRow("Annotator", self.annotator_edit)

        self.review_box = ReviewBox()  # the reviewer's decision, reviewer and comment (read-only)
        form.addRow("Review", self.review_box)

        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(form)
        column.addStretch(1)  # fields stay together at the top of a tall dock
        page = QScrollArea()
        page.setWidgetResizable(True)
        page.setFrameShape(QScrollArea.Shape.NoFrame)
        page.setWidget(inner)
        self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.type_combo.currentIndexChanged.connect(self._commit_type)
        self.start_spin.editingFinished.connect(lambda: self._offsets_finished(self.start_spin))
        self.end_spin.editingFinished.connect(lambda: self._offsets_finished(self.end_spin))
        self.annotator_edit.editingFinished.connect(self._commit_annotator)
        session.changed.connect(self._on_changed)
        session.document_opened.connect(lambda _doc: self.show_annotation(None))
        self.show_annotation(None)

    # ------------------------------------------------------------------ public

    @property
    def annotation_id(self) -> str | None:
        """The id shown (an event's id when it was given its trigger span), or None."""
        return self._ann_id

    def show_annotation(self, ann_id: str | None) -> None:
        """Show ``ann_id`` (an entity, event, trigger span or relation id); None shows the hint."""
        if self._ann_id is not None and self.note_edit.hasFocus():
            self._commit_note()  # an edit in progress belongs to the annotation shown so far
        cur = self.session.current
        kind: str | None = None
        if ann_id is not None and cur is not None:
            if ann_id in cur.spans:
                s = cur.spans[ann_id]
                if s.kind == TRIGGER:
                    events = cur.events_of_trigger(ann_id)
                    if events:
                        ann_id, kind = events[0].id, "event"
                else:
                    kind = "entity"
            elif ann_id in cur.events:
                kind = "event"
            elif ann_id in cur.relations:
                kind = "relation"
        if kind is None:
            self._ann_id = self._kind = self._span_id = None
            self.stack.setCurrentIndex(0)
            return
        self._ann_id, self._kind = ann_id, kind
        self._populate()
        self.stack.setCurrentIndex(1)

    # ------------------------------------------------------------------ filling

    def _stored(self) -> Any:
        """The stored Span, Event or Relation shown."""
        cur = self.session.current
        if cur is None or self._ann_id is None:
            return None
        return {"entity": cur.spans, "event": cur.events, "relation": cur.relations}[self._kind].get(self._ann_id)

    def _populate(self) -> None:
        cur = self.session.current
        ann = self._stored()
        if ann is None:
            self.show_annotation(None)
            return
        schema = self.session.project.schema
        self._filling = True
        # attribute widgets may be rebuilt below; _fill_attributes blocks them itself
        widgets = (self.type_combo, self.start_spin, self.end_spin, self.note_edit, self.annotator_edit)
        blocked = [w.blockSignals(True) for w in widgets]
        try:
            kind = self._kind
            type_name = ann.label if kind == "entity" else ann.type
            self.title.setText(f"{_KIND_WORD[kind]} {ann.id}")
            model = self._type_models.model(schema, kind, type_name)
            if self.type_combo.model() is not model:
                enabled = self.type_combo.isEnabled()  # setModel enables the box again (read-only windows)
                self.type_combo.setModel(model)
                self.type_combo.setEnabled(enabled)
            self.type_combo.setCurrentIndex(model.row_of(type_name))

            # text and offsets
            if kind == "relation":
                self._span_id = None
                text = f"{self._covered(ann.head)}  →  {self._covered(ann.tail)}"
                self.offsets_row.setEnabled(False)
                ext = cur.extent(ann.id) or (0, 0)
                span_range = ext
            else:
                self._span_id = ann.id if kind == "entity" else ann.trigger
                text = self._covered(self._span_id)
                self.offsets_row.setEnabled(self._span_id in cur.spans)
                s = cur.spans.get(self._span_id)
                span_range = (s.start, s.end) if s is not None else (0, 0)
            self.text_label.setText(text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…")
            n = len(cur.text)
            for spin, value in ((self.start_spin, span_range[0]), (self.end_spin, span_range[1])):
                spin.setRange(0, n)
                spin.setValue(value)
            label = self.form.labelForField(self.offsets_row)
            if label is not None:
                label.setText("Trigger" if kind == "event" else "Offsets")

            norms = ann.normalizations
            self.norm_label.setText("\n".join(
                f"{x.resource}:{x.entry} {x.text}".rstrip() for x in norms))
            self.form.setRowVisible(self.norm_label, bool(norms))

            # attributes
            self._fill_attributes(type_name, ann.attributes)

            # argument slots (events) or head and tail (relations)
            self._fill_slots(kind)

            # note and annotator: leave the text (and cursor) alone when it is already right
            if self.note_edit.toPlainText() != ann.note:
                self.note_edit.setPlainText(ann.note)
            if self.annotator_edit.text() != ann.annotator:
                self.annotator_edit.setText(ann.annotator)
            self.review_box.show_annotation(kind, ann)
        finally:
            for w, b in zip(widgets, blocked):
                w.blockSignals(b)
            self._filling = False

    def _fill_slots(self, kind: str) -> None:
        shown = kind in ("event", "relation")
        self.args_title.setText("Arguments" if kind == "event" else "Head and tail")
        self.args_title.setVisible(shown)
        self.slots.setVisible(shown)
        if kind == "event":
            self.slots.show_event(self._ann_id)
        elif kind == "relation":
            self.slots.show_relation(self._ann_id)
        else:
            self.slots.show_event(None)
        self.args_label.setText(self.slots.summary())
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Tab runs through the fields top to bottom, the argument slots in row order."""
        chain: list[QWidget] = [self.type_combo, self.start_spin, self.end_spin]
        chain += list(self.attr_box.widgets.values())
        chain += self.slots.focus_chain()
        chain += [self.note_edit, self.annotator_edit]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def _fill_attributes(self, type_name: str, values: dict[str, Any]) -> None:
        has = self.attr_box.show_type(self.session.project.schema, type_name, values)
        self.attr_title.setVisible(has)
        self.attr_box.setVisible(has)

    def _covered(self, span_id: str) -> str:
        cur = self.session.current
        s = cur.spans.get(span_id) if cur is not None else None
        if s is None:
            return ""
        return " … ".join(cur.text[a:b] for a, b in s.pieces())

    # ------------------------------------------------------------------ commits

    def _reset(self) -> None:
        """Put every widget back to the stored values (after a refused change)."""
        self._populate()

    def _commit_type(self, _index: int = -1) -> None:
        ann = self._stored()
        if self._filling or ann is None:
            return
        new = self.type_combo.currentText()
        old = ann.label if self._kind == "entity" else ann.type
        if new == old or not new:
            return
        if not self.session.set_label(self._ann_id, new):
            self._reset()

    def _offsets_finished(self, spin: QSpinBox) -> None:
        # Moving focus from one offset box to the other is part of one edit:
        # commit when the pair is left (or Enter is pressed), so a span can be
        # moved past its old end without a refused intermediate state.
        other = self.end_spin if spin is self.start_spin else self.start_spin
        if QApplication.focusWidget() is other:
            return
        self._commit_offsets()

    def _commit_offsets(self) -> None:
        cur = self.session.current
        if self._filling or cur is None or self._span_id not in cur.spans:
            return
        s = cur.spans[self._span_id]
        start, end = self.start_spin.value(), self.end_spin.value()
        if (start, end) == (s.start, s.end):
            return
        if not self.session.set_offsets(self._span_id, start, end):
            self._reset()

    def attribute_values(self) -> dict[str, Any]:
        """The attributes as the widgets show them (unset ones left out)."""
        return self.attr_box.values(self.session.project.schema)

    def _commit_attributes(self, *_args: object) -> None:
        ann = self._stored()
        if self._filling or ann is None:
            return
        new = self.attribute_values()
        # keep stored keys the widgets do not show (e.g. an explicit False flag left alone)
        for k, v in ann.attributes.items():
            if k not in self.attr_box.widgets:
                new.setdefault(k, v)
        if new == ann.attributes:
            return
        if not self.session.set_attributes(self._ann_id, new):
            self._reset()

    def _commit_note(self) -> None:
        ann = self._stored()
        if self._filling or ann is None:
            return
        new = self.note_edit.toPlainText()
        if new == ann.note:
            return
        if not self.session.set_note(self._ann_id, new):
            self._reset()

    def _commit_annotator(self) -> None:
        ann = self._stored()
        if self._filling or ann is None:
            return
        new = self.annotator_edit.text().strip()
        if new == ann.annotator:
            return
        if not self.session.set_annotator(self._ann_id, new):
            self._reset()

    # ------------------------------------------------------------------ session

    def _on_changed(self, change: Change) -> None:
        if self._ann_id is None:
            return
        cur = self.session.current
        if cur is None or change.doc_id != cur.id:
            return
        watched = {self._ann_id}
        if self._span_id:
            watched.add(self._span_id)
        ann = self._stored()
        if ann is not None and self._kind == "relation":
            watched.update((ann.head, ann.tail))
        if ann is not None and self._kind == "event":
            watched.update(a.ref for a in ann.arguments)
            watched.update(cur.events[a.ref].trigger for a in ann.arguments if a.ref in cur.events)
        if not watched & change.ids:
            return
        if ann is None:
            self.show_annotation(None)
        else:
            self._populate()
