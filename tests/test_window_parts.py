"""The window's controllers work without the window: each gets only the parts it needs.

A bare view, a session on a real project file, and the controllers wired as
the main window wires them (no MainWindow anywhere): tagging, relabelling,
the sticky label, token-wise boundaries, linking by drag, and the actions
table's keys.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QStatusBar, QWidget

from annotator.model import AnnotatedDocument, Document
from annotator.qt.actions import ACTIONS, WindowActions
from annotator.qt.linking import Linker
from annotator.qt.session import Session
from annotator.qt.tagging import Tagger
from annotator.qt.textview import AnnotationView
from annotator.qt.viewsync import ViewSync
from annotator.store import Project

TEXT = "Police in Dujail said militants killed two men on Monday."


class Parts:
    """The controllers on one document, with what their callbacks received."""

    def __init__(self, qtbot, path: Path):
        with Project.open(path) as p:
            p.import_documents([AnnotatedDocument(Document(id="d", text=TEXT))])
        self.parent = QWidget()
        qtbot.addWidget(self.parent)
        self.session = Session(Project.open(path), self.parent)
        self.view = AnnotationView(self.parent)
        self.bar = QStatusBar(self.parent)
        self.errors: list[tuple[str, str]] = []
        self.tagged: list[str] = []
        self.sticky: list[str | None] = []
        self.linker = Linker(self.parent, self.view, lambda: self.session, self.bar,
                             lambda msg, _pos=None: self.errors.append(("refused", msg)), lambda: None)
        self.sync = ViewSync(self.view, self.linker)
        self.tagger = Tagger(self.view, lambda: self.session, self.linker,
                             lambda msg: self.errors.append(("refused", msg)), self.tagged.append,
                             self.sticky.append)
        self.session.document_opened.connect(lambda _id: self.sync.show_document(self.session.current, {}))
        self.session.changed.connect(lambda change: self.sync.apply(self.session.current, change))
        self.session.open_document("d")

    def span(self, word: str) -> tuple[int, int]:
        i = TEXT.index(word)
        return i, i + len(word)

    def stored(self) -> list[tuple[str, str]]:
        adoc = self.session.project.get_annotated("d")
        return sorted((TEXT[s.start:s.end], s.label) for s in adoc.spans)


@pytest.fixture
def parts(qtbot, tmp_path):
    p = Parts(qtbot, tmp_path / "parts.db")
    yield p
    p.session.close()


def test_a_label_tags_the_selection_and_the_new_annotation_is_announced(parts):
    parts.view.set_selection(*parts.span("Dujail"))
    parts.tagger.apply_label("GPE")
    assert parts.stored() == [("Dujail", "GPE")]
    (new_id,) = parts.tagged
    assert parts.session.current.spans[new_id].label == "GPE"
    assert parts.view.selection() is None and parts.sticky == []


def test_relabel_keeps_the_kind_and_names_the_span_when_it_cannot(parts):
    ent = parts.session.add_annotation(*parts.span("Police"), "PER")
    parts.view.select_span(ent, scroll=False)
    parts.tagger.apply_label("ORG")
    assert parts.stored() == [("Police", "ORG")]
    parts.tagger.apply_label("Life.Die")  # an event type for an entity: refused, in one message
    assert parts.stored() == [("Police", "ORG")]
    assert len(parts.errors) == 1 and ent in parts.errors[0][1] and "Life.Die" in parts.errors[0][1]


def test_the_sticky_label_tags_the_next_selection_and_toggles_off(parts):
    parts.tagger.apply_label("PER")  # nothing selected: PER becomes sticky
    assert parts.sticky == ["PER"] and parts.tagger.sticky_label == "PER"
    parts.view.selection_made.connect(parts.tagger.on_selection_made)
    parts.tagger.on_selection_made(*parts.span("militants"))
    assert parts.stored() == [("militants", "PER")]
    parts.view.select_span(None, scroll=False)
    parts.tagger.apply_label("PER")  # chosen again: off
    assert parts.sticky == ["PER", None] and parts.tagger.sticky_label is None


def test_boundaries_move_by_whole_tokens(parts):
    ent = parts.session.add_annotation(*parts.span("two"), "NUM")
    parts.view.select_span(ent, scroll=False)
    assert parts.tagger.move_boundary("end", 1)
    assert parts.stored() == [("two men", "NUM")]
    assert parts.tagger.move_boundary("start", 1)
    assert parts.stored() == [("men", "NUM")]
    assert not parts.tagger.move_boundary("start", 1)  # a span keeps at least one token
    assert parts.stored() == [("men", "NUM")]


def test_the_linker_attaches_a_dragged_entity_with_the_one_role_that_fits(parts):
    killed = parts.session.add_annotation(*parts.span("killed"), "Life.Die")
    men = parts.session.add_annotation(*parts.span("Monday"), "TIME")
    trigger = parts.session.current.events[killed].trigger
    parts.linker.link(trigger, men)
    adoc = parts.session.project.get_annotated("d")
    (ev,) = adoc.events
    assert [(a.role, a.ref) for a in ev.arguments] == [("Time", men)]
    assert parts.errors == []
    assert len(parts.view.links()) == 1  # the arc is in the view too


def test_every_action_of_the_table_has_its_handler_and_keys(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    ran: list[str] = []
    acts = WindowActions(window, {spec.name: (lambda n=spec.name: ran.append(n)) for spec in ACTIONS})
    for spec in ACTIONS:
        acts[spec.name].setEnabled(True)
        acts[spec.name].trigger()
    assert ran == [spec.name for spec in ACTIONS]
    assert [k.toString() for k in acts["redo"].shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert [k.toString() for k in acts["next"].shortcuts()] == ["Ctrl+PgDown", "Alt+Down"]
    assert acts["save_as"].shortcut() == QKeySequence(QKeySequence.StandardKey.SaveAs)
    file_menu = acts.menus["&File"]
    names = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    assert names.index("Save &As…") == names.index("&Save") + 1
