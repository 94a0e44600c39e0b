"""One selection: the annotation list highlights only what the Inspector shows (after a delete, Find, Esc, clicks)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.qt.annlist_model import AnnotationTableModel
from annotator.qt.mainwindow import MainWindow
from test_events_ui import annotate_seed_events
from test_mainwindow import make_project, show_window, stored


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = show_window(qtbot, MainWindow(make_project(tmp_path / "seed.db"), settings=settings))
    qtbot.waitUntil(lambda: w.panels is not None)
    yield w
    w.close()


def _one_state(w: MainWindow) -> tuple[str | None, str | None]:
    """(list row, Inspector) after the event loop settles; the test asserts they agree."""
    QApplication.processEvents()
    return w.panels.ann_list.selected_id(), w.panels.inspector.annotation_id


def _click_row(qtbot, w: MainWindow, ann_id: str) -> None:
    view = w.panels.ann_list.view
    index = w.panels.ann_list.proxy_index(ann_id).siblingAtColumn(AnnotationTableModel.COL_TEXT)  # a shown column
    view.scrollTo(index)
    assert view.visualRect(index).isValid()
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.visualRect(index).center())


def test_delete_leaves_no_row_highlighted_that_the_inspector_does_not_show(qtbot, window):
    w = window
    ids = annotate_seed_events(w)
    _click_row(qtbot, w, ids["die3"])
    assert _one_state(w) == (ids["die3"], ids["die3"])
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key_Delete)
    assert ids["die3"] not in {e.id for e in stored(w).events}  # really deleted in the file
    assert _one_state(w) == (None, None)
    assert w.view.selected_span() is None
    # an entity with arguments: the cascade takes rows out around the selected one
    isis = next(s.id for s in stored(w).spans if w.session.current.text[s.start:s.end] == "ISIS fighters")
    _click_row(qtbot, w, isis)
    assert _one_state(w) == (isis, isis)
    w.view.setFocus()
    qtbot.keyClick(w.view, Qt.Key_Delete)
    assert _one_state(w) == (None, None)
    # undo brings the rows back; nothing is selected that the Inspector does not show
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    list_id, shown = _one_state(w)
    assert list_id == shown


def test_find_then_escape_clears_list_and_inspector_together(qtbot, window):
    w = window
    ids = annotate_seed_events(w)
    _click_row(qtbot, w, ids["die5"])
    assert _one_state(w) == (ids["die5"], ids["die5"])
    qtbot.keyClick(w.view, Qt.Key_F, Qt.ControlModifier)
    qtbot.keyClicks(w.find_bar.edit, "Baghdad")
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
    assert w.find_bar.status.text().startswith("1 of ")
    list_id, shown = _one_state(w)
    assert list_id == shown == ids["die5"]  # Find selects text; the selected annotation stays one state
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Escape)  # closes the find bar, keeps the match
    assert _one_state(w) == (ids["die5"], ids["die5"])
    qtbot.keyClick(w.view, Qt.Key_Escape)           # clears the selection everywhere
    assert _one_state(w) == (None, None)
    assert w.view.selected_span() is None


def test_click_on_a_span_then_on_plain_text(qtbot, window):
    w = window
    ids = annotate_seed_events(w)
    cur = w.session.current
    trigger = cur.events[ids["att5"]].trigger
    w.view.select_span(None, scroll=False)
    w.view.scroll_to_span(trigger)
    QApplication.processEvents()
    r = w.view.span_rects(trigger)[0]
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=r.center())
    assert _one_state(w) == (ids["att5"], ids["att5"])  # a trigger is shown as its event, in both
    # a click on a word that is no annotation ("In" starts that paragraph)
    start = cur.text.index("In a separate attack")
    c = w.view.char_rect(start)
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=c.center())
    assert _one_state(w) == (None, None)
