"""The find bar says which match is selected and how many there are ("3 of 7"), driven by key presses."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.qt.mainwindow import MainWindow
from annotator.qt.text_find import match_position
from test_events_ui import settings, window  # noqa: F401  (the seed-article window)


def _starts(text: str, word: str) -> list[int]:
    """Where ``word`` occurs, any case, counted by hand (not through the code under test)."""
    low, w, out, i = text.lower(), word.lower(), [], 0
    while (i := low.find(w, i)) >= 0:
        out.append(i)
        i += len(w)
    return out


def _find(qtbot, w: MainWindow, needle: str) -> None:
    qtbot.keyClick(w.view, Qt.Key_F, Qt.ControlModifier)
    assert w.find_bar.isVisible()
    qtbot.keyClicks(w.find_bar.edit, needle)


def test_enter_steps_through_matches_and_shows_index_of_count(qtbot, window):
    w = window
    text = w.session.current.text
    starts = _starts(text, "attack")
    n = len(starts)
    assert n >= 4  # the seed article speaks of several attacks
    _find(qtbot, w, "ATTACK")
    assert w.find_bar.status.text() == ""  # nothing is said before a search
    for i in range(1, 4):
        qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
        assert w.find_bar.status.text() == f"{i} of {n}"
        assert w.view.selection() == (starts[i - 1], starts[i - 1] + 6)
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return, Qt.ShiftModifier)  # back one
    assert w.find_bar.status.text() == f"2 of {n}"
    assert w.view.selection()[0] == starts[1]
    # Enter on the last match wraps around to the first
    w.view.set_selection(starts[-1], starts[-1] + 6)
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
    assert w.find_bar.status.text() == f"1 of {n}"
    assert w.view.selection()[0] == starts[0]


def test_typing_clears_the_count_and_a_missing_word_says_no_matches(qtbot, window):
    w = window
    _find(qtbot, w, "Dujail")
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
    assert w.find_bar.status.text() == f"1 of {len(_starts(w.session.current.text, 'Dujail'))}"
    qtbot.keyClicks(w.find_bar.edit, "zz")
    assert w.find_bar.status.text() == ""
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
    assert w.find_bar.status.text() == "No matches"


def test_match_position_counts_like_find_steps():
    text = "aaaa Aa aa"
    assert match_position(text, "aa", (0, 2)) == (1, 4)
    assert match_position(text, "aa", (2, 4)) == (2, 4)  # not overlapping: "aaaa" holds two
    assert match_position(text, "aa", (8, 10)) == (4, 4)
    assert match_position(text, "aa", (1, 3)) == (0, 4)   # a selection that is not a match
    assert match_position(text, "", None) == (0, 0)
    assert match_position(text, "a.", None) == (0, 0)     # the needle is text, not a pattern
