"""A schema of 10,000 types: the window opens, and a type deep in the list can be chosen everywhere.

Also: the window's own shortcuts are all in annotator/shortcuts.py, so the
schema check (a label may not take them) cannot drift from the window.
No timing here (see benchmarks/bench_big_schema.py): only what a person sees and does.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QToolButton

from annotator.model import Document
from annotator.model import AnnotatedDocument
from annotator.qt import typelist
from annotator.qt.mainwindow import MainWindow
from annotator.schema import Schema
from annotator.shortcuts import reserved_keys
from annotator.store import Project
from conftest import drag

N_ENTITIES = 6000
N_EVENTS = 4000
TEXT = "Police in Dujail arrested two men after the attack on Monday."
DEEP_ENTITY = "E05990"
DEEP_EVENT = "V03977"


def big_schema() -> Schema:
    parts = ['name = "big"\n']
    parts += [f"[entities.E{i:05d}]\n" + (f'hotkey = "Alt+{chr(65 + i)}"\n' if i < 5 else "") for i in range(N_ENTITIES)]
    parts += [f'[events.V{i:05d}]\nroles.Agent = ["E{i:05d}"]\n' for i in range(N_EVENTS)]
    return Schema.from_toml("".join(parts), "big.toml")


@pytest.fixture(scope="module")
def schema() -> Schema:
    return big_schema()


@pytest.fixture
def window(qtbot, tmp_path, schema):
    path = tmp_path / "big.annotator.db"
    with Project.open(path, schema=schema) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT))])
    w = MainWindow(path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    w.close()


def select_word(qtbot, w: MainWindow, word: str) -> tuple[int, int]:
    """Drag over ``word`` in the view, as a person does."""
    start = TEXT.index(word)
    end = start + len(word)
    view = w.view
    r0, r1 = view.char_rect(start), view.char_rect(end - 1)
    drag(qtbot, view.viewport(), QPoint(r0.center().x(), r0.center().y()), QPoint(r1.center().x(), r1.center().y()))
    assert view.selection() == (start, end)
    return start, end


def stored_labels(w: MainWindow) -> list[tuple[str, str]]:
    doc = w.session.project.get_annotated("d1")
    return [(s.label, TEXT[s.start:s.end]) for s in doc.spans]


def test_the_window_builds_no_widget_or_action_per_type(window):
    assert len(window.session.project.schema.entity_types) == N_ENTITIES
    assert len(window.findChildren(QToolButton)) < 200
    assert len(window.findChildren(QAction)) < 500
    # The palette lists every type, in a view that draws only what is on screen.
    assert window.panels.palette.types.model.rowCount() == N_ENTITIES + N_EVENTS + 2
    menus = [a.menu() for a in window.menus.labels_menu.actions() if a.menu()]
    assert [len(m.actions()) for m in menus] == [typelist.MENU_CAP + 2] * 2  # the cap, a separator, "More…"


def test_a_deep_label_is_chosen_in_the_palette_by_filter_and_click(qtbot, window):
    select_word(qtbot, window, "Dujail")
    palette = window.panels.palette
    qtbot.keyClicks(palette.filter, DEEP_ENTITY[-4:])  # "5990": only that type and headers are left
    index = palette.index_of(DEEP_ENTITY)
    assert index.isValid() and palette.types.proxy.rowCount() == 3
    rect = palette.list.visualRect(index)
    qtbot.mouseClick(palette.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert stored_labels(window) == [(DEEP_ENTITY, "Dujail")]


def test_a_deep_event_type_is_chosen_through_more_in_the_labels_menu(qtbot, window):
    select_word(qtbot, window, "attack")
    events_menu = next(a.menu() for a in window.menus.labels_menu.actions() if a.text() == "Events")
    more = events_menu.findChild(QAction, "more_types") or next(
        a for a in events_menu.actions() if a.objectName() == "more_types")
    assert more.text() == f"More… ({N_EVENTS - typelist.MENU_CAP:,} more types)"
    more.trigger()
    chooser = typelist.last_chooser
    qtbot.waitExposed(chooser)
    qtbot.keyClicks(chooser.types.filter, DEEP_EVENT)
    qtbot.keyClick(chooser.types.filter, Qt.Key.Key_Return)
    assert [label for label, _t in stored_labels(window)] == [DEEP_EVENT]
    assert window.session.project.get_annotated("d1").events[0].type == DEEP_EVENT


def test_change_type_in_the_context_menu_reaches_every_type(qtbot, window):
    select_word(qtbot, window, "Police")
    qtbot.keyClick(window.view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # hotkey of E00000
    assert stored_labels(window) == [("E00000", "Police")]
    span_id = window.view.selected_span()
    menu = window.context_menu.build(span_id)
    change = next(a.menu() for a in menu.actions() if a.text() == "Change type to")
    more = next(a for a in change.actions() if a.objectName() == "more_types")
    more.trigger()
    chooser = typelist.last_chooser
    qtbot.keyClicks(chooser.types.filter, DEEP_ENTITY)
    index = chooser.types.index_of(DEEP_ENTITY)
    qtbot.mouseClick(chooser.types.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=chooser.types.list.visualRect(index).center())
    assert stored_labels(window) == [(DEEP_ENTITY, "Police")]
    menu.deleteLater()


def test_the_inspector_type_box_lists_every_type_and_changes_it(qtbot, window):
    select_word(qtbot, window, "men")
    qtbot.keyClick(window.view, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # E00001
    combo = window.panels.inspector.type_combo
    assert combo.count() == N_ENTITIES and combo.currentText() == "E00001"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)  # the last type, by keyboard
    assert stored_labels(window) == [(f"E{N_ENTITIES - 1:05d}", "men")]


def test_every_window_shortcut_is_reserved_for_the_application(window):
    """The list schemas are checked against (annotator/shortcuts.py) holds every key the window binds."""
    taken = reserved_keys()
    label_actions = set(window.menus.label_actions)
    missing = {}
    for action in window.findChildren(QAction):
        if action in label_actions:
            continue
        for seq in action.shortcuts():
            key = seq.toString(QKeySequence.SequenceFormat.PortableText)
            if key not in taken:
                missing[key] = action.text()
    assert missing == {}
    for action in window.menus.label_actions:  # and no label hotkey is one of them
        assert action.shortcut().toString(QKeySequence.SequenceFormat.PortableText) not in taken


def test_the_view_keys_are_reserved(window):
    taken = reserved_keys()
    for key in ("Del", "Esc", "Left", "Shift+Right", "Ctrl+Shift+Left", "Return", "Backspace", "PgDown", "Ctrl+C"):
        assert key in taken, key
    assert not [k for k in taken if k.isdigit() or (len(k) == 1 and k.isalpha())]  # digits and letters stay free


def test_the_palette_takes_the_keyboard_too(qtbot, window):
    select_word(qtbot, window, "Monday")
    palette = window.panels.palette
    qtbot.keyClicks(palette.filter, "V00004")
    palette.list.setFocus()
    palette.list.setCurrentIndex(palette.index_of("V00004"))
    qtbot.keyClick(palette.list, Qt.Key.Key_Return)
    assert stored_labels(window) == [("V00004", "Monday")]
