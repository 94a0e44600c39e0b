"""Keeps the text view's spans and arcs in step with the session's current document."""
from __future__ import annotations

import weakref

from ..model import Span
from .arcs import Link
from .layer_overlay import Overlay
from .linking import Linker
from .loader import LoadSlice
from .session import Change, DocState, Session
from .textview import AnnotationView
from .view_anchor import capture, restore


class ViewSync:
    """Puts a document into the view, then applies each change to the spans and links it touched.

    A long document arrives in slices (``Session.document_progress``): each is
    drawn as it comes, so the user scrolls and tags while the rest loads.
    """

    def __init__(self, view: AnnotationView, linker: Linker):
        self.view = view
        self.linker = linker
        self._session: weakref.ref[Session] | None = None
        self._shown: DocState | None = None  # the document state the view shows
        self._complete = False  # the view has all of _shown's spans and links
        self._sliced = False  # _shown arrived in slices after its first frame
        self._colors: dict[str, str] = {}  # the type colours of the document shown

    def show_document(self, cur: DocState, colors: dict[str, str]) -> None:
        """A newly opened document: its text, the spans loaded so far, their arcs."""
        self._follow()
        self._shown, self._complete, self._sliced = cur, not cur.partial, False
        self.view.bands.clear()  # a document (re)opened is laid out compactly; bands only stay while it is shown
        self._colors = colors
        spans = list(cur.spans.values())
        overlay = self._overlay()
        if overlay is not None:  # every layer at once: each tag names its layer (ORG·dana), in its type's colour
            spans, colors = overlay.view_spans(spans), overlay.view_colors(colors)
        self.view.set_document(cur.text, spans, colors)
        self.view.set_links(self._links(self.linker.all_links(cur)))
        self.linker.cancel_pick()

    def _overlay(self) -> Overlay | None:
        """The overlay shown while every layer is (its tags name their layers), else None."""
        try:
            session = self.linker.session
        except AssertionError:  # no project open
            return None
        return session.overlay if session is not None and session.all_layers else None

    def _for_view(self, spans: list[Span]) -> list[Span]:
        """``spans`` as the view draws them: in the overlay, labelled with their layers (colours to match)."""
        overlay = self._overlay()
        if overlay is None:
            return spans
        shown = overlay.view_spans(spans)
        if any(s.label not in self.view.vstyle.colors for s in shown):  # a layer that came since (another program)
            self.view.set_colors(overlay.view_colors(self._colors))
        return shown

    def _links(self, links: list[Link]) -> list[Link]:
        """``links`` as the view draws them: in the overlay, each role names its layer (``Victim·D``)."""
        overlay = self._overlay()
        return links if overlay is None else overlay.view_links(links)

    def _follow(self) -> None:
        """Listen to the slices of the session the linker works for (once per session)."""
        try:
            session = self.linker.session
        except AssertionError:  # no project open
            return
        if session is None:
            return
        if self._session is None or self._session() is not session:
            session.document_progress.connect(self.add_slice)
            self._session = weakref.ref(session)

    def add_slice(self, sl: LoadSlice) -> None:
        """Draw one more slice of the document being loaded."""
        session = self._session() if self._session is not None else None
        cur = session.current if session is not None else None
        if cur is None or cur is not self._shown or cur.id != sl.doc_id:
            return
        self._sliced = True
        self.linker.role_counts.forget()  # more of the document to count
        anchor = capture(self.view)  # what the user reads stays put while the rest arrives
        if sl.spans:
            self.view.add_spans(self._for_view(sl.spans))
        ids = sl.events + sl.relations
        if ids:
            self.view.add_links(self._links(self.linker.links_for(cur, ids)))
        restore(self.view, anchor)
        if sl.last:
            self._complete = True

    def fill_loaded(self, cur: DocState) -> bool:
        """The document is completely loaded: make sure the view shows all of it.

        Returns whether anything arrived after the first frame (the counts changed)."""
        self.linker.role_counts.forget()
        shown = self.view.spans()
        if cur is self._shown and self._complete and len(shown) == len(cur.spans):
            return self._sliced  # the slices brought everything (the usual case)
        missing = [s for s in cur.spans.values() if s.id not in shown]
        if missing:
            self.view.add_spans(self._for_view(missing))
        if cur is self._shown and self._complete:
            return self._sliced or bool(missing)
        # not followed slice by slice (e.g. no project session to listen to): everything at once
        self.view.set_links(self._links(self.linker.all_links(cur)))
        self._shown, self._complete = cur, True
        return True

    def apply(self, cur: DocState, change: Change) -> str | None:
        """Update the spans and links ``change`` touched; returns the view's selected span, if any
        (cleared when the change removed it).

        The line the user is looking at stays where it is on screen
        (:mod:`~annotator.qt.view_anchor`): a band that grew pushes away only
        the lines on its far side."""
        shown = self.view.spans()
        anchor = capture(self.view, change.start if change.ids else None)
        with self.view.batched():  # each touched paragraph is laid out once
            for ann_id in change.ids:
                span = cur.spans.get(ann_id)
                if span is not None:
                    span = self._for_view([span])[0]
                    if ann_id in shown:
                        self.view.update_span(span)
                    else:
                        self.view.add_span(span)
                elif ann_id in shown:
                    self.view.remove_span(ann_id)
            self.linker.update(change.ids)
            if self._overlay() is not None:  # read-only: only another program's write comes here, rarely
                self.view.set_links(self._links(self.linker.all_links(cur)))
        restore(self.view, anchor)
        sel = self.view.selected_span()
        if sel and sel not in cur.spans:
            self.view.select_span(None, scroll=False)
        return sel
