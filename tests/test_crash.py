"""Kill a writing process at random points: the file stays sound and every acknowledged change is in it.

A child (tests/crash_child.py) writes through the store, or through the GUI's
Session offscreen, and prints ``ACK ...`` after each change that returned.  The
parent SIGKILLs it at seeded random moments, then checks the file with plain
sqlite3: ``PRAGMA integrity_check`` is ``ok`` and every acknowledged span is
there as acknowledged.  ``ANNOTATOR_SOAK=1`` (or a number of kills) runs far more.
pytest -s shows the figures.
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.model import AnnotatedDocument, Document
from annotator.store import Project

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parent.parent
TEXT = "In Baghdad, John Smith met officials of the United Nations on Monday. " * 40


def _kills() -> int:
    soak = os.environ.get("ANNOTATOR_SOAK", "")
    if not soak:
        return 20
    return int(soak) if soak.isdigit() and int(soak) > 1 else 500


def _new_project(path: Path) -> None:
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT), [], [], [])])


def _check(path: Path, acked: dict[str, tuple[int, int, str]]) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = {r[0]: (r[1], r[2], r[3]) for r in conn.execute('SELECT id, start, "end", label FROM spans')}
    finally:
        conn.close()
    missing = {k: v for k, v in acked.items() if rows.get(k) != v}
    assert not missing, f"acknowledged but not in the file: {sorted(missing)[:10]}"


def _session_works() -> bool:
    try:
        import PySide6.QtCore  # noqa: F401

        from annotator.qt import session  # noqa: F401
    except Exception:  # pragma: no cover - no Qt here
        return False
    return True


def _run_kills(path: Path, kills: int, seed: int, mode: str) -> tuple[int, dict[str, tuple[int, int, str]]]:
    rng = random.Random(seed)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    acked: dict[str, tuple[int, int, str]] = {}
    n_acks = 0
    for k in range(kills):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), str(rng.randrange(1 << 30)), mode],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT),
        )
        assert child.stdout is not None
        first = child.stdout.readline()
        if first.strip() != "READY":
            child.kill()
            _out, err = child.communicate()
            pytest.fail(f"child did not start: {first!r} {err[-2000:]}")
        want = rng.randrange(1, 25)  # kill after this many acknowledgements...
        seen = 0
        while seen < want:
            line = child.stdout.readline()
            if not line:
                _out, err = child.communicate()
                pytest.fail(f"child ended early: {err[-2000:]}")
            parts = line.split()
            assert parts[0] == "ACK", line
            if parts[1] == "span":
                acked[parts[2]] = (int(parts[3]), int(parts[4]), parts[5])
            seen += 1
            n_acks += 1
        time.sleep(rng.random() * 0.004)  # ...and a random moment later: often in the middle of a write
        child.send_signal(signal.SIGKILL)
        child.wait()
        # the child may have acknowledged more before it died
        rest = child.stdout.read()
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
        for line in rest.splitlines():
            parts = line.split()
            if len(parts) == 6 and parts[0] == "ACK" and parts[1] == "span":
                acked[parts[2]] = (int(parts[3]), int(parts[4]), parts[5])
                n_acks += 1
        _check(path, acked)
    return n_acks, acked


def test_killed_store_writer_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "crash.db"
    _new_project(path)
    kills = _kills()
    n_acks, acked = _run_kills(path, kills, seed=20261201, mode="store")
    print(f"\ncrash test (store): {kills} kills, {n_acks} acknowledged writes, "
          f"{len(acked)} acknowledged spans all present, integrity ok")
    # and the project still opens and takes writes through the store
    with Project.open(path) as p:
        assert {s.id for s in p.get_annotated("d1").spans} >= set(acked)


@pytest.mark.skipif(not _session_works(), reason="the GUI session needs PySide6")
def test_killed_gui_session_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "crash-gui.db"
    _new_project(path)
    kills = max(4, _kills() // 4)
    n_acks, acked = _run_kills(path, kills, seed=7, mode="session")
    print(f"\ncrash test (GUI session): {kills} kills, {n_acks} acknowledged writes, "
          f"{len(acked)} acknowledged spans all present, integrity ok")
