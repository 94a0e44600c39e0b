"""A steady layout in the real window: text under the pointer stays put, labels never cover words, nesting shows.

Every geometry that the assertions compare against comes from Qt's own text
layout (``QTextLine.cursorToX`` / ``y`` / ``height`` of the layout the view
paints) and from screenshots, never from the view's span boxes or tag map, so
a wrong layout map cannot agree with itself.
"""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QCursor, QImage
from PySide6.QtWidgets import QApplication

from annotator.qt.mainwindow import MainWindow
from annotator.qt.span_layout import MARGIN
from conftest import drag
from test_mainwindow import make_project, show_window, stored
from view_seed import annotate_seed, find


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = show_window(qtbot, MainWindow(make_project(tmp_path / "seed.db"), settings=settings))
    yield w
    w.close()
    QCursor.setPos(QPoint(0, 0))  # the pointer these tests rest on the text does not stay for later tests


# ---------------------------------------------------------------- geometry from Qt's own layout
def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)


def _line_of(view, cp: int):  # noqa: ANN001, ANN202
    """(paragraph, its viewport top, QTextLine, para-local position) of code point ``cp``."""
    v = view.offset_map().to_view(cp)
    stack = view.stack
    p = stack.para_of(v)
    lay = stack.layout(p).layout
    local = v - stack.pstart[p]
    return p, stack.para_y(p), lay.lineForTextPosition(local), local


def glyph_rect(view, cp: int) -> QRectF:  # noqa: ANN001
    """Viewport rectangle of the glyph of code point ``cp`` as Qt lays it out."""
    _, top, line, local = _line_of(view, cp)
    x1, x2 = _x(line, local), _x(line, local + 1)
    return QRectF(MARGIN + min(x1, x2), top + line.y(), abs(x2 - x1), line.height())


def glyph_y(view, cp: int) -> float:  # noqa: ANN001
    return glyph_rect(view, cp).y()


def word_column(view, a: int, b: int) -> QRectF:  # noqa: ANN001
    """The glyphs of word ``[a, b)`` and the band above them up to the line before (viewport)."""
    p, top, line, local = _line_of(view, a)
    lay = view.stack.layout(p).layout
    i = line.lineNumber()
    above = lay.lineAt(i - 1).y() + lay.lineAt(i - 1).height() if i > 0 else 0.0
    x1, x2 = _x(line, local), _x(line, local + (b - a))
    return QRectF(MARGIN + min(x1, x2), top + above, abs(x2 - x1), line.y() + line.height() - above)


def visible_line_ys(view) -> dict[int, float]:  # noqa: ANN001
    """Viewport y of the first character of every text line wholly on screen, by code point."""
    text = view.document_text()
    out: dict[int, float] = {}
    h = view.viewport().height()
    for m in re.finditer(r"\S+", text):
        r = glyph_rect(view, m.start())
        if 0 <= r.y() and r.bottom() <= h and round(r.y()) not in {round(y) for y in out.values()}:
            out[m.start()] = r.y()
    return out


def point_on(view, cp: int) -> QPoint:  # noqa: ANN001
    return glyph_rect(view, cp).center().toPoint()


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


# ---------------------------------------------------------------- the text stays put
def test_text_under_the_pointer_stays_put_after_an_add_and_a_delete(qtbot, window):
    w, view = window, window.view
    annotate_seed(w.session, events=False)
    text = w.session.current.text
    fired, mortar = find(text, "fired", 0), find(text, "a mortar", 0)
    view.set_selection(*fired)  # scrolls the mortar paragraph into view
    view.clear_selection()
    settle()
    # a person drags over "fired", rests the pointer there and presses the Conflict.Attack hotkey
    p0, p1 = point_on(view, fired[0]), point_on(view, fired[1] - 1)
    drag(qtbot, view.viewport(), p0, p1)
    QCursor.setPos(view.viewport().mapToGlobal(p1))
    y_fired, y_mortar = glyph_y(view, fired[0]), glyph_y(view, mortar[0])
    qtbot.keyClick(view, Qt.Key_A, Qt.ShiftModifier)
    settle()
    (ev,) = stored(w).events
    assert ev.type == "Conflict.Attack"
    assert glyph_y(view, fired[0]) == pytest.approx(y_fired, abs=0.5)
    assert glyph_y(view, mortar[0]) == pytest.approx(y_mortar, abs=0.5)
    # then drags from the trigger's label to "a mortar" and takes Instrument: the pointer rests on "a mortar"
    trigger = w.session.current.events[ev.id].trigger
    start = view.label_rect(trigger)
    assert start is not None
    end = point_on(view, mortar[0] + 3)
    QCursor.setPos(view.viewport().mapToGlobal(end))
    y_mortar = glyph_y(view, mortar[0])
    drag(qtbot, view.viewport(), start.center(), end)
    menu = w.linker.last_menu
    if menu is not None and menu.isVisible():
        (action,) = [a for a in menu.actions() if a.data() == "Instrument"]
        action.trigger()
        menu.close()
    settle()
    w.activateWindow()  # the closed menu hands activation back (offscreen does not by itself)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    assert [a.role for a in stored(w).events[0].arguments] == ["Instrument"]
    assert glyph_y(view, mortar[0]) == pytest.approx(y_mortar, abs=0.5)
    # a click on "a mortar" and Delete: the entity and its argument go, and nothing on screen moves
    before = visible_line_ys(view)
    assert len(before) >= 8
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=end)
    assert view.selected_span() is not None
    assert view.spans()[view.selected_span()].label == "WEA"
    qtbot.keyClick(view, Qt.Key_Delete)
    settle()
    assert not stored(w).events[0].arguments
    assert {cp: glyph_y(view, cp) for cp in before} == pytest.approx(before, abs=0.5)
    # undo brings both back, and still nothing moves
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    settle()
    assert [a.role for a in stored(w).events[0].arguments] == ["Instrument"]
    assert {cp: glyph_y(view, cp) for cp in before} == pytest.approx(before, abs=0.5)


# ---------------------------------------------------------------- labels never cover words
def _tag_rects(view) -> dict[str, QRectF]:  # noqa: ANN001
    """Every label on screen as the view reports it (viewport), by span id."""
    out = {}
    for sid in view.spans():
        r = view.label_rect(sid)
        if r is not None and r.top() >= 0 and r.bottom() < view.viewport().height():
            out[sid] = QRectF(r)
    return out


@pytest.mark.parametrize("size", [(1400, 900), (1000, 700)])
def test_no_label_covers_another_word_and_no_two_labels_overlap(qtbot, window, size):
    w, view = window, window.view
    w.resize(*size)
    annotate_seed(w.session)
    settle()
    text = w.session.current.text
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    spans = view.spans()
    checked: set[str] = set()
    sb = view.verticalScrollBar()
    for value in range(0, sb.maximum() + sb.pageStep(), max(sb.pageStep() // 2, 1)):
        sb.setValue(min(value, sb.maximum()))
        settle()
        tags = _tag_rects(view)
        for sid, r in tags.items():
            sp = spans[sid]
            inner = r.adjusted(0.5, 0.5, -0.5, -0.5)
            for a, b in words:
                if b <= sp.start or a >= sp.end:  # another word
                    col = word_column(view, a, b)
                    assert not inner.intersects(col), (sp.label, text[sp.start:sp.end], text[a:b], r, col)
            checked.add(sid)
        rects = list(tags.items()) + [(lid, QRectF(view.link_label_rect(lid))) for lid in view.links()
                                      if view.link_label_rect(lid) is not None]
        for i, (s1, r1) in enumerate(rects):
            for s2, r2 in rects[i + 1:]:
                assert not r1.adjusted(0.5, 0.5, -0.5, -0.5).intersects(r2), (s1, s2, r1, r2)
    assert checked == set(spans)


# ---------------------------------------------------------------- nesting shows its extent
def _strong(color: str) -> QColor:
    return QColor(color).darker(150)


def _close(img: QImage, x: int, y: int, c: QColor, tol: int = 40) -> bool:
    q = QColor.fromRgb(img.pixel(x, y))
    return abs(q.red() - c.red()) <= tol and abs(q.green() - c.green()) <= tol and abs(q.blue() - c.blue()) <= tol


@pytest.mark.parametrize("outer,inner,nth", [
    ("Militants from the Islamic State terror group", "Islamic State", 1),
    ("A fighter from the Iraqi Imam Ali Brigade", "Imam Ali Brigade", 0),
])
def test_nested_span_shows_a_bracket_over_its_whole_extent_labelled_once(qtbot, window, outer, inner, nth):
    w, view = window, window.view
    ids = annotate_seed(w.session)
    settle()
    text = w.session.current.text
    (a, b), (ia, ib) = find(text, outer, 0), find(text, inner, nth)
    assert a <= ia < ib <= b and (ia, ib) != (a, b)
    sid, inner_sid = ids[(outer, 0)], ids[(inner, nth)]
    view.set_selection(a, b)
    view.clear_selection()
    settle()
    img = view.viewport().grab().toImage()
    first, last = glyph_rect(view, a), glyph_rect(view, b - 1)
    assert first.y() == last.y()  # the phrase is on one line here
    inner_tag = view.label_rect(inner_sid)
    outer_tag = view.label_rect(sid)
    assert inner_tag is not None and outer_tag is not None
    strong = _strong(w.session.project.schema.color("PER"))
    xs = range(int(first.left()) + 1, int(last.right()))
    band_top = int(first.top()) - 120
    rows = [y for y in range(max(band_top, 0), inner_tag.top() - 1)
            if sum(_close(img, x, y, strong) for x in xs) >= 0.95 * len(xs)]
    # a line in the outer span's colour runs from its first to its last character, above the inner label
    assert rows, "no bracket over the whole extent above the inner label"
    # and it is labelled once, above that line
    assert outer_tag.bottom() <= max(rows) + 1
    assert sum(1 for p in range(len(view.stack.paras)) for t in view.stack.layout(p).tags if t.sid == sid) == 1
    # the ends of the bracket come down towards the text at the first and the last character
    for x in (int(first.left()) + 1, int(last.right()) - 1):
        assert any(_close(img, xx, y, strong) for xx in (x - 1, x, x + 1)
                   for y in range(inner_tag.bottom() + 1, int(first.top()))), x


def test_a_nested_tag_that_lifts_its_outer_span_keeps_the_line_under_the_pointer(qtbot, window):
    """The outer span moves up a floor (its band grows) with the view near the top: the tagged line stays."""
    w, view = window, window.view
    text = w.session.current.text
    outer, inner = find(text, "Militants from the Islamic State terror group", 0), find(text, "Islamic State", 1)
    assert w.session.add_annotation(*outer, "PER")
    view.verticalScrollBar().setValue(20)  # paragraph 0 at the top, partly scrolled off
    settle()
    p0, p1 = point_on(view, inner[0]), point_on(view, inner[1] - 1)
    drag(qtbot, view.viewport(), p0, p1)
    QCursor.setPos(view.viewport().mapToGlobal(p1))
    y_inner, y_next = glyph_y(view, inner[0]), glyph_y(view, find(text, "two separate attacks", 0)[0])
    qtbot.keyClick(view, Qt.Key_O)
    settle()
    assert sorted(s.label for s in stored(w).spans) == ["ORG", "PER"]
    assert glyph_y(view, inner[0]) == pytest.approx(y_inner, abs=0.5)
    assert glyph_y(view, find(text, "two separate attacks", 0)[0]) == pytest.approx(y_next, abs=0.5)


def test_the_room_a_delete_leaves_is_given_back_when_the_document_is_opened_again(qtbot, window):
    w, view = window, window.view
    text = w.session.current.text
    ids = annotate_seed(w.session)
    mortar, above = find(text, "a mortar", 0), find(text, "Prime Minister", 0)

    def band() -> float:  # from the line above to the line with the arcs, as Qt lays them out
        view.set_selection(*mortar)
        view.clear_selection()
        settle()
        return glyph_y(view, mortar[0]) - glyph_y(view, above[0])

    with_arcs = band()
    for phrase in ("fired", "killing"):  # both events go, and their arcs above that line
        assert w.session.remove_annotation(ids[(phrase, 0)])
    settle()
    assert band() == pytest.approx(with_arcs, abs=0.5)  # kept while the document is shown
    w.open_document(w.session.current.id)
    assert band() < with_arcs - 40  # opened again: no room kept for arcs that are gone
