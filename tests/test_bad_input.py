"""Bad input at scale: each case is refused with one line naming file and line, project unchanged."""
from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.formats import safety
from annotator.formats.errors import FormatError
from annotator.formats.jsonl import read_jsonl, write_jsonl
from annotator.formats.plaintext import read_text_paths
from annotator.importer import export_jsonl, import_paths
from annotator.schema import Schema, SchemaError, normalize_hotkey
from annotator.shortcuts import reserved_keys
from annotator.store import Project

ROOT = Path(__file__).resolve().parent.parent
GOOD = '{"id": "ok", "text": "Police in Mosul.", "entities": [{"start": 10, "end": 15, "label": "GPE"}]}'


def digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    rows = [list(conn.execute(f"SELECT * FROM {t} ORDER BY 1"))
            for t in ("documents", "spans", "events", "arguments", "relations", "project")]
    conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def project(tmp_path: Path):
    path = tmp_path / "p.annotator.db"
    with Project.open(path) as p:
        import_paths(p, [_lines(tmp_path / "first.jsonl", GOOD)])
        yield p


def _lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
    return path


def refused(project: Project, path: Path, line: int | None) -> str:
    """Import ``path``; assert a one-line FormatError naming it, and that nothing changed."""
    before = digest(project.path)
    with pytest.raises(FormatError) as info:
        import_paths(project, [path])
    text = str(info.value)
    assert len(text.splitlines()) == 1 and "\n" not in text, text
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert text.startswith(where), text
    assert digest(project.path) == before
    return text


# ------------------------------------------------------------ non-finite numbers

@pytest.mark.parametrize("number", ["1e400", "-1e400", "1E999", "NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("where", ["meta", "attributes", "offset", "unknown key"])
def test_non_finite_numbers_are_refused_anywhere(project, tmp_path, number, where):
    if where == "meta":
        line = f'{{"id": "d", "text": "abc", "meta": {{"x": [1, {number}]}}}}'
    elif where == "attributes":
        line = f'{{"id": "d", "text": "abc", "entities": [{{"start": 0, "end": 1, "label": "PER", "attributes": {{"a": {number}}}}}]}}'
    elif where == "offset":
        line = f'{{"id": "d", "text": "abc", "entities": [{{"start": 0, "end": {number}, "label": "PER"}}]}}'
    else:
        line = f'{{"id": "d", "text": "abc", "extra": {number}}}'
    message = refused(project, _lines(tmp_path / "n.jsonl", GOOD.replace('"ok"', '"ok2"'), line), 2)
    assert "finite" in message


def test_large_finite_numbers_still_import_and_export_as_json(project, tmp_path):
    path = _lines(tmp_path / "big.jsonl", '{"id": "d", "text": "abc", "meta": {"x": 1e300, "y": -0.5, "z": 123456789012345678901234567890}}')
    import_paths(project, [path])
    out = io.StringIO()
    export_jsonl(project, out)
    for line in out.getvalue().splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in the export"))
    (line,) = [x for x in out.getvalue().splitlines() if json.loads(x)["id"] == "d"]
    assert '\\"x\\": 1e+300' in line  # meta is written as JSON text (formats/jsonl.py)
    assert json.loads(json.loads(line)["meta"]) == {"x": 1e300, "y": -0.5, "z": 123456789012345678901234567890}


# ------------------------------------------------------------ lone surrogates

@pytest.mark.parametrize("line", [
    r'{"id": "\ud800", "text": "abc"}',
    r'{"id": "d", "name": "x\udfff", "text": "abc"}',
    r'{"id": "d", "text": "abc", "meta": {"k": "\ud83d"}}',
    r'{"id": "d", "text": "abc", "meta": {"\udc00": 1}}',
    r'{"id": "d", "text": "abc", "entities": [{"id": "T\ud800", "start": 0, "end": 1, "label": "PER"}]}',
    r'{"id": "d", "text": "abc", "entities": [{"start": 0, "end": 1, "label": "PER", "note": "\ud800"}]}',
    r'{"id": "d", "text": "abc", "entities": [{"start": 0, "end": 1, "label": "PER", "annotator": "\ud800"}]}',
    r'{"id": "d", "text": "abc", "entities": [{"start": 0, "end": 1, "label": "P\uDBFF"}]}',
    r'{"id": "d", "text": "abc", "unknown": ["\ud800"]}',
])
def test_lone_surrogates_are_refused_in_every_string(project, tmp_path, line):
    message = refused(project, _lines(tmp_path / "s.jsonl", line), 1)
    assert "lone surrogate" in message


def test_a_surrogate_pair_escape_is_one_character(project, tmp_path):
    import_paths(project, [_lines(tmp_path / "pair.jsonl", r'{"id": "p", "text": "\ud83d\ude00 ok", "meta": {"e": "\ud83d\ude00"}}')])
    doc = project.get_annotated("p")
    assert doc.document.text == "\U0001F600 ok" and doc.document.meta == {"e": "\U0001F600"}


# ------------------------------------------------------------ nesting

@pytest.mark.parametrize("depth", [65, 500, 5000, 200_000])
def test_deep_nesting_is_refused_with_one_line(project, tmp_path, depth):
    nested = "[" * depth + "]" * depth
    line = f'{{"id": "d", "text": "abc", "meta": {{"x": {nested}}}}}'
    message = refused(project, _lines(tmp_path / "deep.jsonl", line), 1)
    assert f"nested deeper than {safety.MAX_DEPTH} levels" in message


def test_nesting_at_the_limit_is_accepted(project, tmp_path):
    # The document is level 1, meta 2, so MAX_DEPTH - 2 more arrays reach the limit exactly.
    n = safety.MAX_DEPTH - 2
    line = f'{{"id": "d", "text": "abc", "meta": {{"x": {"[" * n + "]" * n}}}}}'
    import_paths(project, [_lines(tmp_path / "ok.jsonl", line)])
    assert project.get_annotated("d").document.meta["x"] is not None


def test_brackets_inside_strings_do_not_count_as_nesting(project, tmp_path):
    text = "[" * 500 + "{" * 500
    line = json.dumps({"id": "d", "text": text})
    import_paths(project, [_lines(tmp_path / "b.jsonl", line)])
    assert project.get_annotated("d").document.text == text


# ------------------------------------------------------------ messages on one line

@pytest.mark.parametrize("bad_id", ["a\nb", "a\rb", "a\u2028b", "x\x85y", "t\x0bz", "a\r\nb"])
def test_ids_with_line_breaks_give_one_line_messages(project, tmp_path, bad_id):
    cases = [
        {"id": bad_id, "text": "abc", "entities": [{"start": 0, "end": 9, "label": "PER"}]},
        {"id": "d", "text": "abc", "entities": [{"id": bad_id, "start": 0, "end": 1, "label": "NOPE"}]},
        {"id": "d", "text": "abc", "entities": [{"start": 0, "end": 1, "label": bad_id}]},
        {"id": "d", "text": "abc", "events": [{"id": bad_id, "type": "Life.Die",
                                                "trigger": {"start": 0, "end": 1}, "arguments": [{"role": bad_id, "ref": "x"}]}]},
        {"id": "d", "text": "abc", "relations": [{"id": bad_id, "type": bad_id, "head": bad_id, "tail": "T1"}]},
        {"id": "d", "text": "abc", "status": bad_id},
    ]
    for i, obj in enumerate(cases):
        path = _lines(tmp_path / f"id{i}.jsonl", json.dumps(obj, ensure_ascii=False))
        message = refused(project, path, 1)
        assert repr(bad_id)[1:-1] in message or bad_id not in message


def test_a_file_name_with_a_line_break_gives_one_line(project, tmp_path):
    path = _lines(tmp_path / "we\nird.jsonl", '{"id": "d", "text": 5}')
    with pytest.raises(FormatError) as info:
        import_paths(project, [path])
    assert len(str(info.value).splitlines()) == 1
    assert "we\\nird.jsonl:1: " in str(info.value)


# ------------------------------------------------------------ line size

def test_a_line_over_the_limit_is_refused_before_decoding(project, tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_LINE_BYTES", 200)
    long_line = json.dumps({"id": "long", "text": "x" * 300})
    path = _lines(tmp_path / "long.jsonl", GOOD.replace('"ok"', '"ok2"'), long_line)
    message = refused(project, path, 2)
    assert "longer than 200 bytes" in message


def test_the_line_limit_reads_no_more_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "huge.jsonl"
    path.write_bytes(b'{"text": "' + b"x" * 100_000)
    seen: list[int] = []

    class Counting(io.BufferedReader):
        def readline(self, size=-1):
            line = super().readline(size)
            seen.append(len(line))
            return line

    with open(path, "rb", buffering=0) as raw, pytest.raises(safety.Refused):
        safety.read_line(Counting(raw))
    assert seen == [1001]


def test_a_line_exactly_at_the_limit_is_read(tmp_path, monkeypatch):
    line = json.dumps({"id": "edge", "text": "y" * 50})
    monkeypatch.setattr(safety, "MAX_LINE_BYTES", len(line.encode()))
    path = _lines(tmp_path / "edge.jsonl", line, line.replace("edge", "egde"))
    assert [d.document.id for d in read_jsonl(path)] == ["edge", "egde"]


def test_a_text_file_over_the_limit_is_refused(project, tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_LINE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("word " * 50, encoding="utf-8")
    message = refused(project, path, None)
    assert "larger than 100 bytes" in message
    with pytest.raises(FormatError):
        list(read_text_paths([path]))


# ------------------------------------------------------------ the command line

def test_cli_prints_one_line_and_no_traceback(tmp_path):
    project = tmp_path / "c.annotator.db"
    bad = _lines(tmp_path / "x.jsonl", r'{"id": "a\nb", "text": "abc", "meta": {"n": 1e400}}')
    run = subprocess.run([sys.executable, "-m", "annotator", "import", str(project), str(bad)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert f"{bad}:1: " in run.stderr and "finite" in run.stderr


def test_export_of_what_was_imported_is_valid_json(project, tmp_path):
    out = io.StringIO()
    write_jsonl(project.iter_annotated(), out)
    for line in out.getvalue().splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in the export"))


# ------------------------------------------------------------ schema hotkeys the application uses

MINI_SCHEMA = '[entities.PER]\ncolor = "#aabbcc"\nhotkey = "{key}"\n'


@pytest.mark.parametrize("key, canonical, job", [
    ("Ctrl+Z", "Ctrl+Z", "Undo"),
    ("ctrl+z", "Ctrl+Z", "Undo"),
    ("Delete", "Del", "Delete Annotation"),
    ("Ctrl+F", "Ctrl+F", "Find"),
    ("F1", "F1", "Keyboard Shortcuts"),
    ("Escape", "Esc", "Clear Selection and Label"),
    ("Ctrl+Shift+Z", "Ctrl+Shift+Z", "Redo"),
    ("Left", "Left", "moves the text cursor"),
    ("Shift+Right", "Shift+Right", "selected span's end"),
    ("Return", "Return", "confirms"),
    ("Ctrl+Enter", "Ctrl+Enter", "Mark Done"),
])
def test_a_schema_hotkey_the_application_uses_is_refused(key, canonical, job):
    with pytest.raises(SchemaError) as info:
        Schema.from_toml(MINI_SCHEMA.format(key=key), "keys.toml")
    text = str(info.value)
    assert text.startswith(f"keys.toml: hotkey {canonical} of PER is taken by the application (")
    assert job in text and len(text.splitlines()) == 1


@pytest.mark.parametrize("key", ["P", "Shift+P", "1", "Ctrl+Shift+P", "Alt+P", "F2"])
def test_free_hotkeys_are_accepted(key):
    assert Schema.from_toml(MINI_SCHEMA.format(key=key)).hotkeys() == {normalize_hotkey(key): "PER"}


def test_the_bundled_schema_takes_no_reserved_key():
    taken = reserved_keys()
    assert not [k for k in Schema.default().hotkeys() if k in taken]


def test_a_project_stored_with_a_reserved_hotkey_still_opens(tmp_path):
    path = tmp_path / "old.annotator.db"
    with Project.open(path, schema=Schema.from_toml(MINI_SCHEMA.format(key="P"))):
        pass
    conn = sqlite3.connect(path)  # as an older version, which did not check, stored it
    with conn:
        conn.execute("UPDATE project SET value = ? WHERE key = 'schema'", (MINI_SCHEMA.format(key="Ctrl+Z"),))
    conn.close()
    with Project.open(path) as project:
        assert project.schema.hotkeys() == {}
        assert "PER" in project.schema.entity_types
        assert project.schema.dropped_hotkeys == [
            "hotkey Ctrl+Z of PER is taken by the application (Undo); choose another key"
        ]


def test_schema_messages_escape_names_with_line_breaks():
    with pytest.raises(SchemaError) as info:
        Schema.from_toml('[entities."A\\nB"]\ncolor = "blue"\n[entities."C\\u2028"]\nhotkey = "Ctrl+Z"\n', "n.toml")
    err = info.value
    assert len(err.problems) == 2
    assert str(err).splitlines() == [f"n.toml: {p}" for p in err.problems]
    assert "entity type 'A\\nB': bad color" in err.problems[0]
