"""The layout is saved when it changes (after a short quiet time), not only on a clean exit.

Each test changes something as a person does, lets the save timer fire, and
reads a fresh QSettings on the same file (or opens a new window on it).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from annotator.qt.dock_layout import DockLayout
from annotator.qt.mainwindow import MainWindow
from test_mainwindow import make_project, show_window


def _open(qtbot, project: Path, ini: Path, size: tuple[int, int] = (1400, 900)) -> MainWindow:
    w = show_window(qtbot, MainWindow(project, settings=QSettings(str(ini), QSettings.IniFormat)), *size)
    qtbot.waitUntil(lambda: w.panels is not None)
    QApplication.processEvents()
    return w


def _drag_edge(qtbot, w: QWidget, p0: QPoint, p1: QPoint) -> None:
    """A left-button drag in steps; the window applies each step of a dock edge's move in a turn of its loop."""
    qtbot.mouseMove(w, p0)
    qtbot.mousePress(w, Qt.LeftButton, pos=p0)
    for i in (1, 2, 3, 4):
        p = QPoint(p0.x() + (p1.x() - p0.x()) * i // 4, p0.y() + (p1.y() - p0.y()) * i // 4)
        QApplication.sendEvent(w, QMouseEvent(QEvent.MouseMove, QPointF(p), QPointF(w.mapToGlobal(p)),
                                              Qt.NoButton, Qt.LeftButton, Qt.NoModifier))
        QApplication.processEvents()
    qtbot.mouseRelease(w, Qt.LeftButton, pos=p1)


def _fresh(ini: Path) -> QSettings:
    return QSettings(str(ini), QSettings.IniFormat)


def test_dragging_a_dock_edge_is_saved_without_closing_the_window(qtbot, tmp_path):
    project, ini = make_project(tmp_path / "seed.db"), tmp_path / "layout.ini"
    w = _open(qtbot, project, ini)
    inspector = w.panels.docks["inspector"]
    before = inspector.width()
    # drag the edge between the text and the right column 80 px to the left, as a person does
    edge_x = inspector.geometry().left() - 3
    y = inspector.geometry().center().y()
    assert w.childAt(QPoint(edge_x, y)) is None  # the edge itself: neither the text nor the dock
    qtbot.waitUntil(lambda: not w.prefs.save_pending)  # the save due from the window's start is done
    with qtbot.waitSignal(w.prefs.saved, timeout=5000):
        _drag_edge(qtbot, w, QPoint(edge_x, y), QPoint(edge_x - 80, y))
    assert inspector.width() >= before + 60
    saved = _fresh(ini)
    assert saved.value("window_state") == w.saveState()
    assert saved.value("geometry") == w.saveGeometry()
    # the window is not closed (a crash would lose nothing): a second window on the same file gets the layout
    w2 = _open(qtbot, project, ini)
    assert abs(w2.panels.docks["inspector"].width() - inspector.width()) <= 2
    w2.close()
    w.close()


def test_zoom_and_a_moved_dock_are_saved_and_the_moved_layout_is_kept(qtbot, tmp_path):
    project, ini = make_project(tmp_path / "seed.db"), tmp_path / "layout.ini"
    w = _open(qtbot, project, ini)
    with qtbot.waitSignal(w.prefs.saved, timeout=5000):
        qtbot.keyClick(w.view, Qt.Key_Equal, Qt.ControlModifier)  # Zoom In
    assert int(_fresh(ini).value("zoom")) == 1
    with qtbot.waitSignal(w.prefs.saved, timeout=5000):
        w.addDockWidget(Qt.RightDockWidgetArea, w.panels.docks["documents"])  # moved by the user
    saved = _fresh(ini)
    assert saved.value("layout_auto") in (False, "false")
    w2 = _open(qtbot, project, ini)
    assert w2.view.zoom() == 1
    assert w2.dockWidgetArea(w2.panels.docks["documents"]) == Qt.RightDockWidgetArea
    assert DockLayout.of(w2).auto is False
    w2.close()
    w.close()


def test_nothing_is_written_before_a_change_and_a_burst_is_one_save(qtbot, tmp_path):
    project, ini = make_project(tmp_path / "seed.db"), tmp_path / "layout.ini"
    w = _open(qtbot, project, ini)
    saves: list[int] = []
    w.prefs.saved.connect(lambda: saves.append(1))
    with qtbot.waitSignal(w.prefs.saved, timeout=5000):
        for _ in range(5):
            qtbot.keyClick(w.view, Qt.Key_Equal, Qt.ControlModifier)
    QApplication.processEvents()
    assert saves == [1]
    assert int(_fresh(ini).value("zoom")) == 5
    w.close()


def test_the_users_layout_stays_when_another_project_is_opened(qtbot, tmp_path):
    first, ini = make_project(tmp_path / "a.db"), tmp_path / "layout.ini"
    second = make_project(tmp_path / "b.db")
    w = _open(qtbot, first, ini)
    with qtbot.waitSignal(w.prefs.saved, timeout=5000):
        w.addDockWidget(Qt.RightDockWidgetArea, w.panels.docks["documents"])  # moved by the user
    assert w.open_project(second)
    qtbot.waitUntil(lambda: w.panels is not None)
    assert w.dockWidgetArea(w.panels.docks["documents"]) == Qt.RightDockWidgetArea
    assert w.dockWidgetArea(w.panels.docks["annotations"]) == Qt.LeftDockWidgetArea
    assert DockLayout.of(w).auto is False
    w.close()
