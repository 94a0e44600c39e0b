"""The project file's table layout, evolved through sqlite-utils ``Migrations``.

The names of the applied migrations (table ``_sqlite_migrations``) are the
project file's schema version.  Add a new function at the end; never edit one
that has shipped.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Callable

from .problemcounts import refresh_problem_counts
from .projectmeta import stored_schema

if TYPE_CHECKING:
    from sqlite_utils import Database

#: The migrations in order (``MIGRATIONS`` registers them; a project file records their names).
STEPS: list[Callable[[Database], None]] = []


def _step(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    STEPS.append(fn)
    return fn


def __getattr__(name: str) -> Any:
    """``MIGRATIONS``, the sqlite-utils ``Migrations`` of :data:`STEPS`, made on first use.

    Importing sqlite-utils takes some 60 ms (it brings click, dateutil and
    pluggy); opening a project whose migrations are all applied needs only
    their names (:data:`NAMES`), so the window's first frame does without it.
    """
    if name != "MIGRATIONS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("annotator")
    for fn in STEPS:
        migrations()(fn)
    globals()["MIGRATIONS"] = migrations
    return migrations


@_step
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


@_step
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


@_step
def m003_normalizations(db: Database) -> None:
    """Normalizations (links to entries of external resources, brat's ``N`` lines) on spans, events and relations.

    A nullable TEXT column ``normalizations`` holding a JSON list of
    ``{"resource", "entry", "text"}``, NULL when there are none (so every
    existing row reads as having none).
    """
    for table in ("spans", "events", "relations"):
        db[table].add_column("normalizations", str)


#: The sort key of the document list's Status column (the order of ``STATUSES``), as SQL.  Kept
#: byte for byte equal to the expression indexed by m004, so that SQLite can use that index.
STATUS_RANK_SQL = "(CASE status WHEN 'new' THEN 0 WHEN 'in_progress' THEN 1 WHEN 'done' THEN 2 WHEN 'reviewed' THEN 3 ELSE 4 END)"


@_step
def m004_corpus_indexes(db: Database) -> None:
    """Indexes for projects of a million documents and for edits that are flat in document size.

    - ``(doc, seq)`` on spans, events and relations: the next ``seq`` of a new
      annotation (``max(seq)``) and the reads in ``seq`` order of one document;
    - ``documents(name COLLATE NOCASE)``: the document list sorted by name,
      and the name filter as a scan of names only (not of texts);
    - ``documents`` by status rank: the list sorted by status;
    - ``documents(n_incomplete) WHERE n_incomplete > 0``: ``stats`` sums the
      stored counts of incomplete events without reading every document;
    - ``spans(kind, label)``, ``events(type)``, ``relations(type)``: ``stats``
      counts by label from the indexes alone.

    A document without a name gets its id as name (what the list shows), so
    that every name is in the name index.
    """
    for table in ("spans", "events", "relations"):
        db.execute(f"CREATE INDEX IF NOT EXISTS idx_{table}_doc_seq ON {table} (doc, seq)")
    db.execute("UPDATE documents SET name = id WHERE name IS NULL OR name = ''")
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_name_nocase ON documents (name COLLATE NOCASE)")
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_documents_status_rank ON documents ({STATUS_RANK_SQL})")
    db.execute("CREATE INDEX IF NOT EXISTS idx_documents_incomplete ON documents (n_incomplete) WHERE n_incomplete > 0")
    db.execute("CREATE INDEX IF NOT EXISTS idx_spans_kind_label ON spans (kind, label)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_events_type ON events (type)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_relations_type ON relations (type)")



@_step
def m005_document_texts(db: Database) -> None:
    """Each document's text in a table of its own, ``texts(doc, text)``, out of the ``documents`` row.

    SQLite writes a whole row to change any column of it: with the text in
    the row, every edit's touch of ``updated`` or of the problem counts
    rewrote the whole text (9 ms at 4 MB when the row keeps its size, 50-80 ms
    when it does not, against 0.1-0.5 ms at 0.25 MB).  ``texts.doc`` is the
    document's pk (the rowid, so a text is one lookup); the text itself never
    changes after import.
    """
    db.execute("CREATE TABLE texts (doc INTEGER PRIMARY KEY REFERENCES documents(pk), text TEXT NOT NULL)")
    db.execute("INSERT INTO texts (doc, text) SELECT pk, text FROM documents ORDER BY pk")
    drop_text_column(db)


#: A document's number of annotations counted from its rows (``d`` is the ``documents`` row): what
#: ``documents.n_annotations`` holds (m006).
N_ANNOTATIONS_SQL = (
    "((SELECT count(*) FROM spans s WHERE s.doc = d.pk AND s.kind = 'entity')"
    " + (SELECT count(*) FROM events e WHERE e.doc = d.pk)"
    " + (SELECT count(*) FROM relations r WHERE r.doc = d.pk))"
)


@_step
def m006_annotation_counts(db: Database) -> None:
    """Per document, its number of annotations (entity spans, events, relations): ``documents.n_annotations``.

    The document list showed a count over spans, events and relations per
    row: 22-49 ms for one document of 173k entity spans (brat density, 4 MB),
    on the GUI thread; a ``(doc, kind)`` index still took 7 ms, against
    0.01 ms for the stored count.  Filled here by counting each document's
    rows; kept current by every write (the bulk writer, single writes,
    removals and their undo).  Trigger spans are not counted (their event is).
    """
    db.execute("ALTER TABLE documents ADD COLUMN n_annotations INTEGER NOT NULL DEFAULT 0")
    # correlated counts (UPDATE ... FROM needs SQLite 3.33): each one a range of a (doc, ...) index
    db.execute(f"UPDATE documents SET n_annotations = {N_ANNOTATIONS_SQL.replace('d.pk', 'documents.pk')}")


@_step
def m007_layers_and_review(db: Database) -> None:
    """Layers (whose annotations: an annotator's name, ``gold``, or ``""``) and review decisions.

    Every annotation row gets ``layer`` (existing work is in the default
    layer ``""``), and ``review``, ``reviewer`` and ``review_note`` (a
    reviewer's decision on it, "" = not reviewed yet).  Annotation ids become
    unique per (document, layer): the ``(doc, ...)`` indexes become
    ``(doc, layer, ...)``.  ``layers(doc, name, n_errors, n_incomplete)``
    records which layers each document has, with each layer's problem counts
    (the document's are their sums), and ``layer_names`` the project's
    layers, so that neither list scans the annotations.
    """
    for table in ("spans", "events", "arguments", "relations"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN layer TEXT NOT NULL DEFAULT ''")
        for col in ("review", "reviewer", "review_note"):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
    for table in ("spans", "events", "relations"):
        db.execute(f"DROP INDEX IF EXISTS idx_{table}_doc_id")
        db.execute(f"CREATE UNIQUE INDEX idx_{table}_doc_layer_id ON {table} (doc, layer, id)")
        db.execute(f"DROP INDEX IF EXISTS idx_{table}_doc_seq")
        db.execute(f"CREATE INDEX idx_{table}_doc_layer_seq ON {table} (doc, layer, seq)")
    db.execute("DROP INDEX IF EXISTS idx_spans_doc_start")
    db.execute("CREATE INDEX idx_spans_doc_layer_start ON spans (doc, layer, start)")
    db.execute("DROP INDEX IF EXISTS idx_arguments_doc")
    db.execute("CREATE INDEX idx_arguments_doc_layer ON arguments (doc, layer)")
    # counts by label (stats) are of one layer: the label indexes carry it, so that they still cover the count
    db.execute("DROP INDEX IF EXISTS idx_spans_kind_label")
    db.execute("CREATE INDEX idx_spans_kind_label_layer ON spans (kind, label, layer)")
    for table in ("events", "relations"):
        db.execute(f"DROP INDEX IF EXISTS idx_{table}_type")
        db.execute(f"CREATE INDEX idx_{table}_type_layer ON {table} (type, layer)")
    # the document list's filter by review progress: the decided rows of a (document, layer), without
    # reading its undecided ones (a partial index: small while few are decided)
    for table in ("spans", "events", "arguments", "relations"):
        db.execute(f"CREATE INDEX idx_{table}_decided ON {table} (doc, layer) WHERE review != ''")
    db.execute(
        "CREATE TABLE layers (doc INTEGER NOT NULL REFERENCES documents(pk), name TEXT NOT NULL, "
        "n_errors INTEGER NOT NULL DEFAULT 0, n_incomplete INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (doc, name)) WITHOUT ROWID")
    db.execute("CREATE TABLE layer_names (name TEXT PRIMARY KEY) WITHOUT ROWID")
    # until now a document's problem counts were its one layer's
    db.execute("INSERT INTO layers (doc, name, n_errors, n_incomplete) "
               "SELECT pk, '', n_errors, n_incomplete FROM documents "
               "WHERE pk IN (SELECT doc FROM spans UNION SELECT doc FROM relations)")
    db.execute("INSERT INTO layer_names (name) SELECT '' WHERE EXISTS (SELECT 1 FROM layers)")


def drop_text_column(db: Database, *, alter: bool = True) -> None:
    """Drop ``documents.text``: ``ALTER TABLE ... DROP COLUMN`` (SQLite 3.35+), else sqlite-utils' ``transform``
    (a copy of the table), with every index of ``documents`` made again."""
    if alter:
        try:
            db.execute("ALTER TABLE documents DROP COLUMN text")
            return
        except sqlite3.OperationalError:  # an older SQLite: no DROP COLUMN
            pass
    # transform refuses to carry m004's partial and expression indexes: they are dropped first and made again.
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    db["documents"].transform(drop={"text"})
    for _name, sql in indexes:
        db.execute(sql)


#: The names of the migrations this version knows, oldest first (what ``_sqlite_migrations`` records).
NAMES: tuple[str, ...] = tuple(fn.__name__ for fn in STEPS)
