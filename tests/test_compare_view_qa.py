"""The comparison view as a picky lead uses it: one layer against itself, and closing it from the keyboard."""
from __future__ import annotations

from PySide6.QtCore import Qt

from test_adjudicate import EMPTY, gold_rows
from test_compare_view import CTRL, SHIFT, window  # noqa: F401 (a fixture: Dana (A) against Bob (B) of d1)


def test_a_layer_against_itself_is_said_and_nothing_goes_into_gold(qtbot, window):  # noqa: F811
    path = window.project.path
    assert window.accept_button.isEnabled()  # Dana against Bob: agreements to accept
    window.b_box.setFocus()
    qtbot.keyClicks(window.b_box, "D")  # the combo's own key search: Dana
    assert window.layers_shown() == ("Dana", "Dana")
    assert "A and B are both Dana" in window.counts.text()
    assert window.message.text() == ""  # not the difference selected before, which is gone from the list
    assert not window.accept_button.isEnabled()
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_A, CTRL | SHIFT)  # "accept all agreements" of Dana with Dana
    qtbot.keyClick(window.list, Qt.Key.Key_1)
    assert gold_rows(path) == EMPTY
    assert "A and B are both Dana" in window.message.text()


def test_letters_typed_into_the_layer_boxes_choose_a_layer_and_take_nothing(qtbot, window):  # noqa: F811
    path = window.project.path
    window.a_box.setFocus()
    qtbot.keyClicks(window.a_box, "B")  # Bob for A (B is also the "take B's version" key in the text and list)
    assert window.layers_shown() == ("Bob", "Bob")
    assert gold_rows(path) == EMPTY
    window.b_box.setFocus()
    qtbot.keyClicks(window.b_box, "D")
    assert window.layers_shown() == ("Bob", "Dana")
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_B)  # in the text the key takes B's version (Dana's) into gold
    assert gold_rows(path) != EMPTY


def test_ctrl_w_closes_the_view(qtbot, window):  # noqa: F811
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_W, CTRL)
    assert not window.isVisible()


def test_a_layer_imported_while_the_view_is_open_can_be_chosen_when_it_is_active_again(qtbot, window):  # noqa: F811
    from PySide6.QtWidgets import QApplication, QWidget

    from annotator.model import Span
    from annotator.store import Project

    assert window.b_box.findData("Carol") < 0
    other = QWidget()  # another window takes the focus while Carol's work comes in through another connection
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    with Project.open(window.project.path) as p, p.in_layer("Carol"):
        p.add_span("d1", Span("", "PER", 0, 9))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.b_box.findData("Carol") >= 0 and window.a_box.findData("Carol") >= 0
    assert window.layers_shown() == ("Dana", "Bob")  # the choice stays
    window.b_box.setFocus()
    qtbot.keyClicks(window.b_box, "C")
    assert window.layers_shown() == ("Dana", "Carol")
    assert "B = Carol" in window.counts.text()
