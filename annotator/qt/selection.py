"""The selected annotation, kept in step across the view, the inspector, the list and the arcs."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import QStatusBar

from .findbar import FindBar
from .linking import Linker
from .session import DocState, Session
from .tagging import Tagger, ann_of_span, span_of
from .textview import AnnotationView

if TYPE_CHECKING:  # the panels are imported after the window's first frame
    from .docks import Panels


class SelectionSync:
    """Clicks, jumps, Ctrl+L, Delete and Esc: what each selects, inspects and highlights.

    The panels never reach into each other: a panel's request comes here, and
    this sets the others.  ``panels_of`` gives the open project's panels.
    """

    def __init__(self, view: AnnotationView, find_bar: FindBar, session_of: Callable[[], Session | None],
                 panels_of: Callable[[], Panels | None], linker: Linker, tagger: Tagger, bar: QStatusBar):
        self.view = view
        self.find_bar = find_bar
        self._session_of = session_of
        self._panels_of = panels_of
        self.linker = linker
        self.tagger = tagger
        self.bar = bar

    def _open(self) -> tuple[Session, DocState, Panels] | None:
        s, panels = self._session_of(), self._panels_of()
        if s is None or s.current is None or panels is None:
            return None
        return s, s.current, panels

    @staticmethod
    def _inspect(panels: Panels, ann_id: str | None) -> str | None:
        """The one selected annotation: the Inspector shows ``ann_id`` and the list selects what it shows.

        The Inspector decides (a trigger span is shown as its event; an id that
        is gone shows nothing), and the list follows it, so the two never differ.
        """
        panels.inspector.show_annotation(ann_id)
        shown = panels.inspector.annotation_id
        panels.ann_list.select(shown)
        return shown

    def tagged(self, ann_id: str) -> None:
        """A new annotation was made: select it, inspect it, show it in the list."""
        if (opened := self._open()) is None:
            return
        _s, cur, panels = opened
        self.view.select_span(span_of(cur, ann_id), scroll=False)
        self._inspect(panels, ann_id)

    def span_clicked(self, span_id: str) -> None:
        """A click on a span (or on none): complete a pending link, or inspect what it stands for."""
        if (opened := self._open()) is None:
            return
        _s, cur, panels = opened
        if span_id and self.linker.picked(span_id):
            return
        ann = ann_of_span(cur, span_id) if span_id else None
        self.linker.highlight(self._inspect(panels, ann))

    def link_clicked(self, link_id: str) -> None:
        link = self.view.links().get(link_id)
        if link is not None:
            self.jump(link.owner)

    def jump(self, ann_id: str) -> None:
        """Show an annotation: scroll to it, select it, inspect it, highlight its arcs."""
        if (opened := self._open()) is None or not ann_id:
            return
        s, _cur, panels = opened
        s.ensure_loaded()
        cur = s.current
        assert cur is not None
        span_id = span_of(cur, ann_id)
        if span_id is None and ann_id in cur.relations:
            span_id = cur.relations[ann_id].head
        if span_id:
            self.view.select_span(span_id, scroll=True)
        self.linker.highlight(self._inspect(panels, ann_id))

    def annotation_activated(self, ann_id: str) -> None:
        """A row of the annotation list was activated: show and inspect it."""
        if (opened := self._open()) is None:
            return
        _s, cur, panels = opened
        span_id = span_of(cur, ann_id)
        if span_id:
            self.view.select_span(span_id, scroll=True)
        self.linker.highlight(self._inspect(panels, ann_id))

    def start_link(self) -> None:
        """Ctrl+L: the selected event takes the next picked span as an argument (an entity: relation)."""
        if (opened := self._open()) is None:
            return
        span_id = self.view.selected_span()
        if not span_id:
            self.bar.showMessage("Select an event trigger (or an entity) first, then press Ctrl+L", 4000)
            return
        self.linker.start_pick(ann_of_span(opened[1], span_id))

    def delete_selected(self) -> None:
        if (opened := self._open()) is None:
            return
        s, cur, panels = opened
        span_id = self.view.selected_span()
        if not span_id:
            self.bar.showMessage("Select an annotation to delete it", 3000)
            return
        if s.remove_annotation(ann_of_span(cur, span_id)):
            self.view.select_span(None, scroll=False)
            self.linker.highlight(self._inspect(panels, None))

    def clear(self) -> None:
        """Esc: close the find bar first (keeping the match selected, ready for a hotkey);
        otherwise clear the selection, the selected annotation and the sticky label."""
        if self.find_bar.isVisible():
            self.find_bar.hide()
            self.view.setFocus()
            return
        if self.linker.cancel_pick():
            return
        self.view.clear_selection()
        self.linker.highlight(None)
        self.view.select_span(None, scroll=False)
        panels = self._panels_of()
        if panels is not None:
            self._inspect(panels, None)
        self.tagger.set_sticky_label(None)
