"""Layout and paint cost per text line of the annotation view at brat's density, beside bare text.

Fixture: ``make_brat_density`` (per sentence 5 entities and 1 event with 2 arguments), 250 KB, in an
offscreen 900x1400 AnnotationView.  Figures, CPU time per text line:

* ``layout``: paragraphs 0..299 laid out from scratch (QTextLayout, span boxes, label floors with
  fitted labels and brackets, arcs), median of 7 runs.
* ``paint``: the viewport repainted with every layout cached, at 30 places; the best of 5 paints at
  each place, then the median over the places.

Baseline, same run: the same paragraphs as bare QTextLayouts (no spans) laid out, and drawn into an
image of the viewport's size.  Left out: the screen, the store, the window around the view.
Target: no slower per line than before the steady-layout change (measured 2026-12-02 on the shared
2-core machine, load ~5: layout 0.12-0.13 ms, paint 0.29-0.31 ms).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QImage, QPainter, QTextLayout  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from fixture import make_brat_density

    from annotator.qt.arcs import Link
    from annotator.qt.textview import AnnotationView

    adoc = make_brat_density(250_000)
    links = [Link(f"{e.id}:{i}", e.trigger, a.ref, a.role, "#c0392b", owner=e.id)
             for e in adoc.events for i, a in enumerate(e.arguments)]
    v = AnnotationView()
    v.resize(900, 1400)
    v.set_document(adoc.document.text, list(adoc.spans), {})
    v.set_links(links)
    v.show()
    app.processEvents()
    st = v.stack
    width = float(v.viewport().width()) - 16
    lay, bare_lay = [], []
    for _ in range(7):
        st.cache.clear()
        t = time.process_time()
        lines = sum(st.layout(p).layout.lineCount() for p in range(300))
        lay.append((time.process_time() - t) * 1000 / lines)
        t = time.process_time()
        bare = []
        for p in range(300):
            tl = QTextLayout(st.paras[p], v.vstyle.font)
            tl.beginLayout()
            while (ln := tl.createLine()).isValid():
                ln.setLineWidth(width)
            tl.endLayout()
            bare.append(tl)
        n = sum(tl.lineCount() for tl in bare)
        bare_lay.append((time.process_time() - t) * 1000 / n)
    paint, bare_paint = [], []
    img = QImage(v.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    for k in range(30):
        st.anchor, st.anchor_off = 10 * k + 5, 0.0
        v.viewport().repaint()
        best = min(_timed(v.viewport().repaint) for _ in range(5))
        a, b = v._painted  # noqa: SLF001 - which paragraphs the paint walked
        nl = sum(st.layout(p).layout.lineCount() for p in range(a, b))
        paint.append(best / nl)
        def bare_draw() -> None:
            painter = QPainter(img)
            y = 0.0
            for p in range(a, b):
                tl = st.layout(p).layout
                tl.draw(painter, QPointF(8, y))
                y += st.layout(p).height
            painter.end()
        bare_paint.append(min(_timed(bare_draw) for _ in range(5)) / nl)
    ml, mb = statistics.median(lay), statistics.median(bare_lay)
    pl, pb = statistics.median(paint), statistics.median(bare_paint)
    print(f"uptime: {os.getloadavg()[0]:.2f} load (1 min)")
    print(f"layout per line: {ml:.3f} ms   bare QTextLayout {mb:.3f} ms   ratio {ml / mb:.1f}x   target <= 0.13 ms")
    print(f"paint per line:  {pl:.3f} ms   bare text draw  {pb:.3f} ms   ratio {pl / pb:.1f}x   target <= 0.31 ms")


def _timed(fn) -> float:  # noqa: ANN001
    t = time.process_time()
    fn()
    return (time.process_time() - t) * 1000


if __name__ == "__main__":
    main()
