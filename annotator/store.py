"""The project file: one SQLite database, reached only through sqlite-utils; :class:`Project` is its one door.

Every write is one method of :class:`Project` and runs inside one write
transaction, so it is all or nothing.  The table layout evolves through
sqlite-utils ``Migrations``; the applied migrations are the schema version.

Offsets are Python code points, end-exclusive.  A document's text never
changes after import, and every span stored satisfies
``0 <= start < end <= len(text)``: the store refuses anything else, as it
refuses labels, roles and attribute values that the project's annotation
schema does not allow.

:class:`Project` is a thin facade, in the manner of sqlite-utils' ``Database``
handing out ``Table`` objects.  Each job is done by a collaborator that shares
one :class:`~annotator.store_state.StoreState` (connection, caches, write
transaction):

- ``project.documents`` (:mod:`annotator.store_documents`): the documents, their status and problem counts;
- ``project.reads`` (:mod:`annotator.store_reads`): annotations of a document, a range, a stream of all;
- ``project.writes`` (:mod:`annotator.store_writes`): single annotation writes, checked
  (:mod:`annotator.store_checks`, ids from :mod:`annotator.store_ids`, rows through :mod:`annotator.store_annrows`);
- ``project.removals`` (:mod:`annotator.store_removal`): cascading deletes and their undo;
- ``project.imports`` (:mod:`annotator.store_import`): bulk import of whole documents;
- ``project.pages`` (:mod:`annotator.store_documents`): the document list as indexed SQL (counts, pages, positions);
- opening, upgrading and copying the file: :mod:`annotator.projectopen`; schema changes: :mod:`annotator.store_schema`.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from .problemcounts import problem_counts
from .projectopen import open_state, save_as
from .schema import Schema
from .store_annrows import AnnotationRows
from .store_checks import WriteChecks
from .store_documents import DocumentPages, DocumentQuery, DocumentSummary, ProjectDocuments
from .store_ids import IdAllocator
from .store_import import BulkImport
from .store_reads import AnnotationReads
from .store_removal import Removal, Removals
from .store_schema import SchemaConflict, change_schema
from .store_state import StoreState
from .store_writes import AnnotationWrites
from .storeerrors import NewerVersion, NotAProject, ReadOnlyError, StoreError, WriteError
from .validate import Problem

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = [
    "Project",
    "StoreError",
    "ReadOnlyError",
    "WriteError",
    "NotAProject",
    "NewerVersion",
    "SchemaConflict",
    "Removal",
    "DocumentSummary",
    "DocumentQuery",
    "DocumentPages",
    "MIGRATIONS",
    "Schema",
    "problem_counts",
]


def __getattr__(name: str) -> Any:
    """``MIGRATIONS`` (sqlite-utils), imported on first use: see :mod:`annotator.migrations`."""
    if name == "MIGRATIONS":
        from . import migrations

        return migrations.MIGRATIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Project:
    """An open project file.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.  Every
    method below hands the call to one collaborator (see the module docstring).
    """

    def __init__(
        self, db: Database | sqlite3.Connection, path: Path | None, *, read_only: bool = False,
        read_only_reason: str = "", busy_timeout_ms: int = 5000, state: StoreState | None = None,
    ) -> None:
        """Wrap an open connection (``state``, when given, is used as is: :meth:`open` passes the one it made)."""
        if state is None:
            state = StoreState(db, path, read_only=read_only, read_only_reason=read_only_reason,
                               busy_timeout_ms=busy_timeout_ms)
        self.state = state
        self.documents = ProjectDocuments(state)
        self.reads = AnnotationReads(state, self.documents)
        rows = AnnotationRows(state)
        self.ids = IdAllocator(state)
        self.writes = AnnotationWrites(state, rows, self.ids, WriteChecks(state, self.reads), self.reads)
        self.removals = Removals(state, rows, self.reads)
        self.imports = BulkImport(state, self.documents)
        self.pages = DocumentPages(state)

    # ------------------------------------------------------------------ the file

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = True, schema: Schema | None = None, read_only: bool = False,
        busy_timeout_ms: int = 5000,
    ) -> Project:
        """Open (and, if ``create``, create) the project file at ``path``.

        Nothing is written before the file is known to be a project (or a
        missing or empty file): another program's SQLite file raises
        :class:`NotAProject`, a newer project :class:`NewerVersion`, both
        leaving it byte for byte as it was.  A file or folder that cannot be
        written (or ``read_only=True``) opens read-only.  An older project is
        copied beside itself (``backup_path``) and then migrated.  A new
        project gets ``schema`` or the default news schema.
        """
        state = open_state(path, create=create, schema=schema, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
        return cls(state.conn, state.path, state=state)

    def close(self) -> None:
        """Close the connection."""
        self.state.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db(self) -> Database:
        """The sqlite-utils database (for reading; every write goes through a method here)."""
        return self.state.db

    @property
    def path(self) -> Path | None:
        """The project file."""
        return self.state.path

    @property
    def read_only(self) -> bool:
        """True when every write is refused with :class:`ReadOnlyError`."""
        return self.state.read_only

    @property
    def read_only_reason(self) -> str:
        """Why the project is read-only ("" when it is not)."""
        return self.state.read_only_reason

    @property
    def backup_path(self) -> Path | None:
        """The copy made before an upgrade at opening, if there was one."""
        return self.state.backup_path

    @property
    def busy_timeout_ms(self) -> int:
        """How long a write waits for another connection's lock."""
        return self.state.busy_timeout_ms

    @property
    def annotator(self) -> str:
        """The name written on new annotations that name none."""
        return self.state.annotator

    @annotator.setter
    def annotator(self, name: str) -> None:
        self.state.annotator = name

    @property
    def layer(self) -> str:
        """The working layer: every document-scoped read and write acts on it (``""``, the default layer, at first)."""
        return self.state.layer

    @layer.setter
    def layer(self, name: str) -> None:
        if not isinstance(name, str):
            raise StoreError(f"a layer is a name, not {name!r}")
        self.state.layer = name

    @contextmanager
    def in_layer(self, name: str) -> Iterator[Project]:
        """Make ``name`` the working layer for a ``with`` block, and the one before it again after."""
        before = self.state.layer
        self.layer = name
        try:
            yield self
        finally:
            self.state.layer = before

    @contextmanager
    def transaction(self) -> Iterator[Project]:
        """One write transaction around several writes: all of them are kept, or none.

        Inside it, each write is a savepoint: one refused write (caught by the
        caller) leaves the others.  Raises :class:`ReadOnlyError` at once on a
        read-only project.
        """
        with self.state.writing():
            yield self

    def layers(self, doc_id: str | None = None) -> list[str]:
        """The layers that hold annotations, in one document or in the whole project.

        The default layer ``""`` first, then annotators' names alphabetically, ``"gold"`` last.  A layer stays
        listed when its annotations have all been deleted.
        """
        return self.reads.layers(doc_id)

    @property
    def schema_version(self) -> list[str]:
        """Names of the applied migrations, oldest first."""
        from .migrations import MIGRATIONS

        return [m.name for m in MIGRATIONS.applied(self.state.db)]

    def changed_elsewhere(self) -> bool:
        """True when another connection has committed since the last call; drops the caches then."""
        return self.state.changed_elsewhere()

    def save_as(self, path: str | Path) -> Path:
        """Write a full copy of the project to ``path`` (also from a read-only project); returns it."""
        return save_as(self.state, path)

    # ------------------------------------------------------------------ schema

    @property
    def schema(self) -> Schema:
        """The project's annotation schema."""
        return self.state.schema

    def set_schema(self, schema: Schema) -> None:
        """Replace the annotation schema.

        Refused with :class:`SchemaConflict`, listing every annotation that the
        new schema would make invalid, when there are any.
        """
        change_schema(self.state, schema)

    # ------------------------------------------------------------------ documents

    def has_document(self, doc_id: str) -> bool:
        """True when the project holds a document with this id."""
        return self.documents.has_document(doc_id)

    def document_count(self) -> int:
        """The number of documents."""
        return self.documents.document_count()

    def get_document(self, doc_id: str) -> Document:
        """One document, with its text and metadata (no annotations)."""
        return self.documents.get_document(doc_id)

    def document_status(self, doc_id: str) -> str:
        """A document's status, without reading its text."""
        return self.documents.document_status(doc_id)

    def document_ids(self) -> list[str]:
        """Every document id, in import order."""
        return self.documents.document_ids()

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its status, number of annotations and problem counts, in import order."""
        return self.documents.document_summaries()

    def document_summary(self, doc_id: str) -> DocumentSummary | None:
        """One document's row of the document list, read now (None when there is no such document)."""
        return self.pages.summary(doc_id)

    def incomplete_total(self) -> int:
        """The number of incomplete events in the project, from the stored problem counts (indexed)."""
        return self.documents.incomplete_total()

    def problem_counts(self, doc_id: str) -> tuple[int, int]:
        """The stored ``(n_errors, n_incomplete)`` of a document (see :func:`problem_counts`)."""
        return self.documents.problem_counts(doc_id)

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Record a document's problem counts, as found by validating it (the GUI does after edits).

        Derived data: the document's ``updated`` time and status stay as they are.
        """
        self.documents.set_problem_counts(doc_id, n_errors, n_incomplete)

    def refresh_problem_counts(self) -> int:
        """Validate every document (streamed) and store its problem counts.

        For after a schema change; the migration that added the counts does
        the same.  Returns the number of documents whose counts changed.
        """
        return self.documents.refresh_problem_counts()

    def set_status(self, doc_id: str, status: str) -> str:
        """Set a document's status; returns the previous one."""
        return self.documents.set_status(doc_id, status)

    def delete_document(self, doc_id: str) -> None:
        """Delete a document and all its annotations."""
        self.documents.delete_document(doc_id)

    def counts_by_status(self) -> dict[str, int]:
        """The number of documents of each status."""
        return self.documents.counts_by_status()

    # ------------------------------------------------------------------ bulk import

    def import_documents(
        self,
        docs: Iterable[AnnotatedDocument],
        *,
        replace: bool = False,
        annotator: str | None = None,
        on_error: Callable[[AnnotatedDocument, str], Exception] | None = None,
        progress: Callable[[int], None] | None = None,
        validate: bool = True,
        schema: Schema | None = None,
        layer: str | None = None,
    ) -> int:
        """Insert whole documents with their annotations (into ``layer``, else the working layer), in one transaction.

        Each document is validated against the schema first; the first error
        aborts the import and nothing of it is written.  ``on_error(doc, msg)``
        builds the exception to raise (so callers can name file and line).
        A document id that already exists is refused unless ``replace``.
        Returns the number of documents imported.

        With ``schema``, the documents are validated against it instead, and
        it becomes the project's schema in the same transaction: a failed
        import leaves neither documents nor schema.  The documents already in
        the project must be valid under it too (else :class:`SchemaConflict`).
        """
        return self.imports.import_documents(
            docs, replace=replace, annotator=annotator, on_error=on_error, progress=progress, validate=validate,
            schema=schema, layer=self.state.layer if layer is None else layer,
        )

    # ------------------------------------------------------------------ reading annotations

    def get_annotated(self, doc_id: str, layer: str | None = None) -> AnnotatedDocument:
        """One document with all its annotations in one layer (the working layer unless ``layer``)."""
        return self.reads.get_annotated(doc_id, layer)

    def iter_annotated(
        self, statuses: Iterable[str] | None = None, layer: str | None = None,
    ) -> Iterator[AnnotatedDocument]:
        """Stream every document with its annotations in one layer (the working layer unless ``layer``),
        in import order.

        Runs five queries in all, each ordered by document, and merges them as
        it goes, so memory holds one document at a time whatever the project size.
        """
        return self.reads.iter_annotated(statuses, layer)

    def spans_in_range(self, doc_id: str, start: int, end: int) -> list[Span]:
        """Spans (entities and triggers) of a document that overlap ``[start, end)``."""
        return self.reads.spans_in_range(doc_id, start, end)

    def annotations_in_range(self, doc_id: str, start: int, end: int) -> AnnotatedDocument:
        """The spans overlapping ``[start, end)`` and the events and relations that touch them."""
        return self.reads.annotations_in_range(doc_id, start, end)

    def fetch(self, doc_id: str, ids: Iterable[str]) -> tuple[list[Span], list[Event], list[Relation]]:
        """The spans, events and relations of a document whose ids are in ``ids``."""
        return self.reads.fetch(doc_id, ids)

    def counts_by_label(self, doc_id: str | None = None, layer: str | None = None) -> dict[str, int]:
        """Entities by label, events by type and relations by type, in one layer (the working layer unless ``layer``)."""
        return self.reads.counts_by_label(doc_id, layer)

    def role_counts(self, exclude_doc: str | None = None) -> dict[tuple[str, str, str], int]:
        """Arguments by (event type, filler type, role), over every document but ``exclude_doc``."""
        return self.reads.role_counts(exclude_doc)

    def problems(self, doc_id: str) -> list[Problem]:
        """Validation problems of one document (errors and incomplete events)."""
        return self.reads.problems(doc_id)

    # ------------------------------------------------------------------ single writes

    def new_id(self, doc_id: str, prefix: str) -> str:
        """A fresh annotation id (``T``, ``E`` or ``R`` followed by a number)."""
        return self.ids.new_id(doc_id, prefix)

    def prime_ids(self, doc_id: str, highest: dict[str, int], layer: str | None = None) -> None:
        """Give the id allocator the highest numbers after ``T``/``E``/``R`` in a document's layer, read by another
        connection (``annotator.docstream.stream_annotations(..., highest=...)``), so the first new id reads none."""
        self.ids.prime(self.state.doc_pk(doc_id, layer), highest)

    def add_span(self, doc_id: str, span: Span) -> Span:
        """Store a new entity or trigger span.  An empty ``span.id`` gets a fresh one."""
        return self.writes.add_span(doc_id, span)

    def update_span(self, doc_id: str, span_id: str, **changes: Any) -> Span:
        """Change a span's label, offsets, fragments, attributes or note.

        Returns the span as it was before, for undo.  A label change must keep
        the span valid for every event and relation it takes part in.
        """
        return self.writes.update_span(doc_id, span_id, **changes)

    def add_event(self, doc_id: str, event: Event, trigger: Span | None = None) -> Event:
        """Store an event; with ``trigger``, create its trigger span too (one transaction).

        An empty ``event.id`` gets a fresh one.  Arguments given on the event are stored too.
        """
        return self.writes.add_event(doc_id, event, trigger)

    def update_event(self, doc_id: str, event_id: str, **changes: Any) -> Event:
        """Change an event's type, attributes or note.  Returns the event as it was."""
        return self.writes.update_event(doc_id, event_id, **changes)

    def add_argument(self, doc_id: str, event_id: str, argument: Argument, position: int | None = None) -> int:
        """Attach a filler to an event under a role; returns its position among the event's arguments.

        Refused when the event type has no such role, when the filler's type is
        not allowed for it, or when the role is already filled as often as its
        cardinality allows.
        """
        return self.writes.add_argument(doc_id, event_id, argument, position)

    def remove_argument(self, doc_id: str, event_id: str, position: int) -> Argument:
        """Remove the argument at ``position`` of an event; returns it, for undo."""
        return self.writes.remove_argument(doc_id, event_id, position)

    def replace_argument(self, doc_id: str, event_id: str, position: int, argument: Argument) -> Argument:
        """Give the argument at ``position`` another role or filler, in one transaction.

        Refused, with the reason, when the new role or filler is not allowed.
        Returns the argument as it was, for undo.
        """
        return self.writes.replace_argument(doc_id, event_id, position, argument)

    def add_relation(self, doc_id: str, relation: Relation) -> Relation:
        """Store a relation between two entity spans.  An empty id gets a fresh one."""
        return self.writes.add_relation(doc_id, relation)

    def update_relation(self, doc_id: str, relation_id: str, **changes: Any) -> Relation:
        """Change a relation's type, attributes or note.  Returns it as it was."""
        return self.writes.update_relation(doc_id, relation_id, **changes)

    def set_review(
        self, doc_id: str, ann_id: str, review: str, *, note: str | None = None, reviewer: str | None = None,
        position: int | None = None,
    ) -> tuple[str, str, str]:
        """Record a reviewer's decision (one of ``REVIEW_STATES``) on an annotation of the working layer.

        ``position`` makes it a decision on that argument of event ``ann_id``.
        ``reviewer=None`` records :attr:`annotator`; ``note=None`` keeps the
        comment.  Returns ``(review, reviewer, review_note)`` as they were, for undo.
        """
        return self.writes.set_review(doc_id, ann_id, review, note=note, reviewer=reviewer, position=position)

    # ------------------------------------------------------------------ deletes with cascade

    def remove(self, doc_id: str, ann_id: str) -> Removal:
        """Delete a span, event or relation and everything that depends on it.

        Deleting an entity removes the arguments it fills and its relations.
        Deleting an event (or its trigger span) removes its arguments, the
        arguments where it fills another event's role, and its trigger span
        when no other event uses it.  All in one transaction; the returned
        :class:`Removal` lets :meth:`restore` put everything back.
        """
        return self.removals.remove(doc_id, ann_id)

    def restore(self, removal: Removal) -> None:
        """Put back everything a :meth:`remove` took out, in its places (undo)."""
        self.removals.restore(removal)
