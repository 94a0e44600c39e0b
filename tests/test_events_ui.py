"""Events in the window: drag a trigger to an entity, roles, relations, nesting, checks, arcs."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.formats.jsonl import doc_from_json, doc_to_json
from annotator.model import AnnotatedDocument, Document
from annotator.qt.mainwindow import MainWindow
from annotator.schema import Schema
from annotator.store import Project
from conftest import drag
from test_mainwindow import SHOTS, make_project, show_window, stored, word_span

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, settings):
    w = show_window(qtbot, MainWindow(make_project(tmp_path / "seed.db"), settings=settings))
    yield w
    w.close()


def tag(w: MainWindow, phrase: str, label: str, nth: int = 0) -> str:
    """Tag a phrase through the session (the same path as a hotkey); returns the annotation id."""
    ann = w.session.add_annotation(*word_span(w.session.current.text, phrase, nth), label)
    assert ann, (phrase, label)
    return ann


def trigger_of(w: MainWindow, event_id: str) -> str:
    return w.session.current.events[event_id].trigger


def drag_link(qtbot, w: MainWindow, source_span: str, target_span: str) -> None:
    """A real mouse drag from the source's label tag to the middle of the target's text."""
    view = w.view
    view.select_span(source_span, scroll=True)
    QApplication.processEvents()
    start = view.label_rect(source_span)
    assert start is not None
    r = view.span_rects(target_span)[0]
    drag(qtbot, view.viewport(), start.center(), QPoint(r.center().x(), r.center().y()))


def args_of(w: MainWindow, event_id: str) -> list[tuple[str, str]]:
    text = w.session.current.text
    adoc = stored(w)
    spans = adoc.span_by_id()
    ev = adoc.event_by_id()[event_id]
    out = []
    for a in ev.arguments:
        s = spans.get(a.ref)
        out.append((a.role, text[s.start:s.end] if s else a.ref))
    return out


def choose(w: MainWindow, name: str) -> None:
    menu = w.linker.last_menu
    assert menu is not None and menu.isVisible()
    (action,) = [a for a in menu.actions() if a.data() == name]
    action.trigger()
    menu.close()


def test_drag_from_trigger_to_entity_adds_an_allowed_role(qtbot, window):
    w = window
    isis = tag(w, "ISIS fighters", "ORG")
    dujail = tag(w, "Dujail", "GPE")
    die = tag(w, "killed", "Life.Die", 1)
    schema = w.session.project.schema
    assert schema.allowed_roles("Life.Die", "ORG") == ["Agent"]  # one role fits: taken at once
    drag_link(qtbot, w, trigger_of(w, die), isis)
    assert args_of(w, die) == [("Agent", "ISIS fighters")]
    assert w.view.selection() is None  # a link drag never makes a text selection
    assert sorted(schema.allowed_roles("Life.Die", "GPE")) == ["Agent", "Place"]  # a menu offers just these
    drag_link(qtbot, w, trigger_of(w, die), dujail)
    assert sorted(a.data() for a in w.linker.last_menu.actions() if a.data()) == ["Agent", "Place"]
    choose(w, "Place")
    assert args_of(w, die) == [("Agent", "ISIS fighters"), ("Place", "Dujail")]
    links = [lk for lk in w.view.links().values() if lk.owner == die]
    assert sorted(lk.label for lk in links) == ["Agent", "Place"]
    # undo and redo the argument; the arc follows
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)
    assert args_of(w, die) == [("Agent", "ISIS fighters")]
    assert sorted(lk.label for lk in w.view.links().values() if lk.owner == die) == ["Agent"]
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert args_of(w, die) == [("Agent", "ISIS fighters"), ("Place", "Dujail")]


def test_a_filler_type_no_role_takes_is_refused_with_a_message(qtbot, window):
    w = window
    num = tag(w, "30 miles", "NUM")
    die = tag(w, "killed", "Life.Die", 1)
    drag_link(qtbot, w, trigger_of(w, die), num)
    assert args_of(w, die) == []
    assert "Life.Die has no role that takes NUM" in w.messages.last_refusal  # in the status bar, no dialog
    assert "Life.Die has no role that takes NUM" in w.statusBar().currentMessage()
    assert QApplication.activeModalWidget() is None


def test_cardinality_is_enforced_with_a_message(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    dujail, baghdad = tag(w, "Dujail", "GPE"), tag(w, "Baghdad", "GPE")
    drag_link(qtbot, w, trigger_of(w, die), dujail)
    choose(w, "Place")
    drag_link(qtbot, w, trigger_of(w, die), baghdad)
    (place,) = [a for a in w.linker.last_menu.actions() if a.data() == "Place"]
    assert not place.isEnabled() and "full (1 of 1)" in place.text()  # Place takes one filler
    choose(w, "Agent")
    assert args_of(w, die) == [("Place", "Dujail"), ("Agent", "Baghdad")]


def test_keyboard_flow_creates_the_entity_and_attaches_it(qtbot, window):
    """Select the event, Ctrl+L, select the filler's text, press its hotkey, pick the role: no mouse."""
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    w.view.select_span(trigger_of(w, die), scroll=True)
    qtbot.keyClick(w.view, Qt.Key_L, Qt.ControlModifier)
    assert w.linker.pick is not None and "Linking" in w.status.label_label.text()
    qtbot.keyClick(w.view, Qt.Key_F, Qt.ControlModifier)  # find the filler's text
    qtbot.keyClicks(w.find_bar.edit, "three military security personnel")
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Return)
    qtbot.keyClick(w.find_bar.edit, Qt.Key_Escape)
    qtbot.keyClick(w.view, Qt.Key_P)  # PER: the entity is made, then offered to Life.Die
    menu = w.linker.last_menu
    assert menu is not None and menu.isVisible()
    qtbot.keyClick(menu, Qt.Key_2)  # "&2 Victim"
    assert args_of(w, die) == [("Victim", "three military security personnel")]
    assert w.linker.pick is None


def test_relation_between_two_entities(qtbot, window):
    w = window
    dujail, salah = tag(w, "Dujail", "GPE"), tag(w, "Salahuddin district", "LOC")
    types = w.session.project.schema.allowed_relations("GPE", "LOC")
    drag_link(qtbot, w, dujail, salah)
    if len(types) > 1:
        choose(w, types[0])
    (rel,) = stored(w).relations
    assert (rel.type, rel.head, rel.tail) == (types[0], dujail, salah)
    assert any(lk.kind == "relation" and lk.owner == rel.id for lk in w.view.links().values())


def test_nested_event_report_takes_the_attack(qtbot, window, tmp_path):
    w = window
    attack = tag(w, "attacks", "Conflict.Attack", 0)  # "... in two separate attacks late Wednesday"
    report = tag(w, "reported", "Report")
    drag_link(qtbot, w, trigger_of(w, report), trigger_of(w, attack))
    ev = stored(w).event_by_id()[report]
    assert [(a.role, a.ref) for a in ev.arguments] == [("Content", attack)]
    assert any(lk.owner == report and lk.target == trigger_of(w, attack) for lk in w.view.links().values())
    out = tmp_path / "out.jsonl"
    w.transfer.export_file(str(out))
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    (rep,) = [e for e in line["events"] if e["type"] == "Report"]
    assert rep["arguments"] == [{"role": "Content", "ref": attack, "annotator": "", "review": "", "reviewer": "",
                                 "review_note": ""}]
    assert doc_to_json(doc_from_json(line)) == line  # the nested event round-trips


def test_selection_highlights_and_arcs_only_mode(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    isis = tag(w, "ISIS fighters", "ORG")
    w.session.add_argument(die, "Agent", isis)
    rect = w.view.label_rect(trigger_of(w, die))
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert w.panels.inspector.annotation_id == die
    # the event's trigger and filler are drawn strong, the rest fades
    assert w.view.arcs.hl_owner == die and {trigger_of(w, die), isis} <= w.view.arcs.hl_spans
    qtbot.keyClick(w.view, Qt.Key_Escape)
    assert w.view.arcs.hl_owner is None
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.keyClick(w.view, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.view.arcs_mode() == "selected"
    qtbot.keyClick(w.view, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    assert w.view.arcs_mode() == "all"


def test_inspector_add_and_move_argument_by_picking(qtbot, window):
    """The inspector's Add (a role) and Move (an argument) wait for the next clicked span."""
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    pers, cops = tag(w, "three military security personnel", "PER"), tag(w, "two policemen", "PER")
    w.panels.inspector.add_argument_requested.emit(die, "Victim")  # what the slot's Add button emits
    assert w.linker.pick is not None
    rect = w.view.span_rects(pers)[0]
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert args_of(w, die) == [("Victim", "three military security personnel")]
    w.panels.inspector.pick_filler_requested.emit(die, 0)  # "Move to another filler…"
    rect = w.view.span_rects(cops)[0]
    qtbot.mouseClick(w.view.viewport(), Qt.LeftButton, pos=rect.center())
    assert args_of(w, die) == [("Victim", "two policemen")]
    w.panels.inspector.jump_requested.emit(pers)
    assert w.view.selected_span() == pers and w.panels.inspector.annotation_id == pers


def test_problems_panel_jumps_and_marks_the_document(qtbot, tmp_path, settings):
    path = tmp_path / "req.db"
    with Project.open(path, schema=Schema.from_toml(REQUIRED_SCHEMA, "req.toml")) as p:
        p.import_documents([AnnotatedDocument(Document(id="d", text="Two men died in Mosul."))])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    ev = w.session.add_annotation(*word_span("Two men died in Mosul.", "died"), "Die")
    w.panels.problems.validate_now()
    assert [p.ref for p in w.panels.problems.problems()] == [ev]
    assert w.panels.doc_list.problem_counts("d") == (0, 1)
    w.panels.problems.problem_activated.emit(ev)
    assert w.panels.inspector.annotation_id == ev and w.view.selected_span() == trigger_of(w, ev)
    w.close()


REQUIRED_SCHEMA = textwrap.dedent("""
    [entities.PER]
    color = "#8ec5f5"
    hotkey = "P"
    [events.Die]
    color = "#ff9f9a"
    hotkey = "D"
    roles.Victim = { types = ["PER"], cardinality = "one" }
""")


def test_marking_done_with_problems_asks_and_names_them(qtbot, tmp_path, settings):
    path = tmp_path / "req.db"
    with Project.open(path, schema=Schema.from_toml(REQUIRED_SCHEMA, "req.toml")) as p:
        p.import_documents([AnnotatedDocument(Document(id="d", text="Two men died in Mosul."))])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    ev = w.session.add_annotation(*word_span("Two men died in Mosul.", "died"), "Die")
    qtbot.keyClick(w.view, Qt.Key_Return, Qt.ControlModifier)
    box = w.messages.last
    assert box is not None and box.isVisible()
    assert "Victim" in box.text() and ev in box.text()
    box.button(QMessageBox.No).click()
    assert w.session.project.get_document("d").status != "done"
    qtbot.keyClick(w.view, Qt.Key_Return, Qt.ControlModifier)
    w.messages.last.button(QMessageBox.Yes).click()
    assert w.session.project.get_document("d").status == "done"
    w.close()


def annotate_seed_events(w: MainWindow) -> dict[str, str]:
    """Every attack, killing and injuring of the seed article, with its arguments (and one report)."""
    t = lambda phrase, label, nth=0: tag(w, phrase, label, nth)  # noqa: E731
    s = w.session
    ids: dict[str, str] = {}
    # headline
    ism, seven = t("Islamic State Militants", "ORG"), t("7 Security Forces", "PER")
    ids["kill"] = t("Kill", "Life.Die")
    s.add_argument(ids["kill"], "Agent", ism)
    s.add_argument(ids["kill"], "Victim", seven)
    ids["twin"] = t("Attacks", "Conflict.Attack")
    s.add_argument(ids["twin"], "Attacker", ism)
    # paragraph 2
    mil = t("Militants from the Islamic State terror group", "PER")
    forces = t("seven Iraqi security forces", "PER")
    more = t("16 more", "PER")
    night = t("late Wednesday night", "TIME")
    police = t("Iraqi police", "ORG")
    ids["die2"] = t("killed", "Life.Die", 0)
    for role, ref in (("Agent", mil), ("Victim", forces), ("Time", night)):
        s.add_argument(ids["die2"], role, ref)
    ids["inj2"] = t("injured", "Life.Injure")
    for role, ref in (("Agent", mil), ("Victim", more), ("Time", night)):
        s.add_argument(ids["inj2"], role, ref)
    ids["att2"] = t("attacks", "Conflict.Attack", 0)
    for role, ref in (("Attacker", mil), ("Time", night)):
        s.add_argument(ids["att2"], role, ref)
    ids["report"] = t("reported", "Report")
    s.add_argument(ids["report"], "Reporter", police)
    s.add_argument(ids["report"], "Content", ids["att2"])
    # paragraph 3
    isis = t("ISIS fighters", "ORG")
    pers = t("three military security personnel", "PER")
    cops = t("two policemen", "PER")
    dujail = t("Dujail", "GPE")
    ids["att3"] = t("attack", "Conflict.Attack", 1)
    s.add_argument(ids["att3"], "Attacker", isis)
    s.add_argument(ids["att3"], "Place", dujail)
    ids["die3"] = t("killed", "Life.Die", 1)
    for role, ref in (("Agent", isis), ("Victim", pers), ("Victim", cops), ("Place", dujail)):
        s.add_argument(ids["die3"], role, ref)
    # paragraph 5
    mil5 = t("militants", "PER", 0)
    mortar = t("mortar", "WEA")
    kola = t("Kola Jawi", "GPE")
    midnight = t("midnight", "TIME")
    guards = t("two security guards", "PER")
    people = t("an additional 14 people", "PER")
    ids["att5"] = t("attack", "Conflict.Attack", 2)
    for role, ref in (("Attacker", mil5), ("Instrument", mortar), ("Place", kola), ("Time", midnight)):
        s.add_argument(ids["att5"], role, ref)
    ids["die5"] = t("killing", "Life.Die")
    for role, ref in (("Agent", mil5), ("Victim", guards), ("Instrument", mortar), ("Place", kola)):
        s.add_argument(ids["die5"], role, ref)
    ids["inj5"] = t("injuring", "Life.Injure")
    for role, ref in (("Agent", mil5), ("Victim", people), ("Place", kola)):
        s.add_argument(ids["inj5"], role, ref)
    return ids


def test_screenshot_of_the_seed_with_its_events(qtbot, window, tmp_path):
    w = window
    ids = annotate_seed_events(w)
    adoc = stored(w)
    assert len(adoc.events) == 11
    assert sum(len(e.arguments) for e in adoc.events) == 30
    # the export carries them: Dujail's killing with its four arguments, the nested report
    out = tmp_path / "seed.jsonl"
    w.transfer.export_file(str(out))
    (doc,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    ents = {e["id"]: e["text"] for e in doc["entities"]}
    (die3,) = [e for e in doc["events"] if e["id"] == ids["die3"]]
    assert die3["type"] == "Life.Die" and die3["trigger"]["text"] == "killed"
    assert [(a["role"], ents[a["ref"]]) for a in die3["arguments"]] == [
        ("Agent", "ISIS fighters"), ("Victim", "three military security personnel"),
        ("Victim", "two policemen"), ("Place", "Dujail")]
    (rep,) = [e for e in doc["events"] if e["type"] == "Report"]
    assert {"role": "Content", "ref": ids["att2"], "annotator": "", "review": "", "reviewer": "",
            "review_note": ""} in rep["arguments"]
    assert not [p for p in w.session.project.problems(w.session.current.id) if p.severity == "error"]
    w.view.select_span(trigger_of(w, ids["die3"]), scroll=True)
    w.view.select_span(None, scroll=False)
    QApplication.processEvents()
    SHOTS.mkdir(exist_ok=True)
    w.grab().save(str(SHOTS / "events_seed.png"))
    img = w.view.viewport().grab().toImage()
    schema = w.session.project.schema
    for key in ("die3", "att3"):
        ev = adoc.event_by_id()[ids[key]]
        rect = w.view.label_rect(ev.trigger)
        assert rect is not None
        want = QColor(schema.color(ev.type))
        assert any(_close(QColor(img.pixel(x, y)), want)
                   for x in range(rect.left() + 1, rect.right(), 2) for y in range(rect.top() + 1, rect.bottom(), 2))
        for link in (lk for lk in w.view.links().values() if lk.owner == ev.id):
            pts = w.view.link_path_points(link.id)
            assert pts, link
            arc = QColor(link.color)
            assert any(_close(QColor(img.pixel(p.x() + dx, p.y() + dy)), arc, 40)
                       for p in pts for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                       if 0 <= p.x() + dx < img.width() and 0 <= p.y() + dy < img.height()), link.label


def _close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return abs(a.red() - b.red()) <= tol and abs(a.green() - b.green()) <= tol and abs(a.blue() - b.blue()) <= tol
