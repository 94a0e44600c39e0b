"""The ``project`` table of a project file: its key/value settings, the stored annotation schema among them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .schema import Schema

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


def get_setting(db: Database | sqlite3.Connection, key: str) -> str | None:
    """The value stored under ``key``, or None."""
    row = db.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put_setting(db: Database, key: str, value: str) -> None:
    """Store ``value`` under ``key`` (the caller holds the write transaction)."""
    db.table("project").upsert({"key": key, "value": value}, pk="key")


def stored_schema(db: Database | sqlite3.Connection) -> Schema:
    """The project's annotation schema, as stored (hotkeys the application reserves are dropped)."""
    return Schema.from_toml(get_setting(db, "schema") or "", "project schema", drop_reserved_hotkeys=True)


def store_schema(db: Database, schema: Schema) -> None:
    """Store ``schema`` as the project's annotation schema (the caller holds the write transaction)."""
    put_setting(db, "schema", schema.source)
    put_setting(db, "schema_name", schema.name)
