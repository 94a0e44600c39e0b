"""The view's input handler (ViewInput): real mouse and key events on a real AnnotationView.

Click points never come from the view's offset map: x comes from Qt's own
QTextLayout of the raw paragraph (UTF-16 indexes counted by encoding), y from
the paragraph's vertical place in the view (no offsets involved).
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF, QTextLayout, QTextOption

from annotator.model import Span
from annotator.qt.span_layout import MARGIN
from annotator.qt.textview import AnnotationView
from conftest import drag

COLORS = {"PER": "#ffccaa", "GPE": "#7fa2ff", "Life.Die": "#ff9f9f"}
# astral characters, a tab and CRLF line ends before the words the tests use
TEXT = "Intro 😀 line\r\n\r\n𝕏𝕏 then🎉🎉 the target word here\r\nlast\tline"


def make_view(qtbot, text: str = TEXT, spans: list[Span] | None = None) -> AnnotationView:
    view = AnnotationView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.set_document(text, spans or [], COLORS)
    view.show()
    qtbot.waitExposed(view)
    return view


class RawLine:
    """Viewport points of the boundaries in one paragraph of ``text``, from Qt's layout of the raw line."""

    def __init__(self, view: AnnotationView, text: str, inside: str) -> None:
        at = text.index(inside)
        self.a = text.rfind("\n", 0, at) + 1
        b = text.find("\n", at)
        b = len(text) if b < 0 else b
        self.para = text[self.a:b].removesuffix("\r")
        p = text.count("\n", 0, self.a)  # one paragraph per line end
        font = view.vstyle.font  # the font the view paints with
        self.layout = QTextLayout(self.para, font)
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.NoWrap)
        opt.setTabStopDistance(QFontMetricsF(font).horizontalAdvance(" ") * 4)
        self.layout.setTextOption(opt)
        self.layout.beginLayout()
        self.line = self.layout.createLine()
        self.line.setLineWidth(100_000.0)
        self.layout.endLayout()
        pl = view.stack.layout(p)
        self.y = round(view.stack.para_y(p) + pl.text_tops[0] + pl.line_heights[0] / 2)

    def x(self, cp: int) -> float:
        """Viewport x of the boundary before document code point ``cp``."""
        r = self.line.cursorToX(len(self.para[: cp - self.a].encode("utf-16-le")) // 2)
        return MARGIN + float(r[0] if isinstance(r, tuple) else r)

    def inside(self, cp: int) -> QPoint:
        """A point in the middle of the character at code point ``cp``."""
        return QPoint(round((self.x(cp) + self.x(cp + 1)) / 2), self.y)


def selections(view: AnnotationView) -> list[tuple[int, int]]:
    got: list[tuple[int, int]] = []
    view.selection_made.connect(lambda s, e: got.append((s, e)))
    return got


def test_drag_inside_two_words_selects_both_whole(qtbot):
    view = make_view(qtbot)
    line = RawLine(view, TEXT, "target")
    got = selections(view)
    s = TEXT.index("target")
    e = TEXT.index("word") + len("word")
    drag(qtbot, view.viewport(), line.inside(s + 2), line.inside(e - 2))
    assert got == [(s, e)]
    assert view.selected_text() == "target word"


def test_alt_drag_keeps_exact_characters_after_astral_ones(qtbot):
    view = make_view(qtbot)
    line = RawLine(view, TEXT, "target")
    got = selections(view)
    s = TEXT.index("🎉")
    e = TEXT.index("target") + 3  # "🎉🎉 the tar"
    drag(qtbot, view.viewport(), QPoint(round(line.x(s)) + 1, line.y), QPoint(round(line.x(e)) - 1, line.y),
         Qt.KeyboardModifier.AltModifier)
    assert got == [(s, e)]
    assert TEXT[s:e] == "🎉🎉 the tar"


def test_double_click_selects_the_word_once(qtbot):
    view = make_view(qtbot)
    line = RawLine(view, TEXT, "target")
    got = selections(view)
    s = TEXT.index("word")
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=line.inside(s + 1))
    assert got == [(s, s + len("word"))]
    assert view.selection() == (s, s + len("word"))


def test_shift_drag_extends_from_the_caret(qtbot):
    view = make_view(qtbot)
    line = RawLine(view, TEXT, "target")
    got = selections(view)
    s = TEXT.index("the target")
    e = TEXT.index("here")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(line.x(s)), line.y))
    assert view.selection() is None and got == []  # a click only places the caret
    drag(qtbot, view.viewport(), line.inside(e - 3), line.inside(e + 1), Qt.KeyboardModifier.ShiftModifier)
    assert got == [(s, e + len("here"))]  # from the caret, not from where the drag began
    assert view.selected_text() == "the target word here"


def test_click_on_a_span_selects_it_and_says_so(qtbot):
    s = TEXT.index("target")
    view = make_view(qtbot, spans=[Span("T1", "PER", s, s + len("target"))])
    line = RawLine(view, TEXT, "target")
    clicked: list[str] = []
    view.span_clicked.connect(clicked.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=line.inside(s + 3))
    assert clicked == ["T1"] and view.selected_span() == "T1"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=line.inside(TEXT.index("here") + 1))
    assert clicked == ["T1", ""] and view.selected_span() is None


def test_keys_move_and_extend_the_caret_by_characters_not_units(qtbot):
    view = make_view(qtbot)
    line = RawLine(view, TEXT, "target")
    s = TEXT.index("then")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(line.x(s)), line.y))
    for _ in range(6):  # "then" and the two astral 🎉, one key each
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (s, s + 6) and view.selected_text() == "then🎉🎉"
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_text() == TEXT[s:TEXT.index("\r\nlast")]
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.selection() is None
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_text() == "𝕏𝕏 then🎉🎉 the target word here"


def test_link_drag_from_a_tag_to_another_span(qtbot):
    t = TEXT.index("target")
    w = TEXT.index("word")
    view = make_view(qtbot, spans=[Span("T1", "Life.Die", t, t + 6, kind="trigger"), Span("W1", "PER", w, w + 4)])
    line = RawLine(view, TEXT, "target")
    got: list[tuple[str, str]] = []
    view.link_drag_finished.connect(lambda a, b, _pos: got.append((a, b)))
    made = selections(view)
    tag = view.label_rect("T1")
    assert tag is not None
    drag(qtbot, view.viewport(), tag.center(), line.inside(w + 1))
    assert got == [("T1", "W1")]
    assert made == [] and view.selection() is None  # a link drag makes no text selection
    assert view.input.rubber is None


def test_escape_cancels_a_link_drag(qtbot):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    t = TEXT.index("target")
    w = TEXT.index("word")
    view = make_view(qtbot, spans=[Span("T1", "Life.Die", t, t + 6, kind="trigger"), Span("W1", "PER", w, w + 4)])
    line = RawLine(view, TEXT, "target")
    got: list[tuple[str, str]] = []
    view.link_drag_finished.connect(lambda a, b, _pos: got.append((a, b)))
    tag = view.label_rect("T1")
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=tag.center())
    target = line.inside(w + 1)
    QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, QPointF(target), QPointF(vp.mapToGlobal(target)),
                                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                                           Qt.KeyboardModifier.NoModifier))
    assert view.input.rubber is not None and view.input.rubber[0] == "T1"
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.input.rubber is None
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=target)
    assert got == []


def test_snap_and_word_lookup_on_code_points(qtbot):
    """The handler's own snapping, on offsets worked out by hand."""
    view = make_view(qtbot)
    inp = view.input
    s = TEXT.index("target")
    assert inp.snap(s + 2, s + 8, exact=False) == (s, s + len("target word"))  # mid-word to mid-word
    assert inp.snap(s + 8, s + 2, exact=False) == (s, s + len("target word"))  # either direction
    assert inp.snap(s - 1, s + 7, exact=True) == (s, s + 6)  # exact: only the spaces go
    assert inp.word_at(s) == (s, s + 6) and inp.word_at(s + 5) == (s, s + 6)
    blank = TEXT.index("\r\n\r\n") + 2  # the empty line between the CRLFs
    assert inp.word_at(blank) == (blank, blank)
