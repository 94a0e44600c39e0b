"""Problem counts per document: counting a document's validation problems, and refreshing the stored counts."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .rows import iter_annotated_rows
from .schema import Schema
from .validate import Problem, validate_document

if TYPE_CHECKING:
    from sqlite_utils import Database


#: The ``SET`` of a document's problem counts as the sums of its layers' (since m007), in an ``UPDATE documents``.
LAYER_SUMS_SQL = (
    "n_errors = (SELECT coalesce(sum(n_errors), 0) FROM layers WHERE doc = documents.pk), "
    "n_incomplete = (SELECT coalesce(sum(n_incomplete), 0) FROM layers WHERE doc = documents.pk)"
)


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

    Since m007 a document's counts are the sums over its layers (each layer's
    own are in ``layers``).  The caller holds the write transaction.  Returns
    the number of documents whose counts changed.
    """
    has_layers = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'layers'").fetchone()[0]
    if not has_layers:  # a migration before m007: one layer, counted in documents
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
    layer_updates: list[tuple[int, int, str, str]] = []
    names = [r[0] for r in db.execute("SELECT name FROM layer_names ORDER BY name")]
    for name in names:
        stored = {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT d.id, l.n_errors, l.n_incomplete FROM layers l JOIN documents d ON d.pk = l.doc "
            "WHERE l.name = ? AND (l.n_errors != 0 OR l.n_incomplete != 0)", [name])}
        where = "WHERE d.pk IN (SELECT doc FROM layers WHERE name = ?)"
        for adoc in iter_annotated_rows(db, where, [name], layer=name):
            counts = problem_counts(validate_document(schema, adoc))
            if counts != stored.get(adoc.document.id, (0, 0)):
                layer_updates.append((counts[0], counts[1], adoc.document.id, name))
    if not layer_updates:
        return 0
    db.conn.executemany(
        "UPDATE layers SET n_errors = ?, n_incomplete = ? WHERE doc = (SELECT pk FROM documents WHERE id = ?) "
        "AND name = ?", layer_updates)
    changed = sorted({u[2] for u in layer_updates})
    db.conn.executemany(f"UPDATE documents SET {LAYER_SUMS_SQL} WHERE id = ?", [(d,) for d in changed])
    return len(changed)
