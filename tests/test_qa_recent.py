"""File › Open Recent at the next start: the paths, not the letters of the one project opened before (a one-item
list is read back from the settings file as a plain string)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings

from annotator.qt.mainwindow import MainWindow
from annotator.store import Project
from test_mainwindow import show_window


def test_open_recent_lists_the_projects_opened_across_starts(qtbot, tmp_path):
    paths = []
    for name in ("first.db", "second.db"):
        path = tmp_path / name
        with Project.open(path):
            pass
        paths.append(str(path.resolve()))
    ini = tmp_path / "settings.ini"
    # what the last run left: one recent project, which the settings file holds as a plain value
    ini.write_text(f"[General]\nrecent_projects={paths[0]}\nlast_project={paths[0]}\n", encoding="utf-8")
    w = MainWindow(None, settings=QSettings(str(ini), QSettings.Format.IniFormat))
    show_window(qtbot, w)
    try:
        assert w.open_project(Path(paths[1]))
        menu = w.menus.recent_menu
        menu.popup(w.mapToGlobal(QPoint(10, 10)))  # aboutToShow fills it
        qtbot.waitExposed(menu)
        assert [a.text() for a in menu.actions()] == [paths[1], paths[0]]
        menu.hide()
    finally:
        w.close()
