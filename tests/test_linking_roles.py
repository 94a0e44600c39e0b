"""Arguments in one action: the role menu's pre-selection, Ctrl/Shift at release, full roles, refusals without a dialog.

Every gesture is a real mouse drag or key press on the real window, on the seed
article with the bundled ACE 2005 schema; the expected roles are written out
here, never computed through the pre-selection code.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt.mainwindow import MainWindow
from annotator.store import Project
from test_events_ui import settings, tag, trigger_of, window  # noqa: F401  (fixtures and helpers shared)
from test_mainwindow import make_project, show_window, stored



def link_drag(qtbot, w: MainWindow, source_span: str, target_span: str,
              press_mods=Qt.KeyboardModifier.NoModifier, release_mods=Qt.KeyboardModifier.NoModifier) -> None:
    """Press on the source's label tag, move to the target's text, release there (modifiers as given)."""
    view = w.view
    view.select_span(source_span, scroll=True)
    QApplication.processEvents()
    p0 = view.label_rect(source_span).center()
    r = view.span_rects(target_span)[0]
    p1 = QPoint(r.center().x(), r.center().y())
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, press_mods, pos=p0)
    for p in (QPoint((p0.x() + p1.x()) // 2, (p0.y() + p1.y()) // 2), p1):
        QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, QPointF(p), QPointF(vp.mapToGlobal(p)),
                                               Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, press_mods))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, release_mods, pos=p1)


def args_of(w: MainWindow, event_id: str) -> list[tuple[str, str]]:
    text = w.session.current.text
    adoc = stored(w)
    spans = adoc.span_by_id()
    return [(a.role, text[spans[a.ref].start:spans[a.ref].end] if a.ref in spans else a.ref)
            for a in adoc.event_by_id()[event_id].arguments]


def menu_visible(w: MainWindow) -> bool:
    return w.linker.last_menu is not None and w.linker.last_menu.isVisible()


def assert_no_dialog_and_focus_in_view(w: MainWindow) -> None:
    assert QApplication.activeModalWidget() is None
    assert QApplication.activePopupWidget() is None
    assert QApplication.focusWidget() is w.view


# ---------------------------------------------------------------- one action per argument

def test_ctrl_held_through_the_drag_takes_victim_for_a_person_killed(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)          # "ISIS fighters killed three military security personnel"
    pers = tag(w, "three military security personnel", "PER")
    link_drag(qtbot, w, trigger_of(w, die), pers, Qt.KeyboardModifier.ControlModifier,
              Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die) == [("Victim", "three military security personnel")]
    assert not menu_visible(w)  # no menu: one action
    assert "Victim" in w.statusBar().currentMessage()


def test_shift_at_release_takes_instrument_for_the_mortar(qtbot, window):
    w = window
    attack = tag(w, "attack", "Conflict.Attack", 2)  # "In a separate attack, militants fired a mortar"
    mortar = tag(w, "mortar", "WEA")
    link_drag(qtbot, w, trigger_of(w, attack), mortar, release_mods=Qt.KeyboardModifier.ShiftModifier)
    assert args_of(w, attack) == [("Instrument", "mortar")]
    assert not menu_visible(w)


def test_ctrl_release_on_a_place_and_an_attacker(qtbot, window):
    w = window
    attack = tag(w, "attack", "Conflict.Attack", 1)  # "In the first attack, ISIS fighters killed ... in Dujail"
    dujail, isis = tag(w, "Dujail", "GPE"), tag(w, "ISIS fighters", "ORG")
    ctrl = Qt.KeyboardModifier.ControlModifier
    link_drag(qtbot, w, trigger_of(w, attack), dujail, release_mods=ctrl)
    link_drag(qtbot, w, trigger_of(w, attack), isis, release_mods=ctrl)
    assert args_of(w, attack) == [("Place", "Dujail"), ("Attacker", "ISIS fighters")]


def test_entity_dragged_onto_the_trigger_with_ctrl_is_the_same_argument(qtbot, window):
    w = window
    injure = tag(w, "injured", "Life.Injure")
    more = tag(w, "16 more", "PER")
    link_drag(qtbot, w, more, trigger_of(w, injure), release_mods=Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, injure) == [("Victim", "16 more")]


def test_without_a_modifier_the_menu_preselects_and_enter_takes_it(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    pers = tag(w, "three military security personnel", "PER")
    link_drag(qtbot, w, trigger_of(w, die), pers)
    menu = w.linker.last_menu
    assert menu_visible(w)
    assert [a.data() for a in menu.actions() if a.data()] == ["Agent", "Victim"]  # the schema's order stays
    assert menu.activeAction().data() == "Victim" and menu.activeAction().font().bold()
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert args_of(w, die) == [("Victim", "three military security personnel")]
    assert not menu.isVisible()


def test_one_role_that_fits_is_taken_at_once_without_a_menu(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    isis = tag(w, "ISIS fighters", "ORG")  # an ORG can only be the Agent of Life.Die
    link_drag(qtbot, w, trigger_of(w, die), isis)
    assert args_of(w, die) == [("Agent", "ISIS fighters")]
    assert not menu_visible(w)


# ---------------------------------------------------------------- full roles

def test_a_full_role_is_disabled_with_its_reason_and_not_preselected(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    dujail, baghdad = tag(w, "Dujail", "GPE"), tag(w, "Baghdad", "GPE")
    link_drag(qtbot, w, trigger_of(w, die), dujail, release_mods=Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die) == [("Place", "Dujail")]
    link_drag(qtbot, w, trigger_of(w, die), baghdad)
    menu = w.linker.last_menu
    (place,) = [a for a in menu.actions() if a.data() == "Place"]
    assert not place.isEnabled()
    assert place.text() == "&2 Place — full (1 of 1)"
    assert "at most 1 filler and has 1" in place.toolTip()
    assert menu.activeAction().data() == "Agent"
    qtbot.keyClick(menu, Qt.Key.Key_2)  # the digit of a disabled role does nothing
    assert args_of(w, die) == [("Place", "Dujail")]
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    assert_no_dialog_and_focus_in_view(w)


def test_the_only_role_that_fits_being_full_is_refused_in_the_status_bar(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    dujail, salah = tag(w, "Dujail", "GPE"), tag(w, "Salahuddin district", "LOC")
    w.session.add_argument(die, "Place", dujail)
    link_drag(qtbot, w, trigger_of(w, die), salah, release_mods=Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die) == [("Place", "Dujail")]
    assert "Place — full (1 of 1)" in w.statusBar().currentMessage()
    assert_no_dialog_and_focus_in_view(w)


# ---------------------------------------------------------------- refusals never block

def test_no_role_fits_is_refused_without_a_dialog(qtbot, window):
    w = window
    num = tag(w, "30 miles", "NUM")
    die = tag(w, "killed", "Life.Die", 1)
    link_drag(qtbot, w, trigger_of(w, die), num)
    assert args_of(w, die) == []
    assert "Life.Die has no role that takes NUM" in w.statusBar().currentMessage()
    assert w.messages.last is None
    assert_no_dialog_and_focus_in_view(w)
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the keyboard still works here
    assert stored(w).events == []  # the last edit, the trigger, is undone


def test_inspector_add_of_a_wrong_filler_type_is_refused_without_a_dialog(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    dujail = tag(w, "Dujail", "GPE")
    w.view.select_span(trigger_of(w, die), scroll=True)
    w.selection.span_clicked(trigger_of(w, die))
    add = w.panels.inspector.slots.widget("add:Victim")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)  # the role's + button: pick its filler next
    assert w.linker.pick is not None
    r = w.view.span_rects(dujail)[0]
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(r.center().x(), r.center().y()))
    assert args_of(w, die) == []
    assert "may not fill Victim of Life.Die (it takes PER)" in w.statusBar().currentMessage()
    assert_no_dialog_and_focus_in_view(w)


def test_a_store_refusal_is_not_a_dialog_either(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    dujail, baghdad = tag(w, "Dujail", "GPE"), tag(w, "Baghdad", "GPE")
    w.session.add_argument(die, "Place", dujail)
    w.view.setFocus()
    assert not w.session.add_argument(die, "Place", baghdad)  # past the menus: the store says no
    assert "Place" in w.messages.last_refusal and w.messages.last is None
    assert_no_dialog_and_focus_in_view(w)


# ---------------------------------------------------------------- the project's habits win over the priors

def test_project_counts_override_the_prior(qtbot, tmp_path, settings):
    """Another document has two PER Agents of Life.Die: a PER dropped on a killing is then an Agent."""
    path = make_project(tmp_path / "p.db")
    other = "Gunmen killed him. Soldiers killed them."
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="zz-other", text=other))])
        for who, verb_at in (("Gunmen", 7), ("Soldiers", 28)):
            start = other.index(who)
            agent = p.add_span("zz-other", Span("", "PER", start, start + len(who)))
            ev = p.add_event("zz-other", Event("", "Life.Die", ""),
                             Span("", "Life.Die", verb_at, verb_at + 6, kind="trigger"))
            p.add_argument("zz-other", ev.id, Argument("Agent", agent.id))
    w = show_window(qtbot, MainWindow(path, settings=settings))
    try:
        assert w.session.current.id != "zz-other"
        die = tag(w, "killed", "Life.Die", 1)
        pers = tag(w, "three military security personnel", "PER")
        link_drag(qtbot, w, trigger_of(w, die), pers, release_mods=Qt.KeyboardModifier.ControlModifier)
        assert args_of(w, die) == [("Agent", "three military security personnel")]
    finally:
        w.close()


def test_counts_of_the_open_document_override_the_prior_as_they_are_made(qtbot, window):
    """Two Targets chosen in the menu for PERs of attacks: the third PER is pre-selected as Target."""
    w = window
    a2, a3 = tag(w, "attack", "Conflict.Attack", 1), tag(w, "attack", "Conflict.Attack", 2)
    pers = tag(w, "three military security personnel", "PER")
    cops = tag(w, "two policemen", "PER")
    guards = tag(w, "two security guards", "PER")
    for attack, victim in ((a2, pers), (a2, cops)):
        link_drag(qtbot, w, trigger_of(w, attack), victim)
        assert w.linker.last_menu.activeAction().data() in ("Attacker", "Target")
        (target,) = [a for a in w.linker.last_menu.actions() if a.data() == "Target"]
        target.trigger()
        w.linker.last_menu.close()
    link_drag(qtbot, w, trigger_of(w, a3), guards, release_mods=Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, a3) == [("Target", "two security guards")]


# ---------------------------------------------------------------- pick mode, from the keyboard

def test_pick_mode_entity_hotkey_then_enter_takes_the_preselected_role(qtbot, window):
    """Select the event, Ctrl+L, find the filler's text, press P, press Enter: a Victim."""
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    w.view.select_span(trigger_of(w, die), scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert w.linker.pick is not None
    qtbot.keyClick(w.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(w.find_bar.edit, "two policemen")
    qtbot.keyClick(w.find_bar.edit, Qt.Key.Key_Return)
    qtbot.keyClick(w.find_bar.edit, Qt.Key.Key_Escape)
    qtbot.keyClick(w.view, Qt.Key.Key_P)  # the entity is made, then offered to Life.Die
    menu = w.linker.last_menu
    assert menu is not None and menu.isVisible() and menu.activeAction().data() == "Victim"
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert args_of(w, die) == [("Victim", "two policemen")]
    assert w.linker.pick is None


def test_pick_mode_ctrl_click_takes_the_preselected_role(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    cops = tag(w, "two policemen", "PER")
    w.view.select_span(trigger_of(w, die), scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    r = w.view.span_rects(cops)[0]
    qtbot.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     QPoint(r.center().x(), r.center().y()))
    assert args_of(w, die) == [("Victim", "two policemen")]
    assert not menu_visible(w)


# ---------------------------------------------------------------- during the drag

def test_while_dragging_the_status_bar_says_what_the_release_will_do(qtbot, window):
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    pers = tag(w, "three military security personnel", "PER")
    isis = tag(w, "ISIS fighters", "ORG")
    view, vp = w.view, w.view.viewport()
    view.select_span(trigger_of(w, die), scroll=True)
    QApplication.processEvents()
    p0 = view.label_rect(trigger_of(w, die)).center()

    def move_to(span_id: str) -> str:
        r = view.span_rects(span_id)[0]
        p = QPoint(r.center().x(), r.center().y())
        for q in (QPoint((p0.x() + p.x()) // 2, (p0.y() + p.y()) // 2), p):
            QApplication.sendEvent(vp, QMouseEvent(QEvent.Type.MouseMove, QPointF(q), QPointF(vp.mapToGlobal(q)),
                                                   Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                                                   Qt.KeyboardModifier.NoModifier))
        return w.statusBar().currentMessage()

    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos=p0)
    assert move_to(pers) == ("Release: the role menu, Victim first · with Ctrl or Shift held: "
                             "“three military security perso…” (PER) becomes the Victim of Life.Die")
    assert QToolTip.isVisible() and QToolTip.text() == "Victim · Ctrl: no menu"  # beside the pointer
    assert move_to(isis) == "Release: “ISIS fighters” (ORG) becomes the Agent of Life.Die (the one role that fits)"
    assert QToolTip.text() == "Agent"
    r = view.span_rects(isis)[0]
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       pos=QPoint(r.center().x(), r.center().y()))
    assert args_of(w, die) == [("Agent", "ISIS fighters")]
    assert "Agent of Life.Die" in w.statusBar().currentMessage()
    assert not QToolTip.isVisible()


# ---------------------------------------------------------------- the open document's count, kept between changes

def test_the_kept_count_follows_edits_and_undo_between_drags(qtbot, window):
    """The open document's role count is kept from one drag to the next only while nothing changes:
    each edit, and its undo, is counted at the next drag (PER in Life.Die: the prior says Victim;
    two Agents already in the document say Agent)."""
    w = window
    die = tag(w, "killed", "Life.Die", 1)
    pers = tag(w, "three military security personnel", "PER")
    link_drag(qtbot, w, trigger_of(w, die), pers, Qt.KeyboardModifier.ControlModifier,
              Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die) == [("Victim", "three military security personnel")]  # the prior: the count is kept now
    assert w.session.change_argument(die, 0, role="Agent")  # edits after the count was taken
    fighters = tag(w, "ISIS fighters", "PER")
    assert w.session.add_argument(die, "Agent", fighters)
    cops = tag(w, "two policemen", "PER")
    link_drag(qtbot, w, trigger_of(w, die), cops, Qt.KeyboardModifier.ControlModifier,
              Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die)[-1] == ("Agent", "two policemen")  # two Agents counted: the habit wins
    for _ in range(5):  # back to before the role change: one Victim, no Agent
        w.session.undo_stack.undo()
    assert args_of(w, die) == [("Victim", "three military security personnel")]
    assert w.session.undo_stack.canRedo()
    cops2 = tag(w, "two policemen", "PER")
    link_drag(qtbot, w, trigger_of(w, die), cops2, Qt.KeyboardModifier.ControlModifier,
              Qt.KeyboardModifier.ControlModifier)
    assert args_of(w, die)[-1] == ("Victim", "two policemen")  # the undone Agents are not counted
