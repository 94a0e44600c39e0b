"""What the store's collaborators share about one open project: the connection, the caches and the write transaction."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .projectmeta import get_setting, put_setting, stored_schema
from .rows import now
from .schema import Schema
from .storeerrors import ReadOnlyError, StoreError, WriteError

if TYPE_CHECKING:
    from sqlite_utils import Database


class Sheet(int):
    """A document's row pk together with the layer an operation works in.

    It is the document's pk for everything about the document (its text, its
    row, its counts), and it carries ``layer`` for the annotation rows: every
    query of annotations by document says ``doc = ? AND layer = ?`` with
    ``sheet, sheet.layer``.
    """

    layer: str

    def __new__(cls, pk: int, layer: str) -> Sheet:
        sheet = super().__new__(cls, pk)
        sheet.layer = layer
        return sheet

    def __repr__(self) -> str:
        return f"Sheet({int(self)}, {self.layer!r})"


class StoreState:
    """One open project file as the store's collaborators see it.

    Holds the connection (``conn``, the sqlite3 connection every read goes
    through, and ``db``, the sqlite-utils ``Database`` on it that the writes
    use, made on first use), the file-level flags, the name written as
    ``annotator`` on new annotations, and the caches that every collaborator
    shares: document pks, a few document texts, id counters and the parsed
    schema.  The caches are dropped whenever another connection commits
    (``PRAGMA data_version``) or a write rolls back.
    """

    def __init__(
        self, conn: sqlite3.Connection | Database, path: Path | None, *, read_only: bool = False,
        read_only_reason: str = "", busy_timeout_ms: int = 5000,
    ) -> None:
        if isinstance(conn, sqlite3.Connection):
            self.conn, self._db = conn, None
        else:  # a sqlite-utils Database
            self.conn, self._db = conn.conn, conn
        self.path = path
        self.read_only = read_only
        self.read_only_reason = read_only_reason if read_only else ""
        self.backup_path: Path | None = None
        self.busy_timeout_ms = busy_timeout_ms
        self.annotator = ""
        #: The working layer: where document-scoped reads and writes go unless told otherwise.
        self.layer = ""
        self.registered_layers: set[tuple[int, str]] = set()
        self.schema_cache: Schema | None = None
        self.pk_cache: dict[str, int] = {}
        self.text_cache: dict[int, str] = {}
        self.id_counters: dict[tuple[int, str, str], int] = {}
        self.cache_version = self.reported_version = self.data_version()

    @property
    def db(self) -> Database:
        """The sqlite-utils ``Database`` on :attr:`conn`, for the writes (made, and sqlite-utils imported, on first use).

        Reads go through :attr:`conn` (:meth:`execute`, :meth:`query`), so
        that opening a project and showing a document need no sqlite-utils:
        importing it takes some 60 ms of the window's start.
        """
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one reading statement on the connection."""
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of a reading statement as dicts by column name (what sqlite-utils' ``query`` gives)."""
        cur = self.conn.execute(sql, params)
        keys = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(keys, row))

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # ------------------------------------------------------------------ settings and schema

    def get(self, key: str) -> str | None:
        """A value of the ``project`` table."""
        return get_setting(self.conn, key)

    def put(self, key: str, value: str) -> None:
        """Store a value in the ``project`` table (inside a write)."""
        put_setting(self.db, key, value)

    @property
    def schema(self) -> Schema:
        """The project's annotation schema, parsed once and cached."""
        if self.schema_cache is None:
            self.schema_cache = stored_schema(self.conn)
        return self.schema_cache

    # ------------------------------------------------------------------ documents

    def doc_pk(self, doc_id: str, layer: str | None = None) -> Sheet:
        """The row pk of a document, with the layer to work in (the working layer unless ``layer``).

        :class:`StoreError` when there is no such document.
        """
        layer = self.layer if layer is None else layer
        pk = self.pk_cache.get(doc_id)
        if pk is not None:
            if not self.conn.in_transaction:
                self.sync_caches()  # another process may have replaced or deleted it
                pk = self.pk_cache.get(doc_id)
        if pk is not None:
            return Sheet(pk, layer)
        row = self.conn.execute("SELECT pk FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"no document with id {doc_id!r}")
        self.pk_cache[doc_id] = row[0]
        return Sheet(row[0], layer)

    def text(self, doc_pk: int) -> str:
        """A document's text; cached, since it never changes after import."""
        text = self.text_cache.get(doc_pk)
        if text is None:
            text = self.conn.execute("SELECT text FROM texts WHERE doc = ?", [doc_pk]).fetchone()[0]
            self.remember_text(doc_pk, text)
        return text

    def remember_text(self, doc_pk: int, text: str) -> None:
        """Keep a document's text (read elsewhere) for :meth:`text`: the caller's string is shared, not copied."""
        if int(doc_pk) not in self.text_cache and len(self.text_cache) >= 8:
            self.text_cache.pop(next(iter(self.text_cache)))
        self.text_cache[int(doc_pk)] = text

    def touch(self, doc_pk: int) -> None:
        """Mark a document as edited now (a new document becomes in progress).

        The row is written only when something changes (``updated`` is to the
        second), not on every edit.  (The text is in ``texts`` since m005: the
        row is small.)
        """
        stamp = now()
        self.db.execute(
            "UPDATE documents SET updated = ?, status = CASE status WHEN 'new' THEN 'in_progress' ELSE status END "
            "WHERE pk = ? AND (updated IS NOT ? OR status = 'new')",
            [stamp, int(doc_pk), stamp],
        )
        if isinstance(doc_pk, Sheet):
            self.register_layer(doc_pk)

    def register_layer(self, sheet: Sheet) -> None:
        """Record (inside a write) that the document has annotations in ``sheet.layer`` (tables ``layers``, ``layer_names``)."""
        key = (int(sheet), sheet.layer)
        if key in self.registered_layers:
            return
        self.db.execute("INSERT OR IGNORE INTO layers (doc, name) VALUES (?, ?)", key)
        self.db.execute("INSERT OR IGNORE INTO layer_names (name) VALUES (?)", [sheet.layer])
        self.registered_layers.add(key)

    def forget_documents(self) -> None:
        """Drop the caches that hold document pks, texts and id counters."""
        self.pk_cache.clear()
        self.text_cache.clear()
        self.id_counters.clear()
        self.registered_layers.clear()

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction: ``BEGIN IMMEDIATE`` (waits up to the busy timeout for the lock),
        commit, or roll back on any error.  Nested, a savepoint.  sqlite3 errors become
        :class:`WriteError`; a read-only project raises :class:`ReadOnlyError` before anything.
        """
        if self.read_only:
            raise ReadOnlyError(f"{self.path}: project is read-only ({self.read_only_reason}); nothing was written")
        db = self.db  # sqlite-utils, for the writes inside (made before BEGIN: it sets a pragma)
        conn = self.conn
        if conn.in_transaction:
            with db.atomic():  # a savepoint inside the outer write
                yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self.write_error(exc) from exc
        try:
            self.sync_caches()  # another connection may have committed since our last look
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self.forget_documents()  # the caches may hold what was rolled back
            self.schema_cache = None
            if isinstance(exc, sqlite3.Error):
                raise self.write_error(exc) from exc
            raise

    def write_error(self, exc: sqlite3.Error) -> WriteError:
        """The one-line error for a failed write, naming the file."""
        return WriteError(f"{self.path}: could not write to the project ({exc}); nothing was written")

    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection commits."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def sync_caches(self, version: int | None = None) -> None:
        """Drop the caches when another connection has committed since they were filled."""
        v = self.data_version() if version is None else version
        if v != self.cache_version:
            self.forget_documents()
            self.schema_cache = None
            self.cache_version = v

    def changed_elsewhere(self) -> bool:
        """True when another connection has committed since the last call; drops the caches then."""
        v = self.data_version()
        changed = v != self.reported_version
        self.reported_version = v
        self.sync_caches(v)
        return changed
