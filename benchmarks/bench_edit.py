"""Each edit as the user waits for it, in the real window, at 0.25, 1 and 4 MB and at two densities.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_edit.py [--sizes 0.25,1,4] [--densities news,brat] [-n 15]

Densities (benchmarks/fixture.py): "news" is make_fixture's (10,000 entities and
2,000 events per MB, a third nested or overlapping); "brat" is brat's (per
sentence 5 entities and 1 event with 2 arguments: 52,000 spans per MB).

What one figure includes: from the input event sent to the real MainWindow
(``QTest.keyClick`` on the view with a text selection or a selected span, or
``QTest.mouseClick`` on the filler while the linker waits for one) until the
event loop is idle again: the store write in its transaction, the undo
command, the session's refresh, the view, the annotation list, the problems
panel, the document list, the status bar and the repaint (the offscreen
platform paints into its backing store when the posted UpdateRequest is
processed).  "Idle" = ``processEvents`` has run until a pass finds nothing
more, and any deferred problems-panel work that is still pending (a
debounce timer) has been run as well and counted: nothing that an edit
causes is left outside the figure.  Left out: the compositor/screen (offscreen
has none), and the setup of each edit (making the text selection, selecting
the span, starting the pick), which happens before the clock starts.

Kinds: add span (hotkey on a text selection), add argument (click on the
filler while a pick is pending), relabel (hotkey on a selected entity),
delete (Delete on a selected entity that fills an event role: the cascade
removes the argument), undo (Ctrl+Z of the edit just made) and redo
(Ctrl+Shift+Z).  Each kind: median and slowest of N.

Baselines, in the same run and the same window size: a keystroke into a bare
QPlainTextEdit holding the same text (to idle, the same way); the store
write alone (``Project.add_span`` into the same document, nothing else); and
one full repaint of the annotation view where the edits happen
(``viewport().repaint()``, no edit), for scale: an edit repaints only the
paragraphs it touched (a taller or shorter one moves the pixels below it
instead of painting them again), so its repaint is usually a fraction of
this; a change of highlight (fading the other arcs) still repaints it all.

Beside each median of the wall clock, the median CPU time of this process over
the same interval (``time.process_time``): on a machine shared with other
work the wall clock also counts the time the others had the CPU; the CPU
figure counts only the work done here (it leaves out waiting, e.g. on a disk).

Targets (issue 10): each median <= 16 ms; 4 MB within 1.3x of 0.25 MB.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.model import ENTITY, Span  # noqa: E402
from annotator.qt.mainwindow import MainWindow  # noqa: E402
from annotator.schema import Schema  # noqa: E402
from annotator.store import Project  # noqa: E402
from fixture import sized_fixture  # noqa: E402

TARGET_MS = 16.0
KINDS = ("add span", "add argument", "relabel", "delete", "undo", "redo")


def settle(app: QApplication, w: MainWindow | None = None) -> None:
    """Run the event loop until it is idle, including any deferred panel work (see the docstring)."""
    for _ in range(100_000):
        app.sendPostedEvents()
        app.processEvents()
        pending = False
        if w is not None:
            panel = w.panels.problems
            if panel._timer.isActive():  # a debounced validation: run it now, inside the figure
                panel._timer.stop()
                panel._run()
                pending = True
            if getattr(panel, "_steps", None) is not None:  # a first validation in steps (on open): let it finish
                pending = True
        if not pending:
            app.sendPostedEvents()
            app.processEvents()  # what the last pass posted (a repaint after a deferred update)
            return


#: the CPU time (ms) of this process over the last ``timed`` call: on a loaded machine the wall
#: clock also counts the time other processes had the CPU, this counts only the work done here
LAST_CPU: list[float] = [0.0]


def timed(app: QApplication, w: MainWindow | None, act: Callable[[], None]) -> float:
    c0 = time.process_time()
    t0 = time.perf_counter()
    act()
    settle(app, w)
    LAST_CPU[0] = (time.process_time() - c0) * 1000
    return (time.perf_counter() - t0) * 1000


def med_max(xs: list[float]) -> tuple[float, float]:
    return (statistics.median(xs), max(xs)) if xs else (float("nan"), float("nan"))


class Bench:
    def __init__(self, app: QApplication, w: MainWindow, n: int, seed: int = 3):
        self.app, self.w, self.n = app, w, n
        self.rng = random.Random(seed)
        self.times: dict[str, list[float]] = {k: [] for k in KINDS}
        self.cpu: dict[str, list[float]] = {k: [] for k in KINDS}

    def record(self, kind: str, act: Callable[[], None]) -> None:
        """Time one edit (wall clock and CPU) under ``kind``."""
        self.times[kind].append(timed(self.app, self.w, act))
        self.cpu[kind].append(LAST_CPU[0])

    @property
    def cur(self):  # noqa: ANN201
        return self.w.session.current

    def undo_redo(self) -> None:
        v = self.w.view
        self.record("undo", lambda: QTest.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
        self.record("redo", lambda: QTest.keyClick(
            v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))

    def free_word(self) -> tuple[int, int]:
        text = self.cur.text
        taken = {(s.start, s.end) for s in self.cur.spans.values()}
        while True:
            i = self.rng.randrange(len(text) - 20)
            a = i
            while a < len(text) and not text[a].isalpha():
                a += 1
            while a > 0 and text[a - 1].isalnum():
                a -= 1
            b = a
            while b < len(text) and text[b].isalnum():
                b += 1
            if b > a and (a, b) not in taken and text[a:b].isascii():
                return a, b

    def add_span(self) -> str | None:
        a, b = self.free_word()
        v = self.w.view
        v.select_span(None, scroll=False)
        v.set_selection(a, b)
        settle(self.app, self.w)
        before = set(self.cur.spans)
        self.record("add span", lambda: QTest.keyClick(v, Qt.Key.Key_P))
        new = set(self.cur.spans) - before
        assert len(new) == 1, "the hotkey did not tag the selection"
        return new.pop()

    def relabel(self, span_id: str) -> None:
        v = self.w.view
        v.select_span(span_id, scroll=True)
        settle(self.app, self.w)
        key = Qt.Key.Key_O if self.cur.spans[span_id].label != "ORG" else Qt.Key.Key_G
        self.record("relabel", lambda: QTest.keyClick(v, key))
        assert self.cur.spans[span_id].label in ("ORG", "GPE"), "relabel did not happen"

    def add_argument(self) -> str | None:
        """Attach a new PER entity as Victim/Person/Artifact... of a nearby event by clicking it."""
        cur = self.cur
        schema = self.w.session.project.schema
        per = self.add_span()  # a fresh PER: its own figure was taken above
        if per is None:
            return None
        sp = cur.spans[per]
        evs = sorted(((abs(cur.spans[e.trigger].start - sp.start), e.id) for e in cur.events.values()
                      if schema.allowed_roles(e.type, "PER")), key=lambda t: t[0])[:1] if cur.events else []
        if not evs:
            return per
        eid = evs[0][1]
        role = schema.allowed_roles(cur.events[eid].type, "PER")[0]
        v = self.w.view
        v.select_span(None, scroll=False)
        v.set_selection(sp.start, sp.end)  # scrolls the filler into view
        v.clear_selection()
        self.w.linker.start_pick(eid, role)
        settle(self.app, self.w)
        rect = v.span_rects(per)[0]
        n_before = len(cur.events[eid].arguments)
        self.record("add argument", lambda: QTest.mouseClick(
            v.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()))
        if len(self.w.session.current.events[eid].arguments) != n_before + 1:
            menu = self.w.linker.last_menu
            raise RuntimeError(f"the click did not add an argument (menu open: {menu is not None and menu.isVisible()})")
        return per

    def delete(self, span_id: str) -> None:
        v = self.w.view
        v.select_span(span_id, scroll=True)
        settle(self.app, self.w)
        self.record("delete", lambda: QTest.keyClick(v, Qt.Key.Key_Delete))
        assert span_id not in self.cur.spans, "Delete did not delete"

    def run(self) -> None:
        for _ in range(self.n):
            sid = self.add_span()
            self.undo_redo()
            self.relabel(sid)
            self.undo_redo()
            per = self.add_argument()
            self.undo_redo()
            if per is not None:
                self.delete(per)  # fills an event role: the cascade takes the argument too
                self.undo_redo()


def baseline_keystroke(app: QApplication, text: str, n: int) -> list[float]:
    e = QPlainTextEdit()
    e.resize(1000, 800)
    e.setPlainText(text)
    e.show()
    settle(app)
    out = []
    for _ in range(n):
        out.append(timed(app, None, lambda: QTest.keyClick(e, Qt.Key.Key_X)))
    e.close()
    e.deleteLater()
    settle(app)
    return out


def baseline_store(path: Path, doc_id: str, n: int, rng: random.Random) -> list[float]:
    out = []
    with Project.open(path) as p:
        text = p.get_document(doc_id).text
        for _ in range(n):
            i = rng.randrange(len(text) - 10)
            t0 = time.perf_counter()
            s = p.add_span(doc_id, Span("", "PER", i, i + 3))
            out.append((time.perf_counter() - t0) * 1000)
            p.remove(doc_id, s.id)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="0.25,1,4")
    ap.add_argument("--densities", default="news,brat")
    ap.add_argument("-n", type=int, default=15, help="edits of each kind per configuration")
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    schema = Schema.default()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (2 cores); "
          f"N = {args.n} of each kind; target: median <= {TARGET_MS:.0f} ms, 4 MB within 1.3x of 0.25 MB")
    results: dict[tuple[str, float], dict[str, tuple[float, float]]] = {}
    cpus: dict[tuple[str, float], dict[str, float]] = {}
    for density in args.densities.split(","):
        for size in [float(x) for x in args.sizes.split(",")]:
            tmp = Path(tempfile.mkdtemp(prefix="bench-edit-"))
            adoc = sized_fixture(size, density, schema, "doc")
            with Project.open(tmp / "p.db") as p:
                p.import_documents([adoc])
            n_spans = len(adoc.spans)
            base_key = baseline_keystroke(app, adoc.document.text, args.n)
            base_store = baseline_store(tmp / "p.db", "doc", args.n, random.Random(9))
            w = MainWindow(tmp / "p.db", settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
            w.resize(1400, 900)
            w.show()
            w.open_document("doc")
            w.session.ensure_loaded()
            settle(app, w)
            b = Bench(app, w, args.n)
            b.run()
            base_paint = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                w.view.viewport().repaint()
                base_paint.append((time.perf_counter() - t0) * 1000)
            w.close()
            w.deleteLater()
            settle(app)
            row = {k: med_max(v) for k, v in b.times.items()}
            cpu = {k: statistics.median(v) if v else float("nan") for k, v in b.cpu.items()}
            row["baseline: QPlainTextEdit keystroke"] = med_max(base_key)
            row["baseline: store write alone"] = med_max(base_store)
            row["baseline: full repaint of the view"] = med_max(base_paint)
            results[(density, size)] = row
            cpus[(density, size)] = cpu
            print(f"\n{density} density, {size:g} MB: {n_spans:,} spans, {len(adoc.events):,} events")
            for k, (m, mx) in row.items():
                base = row["baseline: QPlainTextEdit keystroke"][0]
                verdict = "" if k.startswith("baseline") else ("OK" if m <= TARGET_MS else "MISS")
                ratio = "" if k.startswith("baseline") else f"x{m / base:5.2f} of keystroke"
                c = f"cpu {cpu[k]:6.2f} ms" if k in cpu else " " * 13
                print(f"  {k:<36} median {m:7.2f} ms  {c}  slowest {mx:7.2f} ms  {ratio:<18} {verdict}")
    print("\nscaling (median at 4 MB / median at 0.25 MB; target <= 1.3; the same ratio of CPU medians beside it):")
    for density in args.densities.split(","):
        lo, hi = results.get((density, 0.25)), results.get((density, 4.0))
        if lo and hi:
            for k in KINDS:
                r = hi[k][0] / lo[k][0]
                rc = cpus[(density, 4.0)][k] / cpus[(density, 0.25)][k]
                print(f"  {density:<5} {k:<14} {r:5.2f}  {'OK' if r <= 1.3 else 'MISS':<4}  (cpu {rc:5.2f})")


if __name__ == "__main__":
    main()
