"""File › Import "as this annotator's layer" and File › Export's Layer chooser, driven with the keys.

The window is opened on a real project holding Dana's version of the seed
article in her layer; Bob's brat version is imported through the dialog as
his layer, then each layer is exported.  What is checked is read from the
project file with plain sqlite3 and from the fixture files, never through
the code under test.  A screenshot of the Export dialog goes to $GUI_SHOTS.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.qt.export_dialog import ExportDialog
from annotator.qt.mainwindow import MainWindow
from test_gui_transfer import SHOTS, choose_format, error_text, gone, home, open_dialog, press_enter, settings, type_path  # noqa: F401
from test_layers_cli import BOB, BOB_ENTITY_LABELS, DANA, DOC, brat_entities, dana_entities
from test_mainwindow import show_window


def layer_rows(path: Path, layer: str) -> int:
    """Entity and trigger spans of ``layer`` in the project file, read by a separate connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM spans WHERE layer = ?", [layer]).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def team(tmp_path) -> Path:
    path = tmp_path / "team.db"
    assert main(["import", str(path), str(DANA), "--annotator", "dana"]) == 0
    return path


@pytest.fixture
def window(qtbot, team, settings, home):  # noqa: F811
    w = show_window(qtbot, MainWindow(team, settings=settings))
    yield w
    w.close()


def import_as_bob(qtbot, w: MainWindow) -> None:
    dlg = open_dialog(qtbot, w, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "brat")
    type_path(qtbot, dlg, BOB)
    dlg.annotator.setFocus()
    dlg.annotator.selectAll()
    qtbot.keyClicks(dlg.annotator, "bob")
    dlg.as_layer.setFocus()
    qtbot.keyClick(dlg.as_layer, Qt.Key_Space)
    assert dlg.as_layer.isChecked()
    press_enter(qtbot, dlg)
    assert gone(dlg)


def test_import_as_an_annotators_layer_and_again_refused(qtbot, window, team):
    n_bob = len(brat_entities(BOB / f"{DOC}.ann"))  # entities and triggers of Bob's .ann
    import_as_bob(qtbot, window)
    assert layer_rows(team, "bob") == n_bob
    assert "as bob's layer" in window.statusBar().currentMessage()
    import_as_bob(qtbot, window)  # a second time: refused, nothing written
    assert "already has bob's layer" in error_text(window)
    assert layer_rows(team, "bob") == n_bob


def test_import_as_a_layer_needs_a_name(qtbot, window, team):
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    type_path(qtbot, dlg, BOB)
    dlg.annotator.clear()
    dlg.as_layer.setChecked(True)
    press_enter(qtbot, dlg)
    assert not gone(dlg) and "annotator's name" in dlg.problem.text()
    dlg.reject()
    assert layer_rows(team, "bob") == 0


def test_export_dialog_chooses_the_layer(qtbot, window, team, tmp_path):
    import_as_bob(qtbot, window)
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    assert isinstance(dlg, ExportDialog)
    combo = dlg.layer_combo
    assert dlg.layer_row.isVisibleTo(dlg)
    assert [combo.itemData(i) for i in range(combo.count())][-2:] == ["bob", "dana"]
    assert combo.itemText(0) == "default" or "default" in [combo.itemText(i) for i in range(combo.count())]
    choose_format(qtbot, dlg.format_combo, "jsonl")
    choose_format(qtbot, combo, "bob")  # the arrow keys, as for the format
    dlg.fit()
    dlg.grab().save(str(SHOTS / "export_layer_dialog.png"))
    out = tmp_path / "bob.jsonl"
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    qtbot.waitUntil(lambda: out.exists())
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert {(e["start"], e["end"], e["label"]) for e in rec["entities"]} == \
        brat_entities(BOB / f"{DOC}.ann", BOB_ENTITY_LABELS)
    assert "(bob layer)" in window.statusBar().currentMessage()


def test_export_dialog_takes_gold_for_training_formats_once_it_exists(qtbot, tmp_path):
    dlg = ExportDialog(None, stem="team", folder=str(tmp_path), layers=["", "bob", "dana", "gold"], working="dana")
    qtbot.addWidget(dlg)
    choose_format(qtbot, dlg.format_combo, "spacy")
    assert dlg.choice().layer == "gold"
    choose_format(qtbot, dlg.format_combo, "brat")  # carries work on to another tool: the working layer
    assert dlg.choice().layer == "dana"
    dlg.layer_combo.setFocus()
    choose_format(qtbot, dlg.layer_combo, "bob")
    choose_format(qtbot, dlg.format_combo, "jsonl")  # picked by the user: a change of format keeps it
    assert dlg.choice().layer == "bob"
    one = ExportDialog(None, stem="solo", folder=str(tmp_path), layers=[""], working="")
    qtbot.addWidget(one)
    assert not one.layer_row.isVisibleTo(one) and one.choice().layer == ""  # one layer: nothing to choose
    assert dana_entities()  # the fixture is there (the other tests read it)
