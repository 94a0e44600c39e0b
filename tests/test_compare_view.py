"""The comparison view: marks drawn with both versions, the list of differences, and real keys taking versions into gold."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.model import Span
from annotator.qt.compare_view import CompareView
from annotator.store import Project
from test_adjudicate import EMPTY, build_project, gold_rows

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier

# the differences of Dana (A) and Bob (B) in text order (see test_compare.EXPECTED)
DIFFERENCES = ["entity 0-9", "relation 0-9>19-25", "argument 10-18>47-59", "entity 29-35", "event 40-46",
               "entity 47-52", "relation 47-59>19-25"]


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(build_project(tmp_path / "view.db"))
    project.annotator = "Lead"
    w = CompareView(project, "d1", "Dana", "Bob")
    w.asked = []
    w.answer = True
    w.confirm = lambda message: w.asked.append(message) or w.answer
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.list.setFocus()
    yield w
    w.close()
    project.close()


def rows(w: CompareView) -> list[list[str]]:
    return [[w.list.topLevelItem(i).text(c) for c in range(1, 5)] for i in range(w.list.topLevelItemCount())]


def test_the_text_shows_each_mark_in_its_colour_with_both_versions_of_a_disagreement(window):
    shown = {sid: sp.label for sid, sp in window.view.spans().items()}
    assert shown == {
        "entity 0-9|A": "PER·A", "entity 0-9|B": "ORG·B",  # a disagreement: both versions, same place
        "event 10-18": "Conflict.Attack",
        "entity 19-25": "GPE",
        "entity 29-35|A": "TIME·A\u200b",
        "event 40-46|A": "Life.Die·A", "event 40-46|B": "Life.Injure·B",
        "entity 47-52|B": "NUM·B\u200b",
        "entity 47-59": "PER",
    }
    colors = window.view.vstyle.colors
    assert colors["PER·A"] == colors["ORG·B"] == "#f6a15f"  # disagree
    assert colors["GPE"] == "#9ad3a0"  # agree
    assert colors["TIME·A\u200b"] == "#86b4ee" and colors["NUM·B\u200b"] == "#d29be6"  # only A, only B
    arcs = {lid: (ln.source, ln.target, ln.label) for lid, ln in window.view.links().items()}
    assert arcs["argument 10-18>47-59|A"] == ("event 10-18", "entity 47-59", "Target·A")
    assert arcs["argument 10-18>47-59|B"] == ("event 10-18", "entity 47-59", "Attacker·B")
    assert arcs["argument 40-46>47-59"] == ("event 40-46|A", "entity 47-59", "Victim")
    assert arcs["relation 0-9>19-25|A"] == ("entity 0-9|A", "entity 19-25", "PHYS·A\u200b")
    assert "6 agree (0 in gold) · 3 disagree · 2 only in A · 2 only in B" in window.counts.text()


def test_the_list_holds_the_differences_and_n_p_step_through_them(qtbot, window):
    assert [window.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
            for i in range(window.list.topLevelItemCount())] == DIFFERENCES
    assert rows(window)[0] == ['entity "Militants"', "PER", "ORG", ""]
    assert window.current_key() == "entity 0-9"
    assert window.view.selected_span() == "entity 0-9|A"
    qtbot.keyClick(window.list, Qt.Key.Key_N)
    qtbot.keyClick(window.list, Qt.Key.Key_N)
    assert window.current_key() == "argument 10-18>47-59"
    qtbot.keyClick(window.list, Qt.Key.Key_P)
    qtbot.keyClick(window.list, Qt.Key.Key_P)
    qtbot.keyClick(window.list, Qt.Key.Key_P)  # wraps to the last
    assert window.current_key() == "relation 47-59>19-25"
    window.view.setFocus()  # the keys work from the text too
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert window.current_key() == "entity 0-9"


def test_1_takes_a_2_asks_then_replaces_and_ctrl_z_undoes(qtbot, window):
    path = window.project.path
    qtbot.keyClick(window.list, Qt.Key.Key_1)
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "PER", "Dana")]
    # what gold holds is shown as such: ✓ on its version, and the decided difference turns grey (both versions)
    shown = window.view.spans()
    assert (shown["entity 0-9|A"].label, shown["entity 0-9|B"].label) == ("PER·A✓\u200c", "ORG·B\u200c")
    assert window.view.vstyle.colors["PER·A✓\u200c"] == window.view.vstyle.colors["ORG·B\u200c"] == "#c9c9c9"
    assert rows(window)[0][3] == "A"
    assert window.message.text() == "Took A's entity PER into gold."
    qtbot.keyClick(window.list, Qt.Key.Key_2)
    assert window.asked == ['gold has T1 PER at 0-9 "Militants" where B has ORG']
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "ORG", "Bob")]
    assert rows(window)[0][3] == "B"
    qtbot.keyClick(window.list, Qt.Key.Key_Z, CTRL)
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "PER", "Dana")]
    qtbot.keyClick(window.list, Qt.Key.Key_Z, CTRL)
    assert gold_rows(path) == EMPTY
    qtbot.keyClick(window.list, Qt.Key.Key_Z, CTRL | SHIFT)
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "PER", "Dana")]


def test_letters_a_and_b_take_too_and_a_refused_replace_writes_nothing(qtbot, window):
    path = window.project.path
    window.answer = False
    qtbot.keyClick(window.list, Qt.Key.Key_B)
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "ORG", "Bob")]
    qtbot.keyClick(window.list, Qt.Key.Key_A)
    assert len(window.asked) == 1
    assert gold_rows(path)["spans"] == [(0, 9, "entity", "ORG", "Bob")]
    assert window.message.text().startswith('Not taken: gold has T1 ORG at 0-9 "Militants" where A has PER')


def test_ctrl_shift_a_and_the_button_accept_all_agreements(qtbot, window):
    path = window.project.path
    qtbot.keyClick(window.list, Qt.Key.Key_A, CTRL | SHIFT)
    assert gold_rows(path)["events"] == [(10, 18, "Conflict.Attack")]
    assert gold_rows(path)["arguments"] == [(10, "Place", 19, 25)]
    assert "4 in gold" in window.counts.text()
    assert window.view.spans()["entity 19-25"].label == "GPE ✓"
    qtbot.keyClick(window.list, Qt.Key.Key_Z, CTRL)
    assert gold_rows(path) == EMPTY
    qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)
    assert len(gold_rows(path)["spans"]) == 3
    qtbot.mouseClick(window.accept_button, Qt.MouseButton.LeftButton)  # two agreements wait for a decision
    assert window.message.text().startswith("Nothing accepted: gold already holds every agreement it can take "
                                            "(2 cannot be taken: its entity PER at 0-9")
    assert len(gold_rows(path)["spans"]) == 3


def test_comparing_an_annotator_with_gold_makes_a_taken_difference_go_away(qtbot, window):
    qtbot.keyClick(window.list, Qt.Key.Key_2)  # gold: ORG 0-9 (Bob's)
    window.set_layers("Dana", "gold")
    assert window.layers_shown() == ("Dana", "gold")
    assert window.current_key() == "entity 0-9"
    qtbot.keyClick(window.list, Qt.Key.Key_1)  # replace gold's ORG by Dana's PER: it agrees now
    assert window.asked == ['gold has T1 ORG at 0-9 "Militants" where A has PER']
    assert "entity 0-9" not in [window.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                                for i in range(window.list.topLevelItemCount())]
    # gold holds nothing else: the next of Dana's annotations, only in A, takes its place
    assert window.current_key() == "relation 0-9>19-25"


def test_review_compare_opens_the_open_document_and_the_window_shows_each_take_in_gold(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

    from annotator.qt.mainwindow import MainWindow
    from test_mainwindow import show_window

    db = build_project(tmp_path / "main.db")
    w = show_window(qtbot, MainWindow(db, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)))
    w.session.set_layer("gold")
    assert w.view.spans() == {}
    review = w.findChild(QMenu, "menu_review")
    action = w.findChild(QAction, "action_compare")
    assert action in review.actions() and action.text() == "&Compare and Adjudicate…"
    action.trigger()
    view = w.findChild(CompareView)
    assert view is not None and view.doc_id == "d1" and view.project is not w.session.project
    assert view.layers_shown() == ("Bob", "Dana")  # the first two annotators' layers, in the store's order
    view.set_layers("Dana", "Bob")
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_1)
    assert gold_rows(db)["spans"] == [(0, 9, "entity", "PER", "Dana")]
    # the window shows the gold layer: the take is there without reopening anything
    assert [(s.label, s.start, s.end) for s in w.view.spans().values()] == [("PER", 0, 9)]
    # an edit of gold in the window shows in the view when it is active again
    with w.session.project.in_layer("gold"):
        w.session.project.add_span("d1", Span("", "GPE", 19, 25))
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    assert "entity 19-25" in view.view.spans() and view.view.spans()["entity 19-25"].label == "GPE"
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    assert view.view.spans()["entity 19-25"].label == "GPE ✓"
    view.close()
    w.close()
