"""Tagging from the keyboard and the palette: tag, relabel, the sticky label, token-wise boundaries."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Callable

from ..model import ENTITY
from ..text import tokens
from .linking import Linker
from .session import DocState, Session
from .textview import AnnotationView


def span_of(cur: DocState, ann_id: str) -> str | None:
    """The span that shows an annotation: the span itself, or an event's trigger."""
    if ann_id in cur.spans:
        return ann_id
    if ann_id in cur.events:
        return cur.events[ann_id].trigger
    return None


def ann_of_span(cur: DocState, span_id: str) -> str:
    """The annotation a span stands for: the span, or the event a trigger belongs to."""
    return cur.event_of_trigger(span_id) or span_id


class Tagger:
    """Turns a chosen label into a new or changed annotation of the view's selection.

    ``on_tagged(ann_id)`` runs after a new annotation was made (the window
    selects and inspects it); ``on_sticky_changed(label)`` when the sticky
    label changes (the palette and the status bar show it).
    """

    def __init__(self, view: AnnotationView, session_of: Callable[[], Session | None], linker: Linker,
                 refuse: Callable[[str], None], on_tagged: Callable[[str], None],
                 on_sticky_changed: Callable[[str | None], None]):
        self.view = view
        self._session_of = session_of
        self.linker = linker
        self.refuse = refuse  # a refused tag: a message in the status bar, never a dialog
        self.on_tagged = on_tagged
        self.on_sticky_changed = on_sticky_changed
        self.sticky_label: str | None = None
        self._tokens: list[tuple[int, int]] | None = None
        self._token_starts: list[int] = []
        self._token_ends: list[int] = []

    def _current(self) -> tuple[Session, DocState] | None:
        s = self._session_of()
        if s is None or s.current is None:
            return None
        return s, s.current

    def document_changed(self) -> None:
        """Another document is shown: its tokens are computed when first needed."""
        self._tokens = None

    # ------------------------------------------------------------------ labels

    def apply_label(self, label: str) -> None:
        """A hotkey, palette click or menu choice of ``label``.

        With a text selection: tag it.  With a selected annotation: change its
        type.  With neither: make ``label`` the sticky current label, so the
        next selection gets it at once (choosing it again turns that off).
        """
        if self._current() is None:
            return
        sel = self.view.selection()
        if sel is not None:
            self.tag(sel[0], sel[1], label)
            return
        span_id = self.view.selected_span()
        if span_id:
            self.relabel(span_id, label)
            return
        self.set_sticky_label(None if self.sticky_label == label else label)

    def tag(self, start: int, end: int, label: str) -> None:
        s, cur = self._current() or (None, None)
        if s is None or cur is None:
            return
        self.view.clear_selection()  # first: the view paints the new span and the cleared selection at once
        new_id = s.add_annotation(start, end, label)
        if new_id and self.linker.pick is not None and new_id in cur.spans:
            self.linker.picked(new_id)  # created and attached in one flow
        if new_id:
            self.on_tagged(new_id)

    def relabel(self, span_id: str, label: str) -> None:
        s, cur = self._current() or (None, None)
        if s is None or cur is None:
            return
        span = cur.spans.get(span_id)
        if span is None:
            return
        kind = s.project.schema.label_kind(label)
        if (span.kind == ENTITY) != (kind == "entity"):
            what = "an entity" if span.kind == ENTITY else "an event trigger"
            words = cur.text[span.start:span.end]
            self.refuse(f"“{words}” ({span_id}) is {what}; {label} is "
                        f"{'an entity type' if kind == 'entity' else 'an event type'}. "
                        "Delete it and tag the text again to change its kind.")
            return
        if span.label != label:
            s.set_label(span_id, label)

    def set_sticky_label(self, label: str | None) -> None:
        self.sticky_label = label
        self.on_sticky_changed(label)

    def on_selection_made(self, start: int, end: int) -> None:
        """A selection in the view: with a sticky label, tag it at once."""
        if self.sticky_label and start < end:
            self.tag(start, end, self.sticky_label)

    # ------------------------------------------------------------------ boundaries by token

    def _ensure_tokens(self, cur: DocState) -> None:
        if self._tokens is None:
            self._tokens = tokens(cur.text)
            self._token_starts = [t[0] for t in self._tokens]
            self._token_ends = [t[1] for t in self._tokens]

    def move_boundary(self, which: str, direction: int) -> bool:
        """Move the selected span's ``which`` ('start' or 'end') by one token left (-1) or right (+1)."""
        s, cur = self._current() or (None, None)
        if s is None or cur is None:
            return False
        span_id = self.view.selected_span()
        span = cur.spans.get(span_id or "")
        if span is None or span_id is None:
            return False
        self._ensure_tokens(cur)
        assert self._tokens is not None
        start, end = span.start, span.end
        if which == "end":
            if direction > 0:
                i = bisect_right(self._token_ends, end)
                if i >= len(self._tokens):
                    return False
                end = self._token_ends[i]
            else:
                i = bisect_left(self._token_ends, end) - 1
                if i < 0 or self._token_ends[i] <= start:
                    return False
                end = self._token_ends[i]
        else:
            if direction < 0:
                i = bisect_left(self._token_starts, start) - 1
                if i < 0:
                    return False
                start = self._token_starts[i]
            else:
                i = bisect_right(self._token_starts, start)
                if i >= len(self._tokens) or self._token_starts[i] >= end:
                    return False
                start = self._token_starts[i]
        ok = s.set_offsets(span_id, start, end)
        if ok:
            self.view.select_span(span_id, scroll=False)
        return ok
