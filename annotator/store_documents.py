"""The documents of a project: reading them, their status and problem counts, the document list, deleting one."""
from __future__ import annotations

import json
from dataclasses import dataclass

from .model import STATUSES, Document
from .problemcounts import refresh_problem_counts
from .rows import now
from .store_state import StoreState
from .storeerrors import StoreError


@dataclass
class DocumentSummary:
    """One row of the document list."""

    id: str
    name: str
    status: str
    n_annotations: int
    n_incomplete: int = 0
    n_errors: int = 0


class ProjectDocuments:
    """The ``documents`` table: one row per imported text, with its status and problem counts."""

    def __init__(self, state: StoreState) -> None:
        self.state = state

    def _missing(self, doc_id: str) -> StoreError:
        return StoreError(f"no document with id {doc_id!r}")

    # ------------------------------------------------------------------ reading

    def has_document(self, doc_id: str) -> bool:
        """True when the project holds a document with this id."""
        return self.state.db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def document_count(self) -> int:
        """The number of documents."""
        return self.state.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get_document(self, doc_id: str) -> Document:
        """One document, with its text and metadata (no annotations)."""
        row = self.state.db.execute(
            "SELECT id, name, text, meta, status, checksum, created, updated FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise self._missing(doc_id)
        return Document(
            id=row[0], name=row[1] or row[0], text=row[2], meta=json.loads(row[3] or "{}"),
            status=row[4], checksum=row[5] or "", created=row[6] or "", updated=row[7] or "",
        )

    def document_status(self, doc_id: str) -> str:
        """A document's status, without reading its text."""
        row = self.state.db.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise self._missing(doc_id)
        return row[0]

    def document_ids(self) -> list[str]:
        """Every document id, in import order."""
        return [r[0] for r in self.state.db.execute("SELECT id FROM documents ORDER BY pk")]

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
            DocumentSummary(r[0], r[1] or r[0], r[2], r[3], r[4] or 0, r[5] or 0)
            for r in self.state.db.execute(sql)
        ]

    def counts_by_status(self) -> dict[str, int]:
        """The number of documents of each status (every status present, zero or not)."""
        counts = {s: 0 for s in STATUSES}
        for status, n in self.state.db.execute("SELECT status, count(*) FROM documents GROUP BY status"):
            counts[status] = n
        return counts

    # ------------------------------------------------------------------ problem counts

    def problem_counts(self, doc_id: str) -> tuple[int, int]:
        """The stored ``(n_errors, n_incomplete)`` of a document."""
        row = self.state.db.execute(
            "SELECT n_errors, n_incomplete FROM documents WHERE id = ?", [doc_id]
        ).fetchone()
        if row is None:
            raise self._missing(doc_id)
        return row[0] or 0, row[1] or 0

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Record a document's problem counts; its ``updated`` time and status stay as they are."""
        if n_errors < 0 or n_incomplete < 0:
            raise StoreError(f"problem counts cannot be negative ({n_errors}, {n_incomplete})")
        with self.state.writing():
            cur = self.state.db.execute(
                "UPDATE documents SET n_errors = ?, n_incomplete = ? WHERE id = ?", [n_errors, n_incomplete, doc_id]
            )
            if cur.rowcount == 0:
                raise self._missing(doc_id)

    def refresh_problem_counts(self) -> int:
        """Validate every document (streamed) and store its problem counts; returns how many changed."""
        with self.state.writing():
            return refresh_problem_counts(self.state.db, self.state.schema)

    # ------------------------------------------------------------------ status and deletion

    def set_status(self, doc_id: str, status: str) -> str:
        """Set a document's status; returns the previous one."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        with self.state.writing():
            old = self.document_status(doc_id)
            self.state.db.execute(
                "UPDATE documents SET status = ?, updated = ? WHERE id = ?", [status, now(), doc_id]
            )
        return old

    def delete_document(self, doc_id: str) -> None:
        """Delete a document and all its annotations."""
        with self.state.writing():
            pk = self.state.doc_pk(doc_id)
            self.delete_rows(pk)
        self.state.forget_documents()

    def delete_rows(self, pk: int) -> None:
        """Delete the document row ``pk`` and every annotation row of it (inside a write)."""
        db = self.state.db
        for table in ("arguments", "relations", "events", "spans"):
            db.execute(f"DELETE FROM {table} WHERE doc = ?", [pk])
        db.execute("DELETE FROM documents WHERE pk = ?", [pk])
