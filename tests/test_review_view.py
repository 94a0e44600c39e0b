"""What review mode shows: marks on the label tags and arcs (pixels of a real grab), the inspector, the help."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from test_review_mode import choose, current_key, enter_review, key, project, settings, window  # noqa: F401


def near_corner(image: QImage, rect: QRect, color: QColor, tol: int = 40) -> int:
    """Pixels of about ``color`` within 7 px of the top-right corner of ``rect`` (a tag or an arc label)."""
    corner = QPoint(rect.right(), rect.top())
    n = 0
    for x in range(corner.x() - 7, corner.x() + 8):
        for y in range(corner.y() - 7, corner.y() + 8):
            if 0 <= x < image.width() and 0 <= y < image.height():
                c = image.pixelColor(x, y)
                if abs(c.red() - color.red()) + abs(c.green() - color.green()) + abs(c.blue() - color.blue()) < tol:
                    n += 1
    return n


GREEN, RED, AMBER = QColor("#1f8f3a"), QColor("#c62828"), QColor("#d97706")


def grab(w) -> QImage:
    QApplication.processEvents()
    return w.view.viewport().grab().toImage()


def test_decisions_are_drawn_on_tags_and_arcs(qtbot, window, tmp_path):  # noqa: F811
    w = window
    view = w.view
    enter_review(qtbot, w)
    before = grab(w)
    t1, trigger = view.label_rect("T1"), view.label_rect("T2")
    place = view.arcs.link_label_rect("E1:1")
    assert t1 is not None and trigger is not None and place is not None
    assert near_corner(before, t1, GREEN) == 0 and near_corner(before, trigger, RED) == 0
    key(qtbot, w, Qt.Key.Key_A)  # T1 accepted
    key(qtbot, w, Qt.Key.Key_R)  # E1 rejected: drawn on its trigger's tag
    key(qtbot, w, Qt.Key.Key_Space)  # E1:0 left undecided
    key(qtbot, w, Qt.Key.Key_C)  # E1:1 (Place) corrected to Attacker
    choose(qtbot, w, "Attacker")
    after = grab(w)
    after.save(str(tmp_path / "review_marks.png"))
    assert near_corner(after, t1, GREEN) >= 12
    assert near_corner(after, trigger, RED) >= 12
    assert near_corner(after, view.arcs.link_label_rect("E1:1"), AMBER) >= 12
    assert near_corner(after, view.arcs.link_label_rect("E1:0"), AMBER) == 0  # undecided: no mark
    key(qtbot, w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the correction: its mark goes
    assert near_corner(grab(w), view.arcs.link_label_rect("E1:1"), AMBER) == 0
    assert near_corner(grab(w), t1, GREEN) >= 12


def test_the_inspector_shows_state_reviewer_and_comment(qtbot, window):  # noqa: F811
    w = window
    enter_review(qtbot, w)
    box = w.panels.inspector.review_box
    assert box.plain() == "Not reviewed"
    key(qtbot, w, Qt.Key.Key_M)
    qtbot.keyClicks(w.review.bar.comment_edit, "rebels, not an army")
    qtbot.keyClick(w.review.bar.comment_edit, Qt.Key.Key_Return)
    key(qtbot, w, Qt.Key.Key_A)
    key(qtbot, w, Qt.Key.Key_BracketLeft)  # back to T1: the inspector shows it
    assert current_key(w) == "T1"
    assert box.plain() == "Accepted by Rita — “rebels, not an army”"
    key(qtbot, w, Qt.Key.Key_BracketRight)  # E1, then its first argument rejected: shown under the event
    key(qtbot, w, Qt.Key.Key_BracketRight)
    key(qtbot, w, Qt.Key.Key_X)
    key(qtbot, w, Qt.Key.Key_BracketLeft)
    key(qtbot, w, Qt.Key.Key_BracketLeft)
    assert current_key(w) == "E1"
    assert box.plain() == "Not reviewed\n1. Attacker: Rejected by Rita"
    assert w.review.bar.state_label.text() == "Not reviewed"  # the event itself; its argument is rejected


def test_every_review_key_is_in_the_help_and_in_the_menu_tooltips(qtbot, window):  # noqa: F811
    w = window
    w.show_help()
    dlg = w.help_dialog
    assert dlg.keys_for("Review Mode") == "Ctrl+Shift+R"
    assert dlg.keys_for("Review: Accept") == "A, Return, Enter"
    assert dlg.keys_for("Review: Reject") == "R, X"
    assert dlg.keys_for("Review: Next Undecided") == "Space, N"
    assert dlg.keys_for("Review: Comment") == "M"
    assert dlg.keys_for("Review: Leave Review Mode") == "Esc"
    dlg.close()
    menu = w.review.ui.menu
    tips = {a.objectName(): a.toolTip() for a in menu.actions() if a.objectName()}
    assert tips["action_review_accept"].endswith("A, Return, Enter")
    assert tips["action_review_correct"].endswith("— C")
    assert "Ctrl+Shift+R" in w.review.toggle.toolTip()
    assert not any(a.shortcuts() for a in w.review.actions.values())  # no window shortcut: letters stay labels'


def test_the_review_bar_does_not_widen_a_window_of_1000_px(qtbot, window):  # noqa: F811
    w = window
    w.resize(1000, 700)
    qtbot.waitUntil(lambda: w.width() == 1000)
    enter_review(qtbot, w)
    QApplication.processEvents()
    assert w.width() == 1000 and w.minimumSizeHint().width() <= 1000
