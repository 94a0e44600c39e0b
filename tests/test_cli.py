"""The command line, run as a subprocess the way a user runs it."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = next((ROOT / "seeds").glob("*.txt"))


def run(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        capture_output=True, text=True, encoding="utf-8", env=e, input=input, timeout=120,
    )


def digest(path: Path) -> str:
    """Hash of the project's content (the main file after a checkpoint)."""
    import sqlite3

    conn = sqlite3.connect(path)
    rows = []
    for table in ("documents", "spans", "events", "arguments", "relations", "project"):
        rows.append(list(conn.execute(f"SELECT * FROM {table} ORDER BY 1")))
    conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def write_jsonl(path: Path, *objs) -> Path:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for o in objs:
            fh.write((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n")
    return path


GOOD = {
    "id": "a1", "text": "ISIS fighters killed three policemen in Dujail.", "meta": {"source": "test"},
    "status": "done",
    "entities": [
        {"id": "T1", "start": 0, "end": 13, "label": "ORG", "text": "ISIS fighters", "attributes": {}, "note": ""},
        {"id": "T2", "start": 21, "end": 36, "label": "PER", "text": "three policemen", "attributes": {}, "note": ""},
        {"id": "T3", "start": 40, "end": 46, "label": "GPE", "text": "Dujail", "attributes": {}, "note": "a town"},
    ],
    "events": [
        {"id": "E1", "type": "Life.Die", "trigger": {"start": 14, "end": 20, "text": "killed"},
         "arguments": [{"role": "Agent", "ref": "T1"}, {"role": "Victim", "ref": "T2"}, {"role": "Place", "ref": "T3"}],
         "attributes": {"Polarity": "Positive"}, "note": ""},
    ],
    "relations": [],
}


# GOOD as the exporter writes it (formats/jsonl.py): every key, attributes and meta as JSON text.
NOT_REVIEWED = {"review": "", "reviewer": "", "review_note": ""}
EXPORTED = {
    "id": "a1", "name": "a1", "text": GOOD["text"], "meta": '{"source": "test"}', "status": "done",
    "entities": [
        {"id": "T1", "start": 0, "end": 13, "label": "ORG", "text": "ISIS fighters", "fragments": [[0, 13]],
         "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "",
         "review_note": "", "normalizations": "[]"},
        {"id": "T2", "start": 21, "end": 36, "label": "PER", "text": "three policemen", "fragments": [[21, 36]],
         "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "",
         "review_note": "", "normalizations": "[]"},
        {"id": "T3", "start": 40, "end": 46, "label": "GPE", "text": "Dujail", "fragments": [[40, 46]],
         "attributes": "{}", "note": "a town", "annotator": "", "review": "", "reviewer": "",
         "review_note": "", "normalizations": "[]"},
    ],
    "events": [
        {"id": "E1", "type": "Life.Die", "trigger": {"start": 14, "end": 20, "text": "killed", "fragments": [[14, 20]]},
         "arguments": [{"role": "Agent", "ref": "T1", "annotator": "", **NOT_REVIEWED},
                       {"role": "Victim", "ref": "T2", "annotator": "", **NOT_REVIEWED},
                       {"role": "Place", "ref": "T3", "annotator": "", **NOT_REVIEWED}],
         "attributes": '{"Polarity": "Positive"}', "note": "", "annotator": "", "review": "", "reviewer": "",
         "review_note": "", "normalizations": "[]"},
    ],
    "relations": [],
}


@pytest.fixture
def good_file(tmp_path):
    return write_jsonl(tmp_path / "good.jsonl", GOOD)


def test_import_export_round_trip(tmp_path, good_file):
    proj = tmp_path / "p.db"
    r = run("import", str(proj), str(good_file), "--annotator", "bob")
    assert r.returncode == 0, r.stderr
    assert "imported 1 document" in r.stderr
    r = run("export", str(proj), "--layer", "bob")
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    got = json.loads(line)
    # --annotator imports into bob's layer, is recorded on every imported annotation and exported with it
    assert {e["annotator"] for e in got["entities"]} == {"bob"}
    assert got["events"][0]["annotator"] == "bob"
    assert {a["annotator"] for a in got["events"][0]["arguments"]} == {"bob"}
    for ann in got["entities"] + got["events"] + got["events"][0]["arguments"]:
        ann["annotator"] = ""
    assert got == EXPORTED
    # without --annotator the export is the input, in the exporter's form
    run("import", str(tmp_path / "q.db"), str(good_file))
    assert json.loads(run("export", str(tmp_path / "q.db")).stdout) == EXPORTED


def test_export_to_file_and_status_filter(tmp_path, good_file):
    proj = tmp_path / "p.db"
    other = write_jsonl(tmp_path / "other.jsonl", {"id": "b1", "text": "Nothing here."})
    assert run("import", str(proj), str(good_file), str(other)).returncode == 0
    out = tmp_path / "out.jsonl"
    r = run("export", str(proj), "-o", str(out), "--status", "done")
    assert r.returncode == 0, r.stderr
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["a1"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's 0600
    r = run("export", str(proj), "--status", "new,done")
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["a1", "b1"]
    r = run("export", str(proj), "--status", "finished")
    assert r.returncode != 0 and "unknown status 'finished'" in r.stderr


def test_import_text_file_and_folder(tmp_path):
    proj = tmp_path / "p.db"
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "one.txt").write_text("First article.\r\nSecond line.", encoding="utf-8", newline="")
    (folder / "two.txt").write_text("Another one 😀.", encoding="utf-8")
    r = run("import", str(proj), str(folder), str(SEED))
    assert r.returncode == 0, r.stderr
    docs = [json.loads(x) for x in run("export", str(proj)).stdout.splitlines()]
    assert [d["id"] for d in docs] == ["one", "two", SEED.stem]
    assert docs[0]["text"] == "First article.\r\nSecond line."
    assert docs[2]["text"] == SEED.read_text(encoding="utf-8")
    assert all(d["status"] == "new" for d in docs)


def test_stats(tmp_path, good_file):
    proj = tmp_path / "p.db"
    run("import", str(proj), str(good_file))
    r = run("stats", str(proj))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "documents: 1" in out
    assert any(line.split() == ["done", "1"] for line in out.splitlines())
    assert any(line.split() == ["GPE", "1"] for line in out.splitlines())
    assert any(line.split() == ["Life.Die", "1"] for line in out.splitlines())
    assert "incomplete events: 0" in out


def test_schema_show_and_set(tmp_path, good_file):
    proj = tmp_path / "p.db"
    run("import", str(proj), str(good_file))
    r = run("schema", str(proj))
    assert r.returncode == 0 and "Conflict.Attack" in r.stdout
    small = tmp_path / "small.toml"
    small.write_text('[entities.PER]\ncolor = "#aaccff"\n', encoding="utf-8")
    before = digest(proj)
    r = run("schema", str(proj), "--set", str(small))
    assert r.returncode != 0
    assert "ORG" in r.stderr and "Life.Die" in r.stderr and "a1" in r.stderr
    assert "Traceback" not in r.stderr
    assert digest(proj) == before
    # an empty project takes the new schema
    empty = tmp_path / "empty.db"
    run("import", str(empty), str(write_jsonl(tmp_path / "e.jsonl", {"text": "x y"})))
    assert run("schema", str(empty), "--set", str(small)).returncode == 0
    assert run("schema", str(empty)).stdout.strip() == small.read_text().strip()


def test_duplicate_document_refused_unless_replace(tmp_path, good_file):
    proj = tmp_path / "p.db"
    assert run("import", str(proj), str(good_file)).returncode == 0
    before = digest(proj)
    r = run("import", str(proj), str(good_file))
    assert r.returncode != 0
    assert r.stderr.startswith(f"error: {good_file}:1:") and "already exists" in r.stderr
    assert digest(proj) == before
    assert run("import", str(proj), str(good_file), "--replace").returncode == 0


def _bad(obj_or_line, message_part):
    return pytest.param(obj_or_line, message_part, id=message_part[:30])


BAD_CASES = [
    _bad('{"text": "abc", ', "JSON"),
    _bad({"id": "x"}, "text"),
    _bad({"text": "Dujail", "entities": [{"id": "T1", "start": 0, "end": 60, "label": "GPE"}]}, "outside the text"),
    _bad({"text": "Dujail", "entities": [{"id": "T1", "start": -1, "end": 3, "label": "GPE"}]}, "outside the text"),
    _bad({"text": "Dujail", "entities": [{"id": "T1", "start": 0, "end": 6, "label": "GPE", "text": "Dujial"}]},
         "does not match"),
    _bad({"text": "Dujail", "entities": [{"id": "T1", "start": 0, "end": 6, "label": "CITY"}]}, "CITY"),
    _bad({"text": "ISIS killed them", "entities": [{"id": "T1", "start": 0, "end": 4, "label": "ORG"}],
          "events": [{"id": "E1", "type": "Life.Die", "trigger": {"start": 5, "end": 11},
                      "arguments": [{"role": "Attacker", "ref": "T1"}]}]}, "Attacker"),
    _bad({"text": "Dujail killed them", "entities": [{"id": "T1", "start": 0, "end": 6, "label": "GPE"}],
          "events": [{"id": "E1", "type": "Life.Die", "trigger": {"start": 7, "end": 13},
                      "arguments": [{"role": "Victim", "ref": "T1"}]}]}, "Victim"),
    _bad({"text": "Dujail", "entities": [{"id": "T1", "start": 0, "end": 3, "label": "GPE"},
                                         {"id": "T1", "start": 3, "end": 6, "label": "GPE"}]}, "duplicate"),
]


@pytest.mark.parametrize("bad,message", BAD_CASES)
def test_bad_input_is_one_line_error_with_file_and_line_and_nothing_written(tmp_path, good_file, bad, message):
    proj = tmp_path / "p.db"
    assert run("import", str(proj), str(good_file)).returncode == 0
    before = digest(proj)
    # the bad document comes on line 3, after a good one that must not be written either
    f = write_jsonl(tmp_path / "bad.jsonl", {"id": "ok", "text": "fine"}, "", bad)
    r = run("import", str(proj), str(f))
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"error: {f}:3:"), lines[0]
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in r.stderr
    assert digest(proj) == before


def test_import_of_a_windows_jsonl_file_with_blank_lines(tmp_path):
    """CRLF line ends and blank lines (``\\r\\n`` only, or spaces then ``\\r\\n``): skipped, and counted."""
    f = tmp_path / "win.jsonl"
    f.write_bytes(b'{"id": "a", "text": "One."}\r\n\r\n  \r\n{"id": "b", "text": "Two\\r\\nlines."}\r\n\r\n')
    proj = tmp_path / "p.db"
    r = run("import", str(proj), str(f))
    assert r.returncode == 0, r.stderr
    assert "imported 2 documents" in r.stderr
    r = run("export", str(proj))
    assert [json.loads(x)["text"] for x in r.stdout.splitlines()] == ["One.", "Two\r\nlines."]
    # an error after blank lines names the line as an editor numbers it
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "c", "text": "x"}\r\n\r\n \t\r\n{"id": "d"}\r\n')
    r = run("import", str(proj), str(bad))
    assert r.returncode != 0 and r.stderr.startswith(f"error: {bad}:4:"), r.stderr


def test_duplicate_document_ids_in_one_file(tmp_path):
    proj = tmp_path / "p.db"
    f = write_jsonl(tmp_path / "dup.jsonl", {"id": "a", "text": "x"}, {"id": "a", "text": "y"})
    r = run("import", str(proj), str(f))
    assert r.returncode != 0 and f"{f}:2:" in r.stderr and "duplicate" in r.stderr.lower()


def test_missing_files_and_projects(tmp_path):
    r = run("import", str(tmp_path / "p.db"), str(tmp_path / "nope.jsonl"))
    assert r.returncode != 0 and "nope.jsonl" in r.stderr and "Traceback" not in r.stderr
    r = run("export", str(tmp_path / "none.db"))
    assert r.returncode != 0 and "no such project file" in r.stderr
    assert not (tmp_path / "none.db").exists()
    garbage = tmp_path / "garbage.db"
    garbage.write_text("not sqlite")
    r = run("stats", str(garbage))
    assert r.returncode != 0 and "not an annotator project" in r.stderr and "Traceback" not in r.stderr


def test_progress_only_on_a_terminal(tmp_path, good_file):
    r = run("import", str(tmp_path / "p.db"), str(good_file))
    assert r.returncode == 0, r.stderr
    assert "imported 1 document" in r.stdout + r.stderr
    assert "%" not in r.stderr and "importing:" not in r.stderr  # stderr is a pipe here: no progress line
    from annotator.store import Project

    with Project.open(tmp_path / "p.db", create=False) as p:
        assert p.document_ids() == ["a1"]


def test_progress_on_a_terminal(tmp_path):
    """Under a pseudo-terminal, a long import shows a percentage on stderr."""
    import pty

    f = write_jsonl(tmp_path / "many.jsonl", *({"id": f"d{i}", "text": f"Text {i}"} for i in range(3000)))
    pid, fd = pty.fork()
    if pid == 0:  # child: stderr is the terminal
        os.execv(sys.executable, [sys.executable, "-m", "annotator", "import", str(tmp_path / "p.db"), str(f)])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    text = out.decode("utf-8", "replace")
    assert "importing:" in text and "(100%)" in text and "imported 3000 documents" in text


def test_help():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("import", "export", "stats", "schema"):
        assert cmd in r.stdout


def test_core_works_without_qt(tmp_path, good_file):
    """store, formats and the CLI's export must import and run with PySide6 blocked."""
    code = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6'):
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
import annotator.store, annotator.formats.jsonl, annotator.cli
from annotator.cli import main
rc = main(['import', {str(tmp_path / 'q.db')!r}, {str(good_file)!r}])
rc2 = main(['export', {str(tmp_path / 'q.db')!r}, '-o', {str(tmp_path / 'q.jsonl')!r}])
assert 'PySide6' not in sys.modules
sys.exit(rc or rc2)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "q.jsonl").read_text(encoding="utf-8")) == EXPORTED


def test_gui_without_a_display_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "annotator", str(tmp_path / "p.db")], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert r.stderr.startswith("error: no display") and "Traceback" not in r.stderr
