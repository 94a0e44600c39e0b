"""The window's lists change by exactly the rows an edit touched: no model reset on a single edit.

Real window, real project file, real key events (hotkey on a selection,
Delete, Ctrl+Z / Ctrl+Shift+Z); the annotation list's model and the
problems panel's tree are watched through their Qt signals.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.mainwindow import MainWindow
from annotator.store import Project

TEXT = "Ann met Bob in Rome. Police arrested Cy in Oslo on Monday."


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def doc() -> AnnotatedDocument:
    spans = [Span("T1", "PER", *at("Ann")), Span("T2", "PER", *at("Bob")), Span("T3", "GPE", *at("Rome")),
             Span("T4", "Justice.Arrest-Jail", *at("arrested"), kind=TRIGGER), Span("T5", "PER", *at("Cy")),
             Span("T6", "GPE", *at("Oslo"))]
    events = [Event("E1", "Justice.Arrest-Jail", "T4", [Argument("Person", "T5"), Argument("Place", "T6")])]
    relations = [Relation("R1", "PHYS", "T2", "T3")]
    return AnnotatedDocument(Document(id="d", text=TEXT), spans, events, relations)


class Recorder:
    """Every structural signal of one model, in order."""

    def __init__(self, model) -> None:  # noqa: ANN001
        self.model = model
        self.log: list[tuple] = []
        model.rowsInserted.connect(lambda _p, a, b: self.log.append(("inserted", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.log.append(("removed", a, b)))
        model.dataChanged.connect(lambda tl, br, _roles=(): self.log.append(("changed", tl.row(), br.row())))
        model.modelReset.connect(lambda: self.log.append(("reset",)))
        model.layoutChanged.connect(lambda *_a: self.log.append(("layout",)))

    def take(self) -> list[tuple]:
        out, self.log = self.log, []
        return out


@pytest.fixture
def win(qtbot, tmp_path):
    with Project.open(tmp_path / "p.db") as p:
        p.import_documents([doc()])
    w = MainWindow(tmp_path / "p.db", settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    w.close()


def ids_in_list(w: MainWindow) -> list[str]:
    return [r.id for r in w.panels.ann_list.model.rows]


def stored_row_ids(w: MainWindow) -> set[str]:
    """What the list must show, from the file: entities, events and relations (no trigger spans)."""
    a = w.session.project.get_annotated("d")
    return {s.id for s in a.spans if s.kind == "entity"} | {e.id for e in a.events} | {r.id for r in a.relations}


def row_of(w: MainWindow, ann_id: str) -> int:
    return ids_in_list(w).index(ann_id)


def test_each_edit_changes_exactly_its_rows_and_never_resets(qtbot, win):
    w = win
    model = w.panels.ann_list.model
    rec = Recorder(model)
    problems = Recorder(w.panels.problems.tree.model())
    assert set(ids_in_list(w)) == stored_row_ids(w) == {"T1", "T2", "T3", "T5", "T6", "E1", "R1"}
    rec.take()

    # add span: the hotkey on a text selection inserts one row, where the order puts it
    w.view.set_selection(*at("Monday"))
    qtbot.keyClick(w.view, Qt.Key.Key_T)  # TIME
    new = (set(ids_in_list(w)) - {"T1", "T2", "T3", "T5", "T6", "E1", "R1"}).pop()
    assert rec.take() == [("inserted", row_of(w, new), row_of(w, new))]
    assert ids_in_list(w)[-1] == new  # sorted by start: Monday comes last
    assert set(ids_in_list(w)) == stored_row_ids(w)
    assert problems.take() == []  # no problem came or went: the problems list is not touched

    # relabel: one row changes in place
    w.view.clear_selection()
    w.view.select_span("T1", scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_O)  # ORG
    assert w.session.project.get_annotated("d").span_by_id()["T1"].label == "ORG"
    assert rec.take() == [("changed", row_of(w, "T1"), row_of(w, "T1"))]
    assert model.rows[row_of(w, "T1")].type == "ORG"

    # delete with its cascade: Bob is the head of R1, so both rows go, one removal each
    w.view.select_span("T2", scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    log = rec.take()
    assert sorted(e[0] for e in log) == ["removed", "removed"] and all(e[1] == e[2] for e in log)
    assert "T2" not in ids_in_list(w) and "R1" not in ids_in_list(w)
    assert set(ids_in_list(w)) == stored_row_ids(w)

    # Cy fills E1's Person: deleting Cy removes its row; E1's row shows nothing that changed
    w.view.select_span("T5", scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_Delete)
    assert rec.take() == [("removed", 3, 3)]  # Ann/ORG, Rome, E1 (arrested) come before Cy
    assert set(ids_in_list(w)) == stored_row_ids(w)

    # undo: Cy's row comes back, in its place; redo takes it out again
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rec.take() == [("inserted", 3, 3)] and ids_in_list(w)[3] == "T5"
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert rec.take() == [("removed", 3, 3)]
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Cy back again
    assert rec.take() == [("inserted", 3, 3)]
    # undo of the two-row delete: two single-row insertions, nothing else
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    log = rec.take()
    assert sorted(e[0] for e in log) == ["inserted", "inserted"] and all(e[1] == e[2] for e in log)
    assert set(ids_in_list(w)) == stored_row_ids(w) and {"T2", "R1"} <= set(ids_in_list(w))
    assert all(e[0] not in ("reset", "layout") for e in problems.take())


SCHEMA_TOML = """
name = "required"
[entities.PER]
color = "#aaccee"
hotkey = "P"
[entities.GPE]
color = "#cceeaa"
hotkey = "G"
[events.Die]
color = "#ff9999"
hotkey = "Shift+D"
roles.Victim = { types = ["PER"], cardinality = "one" }
"""


def test_the_problems_list_follows_an_edit_that_makes_or_clears_a_problem(qtbot, tmp_path):
    """A Die without its Victim shows at once (one row in, no reset); filling the role clears it; undo brings it back."""
    from annotator.schema import Schema

    adoc = AnnotatedDocument(Document(id="d", text=TEXT), [Span("T1", "PER", *at("Cy"))])
    with Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA_TOML, "s.toml")) as p:
        p.import_documents([adoc])
    w = MainWindow(tmp_path / "p.db", settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    tree = w.panels.problems.tree
    rec = Recorder(tree.model())
    assert tree.topLevelItemCount() == 0
    w.view.set_selection(*at("arrested"))
    qtbot.keyClick(w.view, Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier)  # Die: its Victim is empty
    (ev,) = w.session.project.get_annotated("d").events
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).text(0) == ev.id
    assert [e[0] for e in rec.take()] == ["inserted"]
    assert w.panels.problems.summary.text() == "1 incomplete event"
    assert w.session.project.problem_counts("d") == (0, 1)
    assert w.session.add_argument(ev.id, "Victim", "T1")  # what the linker does on a pick
    assert tree.topLevelItemCount() == 0 and [e[0] for e in rec.take()] == ["removed"]
    assert w.session.project.problem_counts("d") == (0, 0)
    qtbot.keyClick(w.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tree.topLevelItemCount() == 1 and [e[0] for e in rec.take()] == ["inserted"]
    w.view.clear_selection()
    w.view.select_span("T1", scroll=True)
    qtbot.keyClick(w.view, Qt.Key.Key_G)  # relabel Cy: the problems do not change, the list is not touched
    assert rec.take() == []
    w.close()
