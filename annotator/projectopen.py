"""Opening, transactions and copies of a project: the file-level half of :class:`annotator.store.Project`.

:class:`ProjectFile` is a base class of ``Project``: opening checks what the file
is before writing a byte, every write runs in :meth:`ProjectFile._writing`
(``BEGIN IMMEDIATE``), and :meth:`changed_elsewhere` notices other connections.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from .migrations import MIGRATIONS
from .projectfile import (
    backup_file, backup_path_for, check_not_newer, connect_read_only, copy_database, holds_nothing, inspect,
    read_only_reason, remove_project_files,
)
from .schema import Schema
from .storeerrors import ReadOnlyError, StoreError, WriteError

if TYPE_CHECKING:
    from .store import Project


class ProjectFile:
    """File-level behaviour of a project; see :class:`annotator.store.Project` for the data."""

    db: Database
    path: Path | None
    read_only: bool
    read_only_reason: str
    backup_path: Path | None
    busy_timeout_ms: int
    _schema: Schema | None
    _cache_version: int
    _reported_version: int

    def _get(self, key: str) -> str | None:  # pragma: no cover - defined by Project
        raise NotImplementedError

    def _put(self, key: str, value: str) -> None:  # pragma: no cover - defined by Project
        raise NotImplementedError

    def _forget_documents(self) -> None:  # pragma: no cover - defined by Project
        raise NotImplementedError

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = True, schema: Schema | None = None, read_only: bool = False,
        busy_timeout_ms: int = 5000,
    ) -> "Project":
        """Open (and, if ``create``, create) the project file at ``path``.

        Nothing is written before the file is known to be a project (or a
        missing or empty file): another program's SQLite file raises
        :class:`NotAProject`, a newer project :class:`NewerVersion`, both
        leaving it byte for byte as it was.  A file or folder that cannot be
        written (or ``read_only=True``) opens read-only.  An older project is
        copied beside itself (``backup_path``) and then migrated.  A new
        project gets ``schema`` or the default news schema.
        """
        p = Path(path)
        info = inspect(p)
        if info.state == "missing" and not create:
            raise StoreError(f"{p}: no such project file")
        if info.state == "empty" and not create:
            raise StoreError(f"{p}: is an empty file, not a project yet")
        if info.state == "missing" and not p.parent.is_dir():
            raise StoreError(f"{p}: cannot create a project: the folder {p.parent} does not exist")
        locked_reason = read_only_reason(p)
        reason = "opened read-only on request" if read_only else locked_reason
        if reason:
            if info.state != "project":
                raise ReadOnlyError(f"{p}: cannot create a project here: {reason}")
            return cls._open_read_only(p, info.pending, reason, busy_timeout_ms, can_write=not locked_reason)
        created = info.state == "missing"
        db: Database | None = None
        try:
            conn = sqlite3.connect(str(p), timeout=busy_timeout_ms / 1000)
            db = Database(conn)
            cls._set_pragmas(db, busy_timeout_ms)
            db.enable_wal()  # only now that the file is known to be ours, or empty
            project = cls(db, p, busy_timeout_ms=busy_timeout_ms)
            if info.state != "project" or info.pending or project._get("schema") is None:
                project._upgrade(schema, backup=info.state == "project")  # takes the write lock
        except BaseException as exc:
            if db is not None:
                db.close()
            if created and holds_nothing(p):  # another process may have made it meanwhile: keep theirs
                remove_project_files(p)
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"{p}: cannot open project: {exc}") from exc
            raise
        return project

    @staticmethod
    def _set_pragmas(db: Database, busy_timeout_ms: int) -> None:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: a committed edit survives any crash of the process

    @classmethod
    def _open_read_only(
        cls, p: Path, pending: list[str], reason: str, busy_timeout_ms: int, *, can_write: bool = False
    ) -> "Project":
        try:
            conn = connect_read_only(p, busy_timeout_ms, can_write=can_write)
            if pending:  # an older project: upgraded in a copy in memory, the file stays as it is
                mem = sqlite3.connect(":memory:")
                conn.backup(mem)
                conn.close()
                conn = mem
                reason += "; upgraded from an older version in memory only"
            db = Database(conn)
            cls._set_pragmas(db, busy_timeout_ms)
            project = cls(db, p, busy_timeout_ms=busy_timeout_ms)
            if pending:
                project._upgrade(None, backup=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{p}: cannot open project read-only: {exc}") from exc
        project.read_only = True
        project.read_only_reason = reason
        return project

    def _upgrade(self, schema: Schema | None, *, backup: bool) -> None:
        """Apply pending migrations (after a backup copy) and store a new project's schema, in one write."""
        with self._writing():
            applied = [m.name for m in MIGRATIONS.applied(self.db)]
            check_not_newer(self.path, applied)  # another process may have upgraded it since we looked
            pending = MIGRATIONS.pending(self.db)
            if pending and applied and backup and self.path is not None:
                target = backup_path_for(self.path, pending[0].name)
                try:
                    self.backup_path = backup_file(self.path, target, self.busy_timeout_ms)
                except (OSError, sqlite3.Error) as exc:
                    raise StoreError(
                        f"{self.path}: not upgraded from an older version, because the backup copy {target} "
                        f"could not be written ({exc}); the project is unchanged"
                    ) from exc
            try:
                MIGRATIONS.apply(self.db)
            except StoreError:
                raise
            except Exception as exc:
                if isinstance(exc, sqlite3.Error):
                    raise
                raise StoreError(f"{self.path}: cannot upgrade the project ({exc}); it is unchanged") from exc
            if self._get("schema") is None:
                s = schema or Schema.default()
                self._put("schema", s.source)
                self._put("schema_name", s.name)


    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: ``BEGIN IMMEDIATE`` (waits up to the busy timeout for the lock),
        commit, or roll back on any error.  Nested, a savepoint.  sqlite3 errors become
        :class:`WriteError`; a read-only project raises :class:`ReadOnlyError` before anything.
        """
        if self.read_only:
            raise ReadOnlyError(f"{self.path}: project is read-only ({self.read_only_reason}); nothing was written")
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():  # a savepoint inside the outer write
                yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._write_error(exc) from exc
        try:
            self._sync_caches()  # another connection may have committed since our last look
            yield
            conn.execute("COMMIT")
        except BaseException as exc:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._forget_documents()  # the caches may hold what was rolled back
            self._schema = None
            if isinstance(exc, sqlite3.Error):
                raise self._write_error(exc) from exc
            raise

    def _write_error(self, exc: sqlite3.Error) -> WriteError:
        return WriteError(f"{self.path}: could not write to the project ({exc}); nothing was written")

    def _data_version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _sync_caches(self, version: int | None = None) -> None:
        v = self._data_version() if version is None else version
        if v != self._cache_version:
            self._forget_documents()
            self._schema = None
            self._cache_version = v

    def changed_elsewhere(self) -> bool:
        """True when another connection has committed since the last call; drops the caches then."""
        v = self._data_version()
        changed = v != self._reported_version
        self._reported_version = v
        self._sync_caches(v)
        return changed

    def save_as(self, path: str | Path) -> Path:
        """Write a full copy of the project to ``path`` (also from a read-only project); returns it."""
        target = Path(path)
        if self.path is not None and target.resolve() == self.path.resolve():
            raise StoreError(f"{target}: is this project's own file")
        if target.is_dir():
            raise StoreError(f"{target}: is a folder")
        try:
            copy_database(self.db.conn, target)
        except (OSError, sqlite3.Error) as exc:
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StoreError(f"{target}: cannot save a copy of the project ({detail})") from exc
        return target
