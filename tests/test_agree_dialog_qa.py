"""The Agreement dialog from the window's menu: the document where people disagree most opens with Enter."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_agree_cli import two_layers  # noqa: F401 - the fixture: Dana's, Bob's and a gold layer of d, ev, c, n
from test_mainwindow import show_window
from test_review_mode import settings  # noqa: F401 - a fixture

from annotator.qt.agree_dialog import AgreementDialog
from annotator.qt.mainwindow import MainWindow


def test_enter_on_a_document_row_opens_it_in_the_window(qtbot, two_layers: Path, settings) -> None:  # noqa: F811
    w = MainWindow(None, settings=settings)
    show_window(qtbot, w)
    try:
        assert w.open_project(two_layers)
        w.open_document("n")
        (action,) = [a for a in w.findChildren(type(w.review.toggle)) if a.objectName() == "action_agreement"]
        action.trigger()
        (dlg,) = [d for d in w.findChildren(AgreementDialog) if d.isVisible()]
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)  # the keyboard is the dialog's
        qtbot.waitUntil(lambda: not dlg.scoring)
        dlg.tabs.setCurrentWidget(dlg.documents)
        table = dlg.documents
        table.setFocus()
        first = table.cell(0, 0)
        assert first != "n"
        qtbot.keyClick(table, Qt.Key.Key_Down)
        qtbot.keyClick(table, Qt.Key.Key_Up)  # the first row: the lowest F1
        qtbot.keyClick(table, Qt.Key.Key_Return)
        assert w.session.current is not None and w.session.current.id == first
        assert dlg.isVisible()  # the figures stay beside the text (Enter in a table no longer closes them)
        dlg.close()
    finally:
        w.close()
