"""The whole window on a long document: store write + session + view, against a bare QPlainTextEdit.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py

The fixture is one document of 1 MB of news text with 10,000 entity spans
(many overlapping) and 2,000 events with arguments, imported into a real
project file.  Figures (each beside a baseline measured in this run):

- open: ``MainWindow.open_document`` plus a forced ``viewport().repaint()`` (not
  a paint from the event loop: a component figure), against a fresh
  QPlainTextEdit's setPlainText plus a forced repaint; "completely loaded" adds
  ``Session.ensure_loaded()``, which waits for the loader's worker and takes the
  remaining slices at once (the window does that over many event-loop turns).
  What the user feels on opening (first real paint, fully loaded, the longest
  stall, peak RSS in a fresh process) is measured by ``benchmarks/bench_open.py``;
- add one span: from the tagging command (the hotkey path: store write in one
  transaction, undo command, session refresh, view update) to the repainted
  frame; median at 1,000 and at 10,000 spans (target <= 16 ms, not growing);
- undo/redo of a relabel at 10,000 spans (store write, session refresh, view
  and annotation list update), and the annotation list's own share of one
  change (``AnnotationTableModel.apply``), each a median (target <= 16 ms and
  <= 5 ms): the timing that used to sit in tests/test_docks.py;
- scroll: one page through the densest region, per frame (target <= 16 ms);
- peak RSS with the fixture open, in this process, which also built the
  fixture: an upper bound; the fresh-process figure is bench_open.py's.
"""
from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.model import AnnotatedDocument, Argument  # noqa: E402
from annotator.qt.mainwindow import MainWindow  # noqa: E402
from annotator.schema import Schema  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.text import tokens  # noqa: E402
from fixture import make_fixture  # noqa: E402

EVENT_MAP = {"Attack": "Conflict.Attack", "Die": "Life.Die", "Injure": "Life.Injure",
             "Transport": "Movement.Transport", "Meet": "Contact.Meet",
             "Arrest-Jail": "Justice.Arrest-Jail", "Elect": "Personnel.Elect"}


def news_fixture(n_entities: int, n_events: int, schema: Schema, doc_id: str) -> AnnotatedDocument:
    """The view fixture with ACE event types and only the roles the schema allows."""
    adoc = make_fixture(n_entities=n_entities, n_events=n_events)
    adoc.document.id = adoc.document.name = doc_id
    labels = adoc.span_by_id()
    for ev in adoc.events:
        ev.type = EVENT_MAP.get(ev.type, ev.type)
        labels[ev.trigger].label = ev.type
        et = schema.event_types[ev.type]
        used: dict[str, int] = {}
        args = []
        for a in ev.arguments:
            for role in schema.allowed_roles(ev.type, labels[a.ref].label):
                mx = et.roles[role].max
                if mx is None or used.get(role, 0) < mx:
                    used[role] = used.get(role, 0) + 1
                    args.append(Argument(role, a.ref))
                    break
        ev.arguments = args
    return adoc


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def report(name: str, value: float, base: float | None, target: str, ok: bool) -> None:
    b = f"baseline {base:8.1f} ms   ratio {value / base:5.2f}" if base else " " * 33
    print(f"{name:<34} {value:8.1f} ms   {b}   target {target:<22} {'OK' if ok else 'MISS'}")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench-gui-"))
    schema = Schema.default()
    big = news_fixture(10_000, 2_000, schema, "big")
    small = news_fixture(1_000, 200, schema, "small")
    with Project.open(tmp / "p.db") as p:
        p.import_documents([big, small])
    n_spans = len(big.spans)
    print(f"fixture: {len(big.document.text.encode()):,} bytes, {n_spans:,} spans "
          f"({sum(1 for s in big.spans if s.kind == 'entity'):,} entities), {len(big.events):,} events, "
          f"{sum(len(e.arguments) for e in big.events):,} arguments")

    # baseline: a bare QPlainTextEdit, fresh each time
    def base_open() -> float:
        e = QPlainTextEdit()
        e.resize(1000, 800)
        e.show()
        app.processEvents()
        t0 = time.perf_counter()
        e.setPlainText(big.document.text)
        e.viewport().repaint()
        dt = ms(t0)
        e.close()
        e.deleteLater()
        app.processEvents()
        return dt

    base = min(base_open() for _ in range(3))

    settings = QSettings(str(tmp / "s.ini"), QSettings.IniFormat)
    w = MainWindow(tmp / "p.db", settings=settings)
    w.resize(1400, 900)
    w.show()
    app.processEvents()

    def real_open(doc_id: str) -> float:
        w.open_document("small" if doc_id == "big" else "big")
        app.processEvents()
        t0 = time.perf_counter()
        w.open_document(doc_id)
        w.view.viewport().repaint()
        return ms(t0)

    t_open = min(real_open("big") for _ in range(3))
    report("open, forced repaint", t_open, base, "<= 2x and < 500 ms", t_open <= 2 * base and t_open < 500)

    def full_open() -> float:
        w.open_document("small")
        app.processEvents()
        t0 = time.perf_counter()
        w.open_document("big")
        w.view.viewport().repaint()
        w.session.ensure_loaded()  # the rest: every span, the annotation list
        w.view.viewport().repaint()
        return ms(t0)

    t_full = min(full_open() for _ in range(3))
    report("open + ensure_loaded, forced", t_full, base, "(information)", True)

    def add_median(doc_id: str) -> float:
        w.open_document(doc_id)
        text = w.session.current.text
        toks = tokens(text)
        rng = random.Random(5)
        times = []
        for _ in range(50):
            i = rng.randrange(len(toks) // 3, len(toks) // 3 + 2000)
            s, e = toks[i]
            if not text[s:e].isalnum():
                continue
            w.view.select_span(None, scroll=False)
            w.view.set_selection(s, e)
            app.processEvents()
            t0 = time.perf_counter()
            w.tagger.apply_label("PER")  # the hotkey's path
            w.view.viewport().repaint()
            times.append(ms(t0))
        return statistics.median(times)

    a1 = add_median("small")
    a10 = add_median("big")
    report("add span, median at 1,000 spans", a1, None, "<= 16 ms", a1 <= 16)
    report("add span, median at 10,000 spans", a10, a1, "<= 16 ms, not growing", a10 <= 16 and a10 <= 2 * a1 + 2)

    # adding one argument: Victim (any number) to Life.Die events, fillers nearby
    w.open_document("big")
    w.session.ensure_loaded()
    cur = w.session.current
    pers = sorted((sp.start, sp.id) for sp in cur.spans.values() if sp.label == "PER")
    times = []
    for ev in list(cur.events.values()):
        if ev.type != "Life.Die" or len(times) >= 50:
            continue
        trig = cur.spans[ev.trigger]
        near = [sid for st, sid in pers if abs(st - trig.start) < 3000 and sid not in {a.ref for a in ev.arguments}]
        if not near:
            continue
        w.view.select_span(ev.trigger, scroll=True)
        app.processEvents()
        t0 = time.perf_counter()
        ok = w.session.add_argument(ev.id, "Victim", near[0])
        w.view.viewport().repaint()
        if ok:
            times.append(ms(t0))
    arg_med = statistics.median(times)
    report(f"add argument, median of {len(times)}", arg_med, None, "<= 16 ms", arg_med <= 16)

    # undo/redo of a relabel, and the annotation list's share of one change
    from annotator.qt.session import Change

    w.open_document("big")
    w.session.ensure_loaded()
    ents = sorted(sid for sid, sp in w.session.current.spans.items() if sp.kind == "entity")
    target = ents[len(ents) // 2]
    w.session.set_label(target, "ORG" if w.session.current.spans[target].label != "ORG" else "PER")
    app.processEvents()
    flips = []
    for k in range(40):
        t0 = time.perf_counter()
        (w.session.undo_stack.undo if k % 2 == 0 else w.session.undo_stack.redo)()
        w.view.viewport().repaint()
        flips.append(ms(t0))
    med = statistics.median(flips)
    report("relabel undo/redo, median", med, None, "<= 16 ms", med <= 16)
    model = w.panels.ann_list.model
    applies = []
    for k in range(50):
        t0 = time.perf_counter()
        model.apply(Change("big", {target, ents[k]}))
        applies.append(ms(t0))
    med = statistics.median(applies)
    report("annotation list apply, median", med, None, "<= 5 ms", med <= 5)

    # scrolling a page at a time through the densest region
    w.open_document("big")
    text = w.session.current.text
    starts = sorted(s.start for s in w.session.current.spans.values())
    window_chars = 5000
    best_i, best_n = 0, 0
    j = 0
    for i, s0 in enumerate(starts):
        while starts[j] < s0 - window_chars:
            j += 1
        if i - j > best_n:
            best_n, best_i = i - j, i
    w.view.set_selection(starts[best_i] - window_chars, starts[best_i] - window_chars + 1)
    w.view.clear_selection()
    app.processEvents()
    sb = w.view.verticalScrollBar()
    frames = []
    for _ in range(20):
        app.processEvents()
        t0 = time.perf_counter()
        sb.setValue(sb.value() + sb.pageStep())
        w.view.viewport().repaint()
        frames.append(ms(t0))
    med, mx = statistics.median(frames), max(frames)
    report("scroll a page with arcs, median", med, None, "<= 16 ms", med <= 16)
    report("scroll a page with arcs, slowest", mx, None, "<= 16 ms", mx <= 16)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS, fixture built here too':<34} {rss:8.1f} MB   (text {len(text.encode()) / 1e6:.1f} MB; "
          "fresh-process figure: bench_open.py)")
    w.close()
    del text


if __name__ == "__main__":
    main()
