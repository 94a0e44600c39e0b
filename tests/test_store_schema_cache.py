"""A project keeps its schema's TOML parsed (as JSON) beside the text, and opens without tomllib when it matches."""
from __future__ import annotations

import json
import sqlite3
import tomllib
from pathlib import Path

import pytest

from annotator.projectmeta import PARSED_KEY
from annotator.schema import Schema
from annotator.store import Project

SMALL = '''
name = "small"
[entities.PER]
color = "#ff0000"
hotkey = "p"
[entities.ORG]
color = "#00ff00"
'''


def _setting(path: Path, key: str) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _put(path: Path, key: str, value: str | None) -> None:
    conn = sqlite3.connect(path)
    with conn:
        if value is None:
            conn.execute("DELETE FROM project WHERE key = ?", [key])
        else:
            conn.execute("INSERT OR REPLACE INTO project (key, value) VALUES (?, ?)", [key, value])
    conn.close()


def _no_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("tomllib.loads was called")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_a_new_project_stores_the_parsed_schema_and_opens_without_parsing_toml(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    Project.open(path, schema=Schema.from_toml(SMALL)).close()
    parsed = json.loads(_setting(path, PARSED_KEY))
    assert parsed["data"] == {"name": "small", "entities": {"PER": {"color": "#ff0000", "hotkey": "p"},
                                                            "ORG": {"color": "#00ff00"}}}
    _no_toml(monkeypatch)
    with Project.open(path, create=False) as p:
        assert list(p.schema.entity_types) == ["PER", "ORG"]
        assert p.schema.source.strip() == SMALL.strip()


def test_a_parsed_copy_that_does_not_match_the_text_is_not_used(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path, schema=Schema.from_toml(SMALL)).close()
    _put(path, "schema", SMALL + '[entities.GPE]\ncolor = "#0000ff"\n')  # the text changed, not its parsed copy
    with Project.open(path, create=False) as p:
        assert list(p.schema.entity_types) == ["PER", "ORG", "GPE"]
    _put(path, PARSED_KEY, "{not json")
    with Project.open(path, create=False) as p:
        assert list(p.schema.entity_types) == ["PER", "ORG", "GPE"]


def test_set_schema_replaces_the_parsed_copy(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    with Project.open(path, schema=Schema.from_toml(SMALL)) as p:
        p.set_schema(Schema.from_toml(SMALL + '[entities.GPE]\ncolor = "#0000ff"\n'))
    _no_toml(monkeypatch)
    with Project.open(path, create=False) as p:
        assert list(p.schema.entity_types) == ["PER", "ORG", "GPE"]


def test_an_older_project_gets_the_parsed_copy_when_it_is_upgraded(tmp_path):
    from sqlite_utils import Database

    from annotator.migrations import MIGRATIONS

    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m005_document_texts")
    with db.conn:
        db.execute("INSERT INTO project (key, value) VALUES ('schema', ?)", [SMALL])
    db.close()
    assert _setting(path, PARSED_KEY) is None
    with Project.open(path) as p:
        assert list(p.schema.entity_types) == ["PER", "ORG"]
    assert json.loads(_setting(path, PARSED_KEY))["data"]["entities"]["ORG"] == {"color": "#00ff00"}
