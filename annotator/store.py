"""The project file: one SQLite database, reached only through sqlite-utils.

Every write is one method of :class:`Project` and runs inside ``db.atomic()``,
so it is all or nothing.  The table layout evolves through sqlite-utils
``Migrations``; the applied migrations are the schema version.

Offsets are Python code points, end-exclusive.  A document's text never
changes after import, and every span stored satisfies
``0 <= start < end <= len(text)``: the store refuses anything else, as it
refuses labels, roles and attribute values that the project's annotation
schema does not allow.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .model import (
    ENTITY,
    STATUSES,
    TRIGGER,
    AnnotatedDocument,
    Argument,
    Document,
    Event,
    Relation,
    Span,
)
from .migrations import MIGRATIONS
from .projectopen import ProjectFile
from .problemcounts import problem_counts, refresh_problem_counts
from .rows import BulkWriter, dumps as _dumps, iter_annotated_rows, now as _now, span_from_row as _span_from_row
from .schema import Schema
from .storeerrors import NewerVersion, NotAProject, ReadOnlyError, StoreError, WriteError
from .validate import Problem, errors, validate_document

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
    "MIGRATIONS",
]


class SchemaConflict(StoreError):
    """A new schema would make existing annotations invalid."""

    def __init__(self, problems: list[tuple[str, Problem]]):
        self.problems = problems
        lines = [f"{doc}: {p.message}" for doc, p in problems[:50]]
        more = len(problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__(
            f"the new schema would make {len(problems)} existing annotation(s) invalid:\n  "
            + "\n  ".join(lines)
        )


@dataclass
class DocumentSummary:
    """One row of the document list."""

    id: str
    name: str
    status: str
    n_annotations: int
    n_incomplete: int = 0
    n_errors: int = 0


@dataclass
class Removal:
    """Everything one delete took out of a document, so that undo can put it back.

    ``arguments`` are ``(event_id, position, Argument)``.
    """

    doc_id: str
    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    arguments: list[tuple[str, int, Argument]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    span_seq: dict[str, int] = field(default_factory=dict)
    event_seq: dict[str, int] = field(default_factory=dict)
    relation_seq: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers

_SPAN_FIELDS = frozenset({"label", "start", "end", "fragments", "attributes", "note", "annotator"})
_EVENT_FIELDS = frozenset({"type", "attributes", "note", "annotator"})
_RELATION_FIELDS = _EVENT_FIELDS


def _check_fields(changes: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    bad = set(changes) - allowed
    if bad:
        raise StoreError(f"cannot change {', '.join(sorted(bad))} of {what}")


class Project(ProjectFile):
    """An open project file.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(
        self, db: Database, path: Path | None, *, read_only: bool = False, read_only_reason: str = "",
        busy_timeout_ms: int = 5000,
    ):
        self.db = db
        self.path = path
        self._schema: Schema | None = None
        self.annotator = ""
        self._pk_cache: dict[str, int] = {}
        self._text_cache: dict[int, str] = {}
        self._id_counters: dict[tuple[int, str], int] = {}
        self.read_only = read_only
        self.read_only_reason = read_only_reason if read_only else ""
        self.backup_path: Path | None = None
        self.busy_timeout_ms = busy_timeout_ms
        self._cache_version = self._reported_version = self._data_version()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def _put(self, key: str, value: str) -> None:
        self.db["project"].upsert({"key": key, "value": value}, pk="key")

    @property
    def schema_version(self) -> list[str]:
        """Names of the applied migrations, oldest first."""
        return [m.name for m in MIGRATIONS.applied(self.db)]

    # ------------------------------------------------------------------ schema

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema.from_toml(self._get("schema") or "", "project schema", drop_reserved_hotkeys=True)
        return self._schema

    def set_schema(self, schema: Schema) -> None:
        """Replace the annotation schema.

        Refused with :class:`SchemaConflict`, listing every annotation that the
        new schema would make invalid, when there are any.
        """
        with self._writing():  # the check and the change under one lock
            problems: list[tuple[str, Problem]] = []
            for adoc in self.iter_annotated():
                for p in errors(validate_document(schema, adoc)):
                    problems.append((adoc.document.id, p))
            if problems:
                raise SchemaConflict(problems)
            self._put("schema", schema.source)
            self._put("schema_name", schema.name)
            self._schema = schema
            self.refresh_problem_counts()  # the new schema may require roles the old one did not

    # ------------------------------------------------------------------ documents

    def _doc_pk(self, doc_id: str) -> int:
        pk = self._pk_cache.get(doc_id)
        if pk is not None:
            if not self.db.conn.in_transaction:
                self._sync_caches()  # another process may have replaced or deleted it
                pk = self._pk_cache.get(doc_id)
        if pk is not None:
            return pk
        row = self.db.execute("SELECT pk FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id!r}")
        self._pk_cache[doc_id] = row[0]
        return row[0]

    def _text(self, doc_pk: int) -> str:
        """A document's text; cached, since it never changes after import."""
        text = self._text_cache.get(doc_pk)
        if text is None:
            text = self.db.execute("SELECT text FROM documents WHERE pk = ?", [doc_pk]).fetchone()[0]
            if len(self._text_cache) >= 8:
                self._text_cache.pop(next(iter(self._text_cache)))
            self._text_cache[doc_pk] = text
        return text

    def _forget_documents(self) -> None:
        self._pk_cache.clear()
        self._text_cache.clear()
        self._id_counters.clear()

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def document_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get_document(self, doc_id: str) -> Document:
        row = self.db.execute(
            "SELECT id, name, text, meta, status, checksum, created, updated FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id!r}")
        return Document(
            id=row[0], name=row[1] or row[0], text=row[2], meta=json.loads(row[3] or "{}"),
            status=row[4], checksum=row[5] or "", created=row[6] or "", updated=row[7] or "",
        )

    def document_status(self, doc_id: str) -> str:
        """A document's status, without reading its text."""
        row = self.db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id!r}")
        return row[0]

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY pk")]

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its status, number of annotations and problem counts, in import order."""
        sql = """
            SELECT d.id, d.name, d.status,
                   (SELECT count(*) FROM spans s WHERE s.doc = d.pk AND s.kind = 'entity')
                 + (SELECT count(*) FROM events e WHERE e.doc = d.pk)
                 + (SELECT count(*) FROM relations r WHERE r.doc = d.pk),
                   d.n_incomplete, d.n_errors
            FROM documents d ORDER BY d.pk
        """
        return [
            DocumentSummary(r[0], r[1] or r[0], r[2], r[3], r[4] or 0, r[5] or 0) for r in self.db.execute(sql)
        ]

    def problem_counts(self, doc_id: str) -> tuple[int, int]:
        """The stored ``(n_errors, n_incomplete)`` of a document (see :func:`problem_counts`)."""
        row = self.db.execute("SELECT n_errors, n_incomplete FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id!r}")
        return row[0] or 0, row[1] or 0

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Record a document's problem counts, as found by validating it (the GUI does after edits).

        Derived data: the document's ``updated`` time and status stay as they are.
        """
        if n_errors < 0 or n_incomplete < 0:
            raise StoreError(f"problem counts cannot be negative ({n_errors}, {n_incomplete})")
        with self._writing():
            cur = self.db.execute(
                "UPDATE documents SET n_errors = ?, n_incomplete = ? WHERE id = ?", [n_errors, n_incomplete, doc_id]
            )
            if cur.rowcount == 0:
                raise StoreError(f"no document with id {doc_id!r}")

    def refresh_problem_counts(self) -> int:
        """Validate every document (streamed) and store its problem counts.

        For after a schema change; the migration that added the counts uses it
        too.  Returns the number of documents whose counts changed.
        """
        with self._writing():
            return refresh_problem_counts(self.db, self.schema)

    def set_status(self, doc_id: str, status: str) -> str:
        """Set a document's status; returns the previous one."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        with self._writing():
            old = self.get_document(doc_id).status
            self.db.execute(
                "UPDATE documents SET status = ?, updated = ? WHERE id = ?", [status, _now(), doc_id]
            )
        return old

    def _touch(self, doc_pk: int) -> None:
        self.db.execute(
            "UPDATE documents SET updated = ?, status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END WHERE pk = ?",
            [_now(), doc_pk],
        )

    def delete_document(self, doc_id: str) -> None:
        with self._writing():
            pk = self._doc_pk(doc_id)
            self._delete_doc_rows(pk)
            self.db.execute("DELETE FROM documents WHERE pk = ?", [pk])
        self._forget_documents()

    def _delete_doc_rows(self, pk: int) -> None:
        for table in ("arguments", "relations", "events", "spans"):
            self.db.execute(f"DELETE FROM {table} WHERE doc = ?", [pk])

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
    ) -> int:
        """Insert whole documents with their annotations, in one transaction.

        Each document is validated against the schema first; the first error
        aborts the import and nothing of it is written.  ``on_error(doc, msg)``
        builds the exception to raise (so callers can name file and line).
        A document id that already exists is refused unless ``replace``.
        Returns the number of documents imported.
        """
        schema = self.schema
        make_error = on_error or (lambda d, msg: StoreError(f"document {d.document.id}: {msg}"))
        n = 0
        seen: set[str] = set()
        self._forget_documents()
        with self._writing():
            # Under the write lock: the ids present and the next pks are read
            # in the transaction that uses them.
            existing = set(self.document_ids())
            bulk = BulkWriter(self.db)
            for adoc in docs:
                doc = adoc.document
                if doc.id in seen:
                    raise make_error(adoc, f"duplicate document id {doc.id!r}")
                seen.add(doc.id)
                if doc.status not in STATUSES:
                    raise make_error(adoc, f"unknown status {doc.status!r}")
                # One validation gives both the verdict and the stored problem
                # counts; with validate=False a document with errors is stored
                # anyway (its counts say so).
                problems = validate_document(schema, adoc)
                if validate:
                    errs = errors(problems)
                    if errs:
                        raise make_error(adoc, errs[0].message)
                if doc.id in existing:
                    if not replace:
                        raise make_error(
                            adoc, f"document id {doc.id!r} already exists in the project (use --replace to overwrite it)"
                        )
                    old = self._doc_pk(doc.id)
                    self._delete_doc_rows(old)
                    self.db.execute("DELETE FROM documents WHERE pk = ?", [old])
                bulk.add(adoc, annotator, problem_counts(problems))
                n += 1
                if progress is not None:
                    progress(n)
            bulk.flush()
        self._forget_documents()  # replaced documents have new pks
        return n

    # ------------------------------------------------------------------ reading annotations

    def get_annotated(self, doc_id: str) -> AnnotatedDocument:
        """One document with all its annotations."""
        pk = self._doc_pk(doc_id)
        for adoc in self._iter_annotated_sql("WHERE d.pk = ?", [pk]):
            return adoc
        raise StoreError(f"no document with id {doc_id!r}")  # pragma: no cover

    def iter_annotated(self, statuses: Iterable[str] | None = None) -> Iterator[AnnotatedDocument]:
        """Stream every document with its annotations, in import order.

        Runs five queries in all, each ordered by document, and merges them as
        it goes, so memory holds one document at a time whatever the project size.
        """
        if statuses:
            sts = list(statuses)
            for s in sts:
                if s not in STATUSES:
                    raise StoreError(f"unknown status {s!r} (expected one of {', '.join(STATUSES)})")
            where = f"WHERE d.status IN ({','.join('?' * len(sts))})"
            yield from self._iter_annotated_sql(where, sts)
        else:
            yield from self._iter_annotated_sql("", [])

    def _iter_annotated_sql(self, where: str, params: list[Any]) -> Iterator[AnnotatedDocument]:
        return iter_annotated_rows(self.db, where, params)

    def spans_in_range(self, doc_id: str, start: int, end: int) -> list[Span]:
        """Spans (entities and triggers) of a document that overlap ``[start, end)``."""
        pk = self._doc_pk(doc_id)
        rows = self.db.query(
            'SELECT * FROM spans WHERE doc = ? AND start < ? AND "end" > ? ORDER BY start, "end" DESC',
            [pk, end, start],
        )
        return [_span_from_row(r) for r in rows]

    def annotations_in_range(self, doc_id: str, start: int, end: int) -> AnnotatedDocument:
        """The spans overlapping ``[start, end)`` and the events and relations that touch them."""
        pk = self._doc_pk(doc_id)
        inside = {s.id for s in self.spans_in_range(doc_id, start, end)}
        adoc = self._neighbourhood(pk, inside)  # those spans and every event or relation touching them
        adoc.document = self.get_document(doc_id)
        spans = [s for s in adoc.spans if s.overlaps(start, end)]
        ids = {s.id for s in spans}
        events = [e for e in adoc.events if e.trigger in ids or any(a.ref in ids for a in e.arguments)]
        rels = [r for r in adoc.relations if r.head in ids or r.tail in ids]
        return AnnotatedDocument(adoc.document, spans, events, rels)

    # ------------------------------------------------------------------ statistics

    def counts_by_status(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for status, n in self.db.execute("SELECT status, count(*) FROM documents GROUP BY status"):
            counts[status] = n
        return counts

    def counts_by_label(self, doc_id: str | None = None) -> dict[str, int]:
        """Entities by label, events by type and relations by type."""
        where, params = ("WHERE doc = ?", [self._doc_pk(doc_id)]) if doc_id else ("", [])
        counts: dict[str, int] = {}
        conj = "AND" if where else "WHERE"
        for label, n in self.db.execute(
            f"SELECT label, count(*) FROM spans {where} {conj} kind = 'entity' GROUP BY label ORDER BY label", params
        ):
            counts[label] = n
        for table, col in (("events", "type"), ("relations", "type")):
            for label, n in self.db.execute(
                f"SELECT {col}, count(*) FROM {table} {where} GROUP BY {col} ORDER BY {col}", params
            ):
                counts[label] = counts.get(label, 0) + n
        return counts

    def problems(self, doc_id: str) -> list[Problem]:
        """Validation problems of one document (errors and incomplete events)."""
        return validate_document(self.schema, self.get_annotated(doc_id))

    # ------------------------------------------------------------------ single writes

    def _ann_row(self, table: str, doc_pk: int, ann_id: str) -> dict[str, Any]:
        rows = list(self.db.query(f"SELECT * FROM {table} WHERE doc = ? AND id = ?", [doc_pk, ann_id]))
        if not rows:
            kind = {"spans": "span", "events": "event", "relations": "relation"}[table]
            raise StoreError(f"no {kind} {ann_id!r} in this document")
        return rows[0]

    def _id_taken(self, doc_pk: int, ident: str) -> bool:
        return any(
            self.db.execute(f"SELECT 1 FROM {t} WHERE doc = ? AND id = ?", [doc_pk, ident]).fetchone()
            for t in ("spans", "events", "relations")
        )

    def _fresh_id(self, doc_pk: int, prefix: str) -> str:
        """The prefix with one more than the highest number used after it in this document.

        The highest number is read once per document and prefix, then counted
        up here; ids are never reused within a session, even after a delete.
        """
        key = (doc_pk, prefix)
        n = self._id_counters.get(key)
        if n is None:
            n = self._max_id_number(doc_pk, prefix)
        while self._id_taken(doc_pk, f"{prefix}{n + 1}"):  # e.g. written by another process
            n += 1
        self._id_counters[key] = n + 1
        return f"{prefix}{n + 1}"

    def _max_id_number(self, doc_pk: int, prefix: str) -> int:
        n = 0
        for t in ("spans", "events", "relations"):
            row = self.db.execute(
                f"SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM {t} "
                f"WHERE doc = ? AND id GLOB ? AND substr(id, ?) NOT GLOB '*[^0-9]*'",
                [len(prefix) + 1, doc_pk, prefix + "[0-9]*", len(prefix) + 1],
            ).fetchone()
            n = max(n, row[0] or 0)
        return n

    def new_id(self, doc_id: str, prefix: str) -> str:
        """A fresh annotation id (``T``, ``E`` or ``R`` followed by a number)."""
        return self._fresh_id(self._doc_pk(doc_id), prefix)

    def _claim_id(self, doc_pk: int, ident: str, prefix: str, what: str, doc_id: str) -> str:
        if not ident:
            return self._fresh_id(doc_pk, prefix)
        if self._id_taken(doc_pk, ident):
            raise StoreError(f"{what} id {ident!r} is already used in document {doc_id}")
        return ident

    def _check_span(self, text: str, span: Span) -> None:
        n = len(text)
        if not (isinstance(span.start, int) and isinstance(span.end, int) and 0 <= span.start < span.end <= n):
            raise StoreError(f"span {span.id}: offsets {span.start}-{span.end} outside the text (length {n})")
        if span.fragments:
            prev = span.start
            for s, e in span.fragments:
                if not (prev <= s < e <= span.end):
                    raise StoreError(f"span {span.id}: fragment {s}-{e} does not fit {span.start}-{span.end}")
                prev = e
        kind = self.schema.label_kind(span.label)
        if span.kind == ENTITY and kind != "entity":
            raise StoreError(f"span {span.id}: unknown entity type {span.label!r}")
        if span.kind == TRIGGER and kind != "trigger":
            raise StoreError(f"span {span.id}: unknown event type {span.label!r}")
        self._check_attributes(span.label, span.attributes, f"span {span.id}")

    def _check_attributes(self, type_name: str, attributes: dict[str, Any], what: str) -> None:
        allowed = {a.name: a for a in self.schema.attributes_for(type_name)}
        for name, value in attributes.items():
            a = allowed.get(name)
            if a is None:
                raise StoreError(f"{what}: attribute {name!r} is not defined for {type_name}")
            if a.values:
                if value not in a.values:
                    raise StoreError(
                        f"{what}: attribute {name} does not allow {value!r} (allowed: {', '.join(a.values)})"
                    )
            elif not isinstance(value, bool):
                raise StoreError(f"{what}: attribute {name} is a flag and takes true or false, not {value!r}")

    def _check_local(self, doc_pk: int, ids: set[str], mutate: Callable[[AnnotatedDocument], None]) -> None:
        """Validate the neighbourhood of ``ids`` as it would be after ``mutate``: refuse new errors.

        Only the annotations a change can affect are read (see
        :meth:`_neighbourhood`), so a write costs the same in a document of
        ten spans or ten thousand.
        """
        adoc = self._neighbourhood(doc_pk, ids)
        before = {p.message for p in errors(validate_document(self.schema, adoc))}
        mutate(adoc)
        for p in errors(validate_document(self.schema, adoc)):
            if p.message not in before:
                raise StoreError(p.message)

    def _neighbourhood(self, doc_pk: int, ids: set[str]) -> AnnotatedDocument:
        """The annotations ``ids`` with all that a change to them can touch.

        That is: the events they trigger and the triggers of events among them;
        then every event or relation that refers to any of those; then the
        triggers and fillers of all those events, so the validator sees their
        types.  Returned as a partial document over the real text.
        """
        ids = {i for i in ids if i}
        q = lambda n: ",".join("?" * n)  # noqa: E731
        run = self.db.execute
        if ids:
            p = [doc_pk, *ids]
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM events e JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND t.id IN ({q(len(ids))})", p)}
            ids |= {r[0] for r in run(
                f"SELECT t.id FROM events e JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND e.id IN ({q(len(ids))})",
                [doc_pk, *ids])}
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM events e JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND t.id IN ({q(len(ids))})",
                [doc_pk, *ids])}
            p = [doc_pk, *ids, *ids]
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM arguments a JOIN events e ON e.pk = a.event "
                f"LEFT JOIN spans s ON s.pk = a.filler_span LEFT JOIN events f ON f.pk = a.filler_event "
                f"WHERE a.doc = ? AND (s.id IN ({q(len(ids))}) OR f.id IN ({q(len(ids))}))", p)}
            p = [doc_pk, *ids, *ids]
            ids |= {r[0] for r in run(
                f"SELECT r.id FROM relations r JOIN spans h ON h.pk = r.head JOIN spans t ON t.pk = r.tail "
                f"WHERE r.doc = ? AND (h.id IN ({q(len(ids))}) OR t.id IN ({q(len(ids))}))", p)}
        spans, events, relations = self._fetch(doc_pk, ids)
        have = {s.id for s in spans} | {e.id for e in events}
        for _ in range(2):  # triggers and fillers, then the triggers of filler events
            need = set()
            for e in events:
                need.add(e.trigger)
                need.update(a.ref for a in e.arguments)
            for r in relations:
                need.update((r.head, r.tail))
            need -= have
            if not need:
                break
            s2, e2, _r = self._fetch(doc_pk, need)
            spans += s2
            events += e2
            have |= {s.id for s in s2} | {e.id for e in e2}
        row = self.db.execute("SELECT id FROM documents WHERE pk = ?", [doc_pk]).fetchone()
        return AnnotatedDocument(Document(id=row[0], text=self._text(doc_pk)), spans, events, relations)

    def fetch(self, doc_id: str, ids: Iterable[str]) -> tuple[list[Span], list[Event], list[Relation]]:
        """The spans, events and relations of a document whose ids are in ``ids``."""
        return self._fetch(self._doc_pk(doc_id), set(ids))

    def _fetch(self, doc_pk: int, ids: set[str]) -> tuple[list[Span], list[Event], list[Relation]]:
        ids = [i for i in ids if i]
        if not ids:
            return [], [], []
        marks = ",".join("?" * len(ids))
        p = [doc_pk, *ids]
        loads = json.loads
        spans = [_span_from_row(r) for r in self.db.query(
            f"SELECT * FROM spans WHERE doc = ? AND id IN ({marks}) ORDER BY seq", p)]
        events: list[Event] = []
        by_pk: dict[int, Event] = {}
        for r in self.db.execute(
            f"SELECT e.pk, e.id, e.type, t.id, e.attributes, e.note, e.annotator FROM events e "
            f"JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND e.id IN ({marks}) ORDER BY e.seq", p
        ):
            ev = Event(id=r[1], type=r[2], trigger=r[3], attributes=loads(r[4]) if r[4] else {},
                       note=r[5] or "", annotator=r[6] or "")
            by_pk[r[0]] = ev
            events.append(ev)
        if by_pk:
            for r in self.db.execute(
                f"SELECT a.event, a.role, coalesce(s.id, f.id), a.annotator FROM arguments a "
                f"LEFT JOIN spans s ON s.pk = a.filler_span LEFT JOIN events f ON f.pk = a.filler_event "
                f"WHERE a.event IN ({','.join('?' * len(by_pk))}) ORDER BY a.event, a.position",
                list(by_pk),
            ):
                by_pk[r[0]].arguments.append(Argument(role=r[1], ref=r[2], annotator=r[3] or ""))
        relations = [
            Relation(id=r[0], type=r[1], head=r[2], tail=r[3], attributes=loads(r[4]) if r[4] else {},
                     note=r[5] or "", annotator=r[6] or "")
            for r in self.db.execute(
                f"SELECT r.id, r.type, h.id, t.id, r.attributes, r.note, r.annotator FROM relations r "
                f"JOIN spans h ON h.pk = r.head JOIN spans t ON t.pk = r.tail "
                f"WHERE r.doc = ? AND r.id IN ({marks}) ORDER BY r.seq", p)
        ]
        return spans, events, relations

    def _next_seq(self, table: str, doc_pk: int) -> int:
        """The position after the last annotation of ``table`` in a document (export order)."""
        return (self.db.execute(f"SELECT max(seq) FROM {table} WHERE doc = ?", [doc_pk]).fetchone()[0] or 0) + 1

    def _insert_span(self, doc_pk: int, span: Span, seq: int | None = None) -> int:
        if seq is None:
            seq = self._next_seq("spans", doc_pk)
        return self.db["spans"].insert(
            {
                "doc": doc_pk, "id": span.id, "seq": seq, "kind": span.kind, "label": span.label,
                "start": span.start, "end": span.end,
                "fragments": _dumps([list(f) for f in span.fragments]) if span.fragments else None,
                "attributes": _dumps(span.attributes), "note": span.note,
                "annotator": span.annotator or self.annotator,
            }
        ).last_pk

    def add_span(self, doc_id: str, span: Span) -> Span:
        """Store a new entity or trigger span.  An empty ``span.id`` gets a fresh one."""
        with self._writing():
            pk = self._doc_pk(doc_id)
            span = replace(span, id=self._claim_id(pk, span.id, "T", "span", doc_id))
            if not span.annotator:
                span = replace(span, annotator=self.annotator)
            self._check_span(self._text(pk), span)
            self._insert_span(pk, span)
            self._touch(pk)
        return span

    def update_span(self, doc_id: str, span_id: str, **changes: Any) -> Span:
        """Change a span's label, offsets, fragments, attributes or note.

        Returns the span as it was before, for undo.  A label change must keep
        the span valid for every event and relation it takes part in.
        """
        _check_fields(changes, _SPAN_FIELDS, "a span")
        with self._writing():
            pk = self._doc_pk(doc_id)
            row = self._ann_row("spans", pk, span_id)
            old = _span_from_row(row)
            new = replace(old, **changes)
            if ("start" in changes or "end" in changes) and "fragments" not in changes:
                new.fragments = None
            self._check_span(self._text(pk), new)

            def mutate(adoc: AnnotatedDocument) -> None:
                for i, s in enumerate(adoc.spans):
                    if s.id == span_id:
                        adoc.spans[i] = new
                for e in adoc.events:
                    if e.trigger == span_id and new.kind == TRIGGER:
                        e.type = new.label

            self._check_local(pk, {span_id}, mutate)
            self.db["spans"].update(row["pk"], {
                "label": new.label, "start": new.start, "end": new.end,
                "fragments": _dumps([list(f) for f in new.fragments]) if new.fragments else None,
                "attributes": _dumps(new.attributes), "note": new.note, "annotator": new.annotator,
            })
            if new.kind == TRIGGER and new.label != old.label:
                self.db.execute("UPDATE events SET type = ? WHERE trigger = ?", [new.label, row["pk"]])
            self._touch(pk)
        return old

    def add_event(self, doc_id: str, event: Event, trigger: Span | None = None) -> Event:
        """Store an event; with ``trigger``, create its trigger span too (one transaction).

        An empty ``event.id`` gets a fresh one.  Arguments given on the event are stored too.
        """
        with self._writing():
            pk = self._doc_pk(doc_id)
            if trigger is not None:
                trigger = replace(trigger, kind=TRIGGER, label=event.type)
                trigger = self.add_span(doc_id, trigger)
                event = replace(event, trigger=trigger.id)
            event = replace(event, id=self._claim_id(pk, event.id, "E", "event", doc_id))
            if not event.annotator:
                event = replace(event, annotator=self.annotator)
            if self.schema.label_kind(event.type) != "trigger":
                raise StoreError(f"event {event.id}: unknown event type {event.type!r}")
            trow = self._ann_row("spans", pk, event.trigger)
            if trow["kind"] != TRIGGER:
                raise StoreError(f"event {event.id}: {event.trigger} is not a trigger span")
            self._check_attributes(event.type, event.attributes, f"event {event.id}")
            ev = event

            def mutate(adoc: AnnotatedDocument) -> None:
                adoc.events.append(ev)

            self._check_local(pk, {event.trigger, *(a.ref for a in event.arguments)}, mutate)
            self._insert_event(pk, event)
            self._touch(pk)
        return event

    def _insert_event(self, doc_pk: int, event: Event, seq: int | None = None) -> int:
        if seq is None:
            seq = self._next_seq("events", doc_pk)
        tpk = self._ann_row("spans", doc_pk, event.trigger)["pk"]
        epk = self.db["events"].insert({
            "doc": doc_pk, "id": event.id, "seq": seq, "type": event.type, "trigger": tpk,
            "attributes": _dumps(event.attributes), "note": event.note,
            "annotator": event.annotator or self.annotator,
        }).last_pk
        for i, a in enumerate(event.arguments):
            self._insert_argument(doc_pk, epk, i, a)
        return epk

    def _filler_pks(self, doc_pk: int, ref: str) -> tuple[int | None, int | None]:
        row = self.db.execute("SELECT pk FROM spans WHERE doc = ? AND id = ?", [doc_pk, ref]).fetchone()
        if row:
            return row[0], None
        row = self.db.execute("SELECT pk FROM events WHERE doc = ? AND id = ?", [doc_pk, ref]).fetchone()
        if row:
            return None, row[0]
        raise StoreError(f"no entity or event {ref!r} in this document")

    def _insert_argument(self, doc_pk: int, event_pk: int, position: int, a: Argument) -> None:
        fs, fe = self._filler_pks(doc_pk, a.ref)
        self.db["arguments"].insert({
            "doc": doc_pk, "event": event_pk, "position": position, "role": a.role,
            "filler_span": fs, "filler_event": fe, "annotator": a.annotator or self.annotator,
        })

    def add_argument(self, doc_id: str, event_id: str, argument: Argument, position: int | None = None) -> int:
        """Attach a filler to an event under a role; returns its position among the event's arguments.

        Refused when the event type has no such role, when the filler's type is
        not allowed for it, or when the role is already filled as often as its
        cardinality allows.
        """
        with self._writing():
            pk = self._doc_pk(doc_id)
            erow = self._ann_row("events", pk, event_id)
            if not argument.annotator:
                argument = replace(argument, annotator=self.annotator)
            count = self.db.execute("SELECT count(*) FROM arguments WHERE event = ?", [erow["pk"]]).fetchone()[0]
            pos = count if position is None else max(0, min(position, count))
            arg = argument

            def mutate(adoc: AnnotatedDocument) -> None:
                for e in adoc.events:
                    if e.id == event_id:
                        e.arguments.insert(pos, arg)

            self._check_local(pk, {event_id, argument.ref}, mutate)
            self.db.execute(
                "UPDATE arguments SET position = position + 1 WHERE event = ? AND position >= ?", [erow["pk"], pos]
            )
            self._insert_argument(pk, erow["pk"], pos, argument)
            self._touch(pk)
        return pos

    def remove_argument(self, doc_id: str, event_id: str, position: int) -> Argument:
        """Remove the argument at ``position`` of an event; returns it, for undo."""
        with self._writing():
            pk = self._doc_pk(doc_id)
            erow = self._ann_row("events", pk, event_id)
            ev = self.fetch(doc_id, {event_id})[1][0]
            if not 0 <= position < len(ev.arguments):
                raise StoreError(f"event {event_id} has no argument at position {position}")
            arg = ev.arguments[position]
            self.db.execute("DELETE FROM arguments WHERE event = ? AND position = ?", [erow["pk"], position])
            self.db.execute(
                "UPDATE arguments SET position = position - 1 WHERE event = ? AND position > ?", [erow["pk"], position]
            )
            self._touch(pk)
        return arg

    def replace_argument(self, doc_id: str, event_id: str, position: int, argument: Argument) -> Argument:
        """Give the argument at ``position`` another role or filler, in one transaction.

        Refused, with the reason, when the new role or filler is not allowed.
        Returns the argument as it was, for undo.
        """
        with self._writing():
            pk = self._doc_pk(doc_id)
            erow = self._ann_row("events", pk, event_id)
            ev = self.fetch(doc_id, {event_id})[1][0]
            if not 0 <= position < len(ev.arguments):
                raise StoreError(f"event {event_id} has no argument at position {position}")
            old = ev.arguments[position]
            if not argument.annotator:
                argument = replace(argument, annotator=old.annotator or self.annotator)
            arg = argument

            def mutate(adoc: AnnotatedDocument) -> None:
                for e in adoc.events:
                    if e.id == event_id:
                        e.arguments[position] = arg

            self._check_local(pk, {event_id, argument.ref}, mutate)
            fs, fe = self._filler_pks(pk, argument.ref)
            self.db.execute(
                "UPDATE arguments SET role = ?, filler_span = ?, filler_event = ?, annotator = ? "
                "WHERE event = ? AND position = ?",
                [argument.role, fs, fe, argument.annotator, erow["pk"], position],
            )
            self._touch(pk)
        return old

    def update_event(self, doc_id: str, event_id: str, **changes: Any) -> Event:
        """Change an event's type, attributes or note.  Returns the event as it was."""
        _check_fields(changes, _EVENT_FIELDS, "an event")
        with self._writing():
            pk = self._doc_pk(doc_id)
            row = self._ann_row("events", pk, event_id)
            old = self.fetch(doc_id, {event_id})[1][0]
            new = replace(old, **changes)
            if self.schema.label_kind(new.type) != "trigger":
                raise StoreError(f"event {event_id}: unknown event type {new.type!r}")
            self._check_attributes(new.type, new.attributes, f"event {event_id}")

            def mutate(a: AnnotatedDocument) -> None:
                for i, e in enumerate(a.events):
                    if e.id == event_id:
                        a.events[i] = new
                for s in a.spans:
                    if s.id == new.trigger:
                        s.label = new.type

            self._check_local(pk, {event_id}, mutate)
            self.db["events"].update(row["pk"], {
                "type": new.type, "attributes": _dumps(new.attributes), "note": new.note,
                "annotator": new.annotator,
            })
            if new.type != old.type:
                self.db.execute("UPDATE spans SET label = ? WHERE pk = ?", [new.type, row["trigger"]])
            self._touch(pk)
        return old

    def add_relation(self, doc_id: str, relation: Relation) -> Relation:
        """Store a relation between two entity spans.  An empty id gets a fresh one."""
        with self._writing():
            pk = self._doc_pk(doc_id)
            relation = replace(relation, id=self._claim_id(pk, relation.id, "R", "relation", doc_id))
            if not relation.annotator:
                relation = replace(relation, annotator=self.annotator)
            rel = relation

            def mutate(a: AnnotatedDocument) -> None:
                a.relations.append(rel)

            self._check_local(pk, {relation.head, relation.tail}, mutate)
            self._insert_relation(pk, relation)
            self._touch(pk)
        return relation

    def _insert_relation(self, doc_pk: int, r: Relation, seq: int | None = None) -> None:
        if seq is None:
            seq = self._next_seq("relations", doc_pk)
        head = self._ann_row("spans", doc_pk, r.head)["pk"]
        tail = self._ann_row("spans", doc_pk, r.tail)["pk"]
        self.db["relations"].insert({
            "doc": doc_pk, "id": r.id, "seq": seq, "type": r.type, "head": head, "tail": tail,
            "attributes": _dumps(r.attributes), "note": r.note, "annotator": r.annotator or self.annotator,
        })

    def update_relation(self, doc_id: str, relation_id: str, **changes: Any) -> Relation:
        """Change a relation's type, attributes or note.  Returns it as it was."""
        _check_fields(changes, _RELATION_FIELDS, "a relation")
        with self._writing():
            pk = self._doc_pk(doc_id)
            row = self._ann_row("relations", pk, relation_id)
            old = self.fetch(doc_id, {relation_id})[2][0]
            new = replace(old, **changes)

            def mutate(a: AnnotatedDocument) -> None:
                a.relations[:] = [new if r.id == relation_id else r for r in a.relations]

            self._check_local(pk, {relation_id}, mutate)
            self.db["relations"].update(row["pk"], {
                "type": new.type, "attributes": _dumps(new.attributes), "note": new.note,
                "annotator": new.annotator,
            })
            self._touch(pk)
        return old

    # ------------------------------------------------------------------ deletes with cascade

    def remove(self, doc_id: str, ann_id: str) -> Removal:
        """Delete a span, event or relation and everything that depends on it.

        Deleting an entity removes the arguments it fills and its relations.
        Deleting an event (or its trigger span) removes its arguments, the
        arguments where it fills another event's role, and its trigger span
        when no other event uses it.  All in one transaction; the returned
        :class:`Removal` lets :meth:`restore` put everything back.
        """
        with self._writing():
            pk = self._doc_pk(doc_id)
            adoc = self._neighbourhood(pk, {ann_id})
            spans = adoc.span_by_id()
            events = adoc.event_by_id()
            rels = {r.id: r for r in adoc.relations}
            gone_spans: set[str] = set()
            gone_events: set[str] = set()
            gone_rels: set[str] = set()
            if ann_id in spans:
                gone_spans.add(ann_id)
                if spans[ann_id].kind == TRIGGER:
                    gone_events.update(e.id for e in adoc.events if e.trigger == ann_id)
            elif ann_id in events:
                gone_events.add(ann_id)
                trig = events[ann_id].trigger
                if not any(e.trigger == trig and e.id != ann_id for e in adoc.events):
                    gone_spans.add(trig)
            elif ann_id in rels:
                gone_rels.add(ann_id)
            else:
                raise StoreError(f"no annotation {ann_id!r} in document {doc_id}")
            removal = Removal(doc_id)
            gone = gone_spans | gone_events
            for e in adoc.events:
                if e.id in gone_events:
                    continue
                for i, a in enumerate(e.arguments):
                    if a.ref in gone:
                        removal.arguments.append((e.id, i, a))
            for r in adoc.relations:
                if r.head in gone_spans or r.tail in gone_spans:
                    gone_rels.add(r.id)
            removal.spans = [s for s in adoc.spans if s.id in gone_spans]
            removal.events = [e for e in adoc.events if e.id in gone_events]
            removal.relations = [r for r in adoc.relations if r.id in gone_rels]
            removal.span_seq = self._seqs("spans", pk, gone_spans)
            removal.event_seq = self._seqs("events", pk, gone_events)
            removal.relation_seq = self._seqs("relations", pk, gone_rels)
            # delete dependents first so foreign keys hold at every step
            for ev_id, pos, _a in sorted(removal.arguments, key=lambda t: (t[0], -t[1])):
                epk = self._ann_row("events", pk, ev_id)["pk"]
                self.db.execute("DELETE FROM arguments WHERE event = ? AND position = ?", [epk, pos])
                self.db.execute(
                    "UPDATE arguments SET position = position - 1 WHERE event = ? AND position > ?", [epk, pos]
                )
            for r in removal.relations:
                self.db.execute("DELETE FROM relations WHERE doc = ? AND id = ?", [pk, r.id])
            for e in removal.events:
                epk = self._ann_row("events", pk, e.id)["pk"]
                self.db.execute("DELETE FROM arguments WHERE event = ?", [epk])
            for e in removal.events:
                self.db.execute("DELETE FROM events WHERE doc = ? AND id = ?", [pk, e.id])
            for s in removal.spans:
                self.db.execute("DELETE FROM spans WHERE doc = ? AND id = ?", [pk, s.id])
            self._touch(pk)
        return removal

    def _seqs(self, table: str, doc_pk: int, ids: set[str]) -> dict[str, int]:
        if not ids:
            return {}
        return {r[0]: r[1] for r in self.db.execute(
            f"SELECT id, seq FROM {table} WHERE doc = ? AND id IN ({','.join('?' * len(ids))})", [doc_pk, *ids])}

    def restore(self, removal: Removal) -> None:
        """Put back everything a :meth:`remove` took out, in its places (undo)."""
        with self._writing():
            pk = self._doc_pk(removal.doc_id)
            for s in removal.spans:
                self._insert_span(pk, s, removal.span_seq.get(s.id))
            # events may fill each other's roles: insert them bare, then their arguments
            for e in removal.events:
                self._insert_event(pk, replace(e, arguments=[]), removal.event_seq.get(e.id))
            for e in removal.events:
                epk = self._ann_row("events", pk, e.id)["pk"]
                for i, a in enumerate(e.arguments):
                    self._insert_argument(pk, epk, i, a)
            for ev_id, pos, a in sorted(removal.arguments, key=lambda t: (t[0], t[1])):
                epk = self._ann_row("events", pk, ev_id)["pk"]
                self.db.execute(
                    "UPDATE arguments SET position = position + 1 WHERE event = ? AND position >= ?", [epk, pos]
                )
                self._insert_argument(pk, epk, pos, a)
            for r in removal.relations:
                self._insert_relation(pk, r, removal.relation_seq.get(r.id))
            self._touch(pk)
