"""File › Export in a team project: the Layer box offers the layers that hold work (and the one shown), no empty default."""
from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.qt.export_dialog import ExportDialog
from test_gui_transfer import choose_format


def layer_items(dlg: ExportDialog) -> list[str]:
    return [dlg.layer_combo.itemData(i) for i in range(dlg.layer_combo.count())]


def test_a_team_project_offers_no_empty_default_layer(qtbot, tmp_path):
    dlg = ExportDialog(None, stem="team", folder=str(tmp_path), layers=["bob", "dana", "gold"], working="dana")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert layer_items(dlg) == ["bob", "dana", "gold"]
    choose_format(qtbot, dlg.format_combo, "brat")  # not a training format: the layer shown
    assert dlg.choice().layer == "dana"
    dlg.layer_combo.setFocus()
    qtbot.keyClick(dlg.layer_combo, Qt.Key.Key_Home)  # the first entry is Bob's, not an empty "default"
    assert dlg.choice().layer == "bob"


def test_the_layer_shown_is_offered_even_when_it_holds_nothing_yet(qtbot, tmp_path):
    dlg = ExportDialog(None, stem="team", folder=str(tmp_path), layers=["bob", "dana"], working="lead")
    qtbot.addWidget(dlg)
    assert layer_items(dlg) == ["lead", "bob", "dana"] and dlg.choice().layer == "lead"
    one = ExportDialog(None, stem="solo", folder=str(tmp_path), layers=[], working="")
    qtbot.addWidget(one)
    assert layer_items(one) == [""] and not one.layer_row.isVisibleTo(one)  # a new project: nothing to choose
