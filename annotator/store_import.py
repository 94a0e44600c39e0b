"""Bulk import: many whole documents with their annotations, validated and written in one transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import STATUSES, AnnotatedDocument
from .problemcounts import problem_counts
from .rows import BulkWriter
from .store_documents import ProjectDocuments
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import errors, validate_document


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
    ) -> int:
        """Insert whole documents with their annotations, in one transaction; returns how many."""
        st = self.state
        schema = st.schema
        make_error = on_error or (lambda d, msg: StoreError(f"document {d.document.id}: {msg}"))
        n = 0
        seen: set[str] = set()
        st.forget_documents()
        with st.writing():
            # Under the write lock: the ids present and the next pks are read
            # in the transaction that uses them.
            existing = set(self.documents.document_ids())
            bulk = BulkWriter(st.db)
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
                    self.documents.delete_rows(st.doc_pk(doc.id))
                bulk.add(adoc, annotator, problem_counts(problems))
                n += 1
                if progress is not None:
                    progress(n)
            bulk.flush()
        st.forget_documents()  # replaced documents have new pks
        return n
