"""The layer switcher, driven as a person drives it: a real project file with Dana's, Bob's, the default and the
gold layer; the combo box, the Layers menu and Ctrl+Shift+L; what the view, the annotation list and the
problems panel show; edits and Ctrl+Z checked in the SQLite file itself."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt.layer_switch import layer_choices, mine_layer
from annotator.qt.mainwindow import MainWindow
from annotator.schema import Schema
from annotator.store import Project
from test_mainwindow import drag_over, press, show_window, word_span

SCHEMA = """
name = "layers"

[entities.PER]
color = "#8ec5f5"
hotkey = "P"

[entities.ORG]
color = "#a5e1a0"
hotkey = "O"

[entities.GPE]
color = "#c4b5f4"
hotkey = "G"

[events.Attack]
color = "#ff9f9a"
hotkey = "Shift+A"
roles.Attacker = { types = ["PER", "ORG"], cardinality = "one" }
roles.Place = { types = ["GPE"] }
"""

TEXT = "Troops attacked Dujail on Wednesday. Officials in Baghdad said seven people died."


def at(word: str) -> tuple[int, int]:
    return word_span(TEXT, word)


def make_layers(path: Path) -> Path:
    """d1 with four layers (ids asserted as written): default, Dana (complete), Bob (an incomplete event), gold."""
    with Project.open(path, schema=Schema.from_toml(SCHEMA, "layers.toml")) as p:
        p.import_documents([AnnotatedDocument(Document("d1", TEXT, name="d1"), [Span("T1", "GPE", *at("Dujail"))])])
        with p.in_layer("Dana"):
            assert p.add_span("d1", Span("", "ORG", *at("Troops"))).id == "T1"
            ev = p.add_event("d1", Event("", "Attack", ""), Span("", "Attack", *at("attacked"), kind=TRIGGER))
            assert (ev.id, ev.trigger) == ("E1", "T2")
            p.add_argument("d1", "E1", Argument("Attacker", "T1"))
            assert p.add_span("d1", Span("", "GPE", *at("Baghdad"))).id == "T3"
        with p.in_layer("Bob"):
            assert p.add_span("d1", Span("", "PER", *at("Officials"))).id == "T1"
            ev = p.add_event("d1", Event("", "Attack", ""), Span("", "Attack", *at("attacked"), kind=TRIGGER))
            assert (ev.id, ev.trigger) == ("E1", "T2")
            assert p.add_span("d1", Span("", "GPE", *at("Dujail"))).id == "T3"
            p.add_argument("d1", "E1", Argument("Place", "T3"))  # no Attacker: incomplete
        with p.in_layer("gold"):
            assert p.add_span("d1", Span("", "GPE", *at("Baghdad"))).id == "T1"
    return path


# What each layer holds, written out (not read through the code under test): id -> (label, covered text).
DEFAULT = {"T1": ("GPE", "Dujail")}
DANA = {"T1": ("ORG", "Troops"), "T2": ("Attack", "attacked"), "T3": ("GPE", "Baghdad")}
BOB = {"T1": ("PER", "Officials"), "T2": ("Attack", "attacked"), "T3": ("GPE", "Dujail")}
GOLD = {"T1": ("GPE", "Baghdad")}


def rows(db: Path) -> set[tuple[str, str, str, int, int]]:
    """(layer, id, label, start, end) of every span, straight from the file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return set(con.execute("SELECT layer, id, label, start, \"end\" FROM spans"))
    finally:
        con.close()


def file_rows(layers: dict[str, dict[str, tuple[str, str]]]) -> set[tuple[str, str, str, int, int]]:
    return {(layer, sid, label, *at(word)) for layer, spans in layers.items() for sid, (label, word) in spans.items()}


BEFORE = file_rows({"": DEFAULT, "Dana": DANA, "Bob": BOB, "gold": GOLD})


def shown(w: MainWindow) -> dict[str, tuple[str, str]]:
    """What the view draws: id -> (label, covered text)."""
    return {sid: (s.label, TEXT[s.start:s.end]) for sid, s in w.view.spans().items()}


def listed(w: MainWindow) -> set[str]:
    """The ids the Annotations panel lists."""
    return set(w.panels.ann_list.visible_ids())


@pytest.fixture
def ini(tmp_path) -> Path:
    path = tmp_path / "settings.ini"
    s = QSettings(str(path), QSettings.IniFormat)
    s.setValue("annotator", "Dana")
    s.sync()
    return path


def open_window(qtbot, db: Path, ini: Path) -> MainWindow:
    w = show_window(qtbot, MainWindow(db, settings=QSettings(str(ini), QSettings.IniFormat)))
    qtbot.waitUntil(lambda: w.panels is not None)
    return w


@pytest.fixture
def window(qtbot, tmp_path, ini):
    w = open_window(qtbot, make_layers(tmp_path / "layers.db"), ini)
    yield w
    w.close()


def pick_in_combo(qtbot, w: MainWindow, text: str) -> None:
    """Open the toolbar's layer list and click the entry ``text``."""
    combo = w.layers.combo
    combo.showPopup()
    popup = combo.view()
    qtbot.waitUntil(popup.isVisible)
    row = combo.findText(text)
    assert row >= 0, [combo.itemText(i) for i in range(combo.count())]
    rect = popup.visualRect(popup.model().index(row, 0))
    qtbot.mouseClick(popup.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not popup.isVisible())


def next_layer(qtbot, w: MainWindow) -> None:
    qtbot.keyClick(w.view, Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier)


# ---------------------------------------------------------------------------------------------- pure


def test_mine_is_the_users_layer_in_a_team_project_and_the_default_layer_alone():
    assert mine_layer(["", "Bob", "Dana", "gold"], "Dana") == "Dana"
    assert mine_layer(["", "Bob"], "Carol") == "Carol"        # a team project: a new member's own layer
    assert mine_layer([""], "Dana") == ""                     # one annotator: the work stays where it is
    assert mine_layer(["", "gold"], "Dana") == ""
    assert mine_layer(["", "Dana"], "") == ""
    texts = [(c.text, c.layer, c.mine) for c in layer_choices(["", "Bob", "Dana", "gold"], "Dana")]
    assert texts == [("Mine (Dana)", "Dana", True), ("default", "", False), ("Bob", "Bob", False),
                     ("gold", "gold", False), ("All layers (overlaid, read-only)", None, False)]
    # the user's own name and gold are offered even when they hold nothing yet
    texts = [(c.text, c.layer) for c in layer_choices([""], "Dana")]
    assert texts == [("Mine (default)", ""), ("Dana", "Dana"), ("gold", "gold"),
                     ("All layers (overlaid, read-only)", None)]


# ---------------------------------------------------------------------------------------------- the window


def test_the_window_opens_on_mine_and_the_combo_shows_the_other_layers(qtbot, window):
    w = window
    assert [w.layers.combo.itemText(i) for i in range(w.layers.combo.count())] == [
        "Mine (Dana)", "default", "Bob", "gold", "All layers (overlaid, read-only)"]
    assert w.layers.combo.currentText() == "Mine (Dana)"
    assert shown(w) == DANA
    assert listed(w) == {"T1", "T3", "E1"}
    assert "layer Dana" in w.windowTitle() and "Dana" in w.layers.status_label.text()

    pick_in_combo(qtbot, w, "Bob")
    assert w.session.project.layer == "Bob"
    assert shown(w) == BOB
    assert listed(w) == {"T1", "T3", "E1"}
    assert w.view.spans()["T1"].label == "PER"
    assert "layer Bob" in w.windowTitle() and "Bob" in w.layers.status_label.text()
    pick_in_combo(qtbot, w, "gold")
    assert shown(w) == GOLD and listed(w) == {"T1"}
    pick_in_combo(qtbot, w, "default")
    assert shown(w) == DEFAULT
    # the Layers menu's radio items follow, and choose too
    checked = [a.text() for a in w.layers.menu_actions if a.isChecked()]
    assert checked == ["default"]
    w.layers.menu_actions[2].trigger()  # Bob, as a click in the menu does
    assert shown(w) == BOB and w.layers.combo.currentText() == "Bob"


def test_the_shortcut_cycles_through_every_layer_and_round(qtbot, window):
    w = window
    seen = []
    for _ in range(6):
        next_layer(qtbot, w)
        seen.append((w.layers.combo.currentText(), set(shown(w))))
    assert seen == [
        ("default", set(DEFAULT)), ("Bob", set(BOB)), ("gold", set(GOLD)),
        ("All layers (overlaid, read-only)",
         {"default:T1", "Dana:T1", "Dana:T2", "Dana:T3", "Bob:T1", "Bob:T2", "Bob:T3", "gold:T1"}),
        ("Mine (Dana)", set(DANA)), ("default", set(DEFAULT))]
    assert shown(w) == DEFAULT
    assert w.statusBar().currentMessage() == "Layer: default"


def test_an_edit_lands_in_the_layer_shown_and_ctrl_z_never_reaches_another_layer(qtbot, window):
    w = window
    db = w.session.project.path
    assert rows(db) == BEFORE
    # a GPE on "Dujail" in Dana's layer, by mouse and key
    drag_over(qtbot, w, *at("Dujail"))
    press(qtbot, w, Qt.Key_G)
    added_dana = ("Dana", "T4", "GPE", *at("Dujail"))
    assert rows(db) == BEFORE | {added_dana}
    assert shown(w)["T4"] == ("GPE", "Dujail")

    pick_in_combo(qtbot, w, "Bob")
    assert "T4" not in shown(w)
    assert not w.menus["undo"].isEnabled()
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)  # Dana's edit is not Bob's to undo
    assert rows(db) == BEFORE | {added_dana}
    assert shown(w) == BOB

    drag_over(qtbot, w, *at("Baghdad"))
    press(qtbot, w, Qt.Key_G)
    added_bob = ("Bob", "T4", "GPE", *at("Baghdad"))
    assert rows(db) == BEFORE | {added_dana, added_bob}
    # back in Dana's layer, Ctrl+Z and Ctrl+Shift+Z do nothing: Bob's T4 is not Dana's T4
    pick_in_combo(qtbot, w, "Mine (Dana)")
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert rows(db) == BEFORE | {added_dana, added_bob}
    assert shown(w) == {**DANA, "T4": ("GPE", "Dujail")}

    # within one layer undo works as ever: delete Bob's T4 with the key, Ctrl+Z brings it back
    pick_in_combo(qtbot, w, "Bob")
    w.view.select_span("T4", scroll=True)
    press(qtbot, w, Qt.Key_Delete)
    assert rows(db) == BEFORE | {added_dana}
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert rows(db) == BEFORE | {added_dana, added_bob}
    assert shown(w) == {**BOB, "T4": ("GPE", "Baghdad")}

    # the document list counts the document's annotations over every layer, whichever is shown:
    # default 1, Dana 2 entities + 1 event + the new span, Bob the same, gold 1
    assert doc_list_count(w) == 1 + 4 + 4 + 1
    pick_in_combo(qtbot, w, "gold")
    assert doc_list_count(w) == 10


def doc_list_count(w: MainWindow) -> int:
    model = w.panels.doc_list.model
    return model.index(0, 2).data()


def test_all_layers_overlaid_are_read_only_with_the_layer_in_the_ids(qtbot, window):
    w = window
    db = w.session.project.path
    pick_in_combo(qtbot, w, "All layers (overlaid, read-only)")
    assert w.session.layer is None
    # each tag ends with its layer's letters (Da and De: Dana and default start alike; tests/test_layers_gui_overlay.py)
    assert shown(w) == {
        "default:T1": ("GPE·De", "Dujail"),
        "Dana:T1": ("ORG·Da", "Troops"), "Dana:T2": ("Attack·Da", "attacked"), "Dana:T3": ("GPE·Da", "Baghdad"),
        "Bob:T1": ("PER·B", "Officials"), "Bob:T2": ("Attack·B", "attacked"), "Bob:T3": ("GPE·B", "Dujail"),
        "gold:T1": ("GPE·G", "Baghdad")}
    assert listed(w) == {"default:T1", "Dana:T1", "Dana:T3", "Dana:E1", "Bob:T1", "Bob:T3", "Bob:E1", "gold:T1"}
    # each layer's event keeps its own arguments (references renamed with it)
    events = w.session.current.events
    assert [(a.role, a.ref) for a in events["Dana:E1"].arguments] == [("Attacker", "Dana:T1")]
    assert [(a.role, a.ref) for a in events["Bob:E1"].arguments] == [("Place", "Bob:T3")]
    assert "Bob:T1" in w.view.span_tooltip("Bob:T1")
    # the inspector names the layer with the id
    w.selection.span_clicked("Bob:T1")
    assert w.panels.inspector.title.text() == "Entity Bob:T1"
    assert "layer all layers" in w.windowTitle()

    # a new tag is refused in the status bar, no dialog, nothing written
    drag_over(qtbot, w, *at("Wednesday"))
    press(qtbot, w, Qt.Key_G)
    assert "all layers are shown overlaid (read-only)" in w.statusBar().currentMessage()
    assert QApplication.activeModalWidget() is None
    # deleting and relabelling too
    w.statusBar().clearMessage()
    w.view.select_span("Dana:T1", scroll=True)
    press(qtbot, w, Qt.Key_Delete)
    assert "all layers are shown overlaid (read-only)" in w.statusBar().currentMessage()
    assert "Dana:T1" in shown(w)
    w.statusBar().clearMessage()
    press(qtbot, w, Qt.Key_P)
    assert "all layers are shown overlaid (read-only)" in w.statusBar().currentMessage()
    assert rows(db) == BEFORE
    assert w.session.project.get_annotated("d1", layer="Dana").spans[0].label == "ORG"
    # the overlay's problems (Bob's incomplete event) are shown, but written to no layer's counts
    assert [(p.severity, p.ref) for p in w.panels.problems.validate_now()] == [("incomplete", "Bob:E1")]
    assert layer_problem_counts(db) == {"": (0, 0), "Dana": (0, 0), "Bob": (0, 0), "gold": (0, 0)}


def layer_problem_counts(db: Path) -> dict[str, tuple[int, int]]:
    """Each layer's stored (errors, incomplete) of d1, straight from the file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {name: (e, i) for name, e, i in con.execute("SELECT name, n_errors, n_incomplete FROM layers")}
    finally:
        con.close()


def test_the_problems_panel_and_the_counts_follow_the_layer(qtbot, window):
    w = window
    problems = w.panels.problems
    assert [(p.severity, p.ref) for p in problems.validate_now()] == []  # Dana's event has its Attacker
    pick_in_combo(qtbot, w, "Bob")
    assert [(p.severity, p.ref) for p in problems.validate_now()] == [("incomplete", "E1")]
    assert w.status.counts_label.text().startswith("2 entities · 1 event · 0 relations")
    pick_in_combo(qtbot, w, "gold")
    assert problems.validate_now() == []
    assert w.status.counts_label.text().startswith("1 entity · 0 events · 0 relations")


def test_the_choice_is_remembered_per_project(qtbot, tmp_path, ini):
    one = make_layers(tmp_path / "one.db")
    two = make_layers(tmp_path / "two.db")
    w = open_window(qtbot, one, ini)
    pick_in_combo(qtbot, w, "Bob")
    w.open_project(two)
    assert w.layers.combo.currentText() == "Mine (Dana)" and shown(w) == DANA
    pick_in_combo(qtbot, w, "gold")
    w.close()
    w = open_window(qtbot, one, ini)
    assert w.layers.combo.currentText() == "Bob" and shown(w) == BOB
    w.open_project(two)
    assert w.layers.combo.currentText() == "gold" and shown(w) == GOLD
    w.close()


def test_a_long_document_loads_in_steps_in_the_layer_shown(qtbot, tmp_path, ini):
    line = "Troops attacked Dujail on Wednesday. Officials in Baghdad said seven people died.\n"
    text = line * 600  # ~49,000 characters: more than the first slice
    n = len(line)
    with Project.open(tmp_path / "long.db", schema=Schema.from_toml(SCHEMA, "layers.toml")) as p:
        p.import_documents([AnnotatedDocument(Document("long", text, name="long"),
                                              [Span(f"T{i + 1}", "GPE", 16 + n * i, 22 + n * i) for i in range(600)])])
        with p.in_layer("Dana"):
            for i in (0, 300, 599):  # near the start, in the middle, at the end
                p.add_span("long", Span("", "PER", 37 + n * i, 46 + n * i))
    w = open_window(qtbot, tmp_path / "long.db", ini)
    qtbot.waitUntil(lambda: not w.session.current.partial)
    assert {(s.label, s.start) for s in w.view.spans().values()} == {("PER", 37 + n * i) for i in (0, 300, 599)}
    pick_in_combo(qtbot, w, "default")
    qtbot.waitUntil(lambda: not w.session.current.partial)
    assert len(w.view.spans()) == 600
    assert {s.label for s in w.view.spans().values()} == {"GPE"}
    w.close()


def test_a_layer_written_by_another_program_joins_the_list_and_the_layer_shown_stays(qtbot, window):
    w = window
    db = w.session.project.path
    with Project.open(db) as other, other.in_layer("Carol"):
        assert other.add_span("d1", Span("", "PER", *at("people"))).id == "T1"
    assert w.session.sync_external()  # what the window's poller runs
    assert [w.layers.combo.itemText(i) for i in range(w.layers.combo.count())] == [
        "Mine (Dana)", "default", "Bob", "Carol", "gold", "All layers (overlaid, read-only)"]
    assert w.layers.combo.currentText() == "Mine (Dana)" and shown(w) == DANA
    pick_in_combo(qtbot, w, "Carol")
    assert shown(w) == {"T1": ("PER", "people")}


def test_a_switch_keeps_the_line_read_in_place(qtbot, tmp_path, ini):
    line = "Troops attacked Dujail on Wednesday. Officials in Baghdad said seven people died.\n"
    n = len(line)
    with Project.open(tmp_path / "many.db", schema=Schema.from_toml(SCHEMA, "layers.toml")) as p:
        p.import_documents([AnnotatedDocument(Document("d", line * 300, name="d"),
                                              [Span(f"T{i + 1}", "GPE", 16 + n * i, 22 + n * i) for i in range(300)])])
        with p.in_layer("Dana"):
            p.add_span("d", Span("", "PER", 37 + n * 150, 46 + n * 150))
    w = open_window(qtbot, tmp_path / "many.db", ini)
    assert w.layers.combo.currentText() == "Mine (Dana)"
    view = w.view
    target = 37 + n * 150  # Dana's one span, in the middle of the text
    (only,) = view.spans()  # Dana's one span: selecting it scrolls the middle of the text into view
    view.select_span(only, scroll=True)
    y_before = view.char_rect(target).top()
    assert 0 < y_before < view.viewport().height()
    pick_in_combo(qtbot, w, "default")
    qtbot.waitUntil(lambda: not w.session.current.partial)
    # still on screen (the line held still is the one under the pointer, or the top one: lines between
    # it and this one may gain or lose a band of labels in the other layer)
    assert 0 < view.char_rect(target).top() < view.viewport().height()
    w.close()


def test_opening_on_an_empty_layer_of_mine_says_whose_layers_the_project_holds(qtbot, tmp_path):
    ini = tmp_path / "lead.ini"
    s = QSettings(str(ini), QSettings.IniFormat)
    s.setValue("annotator", "Lead")
    s.sync()
    w = open_window(qtbot, make_layers(tmp_path / "layers.db"), ini)
    assert shown(w) == {}  # Lead's own layer: nothing yet
    assert w.statusBar().currentMessage() == (
        "Your layer is empty; this project holds default, Bob, Dana, gold: the Layer box or Ctrl+Shift+L shows them")
    w.close()
    # without a name, "mine" is the default layer, which has work: no hint
    w = open_window(qtbot, tmp_path / "layers.db", tmp_path / "settings2.ini")
    assert "Your layer is empty" not in w.statusBar().currentMessage()
    w.close()
