"""AnnotationView acting as a person: real mouse drags, clicks, keys and screenshots."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.model import Span
from annotator.qt.textview import AnnotationView
from conftest import drag

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_27d1533106132ce4.txt"
SHOTS = Path(__file__).resolve().parent / "_shots"
COLORS = {"GPE": "#7fa2ff", "ORG": "#a0e0a0", "PER": "#ffccaa", "LOC": "#e0c0ff"}


def make_view(qtbot, text: str, spans: list[Span] | None = None, size=(700, 500)) -> AnnotationView:
    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_document(text, spans or [], COLORS)
    view.show()
    qtbot.waitExposed(view)
    return view


def center(r: QRect) -> QPoint:
    return r.center()


def word_span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    s = -1
    for _ in range(nth + 1):
        s = text.index(word, s + 1)
    return s, s + len(word)


def drag_chars(qtbot, view: AnnotationView, first: int, last: int, **kw) -> list[tuple[int, int]]:
    """Drag from the centre of character ``first`` to the centre of character ``last``."""
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda a, b: got.append((a, b)))
    drag(qtbot, view.viewport(), center(view.char_rect(first)), center(view.char_rect(last)), **kw)
    return got


# ---------------------------------------------------------------- selection by drag
def test_drag_plain_text_gives_whole_words(qtbot):
    text = SEED.read_text(encoding="utf-8")
    view = make_view(qtbot, text)
    s, e = word_span(text, "Islamic State Militants")
    got = drag_chars(qtbot, view, s + 3, e - 4)  # mid "Islamic" .. mid "Militants"
    assert got == [(s, e)]
    assert view.selection() == (s, e)


@pytest.mark.parametrize(
    "text, word",
    [
        ("😀😀 emoji first 🎉\nthen 🎉 the target word here", "target"),
        ("An English line first\nقتل مسلحون سبعة من قوات الأمن العراقية\nend", "مسلحون"),
        ("Line one\r\nLine two\r\n\r\nThe target word here\r\nlast", "target"),
        ("col\tcol2\t🎉\ttarget\tnext", "target"),
    ],
    ids=["emoji", "arabic", "crlf", "tabs"],
)
def test_drag_offsets_exact_for_any_text(qtbot, text, word):
    view = make_view(qtbot, text)
    s, e = word_span(text, word)
    got = drag_chars(qtbot, view, s + 1, e - 2)
    assert got == [(s, e)]
    assert text[got[0][0] : got[0][1]] == word


@pytest.mark.parametrize(
    "text",
    [
        "😀😀 emoji first 🎉\nthen 🎉 the 𝕏 target word here",
        "Line one\r\nLine 😀 two\r\n\r\nThe 🎉target word here\r\nlast",
        "col\tcol2\t🎉\ttarget\tnext\r\nx",
    ],
    ids=["emoji", "crlf", "tabs"],
)
def test_char_rect_agrees_with_qt_layout_of_the_raw_line(qtbot, text):
    """Every character's box is where Qt lays it out, with indexes counted by encoding, not by OffsetMap."""
    from PySide6.QtGui import QFontMetricsF, QTextLayout, QTextOption

    from annotator.qt.span_layout import MARGIN

    view = make_view(qtbot, text)
    lines = text.split("\n")
    pos = 0
    tops = []
    for k, raw in enumerate(lines):
        para = raw[:-1] if raw.endswith("\r") else raw
        lay = QTextLayout(para, view.vstyle.font)  # noqa: SLF001 - the font the view paints with
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.NoWrap)
        opt.setTabStopDistance(QFontMetricsF(view.vstyle.font).horizontalAdvance(" ") * 4)  # noqa: SLF001
        lay.setTextOption(opt)
        lay.beginLayout()
        ln = lay.createLine()
        ln.setLineWidth(100_000.0)
        lay.endLayout()
        for i, ch in enumerate(para):
            u = len(para[:i].encode("utf-16-le")) // 2
            x = ln.cursorToX(u)
            x = float(x[0] if isinstance(x, tuple) else x)
            r = view.char_rect(pos + i)
            assert abs(r.left() - (MARGIN + x)) <= 1, (k, i, ch, r.left(), MARGIN + x)
        if para:
            tops.append(view.char_rect(pos).top())
        pos += len(raw) + 1
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one line each, top to bottom


def test_drag_excludes_surrounding_spaces(qtbot):
    text = "alpha   beta gamma   delta"
    view = make_view(qtbot, text)
    r0 = view.char_rect(6)  # a space before beta
    r1 = view.char_rect(19)  # a space after gamma
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda a, b: got.append((a, b)))
    drag(qtbot, view.viewport(), r0.center(), r1.center())
    assert got == [word_span(text, "beta gamma")]


def test_alt_drag_gives_exact_characters(qtbot):
    text = "The Islamic State said so."
    view = make_view(qtbot, text)
    s = text.index("slamic")
    e = text.index("tate") + 2  # "slamic St"
    r0, r1 = view.char_rect(s), view.char_rect(e - 1)
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda a, b: got.append((a, b)))
    drag(qtbot, view.viewport(), QPoint(r0.left() + 1, r0.center().y()), QPoint(r1.right(), r1.center().y()),
         modifiers=Qt.KeyboardModifier.AltModifier)
    assert got == [(s, e)]


def test_double_click_selects_word(qtbot):
    text = "😀 one two three"
    view = make_view(qtbot, text)
    s, e = word_span(text, "two")
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda a, b: got.append((a, b)))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.char_rect(s + 1).center())
    assert got[-1] == (s, e)
    assert view.selection() == (s, e)


def _dclick_at(qtbot, view: AnnotationView, pos: QPoint) -> list[tuple[int, int]]:
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda a, b: got.append((a, b)))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    return got


@pytest.mark.parametrize(
    "text, word, where",
    [
        ("one two three", "two", "first"),
        ("one two three", "two", "last"),
        ("one two three", "one", "first"),          # the first word of the text
        ("one two three", "three", "last"),         # the last character of the text
        ("go a long way", "a", "first"),            # a one-letter word
        ("😀 then 🎉word after", "word", "first"),  # a word right after an emoji
        ("😀 then 🎉word after", "word", "last"),
        ("x\r\n😀word\r\nnext", "word", "first"),   # after a CRLF and an emoji
    ],
)
def test_double_click_on_a_word_edge_selects_the_word(qtbot, text, word, where):
    """A double-click just inside the first (or last) character of a word selects that word."""
    view = make_view(qtbot, text)
    s, e = word_span(text, word)
    if where == "first":
        r = view.char_rect(s)
        pos = QPoint(r.left() + 1, r.center().y())   # left part of the first character: the caret lands before it
    else:
        r = view.char_rect(e - 1)
        pos = QPoint(r.right() - 1, r.center().y())  # right part of the last character: the caret lands after it
    got = _dclick_at(qtbot, view, pos)
    assert got == [(s, e)]
    assert view.selection() == (s, e)


def test_set_selection_round_trip_and_find(qtbot):
    text = "a 😀 b\r\nc TARGET d target"
    view = make_view(qtbot, text)
    view.set_selection(2, 3)
    assert view.selection() == (2, 3)
    assert view.find("target")
    assert view.selection() == word_span(text, "TARGET")
    assert view.find("target")
    assert view.selection() == word_span(text, "target", 0 if text.index("target") > text.index("TARGET") else 1)
    view.clear_selection()
    assert view.selection() is None


# ---------------------------------------------------------------- spans
def nested_doc() -> tuple[str, list[Span]]:
    text = "Fighters of the Islamic State of Iraq attacked Dujail yesterday."
    a = word_span(text, "Islamic State of Iraq")
    b = word_span(text, "Iraq")
    c = word_span(text, "State of Iraq")
    return text, [Span("T1", "ORG", *a), Span("T2", "GPE", *b), Span("T3", "LOC", *c)]


def test_nested_spans_each_clickable(qtbot):
    text, spans = nested_doc()
    view = make_view(qtbot, text, spans)
    rects = {s.id: view.label_rect(s.id) for s in spans}
    assert all(rects.values())
    # no two label tags overlap
    ids = list(rects)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            assert not rects[a].intersects(rects[b]), (a, b)
    clicked: list[str] = []
    view.span_clicked.connect(clicked.append)
    for sid, r in rects.items():
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=r.center())
        assert clicked[-1] == sid
        assert view.selected_span() == sid
    # on the text: the innermost span wins
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.char_rect(text.index("Iraq") + 1).center())
    assert clicked[-1] == "T2"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.char_rect(text.index("State") + 1).center())
    assert clicked[-1] == "T3"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.char_rect(text.index("Islamic") + 1).center())
    assert clicked[-1] == "T1"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.char_rect(1).center())
    assert clicked[-1] == ""
    assert view.selected_span() is None


def test_context_menu_and_tooltip(qtbot):
    text, spans = nested_doc()
    spans[1].attributes = {"Negated": True}
    view = make_view(qtbot, text, spans)
    got: list[tuple[QPoint, str]] = []
    view.context_menu_requested.connect(lambda p, s: got.append((p, s)))
    from PySide6.QtGui import QContextMenuEvent
    pos = view.char_rect(text.index("Iraq") + 1).center()
    ev = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    from PySide6.QtWidgets import QApplication
    QApplication.sendEvent(view.viewport(), ev)
    assert got and got[-1][1] == "T2"
    tip = view.span_tooltip("T2")
    assert "GPE" in tip and "Iraq" in tip and "Negated" in tip


def pixel_mode(img: QImage, r: QRect) -> QColor:
    """The most frequent colour inside ``r``."""
    c = Counter(img.pixel(x, y) for x in range(r.left(), r.right() + 1) for y in range(r.top(), r.bottom() + 1))
    return QColor.fromRgb(c.most_common(1)[0][0])


def blend(hexcol: str, alpha: int, bg: QColor) -> QColor:
    c = QColor(hexcol)
    f = alpha / 255
    return QColor(*(round(a * f + b * (1 - f)) for a, b in ((c.red(), bg.red()), (c.green(), bg.green()), (c.blue(), bg.blue()))))


def close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return all(abs(x - y) <= tol for x, y in ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue())))


def test_add_and_remove_span_repaint(qtbot):
    text = SEED.read_text(encoding="utf-8")
    view = make_view(qtbot, text)
    bg = view.palette().color(view.viewport().backgroundRole())
    s, e = word_span(text, "Dujail")
    view.grab()
    before = dict(view.stack.cache)  # noqa: SLF001 - checks that untouched paragraphs keep their layout
    view.add_span(Span("T9", "LOC", s, e))
    qtbot.wait(1)
    img = view.viewport().grab().toImage()
    (r,) = view.span_rects("T9")
    assert close(pixel_mode(img, r.adjusted(0, 1, 0, -3)), blend(COLORS["LOC"], 90, bg))
    lr = view.label_rect("T9")
    assert lr is not None and close(pixel_mode(img, lr.adjusted(2, 2, -2, -2)), QColor(COLORS["LOC"]))
    touched = view.stack.para_of(view.offset_map().to_view(s))  # noqa: SLF001
    for p, pl in view.stack.cache.items():  # noqa: SLF001
        if p != touched and p in before:
            assert pl is before[p]
    view.remove_span("T9")
    img = view.viewport().grab().toImage()
    assert view.span_rects("T9") == []
    assert not close(pixel_mode(img, r.adjusted(0, 1, 0, -3)), blend(COLORS["LOC"], 90, bg))


def test_select_span_scrolls_far_down(qtbot):
    paras = [f"Paragraph {i} tells of Baghdad and Mosul, and of the people there who wait." for i in range(5000)]
    text = "\n\n".join(paras)
    s = text.index("Paragraph 4900 ")
    spans = [Span(f"T{i}", "GPE", *word_span(text, "Baghdad", i)) for i in range(0, 5000, 7)]
    target = Span("T_far", "PER", s, s + len("Paragraph 4900"))
    view = make_view(qtbot, text, spans + [target])
    assert view.label_rect("T_far") is None
    view.select_span("T_far")
    assert view.selected_span() == "T_far"
    vr = view.viewport().rect()
    assert any(vr.contains(r) for r in view.span_rects("T_far"))
    assert view.label_rect("T_far") is not None and vr.contains(view.label_rect("T_far"))
    assert view.verticalScrollBar().value() > view.verticalScrollBar().maximum() * 0.8
    # the drag still maps exactly down there
    w = word_span(text, "Mosul", 4905)
    got = drag_chars(qtbot, view, w[0] + 1, w[1] - 2)
    assert got == [w]


def _top_line(view: AnnotationView, text: str) -> int:
    """Index of the first line whose text is (at least partly) inside the viewport."""
    k = view.debug_state()["anchor"]
    while view.char_rect(text_line_start(text, k)).bottom() < 0:
        k += 1
    return k


def text_line_start(text: str, k: int) -> int:
    """Code point where line ``k`` (0-based) starts."""
    pos = 0
    for _ in range(k):
        pos = text.index("\n", pos) + 1
    return pos


def test_scroll_bar_moves_through_document(qtbot):
    n = 3000
    text = "\n".join(f"line {i} with some words" for i in range(n))
    view = make_view(qtbot, text)
    sb = view.verticalScrollBar()
    assert sb.value() == 0 and _top_line(view, text) == 0
    # every line is one paragraph of one text line: they are evenly spaced
    pitch = view.char_rect(text_line_start(text, 1)).top() - view.char_rect(0).top()
    assert pitch > 0
    assert sb.maximum() > (n - 100) * pitch

    # a long jump: the top line is the one at that height
    sb.setValue(sb.maximum() // 2)
    view.grab()
    assert abs(sb.value() - sb.maximum() // 2) <= 1
    mid = _top_line(view, text)
    assert abs(mid - (sb.maximum() // 2) / pitch) <= 2, (mid, sb.maximum() // 2 / pitch)

    # a small step moves the text up by exactly that many pixels
    k = mid + 3
    y0 = view.char_rect(text_line_start(text, k)).top()
    sb.setValue(sb.value() + 30)
    view.grab()
    assert view.char_rect(text_line_start(text, k)).top() == y0 - 30

    # the end: the last line is on screen, at the bottom
    sb.setValue(sb.maximum())
    view.grab()
    vr = view.viewport().rect()
    last = view.char_rect(len(text) - 1)
    assert vr.contains(last) and last.bottom() > vr.height() - 2 * pitch
    assert _top_line(view, text) > n - vr.height() // pitch - 3

    # and back to the top
    sb.setValue(0)
    view.grab()
    assert _top_line(view, text) == 0 and view.char_rect(0).top() >= 0


def test_screenshot_seed_colours(qtbot):
    text = SEED.read_text(encoding="utf-8")
    spans = [
        Span("T1", "GPE", *word_span(text, "Iraq")),
        Span("T2", "GPE", *word_span(text, "Dujail")),
        Span("T3", "ORG", *word_span(text, "Islamic State Militants")),
        Span("T4", "ORG", *word_span(text, "Islamic State")),
        Span("T5", "LOC", *word_span(text, "Salahuddin district")),
        Span("T6", "GPE", *word_span(text, "Salahuddin")),
        Span("T7", "PER", *word_span(text, "ISIS fighters")),
    ]
    view = make_view(qtbot, text, spans, size=(820, 640))
    view.select_span("T2", scroll=False)
    SHOTS.mkdir(exist_ok=True)
    pix = view.grab()
    pix.save(str(SHOTS / "seed_spans.png"))
    img = view.viewport().grab().toImage()
    bg = view.palette().color(view.viewport().backgroundRole())
    for sp in spans:
        if sp.id == "T2":
            continue
        lr = view.label_rect(sp.id)
        assert lr is not None, sp.id
        assert close(pixel_mode(img, lr.adjusted(2, 2, -2, -2)), QColor(COLORS[sp.label])), sp.id
    for sid in ("T1", "T2", "T7"):
        (r,) = view.span_rects(sid)
        assert close(pixel_mode(img, r.adjusted(0, 1, 0, -3)), blend(COLORS["GPE" if sid != "T7" else "PER"], 90, bg)), sid
    tags = [view.label_rect(s.id) for s in spans]
    for i, a in enumerate(tags):
        for b in tags[i + 1 :]:
            assert not a.intersects(b)


# ---------------------------------------------------------------- keyboard
class Host(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[int] = []
        self.view = AnnotationView(self)
        QVBoxLayout(self).addWidget(self.view)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() not in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt):
            self.keys.append(e.key())


def test_unhandled_keys_reach_the_window(qtbot):
    host = Host()
    qtbot.addWidget(host)
    host.resize(500, 300)
    host.view.set_document("some text here", [Span("T1", "GPE", 0, 4)], COLORS)
    host.show()
    qtbot.waitExposed(host)
    host.view.setFocus()
    qtbot.keyClick(host.view, Qt.Key.Key_G)
    qtbot.keyClick(host.view, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(host.view, Qt.Key.Key_Delete)
    assert host.keys == [Qt.Key.Key_G, Qt.Key.Key_P, Qt.Key.Key_Delete]
    # Shift+Right extends a plain selection ...
    host.view.set_selection(5, 5)
    qtbot.keyClick(host.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(host.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert host.view.selection() == (5, 7)
    # ... but goes to the window when a span is selected (boundary edits)
    host.view.select_span("T1")
    qtbot.keyClick(host.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert host.keys[-1] == Qt.Key.Key_Right


def test_zoom_keeps_offsets(qtbot):
    """Zoom scales the text by the font size, and the character under a point is still the right one."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from annotator.qt.span_layout import MARGIN

    text = "😀 zoom me please, all of this line"
    view = make_view(qtbot, text)
    k = text.index("line")
    base = QFont(view.font())
    size0 = base.pointSizeF()
    x0 = view.char_rect(k).left() - MARGIN
    view.zoom_in()
    view.zoom_in()
    assert view.zoom() == 2
    x2 = view.char_rect(k).left() - MARGIN
    # x of "line" is where Qt's metrics of the zoomed font put it, independently of the view
    big = QFont(base)
    big.setPointSizeF(size0 + 2)
    assert abs(x2 - QFontMetricsF(big).horizontalAdvance(text[:k])) <= 3
    # and it grew by the font's factor
    assert abs(x2 / x0 - (size0 + 2) / size0) < 0.08, (x0, x2, size0)
    # the character under a point is still the character drawn there
    s, e = word_span(text, "me")
    assert drag_chars(qtbot, view, s, e - 1) == [(s, e)]
    got = _dclick_at(qtbot, view, QPoint(round(x2 + MARGIN) + 1, view.char_rect(k).center().y()))
    assert got == [word_span(text, "line")]
    view.set_zoom(0)
    assert view.char_rect(k).left() - MARGIN == x0


def test_many_void_calls_do_not_abort(qtbot):
    """PySide6 6.12 on CPython 3.11 corrupted None's refcount on void calls; guard against it."""
    view = make_view(qtbot, "guard")
    r = QRect(0, 0, 10, 10)
    for i in range(20_000):
        view.viewport().update()
        r.setWidth(i % 50)
    assert r.width() == 19_999 % 50
