"""Validation problems: the stored counts, the validation panel and the document list's markers.

Real project files in ``tmp_path``, real clicks; counts are checked in what
the store holds afterwards.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlite_utils import Database

import annotator.qt.validation as validation
from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt.doclist import DocumentList
from annotator.qt.session import Session
from annotator.qt.validation import ValidationPanel, problem_summary
from annotator.schema import Schema
from annotator.store import MIGRATIONS, Project, StoreError

SHOTS = Path(__file__).parent / "_shots"

SCHEMA = """
name = "validation"

[entities.PER]
color = "#8ec5f5"

[entities.ORG]
color = "#a5e1a0"

[entities.GPE]
color = "#c4b5f4"

[events.Attack]
color = "#ff9f9a"
roles.Attacker = { types = ["PER", "ORG"], cardinality = "one" }
roles.Place = { types = ["GPE"] }
"""

TEXT = "Troops attacked Baghdad and rebels shelled Mosul."


def _at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def _spans() -> list[Span]:
    return [
        Span("T1", "ORG", *_at("Troops")),
        Span("T2", "Attack", *_at("attacked"), kind=TRIGGER),
        Span("T3", "GPE", *_at("Baghdad")),
        Span("T4", "PER", *_at("rebels")),
        Span("T5", "Attack", *_at("shelled"), kind=TRIGGER),
        Span("T6", "GPE", *_at("Mosul")),
    ]


def _incomplete_doc() -> AnnotatedDocument:
    """E1 lacks its required Attacker: one incomplete event, no error."""
    events = [
        Event("E1", "Attack", "T2", [Argument("Place", "T3")]),
        Event("E2", "Attack", "T5", [Argument("Attacker", "T4"), Argument("Place", "T6")]),
    ]
    return AnnotatedDocument(Document("d1", TEXT, name="Incomplete one"), _spans(), events)


def _broken_doc() -> AnnotatedDocument:
    """E1's Attacker is a GPE (an error); E2 lacks its Attacker (incomplete)."""
    events = [
        Event("E1", "Attack", "T2", [Argument("Attacker", "T3")]),
        Event("E2", "Attack", "T5", [Argument("Place", "T6")]),
    ]
    return AnnotatedDocument(Document("d2", TEXT, name="Broken one"), _spans(), events)


def _clean_doc() -> AnnotatedDocument:
    events = [Event("E1", "Attack", "T2", [Argument("Attacker", "T1"), Argument("Place", "T3")])]
    return AnnotatedDocument(Document("d3", TEXT, name="Clean one"), _spans(), events)


@pytest.fixture
def project(tmp_path: Path):
    p = Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA, "validation.toml"))
    p.import_documents([_incomplete_doc(), _broken_doc(), _clean_doc()], validate=False)
    yield p
    p.close()


@pytest.fixture
def session(project: Project) -> Session:
    return Session(project)


def _show(qtbot, w: QWidget, size: tuple[int, int]) -> QWidget:
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    return w


def _shot(w: QWidget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    assert w.grab().save(str(SHOTS / f"{name}.png"))


def _rows(panel: ValidationPanel) -> list[tuple[str, str, str]]:
    """(severity, annotation id, message) of each row as shown."""
    out = []
    for i in range(panel.tree.topLevelItemCount()):
        item = panel.tree.topLevelItem(i)
        out.append((item.data(0, validation.SEVERITY_ROLE), item.text(0), item.text(1)))
    return out


# ---------------------------------------------------------------------------- store

def test_import_stores_problem_counts_even_without_refusing(project):
    rows = {s.id: (s.n_errors, s.n_incomplete) for s in project.document_summaries()}
    assert rows == {"d1": (0, 1), "d2": (1, 1), "d3": (0, 0)}
    assert project.problem_counts("d2") == (1, 1)
    # validate=True still refuses a document with an error, and writes nothing
    bad = _broken_doc()
    bad.document.id = "d9"
    with pytest.raises(StoreError, match="does not allow GPE"):
        project.import_documents([bad])
    assert not project.has_document("d9")


def test_set_problem_counts_updates_one_row_and_refuses_unknown_ids(project):
    before = project.get_document("d1")
    project.set_problem_counts("d1", 3, 2)
    assert project.problem_counts("d1") == (3, 2)
    assert project.problem_counts("d2") == (1, 1)
    after = project.get_document("d1")
    assert (after.status, after.updated) == (before.status, before.updated)  # derived data only
    with pytest.raises(StoreError, match="no document"):
        project.set_problem_counts("nope", 0, 0)
    # a full re-count puts the truth back
    assert project.refresh_problem_counts() == 1
    assert project.problem_counts("d1") == (0, 1)


def test_migration_counts_problems_of_existing_documents(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    MIGRATIONS.apply(db, stop_before="m002_problem_counts")
    assert "n_errors" not in db["documents"].columns_dict
    db["project"].insert_all([{"key": "schema", "value": SCHEMA}, {"key": "schema_name", "value": "validation"}])
    for pk, adoc in enumerate([_incomplete_doc(), _broken_doc(), _clean_doc()], 1):
        d = adoc.document
        db["documents"].insert({"pk": pk, "id": d.id, "name": d.name, "text": d.text, "status": "new"})
        span_pk = {}
        for s in adoc.spans:
            span_pk[s.id] = db["spans"].insert({
                "doc": pk, "id": s.id, "seq": len(span_pk) + 1, "kind": s.kind, "label": s.label,
                "start": s.start, "end": s.end,
            }).last_pk
        for seq, e in enumerate(adoc.events, 1):
            epk = db["events"].insert({
                "doc": pk, "id": e.id, "seq": seq, "type": e.type, "trigger": span_pk[e.trigger],
            }).last_pk
            for pos, a in enumerate(e.arguments):
                db["arguments"].insert({
                    "doc": pk, "event": epk, "position": pos, "role": a.role, "filler_span": span_pk[a.ref],
                })
    db.close()

    with Project.open(path) as p:
        assert p.schema_version == ["m001_initial", "m002_problem_counts", "m003_normalizations", "m004_corpus_indexes",
            "m005_document_texts", "m006_annotation_counts", "m007_layers_and_review"]
        rows = {s.id: (s.n_errors, s.n_incomplete) for s in p.document_summaries()}
        assert rows == {"d1": (0, 1), "d2": (1, 1), "d3": (0, 0)}


def test_new_project_gets_the_columns(tmp_path):
    with Project.open(tmp_path / "new.db") as p:
        assert {"n_errors", "n_incomplete"} <= set(p.db["documents"].columns_dict)
        assert p.document_summaries() == []


# ---------------------------------------------------------------------------- panel

def test_panel_lists_errors_first_with_severities_and_summary(qtbot, session):
    session.open_document("d2")
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    assert [(p.severity, p.ref) for p in panel.problems()] == [("error", "E1"), ("incomplete", "E2")]
    rows = _rows(panel)
    assert [(sev, ref) for sev, ref, _ in rows] == [("error", "E1"), ("incomplete", "E2")]
    assert "role Attacker does not allow GPE" in rows[0][2] and not rows[0][2].startswith("E1:")
    assert "required role Attacker of Attack is not filled" in rows[1][2]
    assert panel.summary.text() == "1 error, 1 incomplete event"
    # icons differ by severity
    icons = [panel.tree.topLevelItem(i).icon(0) for i in range(2)]
    assert all(not i.isNull() for i in icons)
    assert icons[0].pixmap(16, 16).toImage() != icons[1].pixmap(16, 16).toImage()
    _shot(panel, "validation_panel")

    # another document: another list, at once (no stale rows)
    session.open_document("d1")
    assert [(p.severity, p.ref) for p in panel.problems()] == [("incomplete", "E1")]
    assert panel.summary.text() == "1 incomplete event"
    session.open_document("d3")
    assert panel.problems() == [] and panel.tree.topLevelItemCount() == 0
    assert panel.summary.text() == "No problems"


def test_summary_words():
    assert problem_summary(2, 1) == "2 errors, 1 incomplete event"
    assert problem_summary(1, 0) == "1 error"
    assert problem_summary(0, 3) == "3 incomplete events"
    assert problem_summary(0, 0) == "No problems"


def test_click_or_enter_on_a_row_emits_problem_activated(qtbot, session):
    session.open_document("d2")
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    tree = panel.tree
    rect = tree.visualItemRect(tree.topLevelItem(1))
    assert rect.isValid()
    with qtbot.waitSignal(panel.problem_activated, timeout=1000) as blocker:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["E2"]
    rect0 = tree.visualItemRect(tree.topLevelItem(0))
    with qtbot.waitSignal(panel.problem_activated, timeout=1000) as blocker:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect0.center())
    assert blocker.args == ["E1"]
    # Enter on the current row: once
    seen: list[str] = []
    panel.problem_activated.connect(seen.append)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert seen == ["E2"]


def test_filling_the_required_role_clears_the_panel_and_the_stored_counts(qtbot, session, project, monkeypatch):
    calls: list[str] = []
    real = validation.IncrementalValidation

    class Counting(real):  # each instance is one whole-document validation
        def __init__(self, schema, doc):
            calls.append(doc.id)
            super().__init__(schema, doc)

    monkeypatch.setattr(validation, "IncrementalValidation", Counting)
    session.open_document("d1")
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    dl = _show(qtbot, DocumentList(session), (380, 200))
    panel.problems_changed.connect(dl.set_problem_counts)
    emitted: list[tuple[str, int, int]] = []
    panel.problems_changed.connect(lambda *a: emitted.append(a))
    assert panel.summary.text() == "1 incomplete event"
    assert dl.problem_counts("d1") == (0, 1)
    assert calls == ["d1"]
    calls.clear()

    # each edit re-checks only what it touched, at once: no whole-document validation
    assert session.add_argument("E1", "Attacker", "T1")
    assert panel.summary.text() == "No problems"
    assert session.set_note("T1", "the army")
    assert session.set_note("T1", "the army, again")
    assert calls == []
    assert panel.problems() == [] and panel.tree.topLevelItemCount() == 0
    assert project.problem_counts("d1") == (0, 0)
    assert emitted == [("d1", 0, 0)]
    assert dl.problem_counts("d1") == (0, 0)
    d1_row = dl.proxy.index(0, 0)
    assert d1_row.data(validation.Qt.ItemDataRole.DecorationRole) is None

    # undoing the argument brings the problem back, in the store and the list too
    for _ in range(3):
        session.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.summary.text() == "1 incomplete event", timeout=2000)
    assert project.problem_counts("d1") == (0, 1)
    assert dl.problem_counts("d1") == (0, 1)
    assert dl.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None


def test_counts_are_written_only_when_they_change(qtbot, session, project, monkeypatch):
    session.open_document("d1")
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    writes: list[tuple] = []
    real = project.set_problem_counts
    monkeypatch.setattr(project, "set_problem_counts", lambda *a: (writes.append(a), real(*a)))
    assert session.set_note("T1", "no effect on problems")
    panel.validate_now()
    assert writes == []
    real("d1", 5, 5)  # stale counts in the store (e.g. written by another process)
    panel.validate_now()
    assert writes == [("d1", 0, 1)]
    assert project.problem_counts("d1") == (0, 1)


def test_long_document_is_validated_only_once_loaded(qtbot, session, project, monkeypatch):
    monkeypatch.setattr(Session, "FIRST_CHARS", 10)
    project.set_problem_counts("d2", 0, 0)  # wrong on purpose: the partial load must not "confirm" it
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    assert panel.summary.text() == "No document"
    session.open_document("d2")
    assert session.current.partial
    assert panel.summary.text() == "Loading…" and panel.problems() == []
    assert project.problem_counts("d2") == (0, 0)
    qtbot.waitUntil(lambda: panel.summary.text() == "1 error, 1 incomplete event", timeout=2000)
    assert project.problem_counts("d2") == (1, 1)


# ---------------------------------------------------------------------------- document list

def test_doclist_marks_problem_documents_with_counts(qtbot, session):
    session.open_document("d3")
    dl = _show(qtbot, DocumentList(session), (380, 200))
    deco = Qt.ItemDataRole.DecorationRole
    names = [dl.proxy.index(r, 0).data() for r in range(dl.proxy.rowCount())]
    assert names == ["Incomplete one", "Broken one", "Clean one"]
    badges = [dl.proxy.index(r, 0).data(deco) for r in range(3)]
    assert badges[0] is not None and badges[1] is not None and badges[2] is None
    # errors and incomplete events make a wider badge than incomplete alone
    assert badges[1].width() > badges[0].width()
    tips = [dl.proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) for r in range(3)]
    assert "Problems: 1 incomplete event" in tips[0]
    assert "Problems: 1 error, 1 incomplete event" in tips[1]
    assert "Problems" not in tips[2]
    # the badge is painted: the Name cell of a problem row has red in it, the clean one none
    img = dl.view.viewport().grab().toImage()

    def reddish(row: int) -> bool:
        rect = dl.view.visualRect(dl.proxy.index(row, 0))
        for x in range(rect.left(), rect.left() + 40):
            c = img.pixelColor(x, rect.center().y())
            if c.red() > 180 and c.green() < 110 and c.blue() < 110:
                return True
        return False

    assert reddish(1) and not reddish(2)
    _shot(dl, "doclist_problems")
    # in-place update from the panel's signal
    dl.set_problem_counts("d3", 2, 0)
    assert dl.proxy.index(2, 0).data(deco) is not None
    assert "Problems: 2 errors" in dl.proxy.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    dl.set_problem_counts("d2", 0, 0)
    assert dl.proxy.index(1, 0).data(deco) is None


def test_dark_palette_gives_lighter_markers(qtbot, session):
    from PySide6.QtGui import QColor, QPalette

    session.open_document("d2")
    dl = _show(qtbot, DocumentList(session), (380, 200))
    panel = _show(qtbot, ValidationPanel(session), (520, 200))
    light_badge = dl.proxy.index(1, 0).data(Qt.ItemDataRole.DecorationRole).toImage()
    light_summary = panel.summary.styleSheet()
    dark = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.Base, "#1e1e1e"),
                        (QPalette.ColorRole.AlternateBase, "#262626"), (QPalette.ColorRole.Text, "#e6e6e6"),
                        (QPalette.ColorRole.WindowText, "#e6e6e6"), (QPalette.ColorRole.Button, "#333333"),
                        (QPalette.ColorRole.ButtonText, "#e6e6e6")):
        dark.setColor(role, QColor(color))
    dl.setPalette(dark)
    panel.setPalette(dark)
    QApplication.processEvents()
    assert dl.proxy.index(1, 0).data(Qt.ItemDataRole.DecorationRole).toImage() != light_badge
    assert panel.summary.styleSheet() != light_summary
    _shot(dl, "doclist_problems_dark")
    _shot(panel, "validation_panel_dark")
