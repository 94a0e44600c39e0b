"""What writing a document's small columns costs, with its text in the row (before m005) and apart (now).

    python benchmarks/bench_touch.py [--sizes 0.25,1,4] [--repeat 30]

Every edit stamps the document's ``updated`` (at most once a second), a first
edit turns ``new`` into ``in_progress``, and the window stores the problem
counts after validating.  SQLite writes a whole row to change any column of
it, so while the text lived in the ``documents`` row each of these wrote the
text too.  Per size (news fixture text, ``fixture.sized_fixture``), a project
is imported, then each statement runs ``--repeat`` times, each in its own
``BEGIN IMMEDIATE`` ... ``COMMIT`` (WAL, ``synchronous = NORMAL``, as the
store runs), timed from BEGIN to the end of COMMIT; medians in ms:

* ``updated``: a new time stamp of the same length (the row keeps its size);
* ``counts``: ``n_errors`` alternating 1 and 300 (the record grows and shrinks);
* ``status``: ``new`` / ``in_progress`` alternating (a longer string).

"text in row" is the same project with the text copied back into a
``documents.text`` column (the layout before m005), as the baseline of the
same run.  Not included: the rest of an edit (see bench_edit.py).
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STATEMENTS = {
    "updated": ("UPDATE documents SET updated = ? WHERE pk = 1", lambda i: [f"2026-12-02T04:00:{i % 60:02d}+00:00"]),
    "counts": ("UPDATE documents SET n_errors = ? WHERE pk = 1", lambda i: [1 if i % 2 else 300]),
    "status": ("UPDATE documents SET status = ? WHERE pk = 1", lambda i: ["in_progress" if i % 2 else "new"]),
}


def build(path: Path, size: float) -> None:
    from fixture import sized_fixture

    from annotator.schema import Schema
    from annotator.store import Project

    with Project.open(path) as p:
        p.import_documents([sized_fixture(size, "news", Schema.default(), f"news-{size}MB")])


def text_in_row(src: Path, dst: Path) -> None:
    """A copy of ``src`` with each text also in its documents row (the layout before m005)."""
    shutil.copyfile(src, dst)
    conn = sqlite3.connect(dst)
    with conn:
        conn.execute("ALTER TABLE documents ADD COLUMN text TEXT")
        conn.execute("UPDATE documents SET text = (SELECT t.text FROM texts t WHERE t.doc = documents.pk)")
    conn.execute("VACUUM")
    conn.close()


def measure(path: Path, repeat: int) -> dict[str, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = NORMAL")
    out = {}
    for name, (sql, params) in STATEMENTS.items():
        times = []
        for i in range(repeat):
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(sql, params(i))
            conn.execute("COMMIT")
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times) * 1000
    conn.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="0.25,1,4")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    import os

    tmp = Path(tempfile.mkdtemp(prefix="bench-touch-"))
    try:
        print(f"load: {os.getloadavg()[0]:.2f}; medians of {args.repeat}, ms per statement (BEGIN..COMMIT)")
        print(f"{'MB':>5} | {'updated':>17} | {'counts':>17} | {'status':>17}")
        print(f"{'':>5} | {'row':>8} {'apart':>8} | {'row':>8} {'apart':>8} | {'row':>8} {'apart':>8}")
        for size in (float(s) for s in args.sizes.split(",")):
            now = tmp / f"now-{size}.db"
            old = tmp / f"old-{size}.db"
            build(now, size)
            text_in_row(now, old)
            a, b = measure(old, args.repeat), measure(now, args.repeat)
            print(f"{size:>5} | " + " | ".join(f"{a[k]:>8.2f} {b[k]:>8.2f}" for k in STATEMENTS), flush=True)
        print("target: flat in document size (the 'apart' columns); 'row' is the layout before m005, same run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
