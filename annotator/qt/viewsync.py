"""Keeps the text view's spans and arcs in step with the session's current document."""
from __future__ import annotations

from .linking import Linker
from .session import Change, DocState
from .textview import AnnotationView


class ViewSync:
    """Puts a document into the view, then applies each change to the spans and links it touched."""

    def __init__(self, view: AnnotationView, linker: Linker):
        self.view = view
        self.linker = linker

    def show_document(self, cur: DocState, colors: dict[str, str]) -> None:
        """A newly opened document: its text, the spans loaded so far, their arcs."""
        self.view.set_document(cur.text, list(cur.spans.values()), colors)
        self.view.set_links(self.linker.all_links(cur))
        self.linker.cancel_pick()

    def fill_loaded(self, cur: DocState) -> bool:
        """The rest of a long document arrived after its first frame: show all its spans.

        Returns False when the view had them all already."""
        shown = self.view.spans()
        if len(shown) == len(cur.spans) and len(self.view.links()) == len(self.linker.all_links(cur)):
            return False
        for span in cur.spans.values():
            if span.id not in shown:
                self.view.add_span(span)
        self.view.set_links(self.linker.all_links(cur))
        return True

    def apply(self, cur: DocState, change: Change) -> str | None:
        """Update the spans and links ``change`` touched; returns the view's selected span, if any
        (cleared when the change removed it)."""
        shown = self.view.spans()
        for ann_id in change.ids:
            span = cur.spans.get(ann_id)
            if span is not None:
                if ann_id in shown:
                    self.view.update_span(span)
                else:
                    self.view.add_span(span)
            elif ann_id in shown:
                self.view.remove_span(ann_id)
        self.linker.update(change.ids)
        sel = self.view.selected_span()
        if sel and sel not in cur.spans:
            self.view.select_span(None, scroll=False)
        return sel
