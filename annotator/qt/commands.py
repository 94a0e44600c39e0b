"""Undo commands: one QUndoCommand per user action, each acting on the store.

The session performs a command's first write itself (so a refused write never
reaches the stack) and then pushes the command; Qt calls ``redo()`` once at
push time, which only refreshes.  Every later undo and redo is written by
:class:`~annotator.qt.undo.SafeUndoStack` *before* it moves its index (a failed
write leaves the stack where it was); the command then only asks the session
to refresh the annotations it touched.

Cascades (deleting an entity that fills event roles) happen inside one
``Project.remove`` transaction, which returns a :class:`~annotator.store.Removal`
holding everything taken out; undo restores it all with ``Project.restore``.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from ..model import TRIGGER, Argument, Event, Relation, Span
from ..store import Removal, StoreError
from .review_write import write_review

if TYPE_CHECKING:
    from .sessionapi import SessionApi


class _StoreCommand(QUndoCommand):
    def __init__(self, session: SessionApi, doc_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.doc_id = doc_id
        self._written = True  # the session wrote it before pushing; Qt's push-time redo only refreshes

    def mark_written(self) -> None:
        """The stack performed this command's write already (SafeUndoStack): undo/redo only refresh."""
        self._written = True

    def redo(self) -> None:  # noqa: D102 (Qt API)
        if not self._written and not self._write_here(self.do, "Redo"):
            return
        self._written = False
        self.refresh_screen()

    def undo(self) -> None:  # noqa: D102
        if not self._written and not self._write_here(self.undo_write, "Undo"):
            return
        self._written = False
        self.refresh_screen()

    def refresh_screen(self, wrote: bool = True) -> None:
        """Show this command's document and re-read the annotations it touches from the file."""
        try:
            self._show_document()
            self.session.refresh(self.doc_id, self.touched(), status=self.changes_status, wrote=wrote)
        except (StoreError, sqlite3.Error):  # its document was deleted elsewhere: nothing to show
            if wrote:
                self.session.saved.emit()

    def _write_here(self, write, verb: str) -> bool:  # noqa: ANN001
        """Reached only when Qt moves the index itself (not through SafeUndoStack): report a failure."""
        try:
            write()
        except (StoreError, sqlite3.Error) as exc:
            self.session.report_write_failure(f"{verb} of “{self.text()}”", exc, outcome="failed")
            return False
        return True

    changes_status = False

    def _show_document(self) -> None:
        """Undo and redo run across documents: bring this command's document up first."""
        cur = self.session.current
        if cur is None or cur.id != self.doc_id:
            self.session.open_document(self.doc_id)

    def do(self) -> None:
        raise NotImplementedError

    def undo_write(self) -> None:
        raise NotImplementedError

    def touched(self) -> set[str]:
        raise NotImplementedError


class AddSpanCommand(_StoreCommand):
    """Tag a text range as an entity."""

    def __init__(self, session: SessionApi, doc_id: str, span: Span):
        super().__init__(session, doc_id, f"Add {span.label} “{_short(session, span)}”")
        self.span = span

    def do(self) -> None:
        self.session.project.add_span(self.doc_id, self.span)

    def undo_write(self) -> None:
        self.session.project.remove(self.doc_id, self.span.id)

    def touched(self) -> set[str]:
        return {self.span.id}


class AddEventCommand(_StoreCommand):
    """Create an event together with its trigger span."""

    def __init__(self, session: SessionApi, doc_id: str, event: Event):
        super().__init__(session, doc_id, f"Add event {event.type}")
        self.event = event
        spans, _e, _r = session.project.fetch(doc_id, {event.trigger})
        self.trigger = spans[0]

    def do(self) -> None:
        self.session.project.add_event(self.doc_id, self.event, trigger=self.trigger)

    def undo_write(self) -> None:
        self.session.project.remove(self.doc_id, self.event.id)

    def touched(self) -> set[str]:
        return {self.event.id, self.trigger.id}


class RemoveCommand(_StoreCommand):
    """Delete an annotation with everything that depends on it."""

    def __init__(self, session: SessionApi, doc_id: str, ann_id: str, removal: Removal):
        n = len(removal.spans) + len(removal.events) + len(removal.relations)
        extra = f" (and {len(removal.arguments)} argument(s))" if removal.arguments else ""
        super().__init__(session, doc_id, f"Delete {ann_id}{extra}" if n <= 1 else f"Delete {n} annotations{extra}")
        self.ann_id = ann_id
        self.removal = removal

    def do(self) -> None:
        self.removal = self.session.project.remove(self.doc_id, self.ann_id)

    def undo_write(self) -> None:
        self.session.project.restore(self.removal)

    def touched(self) -> set[str]:
        r = self.removal
        ids = {s.id for s in r.spans} | {e.id for e in r.events} | {x.id for x in r.relations}
        ids |= {ev_id for ev_id, _pos, _a in r.arguments}
        return ids


class UpdateCommand(_StoreCommand):
    """Change fields of a span, event or relation (type, offsets, attributes, note, annotator)."""

    def __init__(self, session: SessionApi, doc_id: str, kind: str, ann_id: str,
                 after: dict[str, Any], before: dict[str, Any], text: str):
        super().__init__(session, doc_id, text)
        self.kind = kind
        self.ann_id = ann_id
        self.after = after
        self.before = before
        self._touched = self._related()

    def _write(self, values: dict[str, Any]) -> None:
        p = self.session.project
        method = {"span": p.update_span, "event": p.update_event, "relation": p.update_relation}[self.kind]
        method(self.doc_id, self.ann_id, **values)

    def do(self) -> None:
        self._write(self.after)

    def undo_write(self) -> None:
        self._write(self.before)

    def _related(self) -> set[str]:
        ids = {self.ann_id}
        cur = self.session.current
        if cur is not None:
            if self.kind == "event" and self.ann_id in cur.events:
                ids.add(cur.events[self.ann_id].trigger)
            span = cur.spans.get(self.ann_id) if self.kind == "span" else None
            if span is not None and span.kind == TRIGGER:  # (a scan of every event: triggers only)
                ids.update(e.id for e in cur.events_of_trigger(self.ann_id))
        return ids

    def touched(self) -> set[str]:
        return self._touched


class ArgumentCommand(_StoreCommand):
    """Add (old None), remove (new None) or change the argument at ``position`` of an event."""

    def __init__(self, session: SessionApi, doc_id: str, event_id: str, position: int,
                 old: Argument | None, new: Argument | None, text: str):
        super().__init__(session, doc_id, text)
        self.event_id = event_id
        self.position = position
        self.old = old
        self.new = new

    def _set(self, have: Argument | None, want: Argument | None) -> None:
        p = self.session.project
        if have is None and want is not None:
            p.add_argument(self.doc_id, self.event_id, want, self.position)
        elif have is not None and want is None:
            p.remove_argument(self.doc_id, self.event_id, self.position)
        elif want is not None:
            p.replace_argument(self.doc_id, self.event_id, self.position, want)

    def do(self) -> None:
        self._set(self.old, self.new)

    def undo_write(self) -> None:
        self._set(self.new, self.old)

    def touched(self) -> set[str]:
        return {self.event_id}


class AddRelationCommand(_StoreCommand):
    """Relate two entities."""

    def __init__(self, session: SessionApi, doc_id: str, relation: Relation):
        super().__init__(session, doc_id, f"Add relation {relation.type}")
        self.relation = relation

    def do(self) -> None:
        self.session.project.add_relation(self.doc_id, self.relation)

    def undo_write(self) -> None:
        self.session.project.remove(self.doc_id, self.relation.id)

    def touched(self) -> set[str]:
        return {self.relation.id}


class SetStatusCommand(_StoreCommand):
    """Mark a document new, in progress, done or reviewed."""

    changes_status = True

    def __init__(self, session: SessionApi, doc_id: str, old: str, new: str):
        super().__init__(session, doc_id, f"Mark document {new.replace('_', ' ')}")
        self.old = old
        self.new = new

    def do(self) -> None:
        self.session.project.set_status(self.doc_id, self.new)

    def undo_write(self) -> None:
        self.session.project.set_status(self.doc_id, self.old)

    def touched(self) -> set[str]:
        return set()


class ReviewCommand(_StoreCommand):
    """A reviewer's decision on one annotation or argument: accept, reject, correct, comment, clear.

    ``after`` and ``before`` are the fields written (review fields, and for a
    correction the label/type, boundaries or role), each with the document's
    status that goes with it (``reviewed`` once everything is decided), written
    together in one transaction by :func:`annotator.qt.review_write.write_review`.
    """

    changes_status = True

    def __init__(self, session: SessionApi, doc_id: str, kind: str, ann_id: str, position: int | None,
                 after: dict[str, Any], before: dict[str, Any], statuses: tuple[str, str], text: str,
                 touched: set[str]):
        super().__init__(session, doc_id, text)
        self.kind = kind            # "span", "event", "relation" or "argument"
        self.ann_id = ann_id
        self.position = position
        self.after = after
        self.before = before
        self.status_before, self.status_after = statuses
        self._touched = set(touched)

    def _write(self, fields: dict[str, Any], status: str) -> None:
        write_review(self.session.project, self.doc_id, self.kind, self.ann_id, fields, position=self.position,
                     status=status)

    def do(self) -> None:
        self._write(self.after, self.status_after)

    def undo_write(self) -> None:
        self._write(self.before, self.status_before)

    def touched(self) -> set[str]:
        return self._touched


def _short(session: SessionApi, span: Span) -> str:
    cur = session.current
    text = cur.text[span.start:span.end] if cur is not None else ""
    return text if len(text) <= 30 else text[:29] + "…"
