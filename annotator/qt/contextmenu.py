"""The text's right-click menu: tag the selection, change an annotation's type, link, delete."""
from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ..model import ENTITY
from .session import Session
from .tagging import Tagger
from .textview import AnnotationView
from .typelist import fill_type_menu


class ContextMenu:
    """Builds and pops up the menu for a right-click on the text or on ``span_id``.

    ``on_span_clicked`` runs for a right-clicked span (it becomes the selected
    annotation, as on a left click); ``span_actions`` (Link, Delete) are added
    for a span.
    """

    def __init__(self, parent: QWidget, view: AnnotationView, session_of: Callable[[], Session | None],
                 tagger: Tagger, on_span_clicked: Callable[[str], None], span_actions: Sequence[QAction]):
        self.parent = parent
        self.view = view
        self._session_of = session_of
        self.tagger = tagger
        self.on_span_clicked = on_span_clicked
        self.span_actions = span_actions
        self.last_menu: QMenu | None = None

    def popup(self, global_pos: QPoint, span_id: str) -> None:
        s = self._session_of()
        if s is None or s.current is None:
            return
        menu = self.build(span_id)
        menu.popup(global_pos)
        self.last_menu = menu

    def build(self, span_id: str) -> QMenu:
        s = self._session_of()
        assert s is not None and s.current is not None
        schema = s.project.schema
        menu = QMenu(self.parent)
        sel = self.view.selection()
        apply_label = self.tagger.apply_label
        if sel is not None:
            text = s.current.text[sel[0]:sel[1]]
            short = text if len(text) <= 24 else text[:23] + "…"
            ent = menu.addMenu(f"Tag “{short}” as entity")
            fill_type_menu(ent, schema, list(schema.entity_types), apply_label, title="Tag as entity")
            ev = menu.addMenu(f"Tag “{short}” as event trigger")
            fill_type_menu(ev, schema, list(schema.event_types), apply_label, title="Tag as event trigger")
        if span_id:
            self.view.select_span(span_id, scroll=False)
            self.on_span_clicked(span_id)
            span = s.current.spans.get(span_id)
            if span is not None:
                types = schema.entity_types if span.kind == ENTITY else schema.event_types
                change = menu.addMenu("Change type to")
                fill_type_menu(change, schema, list(types), lambda n, sid=span_id: self.tagger.relabel(sid, n),
                               title="Change type to", disabled=span.label)
                for a in self.span_actions:
                    menu.addAction(a)
        if menu.isEmpty():
            hint = menu.addAction("Select text to tag it")
            hint.setEnabled(False)
        return menu
