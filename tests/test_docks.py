"""The dock widgets: document list, annotation list, inspector and the help dialog.

Real project files in ``tmp_path``, real clicks and typing; every edit is
checked in what the store holds afterwards.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QWidget

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.annlist import AnnotationList, AnnotationTableModel
from annotator.qt.doclist import DocumentList
from annotator.qt.helpdialog import HelpDialog
from annotator.qt.inspector import UNSET, Inspector
from annotator.qt.session import Session
from annotator.schema import Schema
from annotator.store import Project

SHOTS = Path(__file__).parent / "_shots"

SCHEMA = """
name = "docks"

[entities.PER]
color = "#8ec5f5"
hotkey = "P"

[entities.GPE]
color = "#c4b5f4"
hotkey = "G"

[entities.ORG]
color = "#a5e1a0"

[events.Attack]
color = "#ff9f9a"
hotkey = "Shift+A"
roles.Attacker = { types = ["PER", "ORG", "GPE"], cardinality = "any" }
roles.Place = { types = ["GPE"] }

[relations.LIVES_IN]
color = "#1f6fb2"
head = ["PER"]
tail = ["GPE"]

[attributes.Certainty]
values = ["High", "Low"]
applies_to = ["entity"]

[attributes.Negated]
applies_to = ["entity"]

[attributes.Tense]
values = ["Past", "Future"]
applies_to = ["event"]
default = "Past"
"""

TEXT = "Saddam Hussein was tried in Dujail. Troops attacked Baghdad on Monday."


def _at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def _main_doc() -> AnnotatedDocument:
    spans = [
        Span("T1", "PER", *_at("Saddam Hussein")),
        Span("T2", "GPE", *_at("Dujail")),
        Span("T3", "Attack", *_at("attacked"), kind=TRIGGER),
        Span("T4", "GPE", *_at("Baghdad")),
        Span("T5", "ORG", *_at("Troops")),
    ]
    events = [Event("E1", "Attack", "T3", [Argument("Attacker", "T5"), Argument("Place", "T4")])]
    relations = [Relation("R1", "LIVES_IN", "T1", "T2")]
    return AnnotatedDocument(Document("d1", TEXT, name="Alpha report", status="in_progress"), spans, events, relations)


DOCS = [
    ("d2", "Beta news", "done"),
    ("d3", "Gamma", "new"),
    ("d4", "beta second", "reviewed"),
    ("d5", "Delta", "in_progress"),
]


@pytest.fixture
def project(tmp_path: Path):
    p = Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA, "docks.toml"))
    docs = [_main_doc()] + [
        AnnotatedDocument(Document(i, f"Text of {name}.", name=name, status=st)) for i, name, st in DOCS
    ]
    p.import_documents(docs)
    yield p
    p.close()


@pytest.fixture
def session(project: Project) -> Session:
    s = Session(project)
    s.open_document("d1")
    return s


def _show(qtbot, w: QWidget, size: tuple[int, int]) -> QWidget:
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


def _click_row(qtbot, view, proxy_row: int, column: int = 0) -> None:
    index = view.model().index(proxy_row, column)
    view.scrollTo(index)
    rect = view.visualRect(index)
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _names(dl: DocumentList) -> list[str]:
    return [dl.proxy.index(r, 0).data() for r in range(dl.proxy.rowCount())]


def _focus(qtbot, w: QWidget) -> None:
    w.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(w.hasFocus, timeout=1000)


# ---------------------------------------------------------------------------- document list

def test_doclist_rows_readable_status_and_progress(qtbot, session):
    dl = _show(qtbot, DocumentList(session), (380, 300))
    assert _names(dl) == ["Alpha report", "Beta news", "Gamma", "beta second", "Delta"]
    statuses = [dl.proxy.index(r, 1).data() for r in range(dl.proxy.rowCount())]
    assert statuses == ["In progress", "Done", "New", "Reviewed", "In progress"]
    assert dl.proxy.index(0, 2).data() == 6  # 4 entities + 1 event + 1 relation; the trigger is its event
    assert dl.progress_label.text() == "2 of 5 documents done"
    assert (dl.progress.value(), dl.progress.maximum()) == (2, 5)
    # the status column is tinted, differently per status, but not for "new"
    done_bg = dl.proxy.index(1, 1).data(Qt.ItemDataRole.BackgroundRole)
    prog_bg = dl.proxy.index(0, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert done_bg is not None and prog_bg is not None and done_bg != prog_bg
    assert dl.proxy.index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    _shot(dl, "doclist")


def test_doclist_filters_by_status_and_typed_name(qtbot, session):
    dl = _show(qtbot, DocumentList(session), (380, 300))
    assert dl.name_filter.placeholderText() == "Filter by name"
    qtbot.mouseClick(dl.name_filter, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dl.name_filter, "BETA")
    assert _names(dl) == ["Beta news", "beta second"]
    dl.status_filter.setCurrentIndex(dl.status_filter.findData("reviewed"))
    assert _names(dl) == ["beta second"]
    assert dl.next_id("d4", +1) is None
    dl.name_filter.clear()
    assert _names(dl) == ["beta second"]
    dl.status_filter.setCurrentIndex(dl.status_filter.findData("in_progress"))
    assert _names(dl) == ["Alpha report", "Delta"]
    assert dl.next_id("d1", +1) == "d5"       # d2..d4 are filtered out
    assert dl.next_id("d5", -1) == "d1"
    assert dl.next_id("d5", +1) is None
    dl.status_filter.setCurrentIndex(dl.status_filter.findData(None))
    assert len(_names(dl)) == 5
    assert dl.next_id("d1", +1) == "d2"
    # the progress line counts all documents, whatever the filter
    assert dl.progress_label.text() == "2 of 5 documents done"


def test_doclist_click_emits_set_current_does_not(qtbot, session):
    dl = _show(qtbot, DocumentList(session), (380, 300))
    with qtbot.waitSignal(dl.document_activated, timeout=1000) as blocker:
        _click_row(qtbot, dl.view, 2)
    assert blocker.args == ["d3"]
    with qtbot.assertNotEmitted(dl.document_activated):
        dl.set_current("d4")
    assert [i.data(Qt.ItemDataRole.UserRole + 1) for i in dl.view.selectionModel().selectedRows()] == ["d4"]
    # Enter on the selected row opens it too
    dl.view.setFocus()
    with qtbot.waitSignal(dl.document_activated, timeout=1000) as blocker:
        qtbot.keyClick(dl.view, Qt.Key.Key_Return)
    assert blocker.args == ["d4"]


def test_doclist_refresh_keeps_selection_and_follows_status(qtbot, session, project):
    dl = _show(qtbot, DocumentList(session), (380, 300))
    dl.set_current("d3")
    project.import_documents([AnnotatedDocument(Document("d0", "New text.", name="Aardvark"))])
    dl.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)    # the new one sorts first: rows shift
    session.documents_changed.emit()
    assert "Aardvark" in _names(dl)
    sel = dl.view.selectionModel().selectedRows()
    assert [i.data() for i in sel] == ["Gamma"]
    # marking the open document done updates its row and the progress line
    assert session.set_status("done")
    assert dl.progress_label.text() == "3 of 6 documents done"
    session.undo_stack.undo()
    assert dl.progress_label.text() == "2 of 6 documents done"
    # the first annotation in a new document: its row shows it in progress, with one annotation
    session.open_document("d3")
    assert session.add_annotation(0, 4, "PER")
    row = _names(dl).index("Gamma")
    assert [dl.proxy.index(row, c).data() for c in (1, 2)] == ["In progress", 1]


# ---------------------------------------------------------------------------- annotation list

def _ann_rows(al: AnnotationList) -> list[tuple]:
    p = al.proxy
    return [tuple(p.index(r, c).data() for c in range(6)) for r in range(p.rowCount())]


def test_annlist_rows_one_per_entity_event_relation(qtbot, session):
    al = _show(qtbot, AnnotationList(session), (520, 260))
    rows = _ann_rows(al)
    ids = [r[0] for r in rows]
    assert sorted(ids) == ["E1", "R1", "T1", "T2", "T4", "T5"]       # no row for the trigger T3
    by_id = {r[0]: r for r in rows}
    assert by_id["E1"] == ("E1", "Attack", "attacked", *_at("attacked"), "event")
    assert by_id["T2"] == ("T2", "GPE", "Dujail", *_at("Dujail"), "entity")
    assert by_id["R1"][1:3] == ("LIVES_IN", "Saddam Hussein → Dujail") and by_id["R1"][5] == "relation"
    # sorted by Start by default
    starts = [r[3] for r in rows]
    assert starts == sorted(starts)
    assert not al.proxy.index(0, 1).data(Qt.ItemDataRole.DecorationRole).isNull()
    assert al.filter.placeholderText() == "Filter"
    _shot(al, "annlist")


def test_annlist_updates_incrementally_add_remove_relabel_undo(qtbot, session, project):
    al = _show(qtbot, AnnotationList(session), (520, 260))
    resets: list[int] = []
    al.model.modelReset.connect(lambda: resets.append(1))
    new_id = session.add_annotation(*_at("Monday"), "GPE")
    assert new_id
    assert {r[0]: r for r in _ann_rows(al)}[new_id] == (new_id, "GPE", "Monday", *_at("Monday"), "entity")
    assert len(_ann_rows(al)) == 7
    assert session.set_label(new_id, "ORG")
    assert {r[0]: r[1] for r in _ann_rows(al)}[new_id] == "ORG"
    # removing T1 cascades to R1: both rows go
    assert session.remove_annotation("T1")
    ids = {r[0] for r in _ann_rows(al)}
    assert "T1" not in ids and "R1" not in ids and len(ids) == 5
    session.undo_stack.undo()
    assert {"T1", "R1"} <= {r[0] for r in _ann_rows(al)}
    # the event's row follows its trigger's offsets
    assert session.set_offsets("T3", *_at("attacked Baghdad"))
    assert {r[0]: r for r in _ann_rows(al)}["E1"][2:5] == ("attacked Baghdad", *_at("attacked Baghdad"))
    # a relation's row follows its head span
    assert session.set_offsets("T1", *_at("Hussein"))
    assert {r[0]: r for r in _ann_rows(al)}["R1"][2:4] == ("Hussein → Dujail", _at("Hussein")[0])
    assert resets == []           # never rebuilt: only the touched rows changed
    # every row still matches the store
    adoc = project.get_annotated("d1")
    want = {s.id for s in adoc.spans if s.kind == "entity"} | {e.id for e in adoc.events} | {r.id for r in adoc.relations}
    assert {r[0] for r in _ann_rows(al)} == want


def _header_menu_choose(qtbot, al: AnnotationList, title: str) -> None:
    """Right-click the header (a real context menu event) and choose ``title`` in its menu."""
    header = al.view.horizontalHeader()
    pos = QPoint(10, header.height() // 2)
    QApplication.sendEvent(header.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                                header.viewport().mapToGlobal(pos)))
    menu = al.header_menu
    assert menu is not None and menu.isVisible()
    (action,) = [a for a in menu.actions() if a.text() == title]
    action.trigger()
    menu.hide()


def test_annlist_shows_type_and_text_and_the_header_menu_the_rest(qtbot, session):
    al = _show(qtbot, AnnotationList(session), (300, 260))
    header = al.view.horizontalHeader()
    shown = [c for c in range(6) if not header.isSectionHidden(c)]
    assert shown == [AnnotationTableModel.COL_TYPE, AnnotationTableModel.COL_TEXT]
    assert al.view.horizontalScrollBar().maximum() == 0   # no sideways scrolling in a narrow dock
    _header_menu_choose(qtbot, al, "Start")
    assert not header.isSectionHidden(AnnotationTableModel.COL_START)
    _header_menu_choose(qtbot, al, "Start")
    assert header.isSectionHidden(AnnotationTableModel.COL_START)


def test_annlist_header_click_sorts_by_start(qtbot, session):
    al = _show(qtbot, AnnotationList(session), (520, 260))
    header = al.view.horizontalHeader()
    for title in ("ID", "Start"):
        _header_menu_choose(qtbot, al, title)
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    starts = [r[3] for r in _ann_rows(al)]
    assert starts == sorted(starts, reverse=True) and starts != sorted(starts)
    # an added annotation lands in its sorted place
    new_id = session.add_annotation(*_at("Monday"), "GPE")
    assert _ann_rows(al)[0][0] == new_id
    x = header.sectionViewportPosition(0) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    ids = [r[0] for r in _ann_rows(al)]
    assert ids == ["E1", "R1", "T1", "T2", "T4", "T5", "T6"]


def test_annlist_click_emits_select_does_not_and_filter(qtbot, session):
    al = _show(qtbot, AnnotationList(session), (520, 260))
    row = [r[0] for r in _ann_rows(al)].index("T4")
    with qtbot.waitSignal(al.annotation_activated, timeout=1000) as blocker:
        _click_row(qtbot, al.view, row, 2)
    assert blocker.args == ["T4"]
    with qtbot.assertNotEmitted(al.annotation_activated):
        al.select("T3")                      # a trigger selects its event's row
    assert al.selected_id() == "E1"
    qtbot.mouseClick(al.filter, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(al.filter, "gpe")
    assert sorted(r[0] for r in _ann_rows(al)) == ["T2", "T4"]
    al.filter.clear()
    qtbot.keyClicks(al.filter, "hussein")
    assert sorted(r[0] for r in _ann_rows(al)) == ["R1", "T1"]    # the relation's text names him


class _RowRecorder:
    """Records every change a model announces, as ``(kind, first_row, last_row)``."""

    def __init__(self, model) -> None:  # noqa: ANN001
        self.events: list[tuple[str, int, int]] = []
        model.dataChanged.connect(lambda tl, br, *_: self.events.append(("changed", tl.row(), br.row())))
        model.rowsInserted.connect(lambda _p, a, b: self.events.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.events.append(("removed", a, b)))
        model.rowsMoved.connect(lambda *_: self.events.append(("moved", -1, -1)))
        model.layoutChanged.connect(lambda *_: self.events.append(("layout", -1, -1)))
        model.modelReset.connect(lambda: self.events.append(("reset", -1, -1)))

    def take(self) -> list[tuple[str, int, int]]:
        out, self.events = self.events, []
        return out


def test_annlist_update_in_a_large_document_touches_one_row(qtbot, tmp_path):
    """Each edit in a 12,000-row list announces exactly the one row it changed: no reset, no layout change.

    (How long a change takes is measured in benchmarks/bench_gui.py, not here.)
    """
    words = [f"w{i:05d}" for i in range(12000)]
    text = " ".join(words)
    spans, pos = [], 0
    for i, w in enumerate(words):
        spans.append(Span(f"T{i + 1}", "PER" if i % 2 else "GPE", pos, pos + len(w)))
        pos += len(w) + 1
    with Project.open(tmp_path / "big.db", schema=Schema.from_toml(SCHEMA)) as p:
        p.import_documents([AnnotatedDocument(Document("big", text), spans)])
        s = Session(p)
        s.open_document("big")
        s.ensure_loaded()  # a long document loads in slices after its first frame: finish it here
        al = _show(qtbot, AnnotationList(s), (520, 260))
        assert al.proxy.rowCount() == 12000
        rec = _RowRecorder(al.model)
        r6000 = al.model.row_of("T6000")
        assert r6000 == 5999                        # sorted by start: word i is row i
        assert s.set_label("T6000", "ORG")
        assert rec.take() == [("changed", r6000, r6000)]
        assert al.model.rows[r6000].type == "ORG"
        assert s.remove_annotation("T10")
        assert rec.take() == [("removed", 9, 9)]
        assert al.proxy.rowCount() == 11999
        for _ in range(3):
            s.undo_stack.undo()                     # T10 comes back in its place
            assert rec.take() == [("inserted", 9, 9)]
            s.undo_stack.undo()                     # T6000 is GPE again
            assert rec.take() == [("changed", r6000, r6000)]
            s.undo_stack.redo()
            assert rec.take() == [("changed", r6000, r6000)]
            s.undo_stack.redo()
            assert rec.take() == [("removed", 9, 9)]
        assert al.model.rows[al.model.row_of("T6000")].type == "ORG"
        # a change that names rows whose content is the same announces nothing
        from annotator.qt.session import Change
        al.model.apply(Change("big", {"T6000", "T11"}))
        assert rec.take() == []
        al.close()
        al.deleteLater()


# ---------------------------------------------------------------------------- inspector

def _stored_span(project: Project, span_id: str) -> Span:
    return project.get_annotated("d1").span_by_id()[span_id]


def test_inspector_empty_state_and_no_command_without_change(qtbot, session):
    ins = _show(qtbot, Inspector(session), (320, 420))
    assert ins.stack.currentWidget() is ins.hint
    assert ins.hint.text() == "Select an annotation to inspect it"
    _shot(ins, "inspector_empty")
    for ann in ("T1", "E1", "R1", "T3", None, "T1"):
        ins.show_annotation(ann)
    assert session.undo_stack.count() == 0
    _focus(qtbot, ins.annotator_edit)
    qtbot.keyClick(ins.annotator_edit, Qt.Key.Key_Return)
    _focus(qtbot, ins.note_edit)
    _focus(qtbot, ins.annotator_edit)
    assert session.undo_stack.count() == 0


def test_inspector_edits_type_offsets_attributes_note_annotator(qtbot, session, project):
    ins = _show(qtbot, Inspector(session), (320, 420))
    ins.show_annotation("T5")
    assert ins.stack.currentIndex() == 1
    assert ins.text_label.text() == "Troops"
    assert [ins.type_combo.itemText(i) for i in range(ins.type_combo.count())] == ["PER", "GPE", "ORG"]
    _shot(ins, "inspector_entity")

    # type, by keyboard on the combo box
    _focus(qtbot, ins.type_combo)
    qtbot.keyClick(ins.type_combo, Qt.Key.Key_Up)
    assert ins.type_combo.currentText() == "GPE"
    assert _stored_span(project, "T5").label == "GPE"

    # offsets: type a new end and press Enter
    _focus(qtbot, ins.end_spin)
    ins.end_spin.selectAll()
    qtbot.keyClicks(ins.end_spin, str(_at("Troops attacked")[1]))
    qtbot.keyClick(ins.end_spin, Qt.Key.Key_Return)
    assert (_stored_span(project, "T5").start, _stored_span(project, "T5").end) == _at("Troops attacked")
    assert ins.text_label.text() == "Troops attacked"

    # attributes: a value from the combo box and a flag by a click
    combo = ins.attr_box.widgets["Certainty"]
    flag = ins.attr_box.widgets["Negated"]
    assert isinstance(combo, QComboBox) and isinstance(flag, QCheckBox)
    assert combo.itemText(0) == UNSET
    _focus(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Down)       # (unset) -> High
    assert _stored_span(project, "T5").attributes == {"Certainty": "High"}
    qtbot.mouseClick(flag, Qt.MouseButton.LeftButton, pos=QPoint(8, flag.height() // 2))
    assert _stored_span(project, "T5").attributes == {"Certainty": "High", "Negated": True}
    _focus(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Up)         # back to (unset): the key is dropped
    assert _stored_span(project, "T5").attributes == {"Negated": True}

    # note: Ctrl+Enter commits, then focus-out commits the rest
    _focus(qtbot, ins.note_edit)
    qtbot.keyClicks(ins.note_edit, "check spelling")
    assert _stored_span(project, "T5").note == ""
    qtbot.keyClick(ins.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _stored_span(project, "T5").note == "check spelling"
    qtbot.keyClicks(ins.note_edit, " twice")
    _focus(qtbot, ins.annotator_edit)
    assert _stored_span(project, "T5").note == "check spelling twice"

    # annotator
    ins.annotator_edit.selectAll()
    qtbot.keyClicks(ins.annotator_edit, "maria")
    qtbot.keyClick(ins.annotator_edit, Qt.Key.Key_Return)
    assert _stored_span(project, "T5").annotator == "maria"
    _shot(ins, "inspector_entity_edited")

    # one command per change; undo brings the widgets back with the store
    n = session.undo_stack.count()
    assert n == 8
    session.undo_stack.undo()
    assert ins.annotator_edit.text() == "" and _stored_span(project, "T5").annotator == ""
    for _ in range(n - 1):
        session.undo_stack.undo()
    assert ins.type_combo.currentText() == "ORG" and ins.end_spin.value() == _at("Troops")[1]
    assert _stored_span(project, "T5").label == "ORG"


def test_inspector_refused_change_resets_widget_and_store(qtbot, session, project):
    ins = _show(qtbot, Inspector(session), (320, 420))
    ins.show_annotation("T1")
    errors: list[str] = []
    session.error.connect(errors.append)
    before = _stored_span(project, "T1")
    _focus(qtbot, ins.start_spin)
    ins.start_spin.selectAll()
    qtbot.keyClicks(ins.start_spin, "40")        # beyond the end (14): the store refuses
    qtbot.keyClick(ins.start_spin, Qt.Key.Key_Return)
    assert errors and "offsets" in errors[0]
    assert ins.start_spin.value() == before.start == 0
    assert _stored_span(project, "T1") == before
    assert session.undo_stack.count() == 0
    # a type the event's arguments do not allow is refused too: T5 (ORG) is an Attacker,
    # so relabelling it is fine, but T1 (PER) is the head of LIVES_IN and cannot become GPE
    ins.type_combo.setCurrentIndex(ins.type_combo.findText("GPE"))
    assert len(errors) == 2
    assert ins.type_combo.currentText() == "PER" and _stored_span(project, "T1").label == "PER"


def test_inspector_event_from_trigger_arguments_and_removal(qtbot, session, project):
    ins = _show(qtbot, Inspector(session), (320, 420))
    ins.show_annotation("T3")                    # the trigger span shows its event
    assert ins.annotation_id == "E1"
    assert ins.title.text() == "Event E1"
    assert [ins.type_combo.itemText(i) for i in range(ins.type_combo.count())] == ["Attack"]
    assert ins.text_label.text() == "attacked"
    assert ins.args_label.text() == "Attacker → “Troops” (T5)\nPlace → “Baghdad” (T4)"
    assert list(ins.attr_box.widgets) == ["Tense"]
    _shot(ins, "inspector_event")
    combo = ins.attr_box.widgets["Tense"]
    combo.setCurrentIndex(combo.findText("Future"))
    assert project.get_annotated("d1").event_by_id()["E1"].attributes == {"Tense": "Future"}
    # removing a filler updates the argument list; removing the event clears the inspector
    assert session.remove_annotation("T4")
    assert ins.args_label.text() == "Attacker → “Troops” (T5)"
    assert session.remove_annotation("E1")
    assert ins.stack.currentWidget() is ins.hint and ins.annotation_id is None
    session.undo_stack.undo()
    ins.show_annotation("E1")
    assert ins.attr_box.widgets["Tense"].currentText() == "Future"


def test_inspector_relation(qtbot, session, project):
    ins = _show(qtbot, Inspector(session), (320, 420))
    ins.show_annotation("R1")
    assert ins.title.text() == "Relation R1"
    assert ins.text_label.text() == "Saddam Hussein  →  Dujail"
    assert not ins.offsets_row.isEnabled()
    _focus(qtbot, ins.note_edit)
    qtbot.keyClicks(ins.note_edit, "from 1982")
    qtbot.keyClick(ins.note_edit, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert project.get_annotated("d1").relations[0].note == "from 1982"


# ---------------------------------------------------------------------------- help

def test_help_dialog_lists_action_shortcuts_hotkeys_and_gestures(qtbot):
    save = QAction("&Save")
    save.setShortcut(QKeySequence("Ctrl+S"))
    nxt = QAction("&Next document")
    nxt.setShortcuts([QKeySequence("Alt+Down"), QKeySequence("Ctrl+PgDown")])
    dlg = HelpDialog([save, nxt], {"P": "PER", "Shift+A": "Attack"})
    _show(qtbot, dlg, (620, 520))
    assert dlg.keys_for("Save") == QKeySequence("Ctrl+S").toString(QKeySequence.SequenceFormat.NativeText)
    assert dlg.keys_for("&Next document") == ", ".join(
        QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in ("Alt+Down", "Ctrl+PgDown"))
    assert dlg.keys_for("Label: Attack") == QKeySequence("Shift+A").toString(QKeySequence.SequenceFormat.NativeText)
    assert ("Select exact characters", "Alt+Drag", "Mouse and view") in dlg.rows()
    _shot(dlg, "help")
    qtbot.keyClicks(dlg.search, "drag")
    assert {r[1] for r in dlg.rows()} == {"Drag", "Alt+Drag"}
    dlg.search.clear()
    qtbot.keyClicks(dlg.search, "per")
    assert ("Label: PER", "P", "Label hotkey") in dlg.rows() and len(dlg.rows()) < 5
