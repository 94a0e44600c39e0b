"""Opening a project file safely: what a file is (read without writing), read-only detection, backups and copies."""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .migrations import NAMES
from .storeerrors import NewerVersion, NotAProject, StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")


def known_migrations() -> list[str]:
    """Names of the migrations this version of annotator knows, oldest first."""
    return list(NAMES)


def tool_version() -> str:
    """The installed annotator version (from the package metadata)."""
    from .bundled import version  # importlib.metadata: only for this message, not at every open

    return version()


@dataclass
class FileInfo:
    """What :func:`inspect` found: ``state`` is ``missing``, ``empty`` or ``project``."""

    state: str
    applied: list[str] = field(default_factory=list)

    @property
    def pending(self) -> list[str]:
        done = set(self.applied)
        return [n for n in known_migrations() if n not in done]


def read_only_reason(path: Path) -> str:
    """Why ``path`` (or, when it does not exist, its folder) cannot be written; "" when it can."""
    folder = path.parent if str(path.parent) else Path(".")
    probe = path if path.exists() else folder
    try:
        if os.statvfs(probe).f_flag & os.ST_RDONLY:
            return "the file system is mounted read-only"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "the folder is not writable"
    return ""


def _ro_uri(path: Path, immutable: bool = False) -> str:
    return path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def connect_read_only(path: Path, busy_timeout_ms: int = 5000, *, can_write: bool = False) -> sqlite3.Connection:
    """A connection that cannot write to ``path``.

    ``can_write`` (the file and folder are writable, read-only was asked
    for): an ordinary connection with ``PRAGMA query_only``, so that closing
    it tidies the -wal/-shm files as usual.  Otherwise ``mode=ro``; a WAL
    project in a folder where the ``-shm`` file cannot be created opens only
    as ``immutable``, which is right there: nobody can write it either.
    """
    if can_write:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000)
        conn.execute("PRAGMA query_only = ON")
        return conn
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        conn = sqlite3.connect(_ro_uri(path, immutable), uri=True, timeout=busy_timeout_ms / 1000)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            last = exc
            if not isinstance(exc, sqlite3.OperationalError) or "locked" in str(exc):
                break
    assert last is not None
    raise last


def _connect_to_inspect(path: Path) -> sqlite3.Connection:
    """A read-only look that leaves no -wal/-shm behind: ``immutable`` when all the content is in the file."""
    if not any(os.path.exists(f"{path}{s}") for s in SIDE_FILES):
        conn = sqlite3.connect(_ro_uri(path, immutable=True), uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError:
            conn.close()  # let the ordinary read-only open below say what is wrong
    return connect_read_only(path)


def inspect(path: Path) -> FileInfo:
    """Tell what ``path`` is, without writing a byte to it.

    Raises :class:`NotAProject` for anything that is not an annotator project
    (nor a missing or empty file), and :class:`NewerVersion` for a project
    that has migrations this version does not know.
    """
    if not path.exists():
        return FileInfo("missing")
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a project file")
    try:
        if path.stat().st_size == 0:
            return FileInfo("empty")
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if head != SQLITE_MAGIC:
        raise NotAProject(f"{path}: not an annotator project (not an SQLite file); it was left unchanged")
    try:
        conn = _connect_to_inspect(path)
    except sqlite3.Error as exc:
        if isinstance(exc, sqlite3.OperationalError):  # locked, cannot open...: not a verdict on the file
            raise StoreError(f"{path}: cannot open the project: {exc}") from exc
        raise NotAProject(f"{path}: not an annotator project ({exc}); it was left unchanged") from exc
    try:
        objects = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")]
        marks = conn.execute("PRAGMA application_id").fetchone()[0] or conn.execute("PRAGMA user_version").fetchone()[0]
        if not objects and not marks:
            return FileInfo("empty")  # an SQLite file that holds nothing at all
        tables = set(objects)
        applied: list[str] = []
        if {"_sqlite_migrations", "project", "documents"} <= tables:
            try:
                applied = [r[0] for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = 'annotator' ORDER BY rowid")]
            except sqlite3.DatabaseError:
                applied = []
        if not applied:
            shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
            raise NotAProject(
                f"{path}: not an annotator project (an SQLite file of another program, with {shown or 'no tables'}); "
                "it was left unchanged"
            )
    except sqlite3.DatabaseError as exc:
        raise NotAProject(f"{path}: not an annotator project ({exc}); it was left unchanged") from exc
    finally:
        conn.close()
    check_not_newer(path, applied)
    return FileInfo("project", applied)


def check_not_newer(path: Path | None, applied: list[str]) -> None:
    """Raise :class:`NewerVersion` when ``applied`` names a migration this version does not know."""
    known = known_migrations()
    unknown = [n for n in applied if n not in known]
    if unknown:
        raise NewerVersion(
            f"{path}: made by a newer version of annotator: it has migration(s) {', '.join(unknown)}, "
            f"unknown to annotator {tool_version()}, whose latest is {known[-1]}; "
            "it was left unchanged (open it with a newer annotator)"
        )


def holds_nothing(path: Path) -> bool:
    """True when ``path`` is missing, empty, or a project without documents (safe to remove after a failed create)."""
    try:
        info = inspect(path)
    except StoreError:
        return False
    if info.state != "project":
        return True
    try:
        conn = connect_read_only(path, can_write=not read_only_reason(path))
    except sqlite3.Error:
        return False
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def remove_project_files(path: Path) -> None:
    """Delete a project file and its -wal/-shm/-journal files (for a project this run created)."""
    for suffix in ("", *SIDE_FILES):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_database(source: sqlite3.Connection, target: Path) -> Path:
    """Copy the database behind ``source`` (WAL content included) to ``target``, atomically.

    Uses the SQLite backup API.  The copy is a single self-contained file
    (rollback journal mode), written beside the target first, fsynced, and
    then renamed over it.  ``source`` must not be inside a write transaction
    (use a second, read-only connection then: it reads the last commit).
    """
    tmp = target.with_name(f".{target.name}.part")
    remove_project_files(tmp)
    try:
        dst = sqlite3.connect(tmp)
        try:
            source.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        for suffix in SIDE_FILES:  # stale side files of an older file at target would be applied to the copy
            try:
                os.unlink(f"{target}{suffix}")
            except FileNotFoundError:
                pass
        os.replace(tmp, target)
        fsync_folder(target.parent)
    except BaseException:
        remove_project_files(tmp)
        raise
    return target


def backup_file(path: Path, target: Path, busy_timeout_ms: int = 5000) -> Path:
    """Copy the project file at ``path`` to ``target`` through a separate read-only connection."""
    src = connect_read_only(path, busy_timeout_ms)
    try:
        return copy_database(src, target)
    finally:
        src.close()


def backup_path_for(path: Path, before: str) -> Path:
    """A free name beside ``path`` for its copy before migration ``before``: ``NAME.before-m002.db``."""
    tag = before.split("_", 1)[0]
    suffix = path.suffix or ".db"
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    candidate = path.with_name(f"{stem}.before-{tag}{suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{stem}.before-{tag}-{n}{suffix}")
        n += 1
    return candidate
