"""The GUI's hold on an open project: the current document, the undo stack, one change signal.

Every user action is a QUndoCommand (see :mod:`annotator.qt.commands`) that
writes through :class:`annotator.store.Project` at once.  After each one the
session refreshes just the annotations the command touched from the store and
emits :attr:`Session.changed` once, with what changed; each widget decides from
that what to redraw (the Anki pattern: one "operation did execute" signal).
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..model import ENTITY, TRIGGER, AnnotatedDocument, Argument, Event, Relation, Span
from ..store import Project, StoreError
from .commands import (AddEventCommand, AddRelationCommand, AddSpanCommand, ArgumentCommand, RemoveCommand,
                       SetStatusCommand, UpdateCommand)
from .docstate import Change, DocState  # the panels import these two from here too
from .layer_overlay import Overlay, overlay_document
from .loader import DocumentLoader, LoadSlice
from .undo import SafeUndoStack, is_write_failure, write_failure_text


class Session(QObject):
    """An open project in the GUI."""

    changed = Signal(object)            # Change
    document_opened = Signal(str)       # doc id of the new current document (maybe only its first part)
    document_loaded = Signal(str)       # the current document is completely loaded
    document_progress = Signal(object)  # LoadSlice: one more slice of the current document is in
    documents_changed = Signal()        # the list of documents changed (an import)
    document_updated = Signal(str)      # one document's status or annotation count changed
    saved = Signal()                    # a write reached the project file
    error = Signal(str)                 # a change the store refused as invalid, with the reason
    write_failed = Signal(str)          # a write that did not reach the file (locked, read-only, disk...)
    layer_changed = Signal()            # another layer is shown (set_layer); the document follows at once

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.undo_stack = SafeUndoStack(self, parent=self)
        self.current: DocState | None = None
        self._resync = False  # a change from elsewhere is still to be read (a read failed)
        self.all_layers = False  # every layer shown at once, overlaid and read-only (set_layer(None))
        #: Set by review mode while it is on: ``(kind, ann id, fields changed) -> review fields`` to write with an
        #: edit (``review="corrected"``, the reviewer): the edit is then the reviewer's correction, in one step.
        self.review_stamp: Callable[[str, str, set[str]], dict[str, str]] | None = None
        self.overlay: Overlay | None = None  # the overlaid document shown, while all_layers
        self.loader = DocumentLoader(project, self._on_slice, self)

    @property
    def read_only(self) -> bool:
        """True when the project was opened read-only: every write is refused here, first."""
        return self.project.read_only

    # ------------------------------------------------------------------ layers

    @property
    def layer(self) -> str | None:
        """The layer shown and edited (``project.layer``); None while every layer is shown overlaid."""
        return None if self.all_layers else self.project.layer

    def set_layer(self, layer: str | None) -> None:
        """Show and edit ``layer`` (None: every layer at once, overlaid, read-only); the open document follows.

        The undo stack is cleared: its commands wrote to the layer shown
        before, and an undo must never apply to a layer that is not shown.
        """
        if layer == self.layer:
            return
        self.loader.cancel()
        self.undo_stack.clear()
        self.all_layers = layer is None
        self.overlay = None
        if layer is not None:
            self.project.layer = layer
        cur = self.current
        if cur is not None:
            self.open_document(cur.id)
        self.layer_changed.emit()

    def _read(self, doc_id: str) -> AnnotatedDocument:
        """The whole document in the layer shown, or every layer's annotations overlaid (``overlay``)."""
        if not self.all_layers:
            return self.project.get_annotated(doc_id)
        layers = self.project.layers(doc_id) or [self.project.layer]
        self.overlay = overlay_document([self.project.get_annotated(doc_id, layer=name) for name in layers],
                                        self.project.layers())  # a layer's tag is the same in every document
        return self.overlay.document

    # ------------------------------------------------------------------ documents

    #: A longer document opens in steps: first its text with the spans of its
    #: first FIRST_CHARS characters, enough for the first frame (one indexed
    #: query); then the rest, read on a worker thread and taken in slices, one
    #: per turn of the event loop (:mod:`annotator.qt.loader`), each announced
    #: by ``document_progress``; ``document_loaded`` when complete.
    FIRST_CHARS = 20_000

    def open_document(self, doc_id: str) -> None:
        """Make ``doc_id`` current: ``document_opened``, then ``document_loaded`` when complete."""
        self.loader.cancel()
        doc = self.project.get_document(doc_id)
        if len(doc.text) <= self.FIRST_CHARS or self.all_layers:  # the overlay is read whole
            self.current = DocState(self._read(doc_id))
            self.document_opened.emit(doc_id)
            self.document_loaded.emit(doc_id)
            return
        first = self.project.spans_in_range(doc_id, 0, self.FIRST_CHARS)
        self.current = cur = DocState(AnnotatedDocument(doc, first))
        cur.partial = True
        cur.loaded_upto = self.FIRST_CHARS  # spans_in_range: every span starting before it
        self.document_opened.emit(doc_id)
        if self.current is cur:
            self.loader.start(cur)

    def ensure_loaded(self, doc_id: str | None = None) -> None:
        """Finish loading the current document now if it is still loading (waits for the reader)."""
        cur = self.current
        if cur is None or not cur.partial or (doc_id is not None and cur.id != doc_id):
            return
        self.loader.finish_now()

    def is_loaded(self, start: int, end: int) -> bool:
        """Whether every span that could touch code points ``[start, end)`` is in the current document."""
        cur = self.current
        return cur is not None and (not cur.partial or end < cur.loaded_upto)

    def _on_slice(self, sl: LoadSlice) -> None:
        self.document_progress.emit(sl)
        if sl.last:
            self.document_loaded.emit(sl.doc_id)

    def close(self) -> None:
        self.loader.cancel()
        self.undo_stack.clear()
        self.current = None
        self.project.close()

    # ------------------------------------------------------------------ after a write

    def refresh(self, doc_id: str, ids: set[str], *, status: bool = False, wrote: bool = True) -> None:
        """Re-read the given annotations from the store into the cache and emit one Change.

        ``wrote``: a write reached the file just before (``saved``); False when
        only the screen is brought in line with the file.
        """
        cur = self.current
        if cur is not None and cur.id == doc_id:
            if cur.partial:  # still loading: these ids keep the value read here, not the loader's older one
                cur.touched.update(ids)
            before = [cur.extent(i) for i in ids]
            spans, events, relations = self.project.fetch(doc_id, ids)
            for i in ids:
                old = cur.spans.pop(i, None)
                if old is not None and old.kind == ENTITY:
                    cur.n_entities -= 1
                cur.events.pop(i, None)
                cur.relations.pop(i, None)
            cur.n_entities += sum(1 for s in spans if s.kind == ENTITY)
            cur.spans.update((s.id, s) for s in spans)
            cur.events.update((e.id, e) for e in events)
            cur.relations.update((r.id, r) for r in relations)
            # any write may move a new document to in progress; other statuses change only by a
            # status command (``status``): the row holds the text, so this read is not free at 4 MB
            if status or cur.document.status == "new":
                cur.document.status = self.project.document_status(doc_id)
            after = [cur.extent(i) for i in ids]
            ranges = [r for r in before + after if r]
            start = min((r[0] for r in ranges), default=0)
            end = max((r[1] for r in ranges), default=0)
            self.changed.emit(Change(doc_id, set(ids), start, end, status))
        if wrote:
            self.saved.emit()
        self.document_updated.emit(doc_id)

    # ------------------------------------------------------------------ changes by another program

    def sync_external(self) -> bool:
        """Take in what another window or process wrote to the file since the last call.

        Cheap when nothing changed (``Project.changed_elsewhere``).  Otherwise
        the document list is re-read (``documents_changed``) and the current
        document's annotations are compared with the file: what differs goes
        out as one :class:`Change`, so the view keeps its scroll and selection.
        """
        try:
            if not self.project.changed_elsewhere() and not self._resync:
                return False
        except (StoreError, sqlite3.Error):
            return False
        self._resync = False
        self.documents_changed.emit()
        cur = self.current
        if cur is None:
            return True
        try:
            if not self.project.has_document(cur.id):  # deleted elsewhere: show the first one left
                ids = self.project.document_ids()
                if ids:
                    self.open_document(ids[0])
                return True
            if cur.partial:  # still loading from an older snapshot: compare once it is complete
                self._resync = True
                return True
            fresh = DocState(self._read(cur.id))
        except (StoreError, sqlite3.Error):  # a read that failed now is tried again at the next poll
            self._resync = True
            return True
        ids = _differing(cur.spans, fresh.spans) | _differing(cur.events, fresh.events)
        ids |= _differing(cur.relations, fresh.relations)
        status = fresh.document.status != cur.document.status
        if not ids and not status:
            return True
        before = [cur.extent(i) for i in ids]
        cur.spans, cur.events, cur.relations = fresh.spans, fresh.events, fresh.relations
        cur.n_entities = fresh.n_entities
        cur.document.status = fresh.document.status
        ranges = [r for r in before + [cur.extent(i) for i in ids] if r]
        self.changed.emit(Change(cur.id, ids, min((r[0] for r in ranges), default=0),
                                 max((r[1] for r in ranges), default=0), status))
        self.document_updated.emit(cur.id)
        return True

    # ------------------------------------------------------------------ operations
    # Each performs its first write at once, so a refused write is reported
    # here (``error`` for a refused edit, ``write_failed`` for a write that did
    # not reach the file; return None/False) and never reaches the undo stack;
    # then it pushes a command whose undo/redo SafeUndoStack writes first.

    def _doc(self, start: int | None = None, end: int | None = None) -> DocState:
        """The current document, complete, or loaded at least over ``[start, end)`` when given."""
        if self.current is None:
            raise RuntimeError("no document is open")
        if start is None or end is None or not self.is_loaded(start, end):
            self.ensure_loaded()
        return self.current

    def _push(self, command) -> None:
        self.undo_stack.push(command)

    def report_write_failure(self, what: str, exc: BaseException, outcome: str = "was not saved") -> None:
        """Tell the user that ``what`` was not written, and why (``write_failed``)."""
        self.write_failed.emit(write_failure_text(what, exc, self.project, outcome))

    def refuse_if_read_only(self, what: str) -> bool:
        """The one choke point for edits on a read-only project or overlay: True (and a message) if refused.

        While every layer is shown overlaid nothing is written: the refusal
        goes out on ``error`` (the status bar), like any refused edit.
        """
        if self.all_layers:
            self.error.emit(f"{what}: not possible while all layers are shown overlaid (read-only); "
                            "choose one layer in the Layers menu or the toolbar to edit it")
            return True
        if not self.read_only:
            return False
        reason = self.project.read_only_reason or "opened read-only"
        self.write_failed.emit(f"{what}: not saved, this project is read-only ({reason}); "
                               "use File › Save As… to make an editable copy")
        return True

    def _guard(self, fn: Callable[..., Any], *args: Any, what: str = "The change", **kwargs: Any) -> Any:
        """Run one store write; on failure report it and return None (nothing is pushed then)."""
        if self.refuse_if_read_only(what):
            return None
        try:
            return fn(*args, **kwargs)
        except (StoreError, sqlite3.Error) as exc:
            if is_write_failure(exc):
                self.report_write_failure(what, exc)
            else:
                self.error.emit(str(exc))
            return None

    def add_annotation(self, start: int, end: int, label: str) -> str | None:
        """Tag ``[start, end)`` with ``label``: an entity, or an event with its trigger.

        Returns the new annotation's id (the event id for an event type), or
        None when the store refused it (the reason goes to ``error``).
        """
        cur = self._doc(start, end)  # a tag in the part already loaded does not wait for the rest
        kind = self.project.schema.label_kind(label)
        if kind == "entity":
            span = self._guard(self.project.add_span, cur.id, Span("", label, start, end),
                               what=f"Tagging “{_snippet(cur.text, start, end)}” as {label}")
            if span is None:
                return None
            self._push(AddSpanCommand(self, cur.id, span))
            return span.id
        if kind == "trigger":
            ev = self._guard(self.project.add_event, cur.id, Event("", label, ""),
                             Span("", label, start, end, kind=TRIGGER),
                             what=f"Tagging “{_snippet(cur.text, start, end)}” as event {label}")
            if ev is None:
                return None
            self._push(AddEventCommand(self, cur.id, ev))
            return ev.id
        self.error.emit(f"unknown label {label!r}: it is not a type in this project's schema")
        return None

    def remove_annotation(self, ann_id: str) -> bool:
        """Delete an annotation and what depends on it (arguments, relations)."""
        cur = self._doc()
        removal = self._guard(self.project.remove, cur.id, ann_id, what=f"Deleting {ann_id}")
        if removal is None:
            return False
        self._push(RemoveCommand(self, cur.id, ann_id, removal))
        return True

    def _update(self, ann_id: str, text: str, **changes) -> bool:
        cur = self._doc()
        kind = cur.kind_of(ann_id)
        if kind is None:
            self.error.emit(f"no annotation {ann_id!r} in this document")
            return False
        if kind == "span" and cur.spans[ann_id].kind == TRIGGER and set(changes) & {"label", "attributes", "note"}:
            # a trigger's type, attributes and note are its event's
            ev = cur.events_of_trigger(ann_id)
            if ev:
                if "label" in changes:
                    changes["type"] = changes.pop("label")
                ann_id, kind = ev[0].id, "event"
        if kind == "event" and "label" in changes:
            changes["type"] = changes.pop("label")
        method = {"span": self.project.update_span, "event": self.project.update_event,
                  "relation": self.project.update_relation}[kind]
        if self.review_stamp is not None:
            changes.update(self.review_stamp(kind, ann_id, set(changes)))
        old = self._guard(method, cur.id, ann_id, what=f"{text} ({ann_id})", **changes)
        if old is None:
            return False
        before = {k: getattr(old, k) for k in changes}
        if kind == "span" and ("start" in changes or "end" in changes):
            before["fragments"] = old.fragments
        self._push(UpdateCommand(self, cur.id, kind, ann_id, changes, before, text))
        return True

    def set_label(self, ann_id: str, label: str) -> bool:
        """Change an entity's type, or an event's type (from its id or its trigger's)."""
        return self._update(ann_id, f"Change type to {label}", label=label)

    def set_offsets(self, span_id: str, start: int, end: int) -> bool:
        return self._update(span_id, "Change boundaries", start=start, end=end)

    def set_attributes(self, ann_id: str, attributes: dict) -> bool:
        return self._update(ann_id, "Change attributes", attributes=dict(attributes))

    def set_note(self, ann_id: str, note: str) -> bool:
        return self._update(ann_id, "Change note", note=note)

    def set_annotator(self, ann_id: str, name: str) -> bool:
        return self._update(ann_id, "Change annotator", annotator=name)

    def set_status(self, status: str) -> bool:
        cur = self._doc()
        old = self._guard(self.project.set_status, cur.id, status,
                          what=f"Marking {cur.document.name} {status.replace('_', ' ')}")
        if old is None:
            return False
        self._push(SetStatusCommand(self, cur.id, old, status))
        return True

    # ------------------------------------------------------------------ arguments and relations

    def add_argument(self, event_id: str, role: str, ref: str) -> bool:
        """Attach ``ref`` (an entity span id, or an event id) to an event under ``role``."""
        cur = self._doc()
        pos = self._guard(self.project.add_argument, cur.id, event_id, Argument(role, ref),
                          what=f"Adding {role} to {event_id}")
        if pos is None:
            return False
        self._push(ArgumentCommand(self, cur.id, event_id, pos, None, Argument(role, ref),
                                   f"Add {role} to {cur.events[event_id].type}" if event_id in cur.events
                                   else f"Add {role}"))
        return True

    def remove_argument(self, event_id: str, position: int) -> bool:
        cur = self._doc()
        old = self._guard(self.project.remove_argument, cur.id, event_id, position,
                          what=f"Removing an argument of {event_id}")
        if old is None:
            return False
        self._push(ArgumentCommand(self, cur.id, event_id, position, old, None, f"Remove {old.role}"))
        return True

    def change_argument(self, event_id: str, position: int, role: str | None = None, ref: str | None = None) -> bool:
        """Give an argument another role and/or another filler."""
        cur = self._doc()
        ev = cur.events.get(event_id)
        if ev is None or not 0 <= position < len(ev.arguments):
            self.error.emit(f"event {event_id} has no argument at position {position}")
            return False
        now = ev.arguments[position]
        new = Argument(role or now.role, ref or now.ref)
        if (new.role, new.ref) == (now.role, now.ref):
            return False
        for k, v in (self.review_stamp("argument", event_id, {"role", "ref"}) if self.review_stamp else {}).items():
            setattr(new, k, v)
        old = self._guard(self.project.replace_argument, cur.id, event_id, position, new,
                          what=f"Changing an argument of {event_id}")
        if old is None:
            return False
        self._push(ArgumentCommand(self, cur.id, event_id, position, old, new,
                                   f"Change {old.role} to {new.role}" if new.role != old.role else f"Move {new.role}"))
        return True

    def add_relation(self, type_name: str, head: str, tail: str) -> str | None:
        """Relate two entity spans; returns the relation id, or None if refused."""
        cur = self._doc()
        rel = self._guard(self.project.add_relation, cur.id, Relation("", type_name, head, tail),
                          what=f"Adding relation {type_name}")
        if rel is None:
            return None
        self._push(AddRelationCommand(self, cur.id, rel))
        return rel.id


def _snippet(text: str, start: int, end: int) -> str:
    piece = text[start:end]
    return piece if len(piece) <= 30 else piece[:29] + "…"


def _differing(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Ids added, removed or changed between two id -> annotation maps."""
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
