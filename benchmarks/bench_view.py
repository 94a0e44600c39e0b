"""Benchmark of the annotation view on the 1 MB fixture (run: python benchmarks/bench_view.py).

Prints each figure with its ratio to a baseline measured in the same run: a bare
QPlainTextEdit showing the same text without annotations.  Offscreen; not a test.

These are figures of the view widget alone, each ended by a forced
``viewport().repaint()``: ``open_ms`` is ``set_document`` with every span given
at once plus that repaint, with no store, no window and no event loop.  What a
user waits for when opening a document (launch to the first real paint, to
fully loaded, the longest stall while loading, peak RSS in a fresh process) is
measured by ``benchmarks/bench_open.py``.  ``peak_rss_mb`` here includes
building the fixture in this same process.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.model import Span  # noqa: E402
from annotator.qt.arcs import Link  # noqa: E402
from annotator.qt.textview import AnnotationView  # noqa: E402
from benchmarks.fixture import ENTITY_LABELS, EVENT_TYPES, make_fixture  # noqa: E402

SIZE = (1000, 800)
COLORS = {lab: col for lab, col in zip(ENTITY_LABELS + EVENT_TYPES, [
    "#7fa2ff", "#a0e0a0", "#ffccaa", "#e0c0ff", "#ffe08a", "#c0f0f0", "#f0c0d0",
    "#ffb0b0", "#d0d0d0", "#ffd0a0", "#b0d0ff", "#e0ffb0", "#f0e0c0", "#c8c8ff"])}


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def line(name: str, value: float, base: float | None, target: str, ok: bool) -> None:
    b = f"baseline {base:8.1f}  ratio {value / base:5.2f}" if base else f"{'':32}"
    print(f"{name:<24}{value:9.1f}  {b}  target {target:<26} {'OK' if ok else 'MISS'}")


def best_of(n: int, fn) -> float:  # noqa: ANN001
    return min(fn() for _ in range(n))


def main() -> None:
    app = QApplication.instance() or QApplication([])
    fx = make_fixture()
    text = fx.document.text
    spans = fx.spans

    # ---- baseline: bare QPlainTextEdit
    def base_open() -> float:
        e = QPlainTextEdit()
        e.setReadOnly(True)
        e.resize(*SIZE)
        e.show()
        app.processEvents()
        t0 = time.perf_counter()
        e.setPlainText(text)
        e.viewport().repaint()
        r = ms(t0)
        e.close()
        e.deleteLater()
        app.processEvents()
        return r

    base_open_ms = best_of(3, base_open)
    pe = QPlainTextEdit()
    pe.setReadOnly(True)
    pe.resize(*SIZE)
    pe.setPlainText(text)
    pe.show()
    app.processEvents()
    base_frames = []
    sb = pe.verticalScrollBar()
    sb.setValue(sb.maximum() // 2)
    pe.viewport().repaint()
    for _ in range(40):
        app.processEvents()
        t0 = time.perf_counter()
        sb.setValue(sb.value() + sb.pageStep())
        pe.viewport().repaint()
        base_frames.append(ms(t0))
    base_scroll = statistics.median(base_frames)
    pe.close()

    # ---- open
    view = AnnotationView()
    view.resize(*SIZE)
    view.show()
    app.processEvents()

    def view_open() -> float:
        v = AnnotationView()  # a fresh widget, as for the baseline
        v.resize(*SIZE)
        v.show()
        app.processEvents()
        t0 = time.perf_counter()
        v.set_document(text, spans, COLORS)
        v.viewport().repaint()
        r = ms(t0)
        v.close()
        v.deleteLater()
        app.processEvents()
        return r

    open_ms = best_of(3, view_open)
    line("open_ms", open_ms, base_open_ms, "<=2x and <500ms", open_ms <= 2 * base_open_ms and open_ms < 500)

    # ---- add one span at 1,000 and 10,000 existing spans
    def add_median(existing: list[Span]) -> float:
        view.set_document(text, existing, COLORS)
        omap_text = text
        # aim at the visible region: the start of the document
        start = 0
        times = []
        words = [i for i in range(1, 6000) if omap_text[i - 1] == " " and omap_text[i].isalpha()]
        for k in range(50):
            a = words[k * 7 % len(words)]
            b = omap_text.find(" ", a)
            sp = Span(f"B{k}", ENTITY_LABELS[k % len(ENTITY_LABELS)], a, b)
            t0 = time.perf_counter()
            view.add_span(sp)
            view.viewport().repaint()
            times.append(ms(t0))
            app.processEvents()
        del start
        return statistics.median(times)

    # The spans are sorted by start, so the screen being edited (the top of the
    # document) holds the same spans in both runs: the figures isolate the cost of
    # the other 9,000 spans, which must be nil.
    entities = [s for s in spans if s.kind == "entity"]
    add_1k = add_median(entities[:1000])
    add_10k = add_median(entities[:10000])
    line("add_span_ms@1k", add_1k, None, "<=16ms", add_1k <= 16)
    line("add_span_ms@10k", add_10k, add_1k, "<=16ms, not growing", add_10k <= 16 and add_10k <= 2 * add_1k + 1)

    # ---- scroll one page at a time through the densest region
    view.set_document(text, spans, COLORS)
    view.viewport().repaint()
    dens: dict[int, int] = {}
    chunk = 20_000
    for s in spans:
        dens[s.start // chunk] = dens.get(s.start // chunk, 0) + 1
    densest = max(dens, key=dens.get)
    view.set_selection(densest * chunk, densest * chunk)  # jump there
    view.clear_selection()
    view.viewport().repaint()
    vsb = view.verticalScrollBar()
    frames = []
    for _ in range(40):
        app.processEvents()  # the idle time between two frames (the view prefetches here)
        t0 = time.perf_counter()
        vsb.setValue(vsb.value() + vsb.pageStep())
        view.viewport().repaint()
        frames.append(ms(t0))
    med, mx = statistics.median(frames), max(frames)
    line("scroll_page_ms_median", med, base_scroll, "<=16ms", med <= 16)
    line("scroll_page_ms_max", mx, max(base_frames), "<=16ms", mx <= 16)
    print(f"{'':24}(densest region: {dens[densest]} spans in {chunk} chars around offset {densest * chunk})")

    # ---- jump to the middle (scroll bar drag)
    t0 = time.perf_counter()
    vsb.setValue(vsb.maximum() // 2)
    view.viewport().repaint()
    line("jump_middle_ms", ms(t0), None, "<=16ms (info)", ms(t0) <= 16)

    # ---- arcs: event arguments as links
    ev_color = "#8a3ab9"
    links = [Link(f"{e.id}:{i}", e.trigger, a.ref, a.role, ev_color, owner=e.id)
             for e in fx.events for i, a in enumerate(e.arguments)]

    def view_open_links() -> float:
        v = AnnotationView()
        v.resize(*SIZE)
        v.show()
        app.processEvents()
        t0 = time.perf_counter()
        v.set_document(text, spans, COLORS)
        v.set_links(links)
        v.viewport().repaint()
        r = ms(t0)
        v.close()
        v.deleteLater()
        app.processEvents()
        return r

    open_l = best_of(3, view_open_links)
    line("open_links_ms", open_l, base_open_ms, "<=2x and <500ms", open_l <= 2 * base_open_ms and open_l < 500)

    view.set_document(text, spans, COLORS)
    view.set_links(links)
    view.viewport().repaint()
    ldens: dict[int, int] = {}
    by_id = {s.id: s for s in spans}
    for lk in links:
        c = by_id[lk.source].start // chunk
        ldens[c] = ldens.get(c, 0) + 1
    ldense = max(ldens, key=ldens.get)
    view.set_selection(ldense * chunk, ldense * chunk)
    view.clear_selection()
    view.viewport().repaint()
    frames = []
    drawn = []
    for _ in range(40):
        app.processEvents()
        t0 = time.perf_counter()
        vsb.setValue(vsb.value() + vsb.pageStep())
        view.viewport().repaint()
        frames.append(ms(t0))
        drawn.append(sum(1 for _ in view.arcs.drawn_arcs(view.arcs.frame())))  # noqa: SLF001
    med, mx = statistics.median(frames), max(frames)
    line("scroll_arcs_ms_median", med, base_scroll, "<=16ms", med <= 16)
    line("scroll_arcs_ms_max", mx, max(base_frames), "<=16ms", mx <= 16)
    print(f"{'':24}(densest: {ldens[ldense]} links from {chunk} chars around offset {ldense * chunk}; "
          f"{statistics.median(drawn):.0f} arc pieces on screen per frame)")

    # add one link between two spans on screen (an argument of the first visible trigger)
    view.set_selection(ldense * chunk, ldense * chunk)
    view.clear_selection()
    view.viewport().repaint()
    app.processEvents()
    on_screen = [lk for lk in links if view.link_label_rect(lk.id) is not None and lk.kind == "argument"]
    times = []
    for k in range(50):
        base_link = on_screen[k % len(on_screen)]
        lk = Link(f"N{k}", base_link.source, base_link.target, "Extra", "#3366cc", owner=base_link.owner)
        t0 = time.perf_counter()
        view.add_link(lk)
        view.viewport().repaint()
        times.append(ms(t0))
        app.processEvents()
    add_l = statistics.median(times)
    line("add_link_ms", add_l, None, "<=16ms", add_l <= 16)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak_rss_mb':<24}{rss:9.1f}  (fixture: {len(text.encode())} bytes, {len(spans)} spans, {len(fx.events)} events)")
    view.close()


if __name__ == "__main__":
    main()
