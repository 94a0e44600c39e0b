"""`annotator merge TARGET SOURCE...`: whole project files brought together, each annotator's work as a layer.

The sources are real project files made in the test from the two versions of
the seed article (tests/data/layers): Dana's JSONL records her name on each
annotation, Bob's brat files record none.  Refusals leave the target's rows
as they were (compared through plain sqlite3) and exit non-zero with one line.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.merge import MergeError, Source, merge_projects
from annotator.store import Project
from test_layers_cli import BOB, BOB_ENTITY_LABELS, DANA, DOC, brat_entities, cli, content, dana_entities, entity_set


@pytest.fixture
def sources(tmp_path, capsys) -> tuple[Path, Path]:
    """dana.db (her JSONL in the default layer, "dana" recorded) and bob.db (his brat files, nobody recorded)."""
    dana, bob = tmp_path / "dana.db", tmp_path / "bob.db"
    assert cli(capsys, "import", dana, DANA)[0] == 0
    assert cli(capsys, "import", bob, BOB)[0] == 0
    return dana, bob


def test_merge_names_the_default_layers_from_their_annotator_or_from_as(tmp_path, capsys, sources):
    dana, bob = sources
    team = tmp_path / "team.db"
    rc, err = cli(capsys, "merge", team, dana, bob)
    assert rc == 1 and err.count("\n") == 1
    assert str(bob) in err and "--as" in err  # Bob's work records no annotator: it needs a name
    assert not team.exists()  # a refused merge into a new file leaves no file behind
    rc, err = cli(capsys, "merge", team, dana, bob, "--as", f"{bob}=bob")
    assert rc == 0, err
    with Project.open(team, read_only=True) as proj:
        assert proj.document_ids() == [DOC]
        assert proj.layers() == ["bob", "dana"]
        assert entity_set(proj.get_annotated(DOC, layer="dana")) == dana_entities()
        bob_layer = proj.get_annotated(DOC, layer="bob")
        assert entity_set(bob_layer) == brat_entities(BOB / f"{DOC}.ann", BOB_ENTITY_LABELS)
        assert {s.annotator for s in bob_layer.spans} == {"bob"}  # the layer's name is recorded where none was
        assert len(bob_layer.events) == 3 and len(bob_layer.relations) == 1
        assert proj.get_document(DOC).status == "done"  # as Dana's project had it
        (summary,) = proj.document_summaries()
        assert summary.n_annotations == sum(
            len(proj.get_annotated(DOC, layer=n).entities) + len(proj.get_annotated(DOC, layer=n).events)
            + len(proj.get_annotated(DOC, layer=n).relations) for n in ("bob", "dana"))
    assert "layer bob: 1 document" in err and "layer dana: 1 document" in err


def test_a_layer_the_target_has_is_refused_unless_replace(tmp_path, capsys, sources):
    dana, bob = sources
    team = tmp_path / "team.db"
    assert cli(capsys, "merge", team, dana, bob, "--as", f"{bob}=bob")[0] == 0
    before = content(team)
    rc, err = cli(capsys, "merge", team, dana)
    assert rc == 1 and err.count("\n") == 1
    assert str(dana) in err and DOC in err and "--replace" in err  # names the source and the document
    assert content(team) == before
    rc, err = cli(capsys, "merge", team, dana, "--replace")
    assert rc == 0, err
    with Project.open(team, read_only=True) as proj:
        assert entity_set(proj.get_annotated(DOC, layer="dana")) == dana_entities()  # not doubled
        assert proj.layers() == ["bob", "dana"]


def test_the_same_id_with_another_text_is_refused_naming_the_document(tmp_path, capsys, sources):
    dana, _ = sources
    rec = json.loads(DANA.read_text(encoding="utf-8"))
    rec["text"] = rec["text"].replace("Twin Attacks", "Twin attacks")  # same length, other text
    rec["entities"] = [e for e in rec["entities"] if e["start"] < 40]
    rec["events"], rec["relations"] = [], []
    carl_file = tmp_path / "carl.jsonl"
    carl_file.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    carl = tmp_path / "carl.db"
    assert cli(capsys, "import", carl, carl_file, "--annotator", "carl")[0] == 0
    team = tmp_path / "team.db"
    shutil.copy(dana, team)
    before = content(team)
    rc, err = cli(capsys, "merge", team, carl)
    assert rc == 1 and str(carl) in err and DOC in err and "checksum" in err
    assert content(team) == before


def test_two_sources_with_the_same_layer_of_a_document_are_refused(tmp_path, capsys, sources):
    dana, _ = sources
    other = tmp_path / "dana-copy.db"
    shutil.copy(dana, other)
    team = tmp_path / "team.db"
    rc, err = cli(capsys, "merge", team, dana, other)
    assert rc == 1 and "comes from" in err and str(dana) in err and str(other) in err
    assert not team.exists()


def test_a_read_only_source_is_merged_and_left_as_it_was(tmp_path, capsys, sources):
    """Sources are opened read-only (also when their file could be written): not a byte of them changes."""
    dana, bob = sources
    folder = tmp_path / "locked"
    folder.mkdir()
    locked = folder / "bob.db"
    shutil.copy(bob, locked)
    raw = locked.read_bytes()
    locked.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        team = tmp_path / "team.db"
        rc, err = cli(capsys, "merge", team, dana, locked, "--as", "x", "--as", f"{locked}=bob")
        assert rc == 1 and "--as x" in err  # a bare name is for one source only
        rc, err = cli(capsys, "merge", team, dana, locked, "--as", f"{locked}=bob")
        assert rc == 0, err
        assert locked.read_bytes() == raw
        assert sorted(os.listdir(folder)) == ["bob.db"]  # no -wal or -shm left beside it
    finally:
        folder.chmod(stat.S_IRWXU)
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_foreign_and_missing_sources_are_one_line_errors(tmp_path, capsys, sources):
    dana, _ = sources
    team = tmp_path / "team.db"
    notes = tmp_path / "notes.txt"
    notes.write_text("not a project\n", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    for source in (notes, other, tmp_path / "missing.db", tmp_path):
        rc, err = cli(capsys, "merge", team, source)
        assert rc == 1 and err.count("\n") == 1 and str(source) in err, err
        assert not team.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_target_is_a_one_line_error(tmp_path, capsys, sources):
    dana, _ = sources
    team = tmp_path / "team.db"
    shutil.copy(dana, team)
    team.chmod(stat.S_IRUSR)
    try:
        before = team.read_bytes()
        rc, err = cli(capsys, "merge", team, dana, "--as", "dana2")
        assert rc == 1 and "read-only" in err and str(team) in err
        assert team.read_bytes() == before
    finally:
        team.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_merge_projects_reports_progress_up_to_the_total(tmp_path, capsys, sources):
    dana, bob = sources
    calls: list[tuple[int, int]] = []
    with Project.open(tmp_path / "team.db") as target, \
            Project.open(dana, read_only=True) as d, Project.open(bob, read_only=True) as b:
        merge_projects(target, [Source(str(dana), d), Source(str(bob), b, "bob")],
                       progress=lambda done, total: calls.append((done, total)))
        assert calls and calls[-1][0] == calls[-1][1] == 2
        with pytest.raises(MergeError, match="is the target itself"):
            merge_projects(target, [Source(str(tmp_path / "team.db"), target)])


def test_a_merge_as_the_user_sees_it(tmp_path, capsys, sources):
    dana, bob = sources
    r = subprocess.run([sys.executable, "-m", "annotator", "merge", str(tmp_path / "t.db"), str(dana), str(bob)],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "annotator", "merge", str(tmp_path / "t.db"), str(dana), str(bob),
                        "--as", f"{bob}=bob"], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert "merged 2 projects" in r.stderr


def test_named_layers_and_gold_keep_their_names_and_need_no_as(tmp_path, capsys):
    """A team project (dana, bob, gold layers; a second document without annotations) merged into a new file."""
    team = tmp_path / "team.db"
    for name, source in (("dana", DANA), ("bob", BOB), ("gold", DANA)):
        assert cli(capsys, "import", team, source, "--annotator", name)[0] == 0
    bare = tmp_path / "bare.jsonl"
    bare.write_text(json.dumps({"id": "bare", "text": "No one has annotated this."}) + "\n", encoding="utf-8")
    assert cli(capsys, "import", team, bare)[0] == 0
    copy = tmp_path / "copy.db"
    rc, err = cli(capsys, "merge", copy, team)
    assert rc == 0, err
    with Project.open(team, read_only=True) as a, Project.open(copy, read_only=True) as b:
        assert b.layers() == ["bob", "dana", "gold"]
        assert sorted(b.document_ids()) == sorted(a.document_ids()) == [DOC, "bare"]
        assert b.get_document("bare").text == "No one has annotated this."
        for name in ("bob", "dana", "gold"):
            x, y = a.get_annotated(DOC, layer=name), b.get_annotated(DOC, layer=name)
            assert (x.spans, x.events, x.relations) == (y.spans, y.events, y.relations), name


def test_progress_shows_on_a_terminal(tmp_path, capsys, sources):
    pty = pytest.importorskip("pty")
    dana, bob = sources
    master, slave = pty.openpty()
    try:
        r = subprocess.run([sys.executable, "-m", "annotator", "merge", str(tmp_path / "t.db"), str(dana), str(bob),
                            "--as", f"{bob}=bob"], stderr=slave, stdout=subprocess.DEVNULL, timeout=120)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert r.returncode == 0
    assert b"merging: 2 of 2 documents (100%)" in seen


def test_a_default_layer_emptied_by_deletes_needs_no_name(tmp_path, capsys, sources):
    _, bob = sources
    with Project.open(bob) as proj:  # Bob deletes every annotation of his default layer: it stays listed
        adoc = proj.get_annotated(DOC)
        for ann_id in [e.id for e in adoc.events] + [r.id for r in adoc.relations] + [s.id for s in adoc.entities]:
            proj.remove(DOC, ann_id)
        assert proj.layers() == [""] and not proj.get_annotated(DOC).spans
    team = tmp_path / "team.db"
    rc, err = cli(capsys, "merge", team, bob)
    assert rc == 0, err
    with Project.open(team, read_only=True) as proj:
        assert proj.document_ids() == [DOC] and proj.layers() == []
