"""Opening a project file and copying it: checks what the file is before writing a byte, upgrades, Save As.

:func:`open_state` gives the :class:`~annotator.store_state.StoreState` that
:meth:`annotator.store.Project.open` wraps.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .projectfile import (
    backup_file, backup_path_for, check_not_newer, connect_read_only, copy_database, holds_nothing, inspect,
    read_only_reason, remove_project_files,
)
from .projectmeta import PARSED_KEY, store_parsed_schema, store_schema
from .schema import Schema
from .store_state import StoreState
from .storeerrors import ReadOnlyError, StoreError


def open_state(
    path: str | Path, *, create: bool = True, schema: Schema | None = None, read_only: bool = False,
    busy_timeout_ms: int = 5000,
) -> StoreState:
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
        return _open_read_only(p, info.pending, reason, busy_timeout_ms, can_write=not locked_reason)
    created = info.state == "missing"
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(p), timeout=busy_timeout_ms / 1000)
        set_pragmas(conn, busy_timeout_ms)
        enable_wal(conn)  # only now that the file is known to be ours, or empty
        # A project whose migrations are all applied and that has a schema is
        # opened with the sqlite3 module alone: sqlite-utils (for the writes)
        # is imported on the first write, not before the window's first frame.
        state = StoreState(conn, p, busy_timeout_ms=busy_timeout_ms)
        if info.state != "project" or info.pending or state.get("schema") is None:
            upgrade(state, schema, backup=info.state == "project")  # takes the write lock
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if created and holds_nothing(p):  # another process may have made it meanwhile: keep theirs
            remove_project_files(p)
        if isinstance(exc, StoreError):
            raise
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"{p}: cannot open project: {exc}") from exc
        raise
    return state


def set_pragmas(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """The connection settings of every project connection: busy timeout, foreign keys, synchronous."""
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL: a committed edit survives any crash of the process


def enable_wal(conn: sqlite3.Connection) -> None:
    """Put the file in WAL mode unless it is already (what sqlite-utils' ``enable_wal`` does)."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = wal")


def _open_read_only(
    p: Path, pending: list[str], reason: str, busy_timeout_ms: int, *, can_write: bool = False
) -> StoreState:
    try:
        conn = connect_read_only(p, busy_timeout_ms, can_write=can_write)
        if pending:  # an older project: upgraded in a copy in memory, the file stays as it is
            mem = sqlite3.connect(":memory:")
            conn.backup(mem)
            conn.close()
            conn = mem
            reason += "; upgraded from an older version in memory only"
        set_pragmas(conn, busy_timeout_ms)
        state = StoreState(conn, p, busy_timeout_ms=busy_timeout_ms)
        if pending:
            upgrade(state, None, backup=False)
    except sqlite3.Error as exc:
        raise StoreError(f"{p}: cannot open project read-only: {exc}") from exc
    state.read_only = True
    state.read_only_reason = reason
    return state


def upgrade(state: StoreState, schema: Schema | None, *, backup: bool) -> None:
    """Apply pending migrations (after a backup copy) and store a new project's schema, in one write."""
    from .migrations import MIGRATIONS  # sqlite-utils: only when there is something to upgrade

    with state.writing():
        applied = [m.name for m in MIGRATIONS.applied(state.db)]
        check_not_newer(state.path, applied)  # another process may have upgraded it since we looked
        pending = MIGRATIONS.pending(state.db)
        if pending and applied and backup and state.path is not None:
            target = backup_path_for(state.path, pending[0].name)
            try:
                state.backup_path = backup_file(state.path, target, state.busy_timeout_ms)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(
                    f"{state.path}: not upgraded from an older version, because the backup copy {target} "
                    f"could not be written ({exc}); the project is unchanged"
                ) from exc
        try:
            MIGRATIONS.apply(state.db)
        except StoreError:
            raise
        except Exception as exc:
            if isinstance(exc, sqlite3.Error):
                raise
            raise StoreError(f"{state.path}: cannot upgrade the project ({exc}); it is unchanged") from exc
        if state.get("schema") is None:
            store_schema(state.db, schema or Schema.default())
        elif state.get(PARSED_KEY) is None:  # a project from before the parsed copy: it gets one
            store_parsed_schema(state.db, state.get("schema") or "")


def save_as(state: StoreState, path: str | Path) -> Path:
    """Write a full copy of the project to ``path`` (also from a read-only project); returns it."""
    target = Path(path)
    if state.path is not None and target.resolve() == state.path.resolve():
        raise StoreError(f"{target}: is this project's own file")
    if target.is_dir():
        raise StoreError(f"{target}: is a folder")
    try:
        copy_database(state.conn, target)
    except (OSError, sqlite3.Error) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StoreError(f"{target}: cannot save a copy of the project ({detail})") from exc
    return target
