"""While a document loads in slices, the annotation list repaints a few times a second, not at every slice.

PaintThrottle is driven by hand here (its interval's end is its timer's timeout,
emitted by the test), so nothing depends on the machine's speed.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from annotator.qt.paint_throttle import PaintThrottle
from test_progressive_open import load_fully, long_window, untagged_word  # noqa: F401  (a fixture)


class Paints(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.n = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, ev):  # noqa: ANN001, N802
        if ev.type() == QEvent.Type.Paint:
            self.n += 1
        return False


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def test_a_burst_paints_its_first_change_then_once_per_interval(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    w.resize(200, 100)
    w.show()
    qtbot.waitExposed(w)
    settle()
    paints = Paints(w)
    throttle = PaintThrottle(w, interval_ms=60_000)  # the interval ends only when the test says so
    throttle.changed()  # the first change of a burst paints as usual
    w.update()
    settle()
    assert paints.n == 1 and not throttle.holding
    for _ in range(3):  # more within the interval: held
        throttle.changed()
        w.update()
        settle()
    assert paints.n == 1 and throttle.holding
    throttle._timer.timeout.emit()  # the interval ends: what was held is painted, the next interval holds again
    settle()
    assert paints.n == 2 and not throttle.holding
    throttle.changed()
    w.update()
    settle()
    assert paints.n == 2 and throttle.holding
    throttle.release()  # the burst is over
    settle()
    assert paints.n == 3 and not throttle.holding
    throttle._timer.timeout.emit()  # nothing was held: nothing more
    settle()
    assert paints.n == 3 and not throttle.holding


def test_the_list_is_held_during_a_sliced_load_and_shown_at_its_end(long_window):
    w, adoc, _where, _path = long_window
    table = w.panels.ann_list.view
    held = []
    w.session.document_progress.connect(lambda _sl: held.append(not table.updatesEnabled()))
    load_fully(w)
    assert any(held), "the list was never held during the load"
    assert table.updatesEnabled(), "the list must be painted once the document is loaded"
    assert w.panels.ann_list.model.rowCount() == sum(1 for s in adoc.spans if s.kind == "entity") + len(adoc.events)


def test_an_edit_during_the_load_shows_in_the_list_at_once(long_window):
    w, _adoc, where, _path = long_window
    table = w.panels.ann_list.view
    app = QApplication.instance()
    for _ in range(2000):  # into the load, until the list is being held
        app.processEvents()
        if not table.updatesEnabled() or not w.session.current.partial:
            break
    assert w.session.current.partial and not table.updatesEnabled(), "the load ended before the list was held"
    a, b = untagged_word(w.session.current.text, "w4", where)
    assert w.session.add_annotation(a, b, "PER")
    assert table.updatesEnabled()


def test_arcs_of_the_paragraphs_on_screen_follow_the_slices(long_window):
    """Each slice's links lay out again only the cached paragraphs their ends fall in: once loaded,
    every cached paragraph has the arcs a fresh layout gives it (and some have arcs)."""
    w, _adoc, _where, _path = long_window
    view = w.view
    load_fully(w)
    cache = view.stack.cache
    assert cache
    with_arcs = 0
    for p in list(cache):
        kept = sorted((seg.link.id, seg.kind) for seg in cache[p].arcs)
        del cache[p]
        fresh = sorted((seg.link.id, seg.kind) for seg in view.stack.layout(p).arcs)
        assert kept == fresh, f"paragraph {p}: arcs laid out before the slice that brought them"
        with_arcs += bool(fresh)
    assert with_arcs
