"""All layers overlaid, read as a reviewer reads it: whose each annotation is, at a glance.

A real project file with Dana's and Bob's layers of one sentence (both tag
"ISIS fighters" ORG and "killed" Life.Die; Dana's Victim is "three military
security personnel", Bob's "two policemen").  Checked: the labels the view
draws (tags and arcs end with the layer's letter, in the type's colour, also
once shortened), the status bar's key to the letters, the Annotations panel's
Layer column and filter, the inspector's title and the tooltip, reached with
real clicks and keys; and that one layer shown looks as it always did.
"""
from __future__ import annotations

from math import ceil
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt.annlist_model import AnnotationTableModel
from annotator.qt.label_fit import MIN_PAD, fit_label
from annotator.qt.layer_overlay import short_tags
from annotator.qt.mainwindow import MainWindow
from annotator.schema import Schema
from annotator.store import Project
from test_layers_gui import pick_in_combo
from test_mainwindow import show_window

SCHEMA = """
name = "overlay"

[entities.PER]
color = "#8ec5f5"

[entities.ORG]
color = "#a5e1a0"

[entities.GPE]
color = "#c4b5f4"

[events."Life.Die"]
color = "#ff9f9a"
roles.Agent = { types = ["ORG", "PER"] }
roles.Victim = { types = ["PER"] }
"""

TEXT = "In the first attack, ISIS fighters killed three military security personnel and two policemen in Hit, Dujail."
ALL = "All layers (overlaid, read-only)"


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def make_project(path: Path) -> Path:
    """d1 with Dana's and Bob's layers (ids asserted as written)."""
    with Project.open(path, schema=Schema.from_toml(SCHEMA, "overlay.toml")) as p:
        p.import_documents([AnnotatedDocument(Document("d1", TEXT, name="d1"), [])])
        with p.in_layer("dana"):
            assert p.add_span("d1", Span("", "ORG", *at("ISIS fighters"))).id == "T1"
            ev = p.add_event("d1", Event("", "Life.Die", ""), Span("", "Life.Die", *at("killed"), kind=TRIGGER))
            assert (ev.id, ev.trigger) == ("E1", "T2")
            assert p.add_span("d1", Span("", "PER", *at("three military security personnel"))).id == "T3"
            p.add_argument("d1", "E1", Argument("Agent", "T1"))
            p.add_argument("d1", "E1", Argument("Victim", "T3"))
            assert p.add_span("d1", Span("", "GPE", *at("Hit"))).id == "T4"
        with p.in_layer("bob"):
            assert p.add_span("d1", Span("", "ORG", *at("ISIS fighters"))).id == "T1"
            ev = p.add_event("d1", Event("", "Life.Die", ""), Span("", "Life.Die", *at("killed"), kind=TRIGGER))
            assert (ev.id, ev.trigger) == ("E1", "T2")
            assert p.add_span("d1", Span("", "PER", *at("two policemen"))).id == "T3"
            p.add_argument("d1", "E1", Argument("Victim", "T3"))
            assert p.add_span("d1", Span("", "GPE", *at("Hit"))).id == "T4"
    return path


def open_window(qtbot, tmp_path: Path, width: int = 1400, height: int = 900) -> MainWindow:
    ini = tmp_path / "settings.ini"
    s = QSettings(str(ini), QSettings.IniFormat)
    s.setValue("annotator", "dana")
    s.sync()
    settings = QSettings(str(ini), QSettings.IniFormat)
    w = show_window(qtbot, MainWindow(make_project(tmp_path / "team.db"), settings=settings), width, height)
    qtbot.waitUntil(lambda: w.panels is not None)
    return w


def labels(w: MainWindow) -> dict[str, str]:
    """What the view holds for each span: id -> label."""
    return {sid: s.label for sid, s in w.view.spans().items()}


def drawn_tags(w: MainWindow) -> dict[str, str]:
    """What each tag shows once laid out (shortened to fit its room when it must): span id -> text."""
    stack = w.view.stack
    return {t.sid: t.text for p in range(len(stack.paras)) for t in stack.layout(p).tags}


def arc_labels(w: MainWindow) -> dict[str, str]:
    return {lid: link.label for lid, link in w.view.links().items()}


def tag_fill(w: MainWindow, sid: str) -> str:
    """The colour on screen just inside the left edge of ``sid``'s tag (its fill, left of the text)."""
    rect = w.view.label_rect(sid)
    assert rect is not None, sid
    image = w.view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 2, rect.center().y()).name()


def panel_rows(w: MainWindow) -> list[tuple[str, ...]]:
    """The Annotations panel's shown cells, row by row, in the columns' order on screen."""
    table = w.panels.ann_list.view
    header = table.horizontalHeader()
    cols = [header.logicalIndex(v) for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))]
    model = table.model()
    return [tuple(model.index(r, c).data() for c in cols) for r in range(model.rowCount())]


def panel_headers(w: MainWindow) -> list[str]:
    header = w.panels.ann_list.view.horizontalHeader()
    return [AnnotationTableModel.HEADERS[header.logicalIndex(v)] for v in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(v))]


# ---------------------------------------------------------------------------------------------- pure


def test_a_layer_is_tagged_by_the_shortest_start_of_its_name_no_other_layer_shares():
    assert short_tags(["dana", "bob"]) == {"dana": "D", "bob": "B"}
    assert short_tags(["", "Dana", "Bob", "gold"]) == {"": "De", "Dana": "Da", "Bob": "B", "gold": "G"}
    # a name that starts another one is its own tag, whole; one equal but for case too (no two tags alike)
    assert short_tags(["bob", "bobby", "Bob"]) == {"bob": "bob", "bobby": "Bobb", "Bob": "Bob"}
    # the shortening ladder cuts at dots and colons: they are drawn as look-alikes, and a tag never ends on one
    assert short_tags(["j.smith", "j.sanders"]) == {"j.smith": "J\u2024sm", "j.sanders": "J\u2024sa"}
    assert short_tags(["a:b", "a:c"]) == {"a:b": "A\u2236b", "a:c": "A\u2236c"}


# ---------------------------------------------------------------------------------------------- the window


def test_overlaid_each_tag_and_arc_names_its_layer_in_its_types_colour(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path)
    pick_in_combo(qtbot, w, ALL)
    assert labels(w) == {"dana:T1": "ORG·D", "dana:T2": "Life.Die·D", "dana:T3": "PER·D", "dana:T4": "GPE·D",
                         "bob:T1": "ORG·B", "bob:T2": "Life.Die·B", "bob:T3": "PER·B", "bob:T4": "GPE·B"}
    # as drawn: "killed" has no room for Life.Die·D, "Hit" none for GPE·D: cut, they keep the layer's letter
    assert drawn_tags(w) == {"dana:T1": "ORG·D", "dana:T2": "Die·D", "dana:T3": "PER·D", "dana:T4": "G·D",
                             "bob:T1": "ORG·B", "bob:T2": "Die·B", "bob:T3": "PER·B", "bob:T4": "G·B"}
    assert arc_labels(w) == {"dana:E1:0": "Agent·D", "dana:E1:1": "Victim·D", "bob:E1:0": "Victim·B"}
    # the type's colour, on screen, for both layers' tags
    assert tag_fill(w, "dana:T1") == tag_fill(w, "bob:T1") == "#a5e1a0"
    assert tag_fill(w, "bob:T2") == "#ff9f9a" and tag_fill(w, "dana:T3") == "#8ec5f5"
    # the two ORG tags over "ISIS fighters" are stacked, neither covers the other
    assert not w.view.label_rect("dana:T1").intersects(w.view.label_rect("bob:T1"))
    # the status bar says which letter is whose; the tooltip names the layer in full
    assert w.layers.status_label.text() == "Layer: <b>all layers (read-only)</b> · B = bob, D = dana"
    tip = w.view.span_tooltip("bob:T1")
    assert "ORG·B" in tip and "bob:T1" in tip
    # the stored annotations keep their own types
    assert [s.label for s in w.session.current.spans.values() if s.id.endswith(":T1")] == ["ORG", "ORG"]
    assert w.session.project.get_annotated("d1", layer="bob").spans[0].label == "ORG"
    w.close()


def test_overlaid_the_panel_has_a_layer_column_and_the_inspector_names_the_layer(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path)
    assert panel_headers(w) == ["Type", "Text"]
    pick_in_combo(qtbot, w, ALL)
    assert panel_headers(w) == ["Type", "Layer", "Text"]
    assert panel_rows(w) == [
        ("ORG", "bob", "ISIS fighters"), ("ORG", "dana", "ISIS fighters"),
        ("Life.Die", "bob", "killed"), ("Life.Die", "dana", "killed"),
        ("PER", "dana", "three military security personnel"), ("PER", "bob", "two policemen"),
        ("GPE", "bob", "Hit"), ("GPE", "dana", "Hit")]
    # sorted by layer with a click on its header
    table = w.panels.ann_list.view
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(AnnotationTableModel.COL_LAYER) + 5
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))
    assert [r[1] for r in panel_rows(w)] == ["bob"] * 4 + ["dana"] * 4
    # the filter finds a layer's annotations by its name
    qtbot.keyClicks(w.panels.ann_list.filter, "bob")
    assert w.panels.ann_list.visible_ids() == ["bob:T1", "bob:E1", "bob:T3", "bob:T4"]
    w.panels.ann_list.filter.clear()
    # a click on Bob's ORG tag: the inspector's title names the layer with the id
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=w.view.label_rect("bob:T1").center())
    assert w.panels.inspector.title.text() == "Entity bob:T1"
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=w.view.label_rect("dana:T2").center())
    assert w.panels.inspector.title.text() == "Event dana:E1"
    w.close()


def test_one_layer_shown_looks_as_before(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path, 1000, 700)
    pick_in_combo(qtbot, w, ALL)
    assert labels(w)["bob:T1"] == "ORG·B"
    pick_in_combo(qtbot, w, "bob")
    assert labels(w) == {"T1": "ORG", "T2": "Life.Die", "T3": "PER", "T4": "GPE"}
    assert drawn_tags(w) == {"T1": "ORG", "T2": "Die", "T3": "PER", "T4": "GPE"}
    assert arc_labels(w) == {"E1:0": "Victim"}
    assert tag_fill(w, "T1") == "#a5e1a0"
    assert panel_headers(w) == ["Type", "Text"]
    assert panel_rows(w) == [("ORG", "ISIS fighters"), ("Life.Die", "killed"), ("PER", "two policemen"),
                             ("GPE", "Hit")]
    assert w.layers.status_label.text() == "Layer: <b>bob</b>"
    pick_in_combo(qtbot, w, "Mine (dana)")
    assert labels(w) == {"T1": "ORG", "T2": "Life.Die", "T3": "PER", "T4": "GPE"}
    assert w.layers.status_label.text() == "Layer: <b>dana (mine)</b>"
    w.close()


def test_a_layer_written_by_another_program_while_overlaid_gets_its_letter_and_colours(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path)
    pick_in_combo(qtbot, w, ALL)
    with Project.open(w.session.project.path) as other, other.in_layer("carol"):
        assert other.add_span("d1", Span("", "PER", *at("Dujail"))).id == "T1"
    assert w.session.sync_external()  # what the window's poller runs
    assert labels(w)["carol:T1"] == "PER·C"
    assert labels(w)["bob:T1"] == "ORG·B"
    assert tag_fill(w, "carol:T1") == "#8ec5f5"
    assert w.layers.status_label.text() == "Layer: <b>all layers (read-only)</b> · B = bob, C = carol, D = dana"
    assert ("PER", "carol", "Dujail") in panel_rows(w)
    w.close()


def test_a_layer_has_the_same_letters_in_every_document(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path)
    db = w.session.project.path
    with Project.open(db) as other:
        other.import_documents([AnnotatedDocument(Document("d2", "Dana alone tagged Bob here.", name="d2"), [])])
        with other.in_layer("dana"):
            other.add_span("d2", Span("", "PER", 0, 4))
        with other.in_layer("dave"):  # only in d1: Dana's letters are Da in d2 too
            other.add_span("d1", Span("", "PER", *at("Dujail")))
    assert w.session.sync_external()
    pick_in_combo(qtbot, w, ALL)
    assert {labels(w)["dana:T1"], labels(w)["dave:T1"], labels(w)["bob:T1"]} == {"ORG·Dan", "PER·Dav", "ORG·B"}
    w.open_document("d2")
    assert labels(w) == {"dana:T1": "PER·Dan"}
    assert w.layers.status_label.text() == "Layer: <b>all layers (read-only)</b> · B = bob, Dan = dana, Dav = dave"
    w.close()


def test_a_tag_cut_to_fit_keeps_its_layers_letter(qapp):
    fm = QFontMetricsF(QFont())
    pad = 3.0

    def room_for(text: str) -> float:  # what a cut tag showing ``text`` needs (its padding is MIN_PAD)
        return fm.horizontalAdvance(text) + 2 * MIN_PAD + 0.5

    assert fit_label("Report·D", fm.horizontalAdvance("Report·D") + 2 * pad, fm, pad)[0] == "Report·D"
    assert fit_label("Report·D", room_for("Rep…·D"), fm, pad)[0] == "Rep…·D"
    assert fit_label("Report·D", room_for("R·D"), fm, pad)[0] == "R·D"
    assert fit_label("Life.Die·B", fm.horizontalAdvance("Die·B") + 2 * pad, fm, pad)[0] == "Die·B"
    assert fit_label("GPE·B", room_for("G·B"), fm, pad)[0] == "G·B"
    # every room from the full tag down to the letters' own: the mark stays, the tag fits
    for avail in range(ceil(room_for("R·D")), int(fm.horizontalAdvance("Report·D") + 2 * pad)):
        text, width = fit_label("Report·D", float(avail), fm, pad)
        assert text.endswith("·D") and width <= avail, (avail, text)
    # less room than that: the old ladder (the first letter, or colour only)
    assert fit_label("Report·D", room_for("R"), fm, pad)[0] in ("R", "")
    # a label without the mark is cut as before
    assert fit_label("Report", room_for("Rep…"), fm, pad)[0] == "Rep…"


def test_many_layers_the_status_bar_spells_out_four_and_its_tooltip_all(qtbot, tmp_path):
    w = open_window(qtbot, tmp_path)
    with Project.open(w.session.project.path) as other:
        for name in ("carol", "erin", "gold"):
            with other.in_layer(name):
                other.add_span("d1", Span("", "PER", *at("Dujail")))
    assert w.session.sync_external()
    pick_in_combo(qtbot, w, ALL)
    assert w.layers.status_label.text() == \
        "Layer: <b>all layers (read-only)</b> · B = bob, C = carol, D = dana, E = erin, …"
    assert w.layers.status_label.toolTip().endswith("<br>B = bob<br>C = carol<br>D = dana<br>E = erin<br>G = gold")
    assert labels(w)["gold:T1"] == "PER·G"
    w.close()
