"""A hotkey that would change a span's kind (entity <-> trigger) is refused in the status bar, not a dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from test_events_ui import settings, tag, window  # noqa: F401  (the fixtures)
from test_mainwindow import stored


def test_an_event_hotkey_on_an_entity_is_refused_without_a_dialog_and_focus_stays(qtbot, window):  # noqa: F811
    w = window
    isis = tag(w, "ISIS fighters", "ORG")
    w.view.select_span(isis, scroll=True)
    w.view.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(w.view, Qt.Key_D, Qt.ShiftModifier)  # Shift+D is Life.Die in the news schema
    QApplication.processEvents()
    assert QApplication.activeModalWidget() is None
    assert w.messages.last is None  # no message box was made at all
    shown = w.statusBar().currentMessage()
    assert "ISIS fighters" in shown or isis in shown
    assert "Life.Die" in shown and "event" in shown
    assert QApplication.focusWidget() is w.view
    spans = {s.id: s for s in stored(w).spans}
    assert spans[isis].label == "ORG"  # unchanged in the file
