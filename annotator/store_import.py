"""Bulk import: many whole documents with their annotations, validated and written in one transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from .model import STATUSES, AnnotatedDocument
from .problemcounts import problem_counts
from .projectmeta import store_schema
from .problemcounts import refresh_problem_counts
from .rows import BulkWriter, iter_annotated_layers
from .schema import Schema
from .store_documents import ProjectDocuments
from .store_schema import SchemaConflict
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import Problem, errors, validate_document


class BulkImport:
    """Writes whole documents through :class:`~annotator.rows.BulkWriter`, all or nothing."""

    def __init__(self, state: StoreState, documents: ProjectDocuments) -> None:
        self.state = state
        self.documents = documents

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
        layer: str = "",
    ) -> int:
        """Insert whole documents with their annotations, in one transaction; returns how many.

        With ``schema``, the documents are checked against it and it becomes
        the project's schema in the same transaction (see
        :meth:`annotator.store.Project.import_documents`).
        """
        st = self.state
        new_schema = schema
        if schema is None:
            schema = st.schema
        make_error = on_error or (lambda d, msg: StoreError(f"document {d.document.id}: {msg}"))
        n = 0
        seen: set[str] = set()
        st.forget_documents()
        with _import_cache(st), st.writing():
            # Under the write lock: the ids present and the next pks are read
            # in the transaction that uses them.  Each id is looked up in the
            # unique index as it comes (not every id of the project loaded
            # first: that cost grew with the project, not with the import).
            lookup = st.conn.execute
            bulk = BulkWriter(st.db)
            had_documents = bulk.next["documents"] > 1  # into an empty project: no id to look up
            first_new_pk = bulk.next["documents"]
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
                if had_documents and lookup("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone() is not None:
                    if not replace:
                        raise make_error(
                            adoc, f"document id {doc.id!r} already exists in the project (use --replace to overwrite it)"
                        )
                    self.documents.delete_rows(st.doc_pk(doc.id))
                try:
                    bulk.add(adoc, annotator, problem_counts(problems), layer=layer)
                except ValueError as exc:  # a malformed normalization, when not validated
                    raise make_error(adoc, str(exc)) from None
                n += 1
                if progress is not None:
                    progress(n)
            bulk.flush()
            if new_schema is not None:
                self._adopt_schema(new_schema, first_new_pk, check=validate)
        st.forget_documents()  # replaced documents have new pks
        if new_schema is not None:
            st.schema_cache = new_schema  # only now that it is committed
        return n

    def _adopt_schema(self, schema: Schema, first_new_pk: int, *, check: bool) -> None:
        """Store ``schema`` (inside the import's transaction) after checking the documents that were there before.

        Those documents (pk below ``first_new_pk``: the replaced ones are gone)
        must have no error under ``schema`` (unless ``check`` is off), as
        :meth:`annotator.store.Project.set_schema` requires; their problem
        counts are recomputed, since ``schema`` may require other roles.
        """
        db = self.state.db
        conflicts: list[tuple[str, Problem]] = []
        if check:
            for adoc in iter_annotated_layers(db, "WHERE d.pk < ?", [first_new_pk]):
                conflicts.extend((adoc.document.id, p) for p in errors(validate_document(schema, adoc)))
        if conflicts:
            raise SchemaConflict(conflicts)
        store_schema(db, schema)
        refresh_problem_counts(db, schema)  # every layer's, and the documents' sums


#: SQLite's page cache during a bulk import, in KiB (the connection's own setting is put back after).
IMPORT_CACHE_KIB = 65536


@contextmanager
def _import_cache(state: StoreState) -> Iterator[None]:
    """A larger page cache for the import: the pages of the indexes that take keys out of order (document
    ids and names) stay in memory instead of being read back from a WAL that grows with the transaction."""
    db = state.db
    old = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(old)}")
