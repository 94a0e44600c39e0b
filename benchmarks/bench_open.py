"""Opening a long document in the real window, as a user feels it, against a bare QPlainTextEdit in the same run.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_open.py [--sizes 0.25,1,4] [--densities news,brat] [--repeats 3]

Every figure comes from a fresh process (``--child``), started by this script,
so nothing (fixture generation, an earlier document) is in its peak RSS or caches.
Fixtures (benchmarks/fixture.py ``sized_fixture``): "news", 10,000 entities and
2,000 events per MB; "brat", brat's density, 5 entities and 1 event with 2
arguments per sentence.  Each project holds the big document and a short one.

Figures, medians of ``--repeats`` fresh processes:

- ``launch->paint``: from just before the process is started to the end of the
  first paint event of the annotation view that the event loop delivers (a real
  paint of the document's text; nothing forces a ``repaint()``).  Includes
  Python's start, the imports, the window and the opening of the document.
- ``launch->loaded``: to the end of the event-loop turn in which the session
  emits ``document_loaded``: every span, event and relation is in the view, and
  every panel's slot for that signal (annotation list, problems) has run.
- ``stall``: the longest gap between two beats of a 5 ms QTimer heartbeat
  from the first real paint to ``launch->loaded`` (how long the user could do
  nothing); ``stall(open)`` is the same from the start of the event loop, the
  turn that paints first included.
- ``reopen->paint`` / ``reopen->loaded`` / ``reopen stall``: in the same window
  after it is idle, opening the big document again (from the short one), as a
  click in the document list does; from the ``open_document`` call.
- ``of it: slices only``: the longest stall from the first paint until the
  turn that emits ``document_loaded`` (the loader's own turns, drawing
  included); ``of it: document_loaded``: how long that one turn's slots take
  (the view's, the annotation list's rebuild, the problems panel's).
- ``annotation list, 1 call`` / ``all``: the annotation list model's own work
  (``AnnotationTableModel.rebuild`` and ``take_slice``, with the proxy's and
  the table view's slots for its signals, not the repaint that follows) from
  the start of the event loop to ``launch->loaded``: its longest single call
  (each is within one turn) and the sum; ``reopen: ...`` the same from the
  ``open_document`` call (the first part's rebuild included).
- ``peak RSS``: the window process's own peak RSS (``VmHWM``) when loaded,
  and the current RSS after the imports, before any project is opened, beside
  it; ``peak RSS after first edits``: the same after the reopen and then a
  span and an argument added through the session, as a hotkey and a drag do
  (the store's first write in the document included).  (``ru_maxrss`` would include the peak of this script, the parent.)

Baselines, in fresh processes of their own in the same run: a bare
QPlainTextEdit (PySide6 only) given the same text with ``setPlainText`` and
shown: ``launch->paint`` to its first real paint; and in that process, a second
QPlainTextEdit's ``setPlainText`` plus its first real paint (``setPlainText+paint``).

Bytecode: as in ``bench_window``, the children run with a bytecode cache
(``PYTHONPYCACHEPREFIX`` in the temporary folder, written by an untimed warm-up
launch of each kind), as an installed package has its modules compiled, even
where the environment sets ``PYTHONDONTWRITEBYTECODE`` as this development
machine does (each launch then compiled ~100 modules, ~130 ms).
``--no-bytecode-cache`` keeps the environment's setting.

Targets (issue 10): stall <= 50 ms; 1 MB launch->loaded <= 3x the bare
launch->paint; 4 MB reopen->loaded <= 1 s; 4 MB news peak RSS < 300 MB.
Say the machine's load (printed at the top) beside the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------- children

def _cur_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM).  Not ``ru_maxrss``: Linux carries the parent's peak into a child
    across fork and exec, so a child of this script (which built a 4 MB brat fixture) read 160-250 MB
    before it did anything."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Beats:
    """A 5 ms QTimer heartbeat: the time of every beat."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.times: list[float] = [time.time()]
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(lambda: self.times.append(time.time()))
        self.timer.start()

    def longest_gap(self, t0: float, t1: float, running_at_end: bool = True) -> float:
        """Longest gap (ms) between beats, or a beat and t0/t1, over [t0, t1].

        ``running_at_end``: the gap that ends at the first beat after t1 counts
        whole (the turn was running at t1); else it is cut at t1."""
        ts = [t0] + [t for t in self.times if t0 < t < t1] + [t1]
        after = [t for t in self.times if t >= t1]
        if after and running_at_end:
            ts[-1] = after[0]
        return max((b - a) * 1000 for a, b in zip(ts, ts[1:]))


def child_window(db: str, doc: str, small: str) -> dict:
    t_start = time.time()
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    beats = _Beats()
    from annotator.qt.mainwindow import MainWindow
    from annotator.qt.textview import AnnotationView

    rss_imports = _cur_rss_mb()
    marks: dict[str, float] = {}
    orig_paint = AnnotationView.paintEvent

    def paint(self, e):  # noqa: ANN001
        orig_paint(self, e)
        if self.document_text() and "paint" not in marks:
            marks["paint"] = time.time()
    AnnotationView.paintEvent = paint

    from annotator.qt import annlist as annlist_mod
    list_calls: list[tuple[float, float]] = []  # (start, end) of each call of the annotation list's model

    def timed(fn):  # noqa: ANN001, ANN202
        def wrapper(*a, **k):  # noqa: ANN002, ANN003, ANN202
            t = time.time()
            try:
                return fn(*a, **k)
            finally:
                list_calls.append((t, time.time()))
        return wrapper
    for name in ("rebuild", "take_slice"):
        if hasattr(annlist_mod.AnnotationTableModel, name):
            setattr(annlist_mod.AnnotationTableModel, name, timed(getattr(annlist_mod.AnnotationTableModel, name)))

    def list_work(t0: float, t1: float) -> tuple[float, float]:
        """Longest single call and total (ms) of the list's model work that started in [t0, t1]."""
        d = [(b - a) * 1000 for a, b in list_calls if t0 <= a <= t1]
        return max(d, default=0.0), sum(d)

    from annotator.qt.session import Session
    last_turn: list[tuple[float, float]] = []  # (start, end) of each document_loaded emission
    orig_emit_loaded = getattr(Session, "_on_slice", None)
    if orig_emit_loaded is not None:
        def on_slice(self, sl):  # noqa: ANN001
            t = time.time()
            orig_emit_loaded(self, sl)
            if sl.last:
                last_turn.append((t, time.time()))
        Session._on_slice = on_slice

    settings = QSettings(str(Path(db).with_suffix(f".{os.getpid()}.ini")), QSettings.IniFormat)
    w = MainWindow(db, settings=settings)  # opens the first document, the big one
    w.resize(1400, 900)
    w.show()
    assert w.session.current.id == doc
    loaded = {"t": None}

    def on_loaded(_doc: str) -> None:
        QTimer.singleShot(0, lambda: loaded.__setitem__("t", time.time()))
    t_loop = time.time()
    w.session.document_loaded.connect(on_loaded)
    if not w.session.current.partial:
        on_loaded(doc)
    while loaded["t"] is None or "paint" not in marks:
        app.processEvents()
    t_paint, t_loaded = marks["paint"], loaded["t"]
    out = {"launch_paint": t_paint, "launch_loaded": t_loaded, "t_start": t_start,
           "stall": beats.longest_gap(t_paint, t_loaded), "stall_open": beats.longest_gap(t_loop, t_loaded),
           "slices": w.session.loader.slices if hasattr(w.session, "loader") else -1, "spans": len(w.view.spans()), "links": len(w.view.links())}
    out["list_max"], out["list_sum"] = list_work(t_loop, t_loaded)
    if last_turn:
        a, b = last_turn[-1]
        out["loaded_slots"] = (b - a) * 1000
        out["stall_slices"] = beats.longest_gap(t_paint, a, running_at_end=False)
    for _ in range(50):  # idle a little: prefetch, panels
        app.processEvents()
        time.sleep(0.002)
    out["peak_rss"] = _peak_rss_mb()
    out["rss_imports"] = rss_imports
    out["pandas"] = "pandas" in sys.modules
    # reopen in the same window, as a click in the document list does
    w.open_document(small)
    for _ in range(50):
        app.processEvents()
        time.sleep(0.002)
    marks.pop("paint", None)
    loaded["t"] = None
    t0 = time.time()
    w.open_document(doc)
    if not w.session.current.partial:
        on_loaded(doc)
    while loaded["t"] is None or "paint" not in marks:
        app.processEvents()
    out["reopen_paint"] = (marks["paint"] - t0) * 1000
    out["reopen_loaded"] = (loaded["t"] - t0) * 1000
    out["reopen_stall"] = beats.longest_gap(marks["paint"], loaded["t"])
    out["reopen_stall_open"] = beats.longest_gap(t0, loaded["t"])
    out["reopen_list_max"], out["reopen_list_sum"] = list_work(t0, loaded["t"])
    if len(last_turn) > 1:
        a, b = last_turn[-1]
        out["reopen_loaded_slots"] = (b - a) * 1000
        out["reopen_stall_slices"] = beats.longest_gap(marks["paint"], a, running_at_end=False)
    out["peak_rss_edited"] = _first_edits(app, w)
    w.close()
    return out


def _first_edits(app, w) -> float:  # noqa: ANN001
    """The window's peak RSS (MB) after the user's first edits in the loaded document: a PER span on its first
    word (the session's add, as a hotkey makes it) and that span as an argument of the first event whose type
    takes a PER, then idle (the store's first write, id read and text, the undo stack, the panels)."""
    s = w.session
    cur = s.current
    text = cur.text
    end = text.index(" ")
    new = s.add_annotation(0, end, "PER")
    schema = s.project.schema
    for ev in list(cur.events.values()):
        roles = schema.allowed_roles(ev.type, "PER")
        if roles and new:
            s.add_argument(ev.id, roles[0], new)
            break
    for _ in range(50):
        app.processEvents()
        time.sleep(0.002)
    return _peak_rss_mb()


def child_bare(txt: str) -> dict:
    t_start = time.time()
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication([])
    marks: dict[str, float] = {}

    class Edit(QPlainTextEdit):
        def paintEvent(self, e):  # noqa: ANN001, N802
            super().paintEvent(e)
            marks.setdefault(self.objectName(), time.time())

    text = Path(txt).read_text(encoding="utf-8")
    e = Edit()
    e.setObjectName("first")
    e.setReadOnly(True)
    e.resize(1400, 900)
    e.setPlainText(text)
    e.show()
    while "first" not in marks:
        app.processEvents()
    out = {"launch_paint": marks["first"], "t_start": t_start, "peak_rss": _peak_rss_mb()}
    e2 = Edit()
    e2.setObjectName("second")
    e2.setReadOnly(True)
    e2.resize(1400, 900)
    e2.show()
    for _ in range(20):
        app.processEvents()
    marks.pop("second", None)
    t0 = time.time()
    e2.setPlainText(text)
    while "second" not in marks:
        app.processEvents()
    out["set_paint"] = (marks["second"] - t0) * 1000
    return out


# ---------------------------------------------------------------------- parent

#: what the children's environment gets over this one's (the bytecode cache; see the docstring)
CHILD_ENV: dict[str, str | None] = {}


def run_child(*args: str) -> dict:
    t0 = time.time()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for k, v in CHILD_ENV.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    r = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env,
                       timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"child {args} failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    for k in ("launch_paint", "launch_loaded"):
        if k in out:
            out[k] = (out[k] - t0) * 1000
    return out


def make_project(tmp: Path, size: float, density: str) -> tuple[Path, Path, dict]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fixture import sized_fixture

    from annotator.model import AnnotatedDocument, Document
    from annotator.schema import Schema
    from annotator.store import Project

    schema = Schema.default()
    big = sized_fixture(size, density, schema, "big")
    small = AnnotatedDocument(Document(id="small", text="A short document.", name="small"))
    db = tmp / f"p-{density}-{size}.db"
    with Project.open(db, schema=schema) as p:
        p.import_documents([big, small])
    txt = tmp / f"t-{density}-{size}.txt"
    txt.write_text(big.document.text.replace("\r\n", "\n"), encoding="utf-8")
    info = {"bytes": len(big.document.text.encode()), "spans": len(big.spans), "events": len(big.events),
            "args": sum(len(e.arguments) for e in big.events)}
    return db, txt, info


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="0.25,1,4")
    ap.add_argument("--densities", default="news,brat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", nargs="+")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the environment's PYTHONDONTWRITEBYTECODE: every launch compiles the application's modules")
    a = ap.parse_args()
    if a.child:
        kind, *rest = a.child
        print(json.dumps(child_window(*rest) if kind == "window" else child_bare(*rest)))
        return
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"on {os.cpu_count()} cores; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}; "
          f"medians of {a.repeats} fresh processes; bytecode "
          f"{'compiled at every launch' if a.no_bytecode_cache else 'cached, as installed'}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-open-"))
    if not a.no_bytecode_cache:
        CHILD_ENV.update(PYTHONDONTWRITEBYTECODE=None, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    warm = not a.no_bytecode_cache  # one untimed launch of each kind writes the cache
    for density in a.densities.split(","):
        for size in (float(s) for s in a.sizes.split(",")):
            db, txt, info = make_project(tmp, size, density)
            if warm:
                run_child("bare", str(txt))
                run_child("window", str(db), "big", "small")
                warm = False
            bare = [run_child("bare", str(txt)) for _ in range(a.repeats)]
            win = [run_child("window", str(db), "big", "small") for _ in range(a.repeats)]
            b_launch, b_set = med(bare, "launch_paint"), med(bare, "set_paint")
            print(f"\n{density} {size:g} MB: {info['bytes']:,} bytes, {info['spans']:,} spans, {info['events']:,} events, "
                  f"{info['args']:,} arguments; {win[0]['slices']} slices; pandas imported: {win[0]['pandas']}")
            lp, ll = med(win, "launch_paint"), med(win, "launch_loaded")
            rows = [
                ("launch->paint", lp, b_launch, "bare launch->paint", ""),
                ("launch->loaded", ll, b_launch, "bare launch->paint", "<= 3x at 1 MB" if size == 1 else ""),
                ("stall after first paint", med(win, "stall"), None, "", "<= 50 ms"),
                ("stall(open), first turn too", med(win, "stall_open"), None, "", "(information)"),
                ("reopen->paint", med(win, "reopen_paint"), b_set, "setPlainText+paint", ""),
                ("reopen->loaded", med(win, "reopen_loaded"), b_set, "setPlainText+paint",
                 "<= 1000 ms at 4 MB" if size == 4 else ""),
                ("reopen stall after paint", med(win, "reopen_stall"), None, "", "<= 50 ms"),
                ("reopen stall(open)", med(win, "reopen_stall_open"), None, "", "(information)"),
            ]
            if "loaded_slots" in win[0]:
                rows[3:3] = [("  of it: slices only", med(win, "stall_slices"), None, "", "<= 50 ms (the loader's turns)"),
                             ("  of it: document_loaded", med(win, "loaded_slots"), None, "",
                              "(one turn: every panel's slot)")]
            if "reopen_loaded_slots" in win[0]:
                rows.insert(len(rows) - 1, ("  of it: slices only", med(win, "reopen_stall_slices"), None, "",
                                            "<= 50 ms (the loader's turns)"))
                rows.insert(len(rows) - 1, ("  of it: document_loaded", med(win, "reopen_loaded_slots"), None, "",
                                            "(one turn: every panel's slot)"))
            if "list_max" in win[0]:
                rows.insert(5, ("  annotation list, 1 call", med(win, "list_max"), None, "",
                                "<= 50 ms (longest model call: a slice's rows, or a rebuild)"))
                rows.insert(6, ("  annotation list, all", med(win, "list_sum"), None, "", "(information: the whole load)"))
                rows.append(("  reopen: list, 1 call", med(win, "reopen_list_max"), None, "",
                             "<= 50 ms (its first part's rebuild included)"))
                rows.append(("  reopen: list, all", med(win, "reopen_list_sum"), None, "", "(information)"))
            for name, v, base, bname, target in rows:
                ratio = f"{bname} {base:8.1f} ms  ratio {v / base:5.2f}" if base else " " * 44
                print(f"  {name:<28} {v:8.1f} ms   {ratio}   {target}")
            rss, rss_b = med(win, "peak_rss"), med(bare, "peak_rss")
            print(f"  {'peak RSS':<28} {rss:8.1f} MB   bare QPlainTextEdit {rss_b:6.1f} MB  "
                  f"(after imports {med(win, 'rss_imports'):.0f} MB)   {'< 300 MB at 4 MB' if size == 4 else ''}")
            print(f"  {'peak RSS after first edits':<28} {med(win, 'peak_rss_edited'):8.1f} MB   "
                  f"(a span and an argument added after the reopen)   {'< 300 MB at 4 MB' if size == 4 else ''}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
