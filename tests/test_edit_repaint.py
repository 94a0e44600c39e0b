"""An edit in the real window repaints a bounded region, and what is on screen is what a full repaint draws.

"On screen" is the window's backing store as the offscreen platform holds it
(``QScreen.grabWindow``): the pixels the edits' partial repaints and moves left
there.  "A full repaint" is ``viewport().grab()``, which paints the whole view
afresh.  They must agree after every edit (up to antialiasing noise); the painted
regions are read from the real paint events the viewport gets.
"""
from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.model import TRIGGER
from annotator.qt.mainwindow import MainWindow
from test_mainwindow import make_project, show_window

WORDS = ("Baghdad police said militants attacked a convoy near Mosul on Monday and killed seven soldiers "
         "while the Interior Ministry reported that Ahmed Hassan met officials in Basra").split()


def _document(n_paras: int = 60, seed: int = 5) -> AnnotatedDocument:
    """Paragraphs of two or three sentences; an entity and an Attack with two arguments in every third one,
    and one event whose argument is in the next paragraph (a half arc, drawn as a stub when off screen)."""
    rng = random.Random(seed)
    paras = []
    for _ in range(n_paras):
        sents = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
                 for _ in range(rng.randint(2, 3))]
        paras.append(" ".join(sents))
    text = "\n".join(paras)
    spans: list[Span] = []
    events: list[Event] = []
    start = 0
    for i, para in enumerate(paras):
        if i % 3 == 0:
            words = [(start + para.index(w), start + para.index(w) + len(w)) for w in para.split()[:6]]
            a, b, c = words[0], words[2], words[4]
            spans += [Span(f"T{i}a", "PER", *a), Span(f"T{i}b", "GPE", *c),
                      Span(f"T{i}t", "Conflict.Attack", *b, kind=TRIGGER)]
            events.append(Event(f"E{i}", "Conflict.Attack", f"T{i}t",
                                [Argument("Attacker", f"T{i}a"), Argument("Place", f"T{i}b")]))
        start += len(para) + 1
    # an argument one paragraph down from its trigger
    spans.append(Span("Tx", "PER", len(paras[0]) + 1, len(paras[0]) + 1 + len(paras[1].split()[0])))
    events[0].arguments.append(Argument("Target", "Tx"))
    return AnnotatedDocument(Document("doc", text, name="doc"), spans, events)


class PaintLog(QObject):
    """The regions of the paint events a widget gets."""

    def __init__(self, widget) -> None:  # noqa: ANN001
        super().__init__(widget)
        self.regions: list[QRegion] = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: ANN001, N802
        if event.type() == QEvent.Type.Paint:
            self.regions.append(QRegion(event.region()))
        return False

    def union(self) -> QRegion:
        out = QRegion()
        for r in self.regions:
            out = out.united(r)
        return out


def settle() -> None:
    app = QApplication.instance()
    for _ in range(4):
        app.sendPostedEvents()
        app.processEvents()


def screen_differs(w: MainWindow) -> list[int]:
    """Rows of the view where the backing store differs from a full repaint by more than antialiasing noise."""
    settle()
    vp = w.view.viewport()
    off = vp.mapTo(w, QPoint(0, 0))
    shot = QApplication.primaryScreen().grabWindow(w.winId()).toImage()
    shown = shot.copy(QRect(off, vp.size())).convertToFormat(QImage.Format.Format_RGB32)
    fresh = vp.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert shown.size() == fresh.size()
    if shown == fresh:
        return []
    rows = []
    for y in range(fresh.height()):
        for x in range(fresh.width()):
            a, b = shown.pixel(x, y), fresh.pixel(x, y)
            if a != b and max(abs(((a >> k) & 255) - ((b >> k) & 255)) for k in (0, 8, 16)) > 24:
                rows.append(y)
                break
    return rows


@pytest.fixture
def window(qtbot, tmp_path):
    path = make_project(tmp_path / "p.db", [_document()])
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = show_window(qtbot, MainWindow(path, settings=settings), 1000, 760)
    w.session.ensure_loaded()
    settle()
    yield w
    w.close()


def _para_start(w: MainWindow, k: int) -> int:
    """Code point where paragraph ``k`` starts (from the text, not the view)."""
    text = w.session.current.text
    pos = 0
    for _ in range(k):
        pos = text.index("\n", pos) + 1
    return pos


def _word_in_para(w: MainWindow, k: int, nth: int) -> tuple[int, int]:
    text = w.session.current.text
    a = _para_start(w, k)
    end = text.find("\n", a)
    words = []
    i = a
    for word in text[a:end].split(" "):
        words.append((i, i + len(word.rstrip("."))))
        i += len(word) + 1
    return words[nth]


def _scroll_para_to(w: MainWindow, k: int, y: int) -> None:
    """Scroll so paragraph ``k``'s top is about ``y`` pixels below the viewport's top."""
    v = w.view
    v.ensure_visible(v.offset_map().to_view(_para_start(w, k)))
    settle()
    v.scroll_by(v.stack.para_y(k) - y)
    settle()


def _para_rows(w: MainWindow, k: int) -> tuple[float, float]:
    """Viewport rows of paragraph ``k`` from Qt's own text layout: first line's top, last line's bottom."""
    stack = w.view.stack
    lay = stack.layout(k).layout
    top = stack.para_y(k)
    last = lay.lineAt(lay.lineCount() - 1)
    return top + lay.lineAt(0).y(), top + last.y() + last.height()


def test_tagging_a_word_repaints_about_its_paragraph_only(window, qtbot):
    w = window
    _scroll_para_to(w, 14, 300)  # a paragraph with no annotation, in the middle of the screen
    a, b = _word_in_para(w, 14, 3)
    w.view.set_selection(a, b)
    settle()
    log = PaintLog(w.view.viewport())
    text_top, text_bottom = _para_rows(w, 14)
    qtbot.keyClick(w.view, Qt.Key.Key_P)
    settle()
    assert [s.label for s in w.session.current.spans.values() if (s.start, s.end) == (a, b)] == ["PER"]
    painted = log.union().boundingRect()
    assert painted.height() > 0
    vh = w.view.viewport().height()
    # within the paragraph's band and text (the band above its first line: at most a few label floors)
    assert painted.top() >= text_top - 120
    assert painted.bottom() <= text_bottom + 6
    assert painted.height() < vh / 3
    assert screen_differs(w) == []


def test_selecting_text_repaints_the_paragraphs_it_covers(window, qtbot):
    w = window
    _scroll_para_to(w, 20, 200)
    a, _ = _word_in_para(w, 20, 1)
    _, b = _word_in_para(w, 21, 2)
    log = PaintLog(w.view.viewport())
    w.view.set_selection(a, b)
    settle()
    painted = log.union().boundingRect()
    top20, _ = _para_rows(w, 20)
    _, bottom21 = _para_rows(w, 21)
    assert painted.top() >= top20 - 120 and painted.bottom() <= bottom21 + 6
    assert screen_differs(w) == []
    log.regions.clear()
    w.view.clear_selection()
    settle()
    assert log.union().boundingRect().bottom() <= bottom21 + 6
    assert screen_differs(w) == []


def test_a_taller_paragraph_moves_what_is_below_without_painting_it(window, qtbot):
    w = window
    v = w.view
    _scroll_para_to(w, 14, 150)
    a, _ = _word_in_para(w, 14, 2)
    _, b = _word_in_para(w, 14, 3)
    v.set_selection(*_word_in_para(w, 14, 2))
    qtbot.keyClick(v, Qt.Key.Key_P)
    settle()
    height_before = v.stack.layout(14).height
    v.select_span(None, scroll=False)
    v.set_selection(a, b)  # two words holding the PER: its label goes one floor up, the line's band grows
    settle()
    log = PaintLog(v.viewport())
    qtbot.keyClick(v, Qt.Key.Key_O)
    settle()
    assert v.stack.layout(14).height > height_before  # else this test tests nothing
    vh = v.viewport().height()
    painted = log.union()
    _, bottom = _para_rows(w, 14)
    below = QRect(0, int(bottom) + 8, v.viewport().width(), vh - 40 - int(bottom) - 8)
    assert below.height() > 200
    assert not painted.intersects(below)  # the paragraphs below were moved, not painted again
    assert sum(r.height() for r in painted) < vh / 3
    assert screen_differs(w) == []
    # and back: undo shrinks the paragraph, what is below moves up and the bottom strip is painted
    log.regions.clear()
    qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle()
    assert screen_differs(w) == []


def test_the_screen_matches_a_full_repaint_after_random_edits(window, qtbot):
    w = window
    v = w.view
    rng = random.Random(11)
    _scroll_para_to(w, 0, 0)
    for step in range(24):
        cur = w.session.current
        k = rng.randrange(0, 9)
        act = rng.choice(("tag", "tag", "relabel", "delete", "undo", "redo", "scroll"))
        if act == "tag":
            a, b = _word_in_para(w, k, rng.randrange(0, 6))
            v.select_span(None, scroll=False)
            v.set_selection(a, b)
            qtbot.keyClick(v, rng.choice((Qt.Key.Key_P, Qt.Key.Key_G, Qt.Key.Key_O)))
        elif act in ("relabel", "delete") and cur.spans:
            sid = rng.choice(sorted(s for s in cur.spans if cur.spans[s].kind != TRIGGER))
            v.select_span(sid, scroll=True)
            settle()
            qtbot.keyClick(v, Qt.Key.Key_L if act == "relabel" else Qt.Key.Key_Delete)
        elif act == "undo":
            qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        elif act == "redo":
            qtbot.keyClick(v, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        else:
            v.scroll_by(rng.choice((-1, 1)) * rng.randrange(20, 200))
        assert screen_differs(w) == [], f"step {step}: {act}"


def test_unselecting_a_span_on_a_paragraphs_last_line_leaves_no_outline(window, qtbot):
    """The selected span's outline reaches below its paragraph: unselecting it must clean that too."""
    w = window
    v = w.view
    _scroll_para_to(w, 17, 200)
    text = w.session.current.text
    end = text.index("\n", _para_start(w, 17))
    a = text.rindex(" ", 0, end) + 1
    v.set_selection(a, end - 1)  # the last word, without its full stop
    qtbot.keyClick(v, Qt.Key.Key_P)
    settle()
    assert v.selected_span() is not None  # a new span is selected (drawn with its outline)
    assert screen_differs(w) == []
    v.set_selection(*_word_in_para(w, 18, 1))
    settle()
    v.set_selection(*_word_in_para(w, 18, 0))  # repaints just the next paragraph, which the outline reaches into
    settle()
    assert screen_differs(w) == []
    v.clear_selection()
    v.select_span(None, scroll=False)
    settle()
    assert screen_differs(w) == []


def test_deleting_the_selected_span_on_a_paragraphs_last_line_leaves_no_outline(window, qtbot):
    w = window
    v = w.view
    _scroll_para_to(w, 11, 200)
    text = w.session.current.text
    end = text.index("\n", _para_start(w, 11))
    a = text.rindex(" ", 0, end) + 1
    v.set_selection(a, end - 1)
    qtbot.keyClick(v, Qt.Key.Key_G)
    settle()
    assert v.selected_span() is not None
    qtbot.keyClick(v, Qt.Key.Key_Delete)
    settle()
    assert v.selected_span() is None and not any((s.start, s.end) == (a, end - 1)
                                                 for s in w.session.current.spans.values())
    assert screen_differs(w) == []
