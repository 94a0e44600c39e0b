"""Files that are not what they seem: read-only projects, other programs' SQLite files, newer and older projects.

Also: a failed import into a new path leaves nothing behind, and ``export -o`` is atomic and fsynced.
Real read-only files cannot be tested as root (root writes anyway), so those tests run
the command as the user ``nobody`` with the system Python, or are skipped saying why.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlite_utils
from sqlite_utils import Database

from annotator.bundled import version
from annotator.importer import export_to_path
from annotator.migrations import MIGRATIONS
from annotator.model import AnnotatedDocument, Document, Span
from annotator.schema import Schema
from annotator.store import NewerVersion, NotAProject, Project, ReadOnlyError, StoreError

ROOT = Path(__file__).resolve().parent.parent
TEXT = "John Smith met Mary Jones in Baghdad."
DOC = {"id": "d1", "text": TEXT, "entities": [{"id": "T1", "label": "PER", "start": 0, "end": 10}]}


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          timeout=120, cwd=str(cwd or ROOT))


def one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode != 0, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder`` with its bytes and mtime."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


def jsonl(path: Path, *objs: dict) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    return path


def new_project(path: Path) -> Path:
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT), [Span("T1", "PER", 0, 10)], [], [])])
    return path


# ---------------------------------------------------------------------------- read-only, forced

def test_forced_read_only_refuses_every_write_and_leaves_the_file_alone(tmp_path):
    path = new_project(tmp_path / "p.db")
    before = snapshot(tmp_path)
    with Project.open(path, read_only=True) as p:
        assert p.read_only is True and p.read_only_reason == "opened read-only on request"
        assert p.get_annotated("d1").spans[0].id == "T1"  # reads work
        writes = [
            lambda: p.add_span("d1", Span("", "GPE", 29, 36)),
            lambda: p.set_status("d1", "done"),
            lambda: p.remove("d1", "T1"),
            lambda: p.import_documents([AnnotatedDocument(Document(id="d2", text="x"), [], [], [])]),
            lambda: p.set_schema(Schema.default()),
            lambda: p.delete_document("d1"),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyError) as info:
                write()
            assert str(info.value) == f"{path}: project is read-only (opened read-only on request); nothing was written"
    assert snapshot(tmp_path) == before  # not a byte, not an mtime, no -wal/-shm left


def test_a_writable_project_is_not_read_only(tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        assert p.read_only is False and p.read_only_reason == ""
        assert p.backup_path is None


def test_save_as_from_a_read_only_project_makes_a_full_copy(tmp_path):
    path = new_project(tmp_path / "p.db")
    before = snapshot(tmp_path)
    copy = tmp_path / "sub" / "copy.db"
    copy.parent.mkdir()
    with Project.open(path, read_only=True) as p:
        assert p.save_as(copy) == copy
        with pytest.raises(StoreError, match="own file"):
            p.save_as(path)
        with pytest.raises(StoreError, match=r"nowhere/c\.db: cannot save a copy"):
            p.save_as(tmp_path / "nowhere" / "c.db")
    assert snapshot(tmp_path) == before
    assert sorted(os.listdir(copy.parent)) == ["copy.db"]  # one self-contained file, no temp left
    with Project.open(copy) as c:
        assert not c.read_only
        assert [s.id for s in c.get_annotated("d1").spans] == ["T1"]
        c.add_span("d1", Span("", "GPE", 29, 36))


# ---------------------------------------------------------------------------- read-only, for real (as nobody)

SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.fixture
def shared_dir():
    """A folder the user ``nobody`` can reach (pytest's tmp_path is root's alone)."""
    d = Path(tempfile.mkdtemp(prefix="annotator-ro-", dir="/tmp"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` as ``nobody`` (the venv's Python lives under /root, which nobody cannot read)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to the user nobody (as a normal user, use chmod directly)")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' to run a real read-only case as")
    if not SYSTEM_PYTHON.exists():
        pytest.skip("no /usr/bin/python3 that nobody could run")
    site = Path(sqlite_utils.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=f"{ROOT}:{site}", HOME="/tmp")
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys, annotator.store; print(sys.version_info[:2])"],
        capture_output=True, text=True, env=env, cwd=str(cwd),
        preexec_fn=lambda: (os.setgid(nobody.pw_gid), os.setuid(nobody.pw_uid)),
    )
    if probe.returncode != 0 or probe.stdout.strip() != str(tuple(sys.version_info[:2])):
        pytest.skip(f"the system Python cannot run annotator as nobody: {probe.stderr.strip()[-200:]}")
    return subprocess.run(
        [str(SYSTEM_PYTHON), *args], capture_output=True, text=True, env=env, cwd=str(cwd), timeout=120,
        preexec_fn=lambda: (os.setgid(nobody.pw_gid), os.setuid(nobody.pw_uid)),
    )


@pytest.mark.parametrize("file_mode, reason", [
    (0o644, "the file is not writable"),      # root's file in root's folder
    (0o666, "the folder is not writable"),    # a writable file, but WAL needs -shm beside it
])
def test_real_read_only_project_reads_and_refuses_writes(shared_dir, file_mode, reason):
    path = new_project(shared_dir / "p.db")
    path.chmod(file_mode)
    src = jsonl(shared_dir / "more.jsonl", {"id": "d2", "text": "Rain."})
    (shared_dir / "more.jsonl").chmod(0o644)
    before = snapshot(shared_dir)

    r = as_nobody("-c", f"from annotator.store import Project; p = Project.open({str(path)!r}); "
                        "print(p.read_only, p.read_only_reason, p.document_ids())", cwd=shared_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"True {reason} ['d1']"

    r = as_nobody("-m", "annotator", "stats", str(path), cwd=shared_dir)
    assert r.returncode == 0, r.stderr
    assert "documents: 1" in r.stdout
    r = as_nobody("-m", "annotator", "export", str(path), cwd=shared_dir)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["id"] == "d1"

    r = as_nobody("-m", "annotator", "import", str(path), str(src), cwd=shared_dir)
    one_line_error(r, str(path), f"project is read-only ({reason}); nothing was imported")
    toml = shared_dir / "s.toml"
    toml.write_text(Schema.default().source)
    toml.chmod(0o644)
    r = as_nobody("-m", "annotator", "schema", str(path), "--set", str(toml), cwd=shared_dir)
    one_line_error(r, str(path), f"project is read-only ({reason})")
    after = snapshot(shared_dir)
    after.pop("s.toml")
    assert after == before


def test_export_to_a_folder_nobody_may_write_names_the_target(shared_dir):
    path = new_project(shared_dir / "p.db")
    out_dir = shared_dir / "out"
    out_dir.mkdir(mode=0o755)
    out_dir.chmod(0o755)
    r = as_nobody("-m", "annotator", "export", str(path), "-o", str(out_dir / "x.jsonl"), cwd=shared_dir)
    one_line_error(r, f"{out_dir / 'x.jsonl'}: cannot write the export (Permission denied)")
    assert ".tmp" not in r.stderr
    assert list(out_dir.iterdir()) == []


# ---------------------------------------------------------------------------- another program's SQLite file

@pytest.fixture(params=["delete", "wal"])
def foreign(tmp_path, request) -> Path:
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={request.param}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    return path


def test_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path, foreign):
    src = jsonl(tmp_path / "in.jsonl", DOC)
    toml = tmp_path / "s.toml"
    toml.write_text(Schema.default().source)
    before = snapshot(tmp_path)
    for kwargs in ({}, {"read_only": True}, {"create": False}):
        with pytest.raises(NotAProject, match=r"notes\.db: not an annotator project \(an SQLite file of another "
                                               r"program, with notes\); it was left unchanged"):
            Project.open(foreign, **kwargs)
    for args in (["stats"], ["export"], ["export", "-o", str(tmp_path / "out.jsonl")], ["schema"],
                 ["schema", "--set", str(toml)],
                 ["import", None, str(src)]):
        argv = [a if a is not None else str(foreign) for a in args]
        if args[0] != "import":
            argv.insert(1, str(foreign))
        r = cli(*argv)
        one_line_error(r, f"{foreign}: not an annotator project")
    assert snapshot(tmp_path) == before  # and no out.jsonl, no -wal, no -shm


def test_a_file_that_is_not_sqlite_is_refused_by_every_command(tmp_path):
    path = tmp_path / "p.db"
    path.write_bytes(b"PK\x03\x04 a zip file, say" * 50)
    before = snapshot(tmp_path)
    for args in (["stats", str(path)], ["export", str(path)], ["import", str(path), str(ROOT / "seeds")]):
        one_line_error(cli(*args), f"{path}: not an annotator project (not an SQLite file)")
    assert snapshot(tmp_path) == before


def test_an_empty_file_becomes_a_project(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    r = cli("stats", str(empty))  # reading an empty file does not make it a project
    one_line_error(r, f"{empty}: is an empty file, not a project yet")
    assert empty.stat().st_size == 0
    r = cli("import", str(empty), str(jsonl(tmp_path / "in.jsonl", DOC)))
    assert r.returncode == 0, r.stderr
    with Project.open(empty) as p:
        assert p.document_ids() == ["d1"]
    other = tmp_path / "other.db"
    other.touch()
    with Project.open(other) as p:
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]


# ---------------------------------------------------------------------------- newer and older versions

def _add_migration_row(path: Path, name: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', ?, 'later')",
                 [name])
    conn.commit()
    conn.close()


def test_a_newer_project_is_refused_and_untouched(tmp_path):
    path = new_project(tmp_path / "p.db")
    _add_migration_row(path, "m900_from_the_future")
    before = snapshot(tmp_path)
    for kwargs in ({}, {"read_only": True}):
        with pytest.raises(NewerVersion) as info:
            Project.open(path, **kwargs)
        msg = str(info.value)
        assert str(path) in msg and "m900_from_the_future" in msg
        assert "m007_layers_and_review" in msg and f"annotator {version()}" in msg
    for args in (["stats", str(path)], ["export", str(path)], ["import", str(path), str(ROOT / "seeds")]):
        one_line_error(cli(*args), f"{path}: made by a newer version of annotator", "m900_from_the_future")
    assert snapshot(tmp_path) == before


def old_project(path: Path, wal: bool = False) -> Database:
    """A project as the version before m002 made it: only m001 applied (sqlite-utils stops before m002)."""
    db = Database(path)
    if wal:
        db.enable_wal()
    MIGRATIONS.apply(db, stop_before="m002_problem_counts")
    db["project"].insert_all([{"key": "schema", "value": Schema.default().source},
                              {"key": "schema_name", "value": "news"}])
    db["documents"].insert({"pk": 1, "id": "old1", "name": "old1", "text": TEXT, "status": "done"})
    db["spans"].insert({"doc": 1, "id": "T1", "seq": 1, "kind": "entity", "label": "PER", "start": 0, "end": 10})
    return db


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _migrations_of(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


def test_an_older_project_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "p.db"
    old_project(path).close()
    old_dump = _dump(path)
    with Project.open(path) as p:
        assert p.backup_path == tmp_path / "p.before-m002.db"
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]
        assert [s.id for s in p.get_annotated("old1").spans] == ["T1"]
        p.add_span("old1", Span("", "GPE", 29, 36))
    assert _dump(p.backup_path) == old_dump  # the same database, row for row
    assert _migrations_of(p.backup_path) == ["m001_initial"]
    # the next open finds nothing to do: no second backup
    with Project.open(path) as p2:
        assert p2.backup_path is None
    assert sorted(f.name for f in tmp_path.iterdir()) == ["p.before-m002.db", "p.db"]


def test_the_backup_holds_what_is_still_in_the_wal(tmp_path):
    path = tmp_path / "p.db"
    db = old_project(path, wal=True)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db["documents"].insert({"pk": 2, "id": "only-in-wal", "text": "x", "status": "new"})
    assert Path(f"{path}-wal").stat().st_size > 0
    try:
        with Project.open(path) as p:
            backup = p.backup_path
    finally:
        db.close()
    conn = sqlite3.connect(backup)
    assert [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY pk")] == ["old1", "only-in-wal"]
    conn.close()


def test_cli_names_the_backup_on_one_line(tmp_path):
    path = tmp_path / "p.db"
    old_project(path).close()
    r = cli("import", str(path), str(jsonl(tmp_path / "in.jsonl", DOC)))
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if str(tmp_path / "p.before-m002.db") in line]
    assert len(notes) == 1 and notes[0].startswith(f"note: {path} was upgraded from an older version")


def test_an_older_project_read_only_is_upgraded_in_memory_only(tmp_path):
    path = tmp_path / "p.db"
    old_project(path).close()
    before = snapshot(tmp_path)
    with Project.open(path, read_only=True) as p:
        assert p.read_only and "upgraded from an older version in memory only" in p.read_only_reason
        assert p.backup_path is None
        assert [d.id for d in p.document_summaries()] == ["old1"]
    r = cli("stats", str(path))  # read-only commands never write, not even to upgrade
    assert r.returncode == 0 and "done                1" in r.stdout, r.stderr
    assert snapshot(tmp_path) == before


def test_a_failed_upgrade_leaves_the_project_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "p.db"
    db = old_project(path)
    db["documents"].insert({"pk": 2, "id": "bad", "text": "x", "status": "new"})
    db["spans"].insert({"doc": 2, "id": "T1", "seq": 1, "kind": "entity", "label": "PER", "start": 0, "end": 1})
    db.close()

    def broken(self, *a, **kw):  # m002 validates every document; make that fail half-way
        raise RuntimeError("validator exploded")

    monkeypatch.setattr("annotator.problemcounts.validate_document", broken)
    with pytest.raises(StoreError, match=r"p\.db: cannot upgrade the project \(validator exploded\); it is unchanged"):
        Project.open(path)
    monkeypatch.undo()
    assert _migrations_of(path) == ["m001_initial"]
    conn = sqlite3.connect(path)
    assert "n_errors" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    conn.close()


# ---------------------------------------------------------------------------- failed import, export -o

@pytest.mark.parametrize("bad", ["malformed", "missing"])
def test_a_failed_import_into_a_new_path_leaves_no_project(tmp_path, bad):
    target = tmp_path / "NEW.db"
    if bad == "malformed":
        src = tmp_path / "bad.jsonl"
        src.write_text(json.dumps(DOC) + "\n{not json\n")
    else:
        src = tmp_path / "absent.jsonl"
    before = sorted(os.listdir(tmp_path))
    r = cli("import", str(target), str(src))
    one_line_error(r, str(src))
    assert sorted(os.listdir(tmp_path)) == before  # no NEW.db, no -wal, no -shm


def test_a_failed_import_into_an_existing_project_keeps_it(tmp_path):
    path = new_project(tmp_path / "p.db")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    one_line_error(cli("import", str(path), str(bad)), f"{bad}:1")
    with Project.open(path) as p:
        assert p.document_ids() == ["d1"]


def test_export_to_a_folder_or_a_missing_folder_names_the_target(tmp_path):
    path = new_project(tmp_path / "p.db")
    folder = tmp_path / "a folder"
    folder.mkdir()
    r = cli("export", str(path), "-o", str(folder))
    one_line_error(r, f"{folder}: is a folder")
    missing = tmp_path / "no such dir" / "x.jsonl"
    r = cli("export", str(path), "-o", str(missing))
    one_line_error(r, f"{missing}: cannot write the export (No such file or directory)")
    assert not any(".tmp" in n for n in os.listdir(tmp_path)) and list(folder.iterdir()) == []


def test_export_writes_a_temp_file_fsyncs_it_and_renames_it(tmp_path, monkeypatch):
    path = new_project(tmp_path / "p.db")
    target = tmp_path / "out" / "x.jsonl"
    target.parent.mkdir()
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr("annotator.formats.output.os.fsync", recording_fsync)
    with Project.open(path, read_only=True) as p:
        assert export_to_path(p, target) == 1
    tmp_synced = [s for s in synced if s != str(target.parent)]
    assert len(tmp_synced) == 1
    assert Path(tmp_synced[0]).parent == target.parent and tmp_synced[0] != str(target)  # the temp file...
    assert str(target.parent) in synced  # ...and then the folder, after the rename
    assert json.loads(target.read_text())["id"] == "d1"
    assert os.listdir(target.parent) == ["x.jsonl"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_cancelled_export_keeps_the_old_file_and_no_temp(tmp_path):
    path = new_project(tmp_path / "p.db")
    target = tmp_path / "x.jsonl"
    target.write_text("the previous export\n")
    with Project.open(path) as p, pytest.raises(InterruptedError):
        export_to_path(p, target, cancelled=lambda: True)
    assert target.read_text() == "the previous export\n"
    assert sorted(os.listdir(tmp_path)) == ["p.db", "x.jsonl"]
