"""The project file's table layout, evolved through sqlite-utils ``Migrations``.

The names of the applied migrations (table ``_sqlite_migrations``) are the
project file's schema version.  Add a new function at the end; never edit one
that has shipped.
"""
from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .problemcounts import refresh_problem_counts
from .projectmeta import stored_schema

MIGRATIONS = Migrations("annotator")


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    db["project"].create({"key": str, "value": str}, pk="key")
    db["documents"].create(
        {
            "pk": int,
            "id": str,
            "name": str,
            "text": str,
            "meta": str,
            "status": str,
            "checksum": str,
            "created": str,
            "updated": str,
        },
        pk="pk",
        not_null={"id", "text", "status"},
        defaults={"status": "new", "meta": "{}"},
    )
    db["documents"].create_index(["id"], unique=True)
    db["documents"].create_index(["status"])
    db["spans"].create(
        {
            "pk": int,
            "doc": int,
            "id": str,
            "seq": int,
            "kind": str,
            "label": str,
            "start": int,
            "end": int,
            "fragments": str,
            "attributes": str,
            "note": str,
            "annotator": str,
        },
        pk="pk",
        foreign_keys=[("doc", "documents", "pk")],
        not_null={"doc", "id", "kind", "label", "start", "end"},
    )
    db["spans"].create_index(["doc", "id"], unique=True)
    db["spans"].create_index(["doc", "start"])
    db["events"].create(
        {
            "pk": int,
            "doc": int,
            "id": str,
            "seq": int,
            "type": str,
            "trigger": int,
            "attributes": str,
            "note": str,
            "annotator": str,
        },
        pk="pk",
        foreign_keys=[("doc", "documents", "pk"), ("trigger", "spans", "pk")],
        not_null={"doc", "id", "type", "trigger"},
    )
    db["events"].create_index(["doc", "id"], unique=True)
    db["events"].create_index(["trigger"])
    db["arguments"].create(
        {
            "pk": int,
            "doc": int,
            "event": int,
            "position": int,
            "role": str,
            "filler_span": int,
            "filler_event": int,
            "annotator": str,
        },
        pk="pk",
        foreign_keys=[
            ("doc", "documents", "pk"),
            ("event", "events", "pk"),
            ("filler_span", "spans", "pk"),
            ("filler_event", "events", "pk"),
        ],
        not_null={"doc", "event", "role"},
    )
    db["arguments"].create_index(["event", "position"])
    db["arguments"].create_index(["filler_span"])
    db["arguments"].create_index(["filler_event"])
    db["arguments"].create_index(["doc"])
    db["relations"].create(
        {
            "pk": int,
            "doc": int,
            "id": str,
            "seq": int,
            "type": str,
            "head": int,
            "tail": int,
            "attributes": str,
            "note": str,
            "annotator": str,
        },
        pk="pk",
        foreign_keys=[("doc", "documents", "pk"), ("head", "spans", "pk"), ("tail", "spans", "pk")],
        not_null={"doc", "id", "type", "head", "tail"},
    )
    db["relations"].create_index(["doc", "id"], unique=True)
    db["relations"].create_index(["head"])
    db["relations"].create_index(["tail"])


@MIGRATIONS()
def m002_problem_counts(db: Database) -> None:
    """Per document, the number of validation errors and of incomplete events.

    Filled here by validating every existing document (streamed); kept
    current by :meth:`annotator.store.Project.import_documents` and
    :meth:`annotator.store.Project.set_problem_counts`.
    """
    documents = db["documents"]
    documents.add_column("n_errors", int, not_null_default=0)
    documents.add_column("n_incomplete", int, not_null_default=0)
    if db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
        return  # a new project: nothing to count (and no schema stored yet)
    refresh_problem_counts(db, stored_schema(db))


@MIGRATIONS()
def m003_normalizations(db: Database) -> None:
    """Normalizations (links to entries of external resources, brat's ``N`` lines) on spans, events and relations.

    A nullable TEXT column ``normalizations`` holding a JSON list of
    ``{"resource", "entry", "text"}``, NULL when there are none (so every
    existing row reads as having none).
    """
    for table in ("spans", "events", "relations"):
        db[table].add_column("normalizations", str)
