"""Corpus benchmark: import cost per document as the corpus grows, and a project of 100k or 1M documents.

    python benchmarks/bench_corpus.py [--sizes 10000,40000,160000] [--big 100000,1000000] [--repeat 3]

Part 1, import scaling.  For each size N, a JSONL file of N documents (the
bench_core fixture: 120 words, 10 entities and 2 events with 2 arguments
each) is imported into a new project with ``import_paths`` (parsing,
label check, validation, problem counts, all the rows, one transaction,
the commit and the WAL checkpoint it triggers).  Beside it, in the same run,
the floor: the same rows prepared in advance and inserted with the sqlite3
module's ``executemany`` into a project with the same tables and indexes,
in one transaction (bench_core.baseline_import; the floor does no parsing
and no validation).  Printed: microseconds per document for both, their
ratio (target <= 2x at every size) and the cost per document at N against
the cost at the smallest size (target <= 1.2x).  Each figure is the median of
``--repeat`` runs (1 run at 160k and above).  Each is given twice: wall
clock, and CPU time (user + system of this process, which runs SQLite too):
on a machine shared with other work the wall clock moves with their load,
by 2x and more between runs; the CPU time does not.

Part 2, a big project.  N short documents (one sentence, two entities; an
event in one in five, an incomplete one in one in a hundred; statuses at
random) are written with ``Project.import_documents``; the time this took
is printed.  Then, each in a fresh Python process (so nothing is cached in
the process; the file is in the OS cache, as it is when a user reopens a
project), the median of ``--repeat`` runs of:

- open: ``Project.open(path, create=False)`` (checks the file, migrations,
  schema), against ``sqlite3.connect`` plus reading ``sqlite_master``;
- list, first page: a ``DocumentList`` built on the project, shown, and the
  event loop run until idle (``processEvents``): the count, the first page
  read and a real paint offscreen; against a bare ``SELECT count(*) FROM
  documents``;
- scroll to the end: the scroll bar set to its maximum and the event loop
  run (the last page read from the end of the index, painted);
- filter by status: the status box set to "done" and the event loop run;
- find by name: a name substring typed as one text change ("4242")
  and the event loop run (one scan of the names index); the 200 ms pause
  that the list waits for in typing above 50,000 documents is left out;
- rows read: how many rows the list read in all of the above (the model's
  ``fetched``), against N;
- stats: ``python -m annotator stats`` as a subprocess, wall clock (Python
  start-up, imports, open, the SQL aggregates, validating the documents it
  lists), against a subprocess that opens the file with sqlite3 and runs
  ``SELECT count(*) FROM documents``.

Target: open, each list operation and stats each under 1 s at 1M.  The load
of the machine (``os.getloadavg``) is printed beside the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from annotator.model import STATUSES, AnnotatedDocument, Argument, Document, Event, Span  # noqa: E402

WORDS = ("report", "memo", "letter", "brief", "note", "cable", "story", "digest")


# ---------------------------------------------------------------------------- part 1: import scaling

def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


def _ok(met: bool) -> str:
    return "OK" if met else "MISS"


def import_scaling(tmp: Path, sizes: list[int], repeat: int) -> None:
    from bench_core import baseline_import, cpu_seconds, make_jsonl

    from annotator.importer import import_paths
    from annotator.store import Project

    print(f"{'documents':>10} | {'wall: import':>12} {'floor':>6} {'ratio':>5} {'growth':>6} | "
          f"{'cpu: import':>11} {'floor':>6} {'ratio':>5} {'growth':>6} |   (µs/document)")
    first: dict[str, float] = {}
    for n in sizes:
        src = tmp / f"in{n}.jsonl"
        t0 = time.perf_counter()
        make_jsonl(src, n)
        t_gen = time.perf_counter() - t0
        runs = repeat if n < 160_000 else 1
        fw, fc, rw, rc = [], [], [], []
        for _ in range(runs):
            times: dict[str, float] = {}
            baseline_import(src, _fresh(tmp / "floor.db"), times)
            fw.append(times["wall"])
            fc.append(times["cpu"])
            p = Project.open(_fresh(tmp / "real.db"))
            t0, c0 = time.perf_counter(), cpu_seconds()
            import_paths(p, [src])
            rw.append(time.perf_counter() - t0)
            rc.append(cpu_seconds() - c0)
            p.close()
        fig = {k: statistics.median(v) / n * 1e6 for k, v in (("rw", rw), ("fw", fw), ("rc", rc), ("fc", fc))}
        first = first or fig
        cols = []
        for real, floor in (("rw", "fw"), ("rc", "fc")):
            cols.append(f"{fig[real]:>12.0f} {fig[floor]:>6.0f} {fig[real] / fig[floor]:>5.2f} "
                        f"{fig[real] / first[real]:>6.2f}")
        verdict = (f"ratio <= 2: wall {_ok(fig['rw'] <= 2 * fig['fw'])}, cpu {_ok(fig['rc'] <= 2 * fig['fc'])}; "
                   f"growth <= 1.2: wall {_ok(fig['rw'] <= 1.2 * first['rw'])}, "
                   f"cpu {_ok(fig['rc'] <= 1.2 * first['rc'])}")
        print(f"{n:>10,} | {cols[0]} | {cols[1]} |   {verdict} "
              f"({runs} run(s); fixture written in {t_gen:.0f} s; load {os.getloadavg()[0]:.1f})", flush=True)
        src.unlink()
    for name in ("floor.db", "real.db"):
        _fresh(tmp / name)


# ---------------------------------------------------------------------------- part 2: a big project

SCHEMA = """
name = "corpus"

[entities.PER]
color = "#8ec5f5"

[entities.GPE]
color = "#c4b5f4"

[events.Attack]
color = "#ff9f9a"
roles.Attacker = { types = ["PER"], cardinality = "any" }
roles.Place = { types = ["GPE"], cardinality = "1" }
"""


def short_documents(n: int, seed: int = 5):
    """One sentence, two entities; an Attack in one in five (incomplete in one in a hundred)."""
    rng = random.Random(seed)
    for i in range(n):
        text = f"Ann came to Rome on day {i}."
        spans = [Span("T1", "PER", 0, 3), Span("T2", "GPE", 12, 16)]
        events = []
        if i % 5 == 0:
            spans.append(Span("T3", "Attack", 4, 8, kind="trigger"))
            args = [Argument("Attacker", "T1")] if i % 100 == 0 else [Argument("Place", "T2")]
            events.append(Event("E1", "Attack", "T3", args))
        name = f"{WORDS[rng.randrange(len(WORDS))]} {i}"
        yield AnnotatedDocument(Document(id=f"d{i}", text=text, name=name, status=rng.choice(STATUSES)),
                                spans, events)


def build_big(path: Path, n: int) -> float:
    from annotator.schema import Schema
    from annotator.store import Project

    t0 = time.perf_counter()
    with Project.open(_fresh(path), schema=Schema.from_toml(SCHEMA)) as p:
        p.import_documents(short_documents(n))
    return time.perf_counter() - t0


CHILD_OPEN = """
import sqlite3, sys, time
sys.path.insert(0, {root!r})
path = {path!r}
if {base!r}:
    t0 = time.perf_counter()
    c = sqlite3.connect(path)
    c.execute("SELECT count(*) FROM sqlite_master").fetchone()
    print(time.perf_counter() - t0)
else:
    from annotator.store import Project
    t0 = time.perf_counter()
    p = Project.open(path, create=False)
    print(time.perf_counter() - t0)
"""

CHILD_LIST = """
import os, sqlite3, sys, time, json
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.store import Project
from annotator.qt.session import Session
from annotator.qt.doclist import DocumentList
path = {path!r}
out = {{}}
c = sqlite3.connect(path)
t0 = time.perf_counter()
c.execute("SELECT count(*) FROM documents").fetchone()
out["baseline"] = time.perf_counter() - t0
c.close()
p = Project.open(path, create=False)
DocumentList.FIND_AT_ONCE_UP_TO = 10**9  # the find runs at the text change, not after the typing pause
def step(name, fn):
    t0 = time.perf_counter()
    fn()
    app.processEvents()
    out[name] = time.perf_counter() - t0
holder = []
def first():
    dl = DocumentList(Session(p))
    dl.resize(400, 700)
    dl.show()
    holder.append(dl)
step("first page", first)
dl = holder[0]
bar = dl.view.verticalScrollBar()
step("scroll to the end", lambda: bar.setValue(bar.maximum()))
step("filter by status", lambda: dl.status_filter.setCurrentIndex(dl.status_filter.findData("done")))
step("find by name", lambda: dl.name_filter.setText("4242"))
out["shown after find"] = dl.model.rowCount()
out["rows read"] = dl.model.fetched
print(json.dumps(out))
"""


def _child(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return r.stdout.strip()


def _median_child(code: str, repeat: int) -> float:
    return statistics.median(float(_child(code)) for _ in range(repeat))


def _wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True)
    return time.perf_counter() - t0


def line(name: str, value: float, base: float, target_s: float | None = 1.0) -> None:
    ok = "" if target_s is None else (f"target < {target_s:g} s " + ("OK" if value < target_s else "MISS"))
    print(f"  {name:<22} {value * 1000:9.1f} ms   baseline {base * 1000:8.1f} ms   {ok}", flush=True)


def big_project(tmp: Path, n: int, repeat: int) -> None:
    path = tmp / f"big{n}.db"
    t_build = build_big(path, n)
    size = path.stat().st_size / 1e6
    print(f"{n:,} short documents: built in {t_build:.0f} s ({t_build / n * 1e6:.0f} µs/document), "
          f"{size:.0f} MB; load {os.getloadavg()[0]:.1f}", flush=True)
    root, p = str(ROOT), str(path)
    t_open = _median_child(CHILD_OPEN.format(root=root, path=p, base=False), repeat)
    t_open_base = _median_child(CHILD_OPEN.format(root=root, path=p, base=True), repeat)
    line("open", t_open, t_open_base)
    runs = [json.loads(_child(CHILD_LIST.format(root=root, path=p))) for _ in range(repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    for name in ("first page", "scroll to the end", "filter by status", "find by name"):
        line(f"list: {name}", med[name], med["baseline"])
    print(f"  {'list: rows read':<22} {int(med['rows read']):>9,}      of {n:,} documents "
          f"({int(med['shown after find'])} shown after the find)")
    stats = statistics.median(_wall([sys.executable, "-m", "annotator", "stats", p]) for _ in range(repeat))
    base_code = f"import sqlite3; sqlite3.connect({p!r}).execute('SELECT count(*) FROM documents').fetchone()"
    stats_base = statistics.median(_wall([sys.executable, "-c", base_code]) for _ in range(repeat))
    line("stats (whole command)", stats, stats_base)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,40000,160000", help="import sizes ('' to skip)")
    ap.add_argument("--big", default="100000,1000000", help="big project sizes ('' to skip)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    try:
        print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared)")
        sizes = [int(s) for s in args.sizes.split(",") if s]
        if sizes:
            print("import cost per document (median of runs), beside the executemany floor of the same rows:")
            import_scaling(tmp, sizes, args.repeat)
        for n in (int(s) for s in args.big.split(",") if s):
            big_project(tmp, n, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
