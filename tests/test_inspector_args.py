"""Argument slots in the inspector: one row per role, clickable fillers, role menu, add.

Real project files in ``tmp_path``; clicks and keys as a person makes them;
every edit is checked in what the store holds afterwards, and undone.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QToolButton, QWidget

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.qt.argslots import EMPTY, FILLED, NOT_ALLOWED, REQUIRED, TOO_MANY, tones
from annotator.qt.inspector import Inspector
from annotator.qt.session import Session
from annotator.schema import Schema
from annotator.store import Project

SHOTS = Path(__file__).parent / "_shots"

TEXT = ("In the first attack, ISIS fighters killed three military security personnel "
        "and two policemen in the town of Dujail.")

# A small schema with required roles (news.toml has none for Life.Die) and a nested-event role.
REQUIRED_SCHEMA = """
name = "slots"
[entities.PER]
color = "#8ec5f5"
[entities.ORG]
color = "#a5e1a0"
[entities.GPE]
color = "#c4b5f4"
[events.Attack]
color = "#ffb36b"
roles.Attacker = { types = ["ORG", "PER"], cardinality = "any" }
[events."Life.Die"]
color = "#ff9f9a"
roles.Agent = { types = ["PER", "ORG", "GPE"] }
roles.Victim = { types = ["PER"], cardinality = "one_or_more" }
roles.Place = { types = ["GPE"], cardinality = "one" }
roles.Cause = { types = ["Attack"], cardinality = "any" }
"""


def _at(words: str) -> tuple[int, int]:
    i = TEXT.index(words)
    return i, i + len(words)


def _seed(args: list[Argument] | None = None, extra_events: list[Event] | None = None,
          extra_spans: list[Span] | None = None, relations: list[Relation] | None = None) -> AnnotatedDocument:
    spans = [
        Span("T1", "ORG", *_at("ISIS fighters")),
        Span("T2", "PER", *_at("three military security personnel")),
        Span("T3", "PER", *_at("two policemen")),
        Span("T4", "GPE", *_at("Dujail")),
        Span("T5", "Life.Die", *_at("killed"), kind=TRIGGER),
        *(extra_spans or []),
    ]
    if args is None:
        args = [Argument("Agent", "T1"), Argument("Victim", "T2")]
    events = [Event("E1", "Life.Die", "T5", args), *(extra_events or [])]
    return AnnotatedDocument(Document("d1", TEXT, name="Dujail"), spans, events, relations or [])


def _open(tmp_path: Path, adoc: AnnotatedDocument, schema: Schema | None = None,
          validate: bool = True) -> tuple[Project, Session]:
    project = Project.open(tmp_path / "p.db", schema=schema)
    project.import_documents([adoc], validate=validate)
    session = Session(project)
    session.open_document("d1")
    return project, session


@pytest.fixture
def news(tmp_path: Path):
    project, session = _open(tmp_path, _seed(relations=[Relation("R1", "PHYS", "T3", "T4")]))
    yield project, session
    project.close()


def _show(qtbot, w: QWidget, size: tuple[int, int] = (340, 460)) -> QWidget:
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    QApplication.processEvents()
    return w


def _shot(w: QWidget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    assert w.grab().save(str(SHOTS / f"{name}.png"))


def _args(project: Project) -> list[tuple[str, str]]:
    return [(a.role, a.ref) for a in project.get_annotated("d1").event_by_id()["E1"].arguments]


def _rows(ins: Inspector) -> list[tuple[str, str, list[str], str]]:
    return [(r.role, r.hint, [ref for _p, ref in r.fillers], r.state) for r in ins.slots.slot_rows()]


def _text_color(w: QWidget) -> QColor:
    return w.palette().color(QPalette.ColorRole.WindowText)


def _click(qtbot, w: QWidget) -> None:
    assert w.isVisible() and w.isEnabled()
    qtbot.mouseClick(w, Qt.MouseButton.LeftButton, pos=QPoint(w.width() // 2, w.height() // 2))


# ---------------------------------------------------------------------------- rows

def test_slots_list_every_life_die_role_in_schema_order(qtbot, news):
    project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("T5")                     # the trigger shows its event
    assert ins.annotation_id == "E1"
    assert _rows(ins) == [
        ("Agent", "any", ["T1"], FILLED),
        ("Victim", "any", ["T2"], FILLED),
        ("Instrument", "any", [], EMPTY),
        ("Time", "any", [], EMPTY),
        ("Place", "0-1", [], EMPTY),
    ]
    assert ins.slots.widget("filler:0").text() == "“ISIS fighters” ORG"
    victim = ins.slots.widget("filler:1")
    assert victim.full_text() == "“three military security personnel” PER"
    # when the dock is narrow the type's name goes first (the swatch shows its colour), then the text is cut
    victim.resize(victim.fontMetrics().horizontalAdvance("“three military security personnel”") + 40, victim.height())
    assert victim.text() == "“three military security personnel”"
    victim.resize(victim.fontMetrics().horizontalAdvance("“three military”") + 40, victim.height())
    assert victim.text().startswith("“three") and victim.text().endswith("…”")
    assert "PER" in victim.toolTip()
    assert "three military security personnel" in ins.slots.widget("filler:1").toolTip()
    # news.toml makes no Life.Die role required: no marker anywhere, empty slots are grey dashes
    for role in ("Instrument", "Time", "Place"):
        status = ins.slots.widget(f"status:{role}")
        assert status.text() == "—"
        assert _text_color(status) == tones(ins.slots.palette())["muted"]
        assert not ins.slots.widget(f"role:{role}").font().bold()
    # the schema's roles all take another filler except nothing here is full
    assert all(ins.slots.widget(f"add:{r}").isEnabled() for r in ("Agent", "Victim", "Place"))
    # the read-only summary is still there for screen readers
    assert ins.args_label.text() == "Agent → “ISIS fighters” (T1)\nVictim → “three military security personnel” (T2)"
    _shot(ins, "inspector_slots")


def test_required_roles_marked_and_refresh_after_changes(qtbot, tmp_path):
    attack = Event("E2", "Attack", "T6", [Argument("Attacker", "T1")])
    adoc = _seed(args=[Argument("Agent", "T1"), Argument("Victim", "T2"), Argument("Cause", "E2")],
                 extra_events=[attack], extra_spans=[Span("T6", "Attack", *_at("attack"), kind=TRIGGER)])
    project, session = _open(tmp_path, adoc, Schema.from_toml(REQUIRED_SCHEMA))
    try:
        ins = _show(qtbot, Inspector(session))
        ins.show_annotation("E1")
        assert _rows(ins) == [
            ("Agent", "0-1", ["T1"], FILLED),
            ("Victim", "1+", ["T2"], FILLED),
            ("Place", "1", [], REQUIRED),
            ("Cause", "any", ["E2"], FILLED),
        ]
        t = tones(ins.slots.palette())
        status = ins.slots.widget("status:Place")
        assert status.text() == "required" and status.font().bold()
        assert _text_color(status) == t["warn"]
        assert ins.slots.widget("role:Place").font().bold()          # required roles are bold
        assert ins.slots.widget("role:Victim").font().bold()
        assert not ins.slots.widget("role:Agent").font().bold()
        # a full optional role takes no more: its + is disabled (and out of the Tab chain)
        assert not ins.slots.widget("add:Agent").isEnabled()
        # a nested event is a filler too: its trigger's text and its type
        assert ins.slots.widget("filler:2").text() == "“attack” Attack"
        with qtbot.waitSignal(ins.jump_requested, timeout=1000) as blocker:
            _click(qtbot, ins.slots.widget("filler:2"))
        assert blocker.args == ["E2"]
        _shot(ins, "inspector_slots_required")

        # filling the required role (as the main window does after a pick) clears the marker
        assert session.add_argument("E1", "Place", "T4")
        assert _rows(ins)[2] == ("Place", "1", ["T4"], FILLED)
        assert ins.slots.widget("status:Place") is None
        session.undo_stack.undo()
        assert _rows(ins)[2] == ("Place", "1", [], REQUIRED)
        # a change to a filler (its type) redraws the slot
        assert session.set_label("T1", "PER")
        assert ins.slots.widget("filler:0").text() == "“ISIS fighters” PER"
    finally:
        project.close()


def test_too_many_and_not_allowed_roles_are_errors(qtbot, tmp_path):
    adoc = _seed(args=[Argument("Agent", "T1"), Argument("Agent", "T3"), Argument("Victim", "T2"),
                       Argument("Place", "T4"), Argument("Weapon", "T4")])
    project, session = _open(tmp_path, adoc, Schema.from_toml(REQUIRED_SCHEMA), validate=False)
    try:
        ins = _show(qtbot, Inspector(session))
        ins.show_annotation("E1")
        rows = _rows(ins)
        assert rows[0] == ("Agent", "0-1", ["T1", "T3"], TOO_MANY)
        assert rows[-1] == ("Weapon", "", ["T4"], NOT_ALLOWED)     # after the schema's roles
        t = tones(ins.slots.palette())
        assert ins.slots.widget("status:Agent").text() == "too many: 2, at most 1"
        for name in ("status:Agent", "hint:Agent", "role:Agent", "role:Weapon", "status:Weapon"):
            assert _text_color(ins.slots.widget(name)) == t["error"], name
        assert ins.slots.widget("status:Weapon").text() == "not allowed"
        assert ins.slots.widget("add:Weapon") is None
        assert ins.slots.widget("role:Victim").palette().color(QPalette.ColorRole.WindowText) != t["error"]
        _shot(ins, "inspector_slots_errors")
        # the not-allowed argument can still be removed from its menu
        ins.slots.widget("menu:4").menu().findChild(QAction, "remove").trigger()
        assert ("Weapon", "T4") not in _args(project)
        assert _rows(ins)[-1][0] == "Cause"
    finally:
        project.close()


COUNTS_SCHEMA = REQUIRED_SCHEMA.replace(
    'roles.Victim = { types = ["PER"], cardinality = "one_or_more" }',
    'roles.Victim = { types = ["PER"], cardinality = "2" }',
).replace('roles.Place = { types = ["GPE"], cardinality = "one" }',
          'roles.Place = { types = ["GPE"], cardinality = "1-3" }')


def test_counted_roles_show_their_count_and_need_their_minimum(qtbot, tmp_path):
    project, session = _open(tmp_path, _seed(), Schema.from_toml(COUNTS_SCHEMA))
    try:
        ins = _show(qtbot, Inspector(session))
        ins.show_annotation("E1")
        assert _rows(ins)[1:3] == [("Victim", "2", ["T2"], REQUIRED), ("Place", "1-3", [], REQUIRED)]
        status = ins.slots.widget("status:Victim")
        assert status.text() == "needs 1 more" and status.font().bold()
        assert ins.slots.widget("status:Place").text() == "required"
        assert ins.slots.widget("role:Victim").font().bold()
        assert "exactly 2 fillers" in ins.slots.widget("role:Victim").toolTip()
        assert "1 to 3 fillers" in ins.slots.widget("role:Place").toolTip()
        assert ins.slots.widget("add:Victim").isEnabled()
        # the second Victim fills the role: no marker, and + is off (2 at most)
        assert session.add_argument("E1", "Victim", "T3")
        assert _rows(ins)[1] == ("Victim", "2", ["T2", "T3"], FILLED)
        assert ins.slots.widget("status:Victim") is None
        assert not ins.slots.widget("add:Victim").isEnabled()
        assert ("Victim", "T3") in _args(project)
        session.undo_stack.undo()
        assert _rows(ins)[1] == ("Victim", "2", ["T2"], REQUIRED)
    finally:
        project.close()


def test_a_span_with_normalizations_shows_them_read_only(qtbot, tmp_path):
    adoc = _seed()
    adoc.spans[0].normalizations = [Normalization("Wikipedia", "534366", "Carlos Salinas de Gortari"),
                                    Normalization("GeoNames", "99", "")]
    project, session = _open(tmp_path, adoc)
    try:
        ins = _show(qtbot, Inspector(session))
        ins.show_annotation("T1")
        assert ins.norm_label.isVisible()
        assert ins.norm_label.text() == "Wikipedia:534366 Carlos Salinas de Gortari\nGeoNames:99"
        assert ins.form.labelForField(ins.norm_label).isVisible()
        ins.show_annotation("T2")  # none: the row is gone
        assert not ins.norm_label.isVisible() and not ins.form.labelForField(ins.norm_label).isVisible()
    finally:
        project.close()


# ---------------------------------------------------------------------------- jump, keys

def test_click_and_enter_on_a_filler_jump_and_tab_reaches_slots(qtbot, news):
    _project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("E1")
    with qtbot.waitSignal(ins.jump_requested, timeout=1000) as blocker:
        _click(qtbot, ins.slots.widget("filler:1"))
    assert blocker.args == ["T2"]

    # Tab from the last attribute / trigger field walks into the slots in row order
    chain = ins.slots.focus_chain()
    assert [w.objectName() for w in chain[:5]] == ["filler:0", "menu:0", "add:Agent", "filler:1", "menu:1"]
    ins.end_spin.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(ins.end_spin.hasFocus, timeout=1000)
    seen = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName() or type(QApplication.focusWidget()).__name__)
        if seen[-1] == "add:Agent":
            break
    # past the event's attribute combo boxes, into the first row: filler, its menu, its +
    assert seen[:-3] == ["QComboBox"] * len(ins.attr_box.widgets), seen
    assert seen[-3:] == ["filler:0", "menu:0", "add:Agent"], seen
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is ins.slots.widget("filler:1")
    with qtbot.waitSignal(ins.jump_requested, timeout=1000) as blocker:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert blocker.args == ["T2"]
    # Tab runs out of the last slot into the note
    ins.slots.focus_chain()[-1].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is ins.note_edit


def test_relation_head_and_tail_are_fillers(qtbot, news):
    _project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("R1")
    assert ins.args_title.text() == "Head and tail" and ins.slots.isVisible()
    assert _rows(ins) == [("Head", "", ["T3"], FILLED), ("Tail", "", ["T4"], FILLED)]
    assert ins.slots.widget("filler:head").text() == "“two policemen” PER"
    with qtbot.waitSignal(ins.jump_requested, timeout=1000) as blocker:
        _click(qtbot, ins.slots.widget("filler:tail"))
    assert blocker.args == ["T4"]
    _shot(ins, "inspector_slots_relation")
    ins.show_annotation("T1")                      # an entity has no slots
    assert not ins.slots.isVisible() and ins.slots.slot_rows() == []


# ---------------------------------------------------------------------------- menu and add

def _run_menu(qtbot, button: QToolButton, keys: list[Qt.Key]) -> None:
    """Click the ⋯ button and drive its popup menu with keys, as a person does."""
    done: list[bool] = []

    def drive() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, drive)
            return
        for k in keys:
            qtbot.keyClick(QApplication.activePopupWidget(), k)
        done.append(True)

    QTimer.singleShot(0, drive)
    _click(qtbot, button)
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    QApplication.processEvents()


def test_change_role_from_the_menu_and_undo(qtbot, news):
    project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("E1")
    menu = ins.slots.widget("menu:1").menu()
    sub = menu.findChild(QMenu, "change_role")
    assert [a.text() for a in sub.actions()] == ["Agent"]     # PER may fill Agent or Victim; not Victim again
    # keyboard through the real popup: Change role ▸ (first item), Right into it, Enter on Agent
    _run_menu(qtbot, ins.slots.widget("menu:1"), [Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Return])
    assert _args(project) == [("Agent", "T1"), ("Agent", "T2")]
    assert _rows(ins)[:2] == [("Agent", "any", ["T1", "T2"], FILLED), ("Victim", "any", [], EMPTY)]
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert _args(project) == [("Agent", "T1"), ("Victim", "T2")]
    assert _rows(ins)[1] == ("Victim", "any", ["T2"], FILLED)


def test_remove_from_the_menu_and_undo(qtbot, news):
    project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("E1")
    # Up from the top of the menu wraps to its last item, Remove
    _run_menu(qtbot, ins.slots.widget("menu:0"), [Qt.Key.Key_Up, Qt.Key.Key_Return])
    assert _args(project) == [("Victim", "T2")]
    assert _rows(ins)[0] == ("Agent", "any", [], EMPTY)
    session.undo_stack.undo()
    assert _args(project) == [("Agent", "T1"), ("Victim", "T2")]
    assert _rows(ins)[0] == ("Agent", "any", ["T1"], FILLED)


def test_move_and_add_ask_the_main_window_to_pick(qtbot, news):
    project, session = news
    ins = _show(qtbot, Inspector(session))
    ins.show_annotation("E1")
    with qtbot.waitSignal(ins.add_argument_requested, timeout=1000) as blocker:
        _click(qtbot, ins.slots.widget("add:Place"))
    assert blocker.args == ["E1", "Place"]
    move = ins.slots.widget("menu:1").menu().findChild(QAction, "move")
    with qtbot.waitSignal(ins.pick_filler_requested, timeout=1000) as blocker:
        move.trigger()
    assert blocker.args == ["E1", 1]
    # the main window then moves the argument; the slot follows
    assert session.change_argument("E1", 1, ref="T3")
    assert _rows(ins)[1] == ("Victim", "any", ["T3"], FILLED)
    assert session.undo_stack.count() == 1 and _args(project)[1] == ("Victim", "T3")


def test_refused_change_leaves_display_as_stored(qtbot, tmp_path):
    project, session = _open(tmp_path, _seed(), Schema.from_toml(REQUIRED_SCHEMA))
    try:
        ins = _show(qtbot, Inspector(session))
        ins.show_annotation("E1")
        sub = ins.slots.widget("menu:1").menu().findChild(QMenu, "change_role")
        agent = sub.actions()[0]
        assert agent.text() == "Agent — full (1 of 1)" and not agent.isEnabled()   # Agent is 0-1 and filled
        before = _rows(ins)
        errors: list[str] = []
        session.error.connect(errors.append)
        assert not ins.slots.change_role(1, "Agent")
        assert errors and "Agent" in errors[0]
        assert _args(project) == [("Agent", "T1"), ("Victim", "T2")]
        assert _rows(ins) == before and session.undo_stack.count() == 0
    finally:
        project.close()


def test_dark_palette_tones_are_readable(qtbot, news):
    _project, session = news
    ins = Inspector(session)
    dark = QPalette()
    for role, c in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                    (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e6e6e6"),
                    (QPalette.ColorRole.Button, "#3a3a3a"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                    (QPalette.ColorRole.PlaceholderText, "#8a8a8a")):
        dark.setColor(role, QColor(c))
    ins.setPalette(dark)
    _show(qtbot, ins)
    ins.show_annotation("E1")
    t = tones(ins.slots.palette())
    assert t != tones(QPalette(QColor("#f0f0f0")))
    for name in ("error", "warn", "link"):
        assert t[name].lightnessF() > 0.55, name                   # light text on a dark background
    link = ins.slots.widget("filler:0")
    assert link.palette().color(QPalette.ColorRole.ButtonText) == t["link"]
    _shot(ins, "inspector_slots_dark")
