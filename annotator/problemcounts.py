"""Problem counts per document: counting a document's validation problems, and refreshing the stored counts."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .rows import iter_annotated_rows
from .schema import Schema
from .validate import Problem, validate_document

if TYPE_CHECKING:
    from sqlite_utils import Database


def problem_counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """``(n_errors, n_incomplete)`` of a document's problems.

    ``n_errors`` counts the problems of severity ``"error"``; ``n_incomplete``
    counts the events with at least one required role unfilled (an event
    missing two roles counts once), so it reads as "N incomplete events".
    """
    n_errors = 0
    incomplete: set[str | None] = set()
    for p in problems:
        if p.severity == "error":
            n_errors += 1
        elif p.severity == "incomplete":
            incomplete.add(p.ref)
    return n_errors, len(incomplete)


def refresh_problem_counts(db: Database, schema: Schema) -> int:
    """Validate every document (streamed) against ``schema`` and store its problem counts.

    The caller holds the write transaction.  Returns the number of documents
    whose counts changed.
    """
    stored = {r[0]: (r[1] or 0, r[2] or 0) for r in db.execute(
        "SELECT id, n_errors, n_incomplete FROM documents WHERE n_errors != 0 OR n_incomplete != 0")}
    updates: list[tuple[int, int, str]] = []
    # Collected first and written after the stream ends: no writes to
    # documents while its cursor is open.
    for adoc in iter_annotated_rows(db, "", []):
        counts = problem_counts(validate_document(schema, adoc))
        if counts != stored.get(adoc.document.id, (0, 0)):
            updates.append((counts[0], counts[1], adoc.document.id))
    if updates:
        db.conn.executemany("UPDATE documents SET n_errors = ?, n_incomplete = ? WHERE id = ?", updates)
    return len(updates)
