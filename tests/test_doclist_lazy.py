"""The document list over a real project of 30,000 documents: lazy, filtered and found in SQL, updated in place.

Every expected row is read with the sqlite3 module and ordered or filtered in
Python here, never through the store's list queries.
"""
from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from annotator.model import STATUSES, AnnotatedDocument, Document, Span
from annotator.qt.doclist import ID_ROLE, DocumentList
from annotator.qt.session import Session
from annotator.store import Project

N_DOCS = 30_000
WORDS = ("alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot", "golf", "Hotel", "india", "Juliet")


def _docs():
    rng = random.Random(10)
    for i in range(N_DOCS):
        name = f"{WORDS[rng.randrange(len(WORDS))]} report {i}"
        status = rng.choice(STATUSES)
        text = f"Alice met Bob in Paris, item {i}."
        spans = [Span("T1", "PER", 0, 5)] if i % 3 == 0 else []
        yield AnnotatedDocument(Document(id=f"doc{i}", text=text, name=name, status=status), spans)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lazy") / "big.db"
    with Project.open(path) as p:
        assert p.import_documents(_docs()) == N_DOCS
    return path


@pytest.fixture
def path(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "p.db"
    shutil.copy(built, copy)
    return copy


@pytest.fixture
def project(path: Path):
    p = Project.open(path)
    yield p
    p.close()


def _rows(path: Path, where: str = "", params: tuple = ()) -> list[tuple[int, str, str, str]]:
    """(pk, id, name, status) of every document, in import order, straight from SQLite."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(f"SELECT pk, id, name, status FROM documents {where} ORDER BY pk", params))
    finally:
        conn.close()


def _show(qtbot, project: Project) -> DocumentList:
    dl = DocumentList(Session(project))
    qtbot.addWidget(dl)
    dl.resize(380, 400)
    dl.show()
    qtbot.waitExposed(dl)
    QApplication.processEvents()
    return dl


def _ids(dl: DocumentList, rows) -> list[str]:
    return [dl.model.index(r, 0).data(ID_ROLE) for r in rows]


def _top_row(dl: DocumentList) -> int:
    return dl.view.indexAt(QPoint(4, 4)).row()


def test_scrolling_a_big_list_reads_only_the_pages_shown(qtbot, project, path):
    expected = _rows(path)
    dl = _show(qtbot, project)
    assert dl.model.rowCount() == N_DOCS
    assert dl.progress_label.text() == f"{sum(r[3] in ('done', 'reviewed') for r in expected)} of {N_DOCS} documents done"
    top = _top_row(dl)
    assert top == 0 and dl.model.index(0, 0).data() == expected[0][2]
    assert dl.model.fetched <= 2 * dl.model.PAGE
    # scroll to the end, as the scroll bar does
    bar = dl.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    top = _top_row(dl)
    assert top > N_DOCS - 50
    assert _ids(dl, range(top, N_DOCS)) == [r[1] for r in expected[top:]]
    assert [dl.model.index(r, 1).data() for r in range(top, N_DOCS)] == [
        {"new": "New", "in_progress": "In progress", "done": "Done", "reviewed": "Reviewed"}[r[3]]
        for r in expected[top:]]
    # and to the middle
    bar.setValue(bar.maximum() // 2)
    QApplication.processEvents()
    top = _top_row(dl)
    assert _ids(dl, range(top, top + 20)) == [r[1] for r in expected[top:top + 20]]
    # the annotation counts: one entity in every third document
    assert [dl.model.index(r, 2).data() for r in range(top, top + 20)] == [
        1 if int(r[1][3:]) % 3 == 0 else 0 for r in expected[top:top + 20]]
    assert dl.model.fetched <= 8 * dl.model.PAGE < N_DOCS // 10


def test_keyboard_navigation_reaches_the_end_and_steps_row_by_row(qtbot, project, path):
    expected = _rows(path)
    dl = _show(qtbot, project)
    dl.set_current("doc12345")
    assert dl.view.currentIndex().row() == 12345
    dl.view.setFocus()
    qtbot.keyClick(dl.view, Qt.Key.Key_Down)
    assert dl.current_id() == expected[12346][1]
    qtbot.keyClick(dl.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert dl.current_id() == expected[-1][1]
    qtbot.keyClick(dl.view, Qt.Key.Key_Up)
    assert dl.current_id() == expected[-2][1]
    with qtbot.waitSignal(dl.document_activated, timeout=1000) as blocker:
        qtbot.keyClick(dl.view, Qt.Key.Key_Return)
    assert blocker.args == [expected[-2][1]]
    # the window's next/previous document goes through the same rows
    assert dl.next_id("doc100", +1) == "doc101" and dl.next_id("doc100", -1) == "doc99"
    assert dl.next_id(expected[-1][1], +1) is None
    assert dl.model.fetched < N_DOCS // 10


def test_status_filter_and_name_find_match_sqlite(qtbot, project, path):
    dl = _show(qtbot, project)
    done = _rows(path, "WHERE status = ?", ("done",))
    dl.status_filter.setCurrentIndex(dl.status_filter.findData("done"))
    assert dl.model.rowCount() == len(done)
    rng = random.Random(3)
    sample = sorted(rng.sample(range(len(done)), 6)) + [len(done) - 1]
    assert _ids(dl, sample) == [done[i][1] for i in sample]
    bar = dl.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    top = _top_row(dl)
    assert _ids(dl, range(top, len(done))) == [r[1] for r in done[top:]]
    assert dl.next_id("doc0", +1) == done[0][1] or _rows(path, "WHERE id = 'doc0'")[0][3] == "done"

    assert dl.model.fetched < N_DOCS // 10
    # find by name: typed, case-insensitive substring, within the status filter; each key press
    # reads at most the first page of what matches
    before = dl.model.fetched
    qtbot.keyClicks(dl.name_filter, "HOTEL REPORT 12")
    want = [r[1] for r in done if "hotel report 12" in r[2].casefold()]
    assert want and dl.visible_ids() == want
    # all statuses again
    dl.status_filter.setCurrentIndex(dl.status_filter.findData(None))
    want_all = [r[1] for r in _rows(path) if "hotel report 12" in r[2].casefold()]
    assert dl.visible_ids() == want_all and len(want_all) > len(want)
    # a name that no document has; a % is a character, not a wildcard
    dl.name_filter.setText("report 1%")
    assert dl.model.rowCount() == 0 and dl.next_id("doc1", +1) is None
    dl.name_filter.clear()
    assert dl.model.rowCount() == N_DOCS
    assert dl.model.fetched - before <= (len("HOTEL REPORT 12") + 3) * dl.model.PAGE + len(want) + len(want_all)


def test_sorting_by_name_and_status_is_done_in_sql(qtbot, project, path):
    rows = _rows(path)
    dl = _show(qtbot, project)
    dl.set_current("doc777")
    dl.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    by_name = sorted(rows, key=lambda r: (r[2].lower(), r[0]))
    assert _ids(dl, range(40)) == [r[1] for r in by_name[:40]]
    assert _ids(dl, range(N_DOCS - 40, N_DOCS)) == [r[1] for r in by_name[-40:]]
    # the selection follows the document to its new row
    assert dl.view.currentIndex().row() == [r[1] for r in by_name].index("doc777")
    assert dl.view.currentIndex().data(ID_ROLE) == "doc777"
    dl.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    by_status = sorted(rows, key=lambda r: (STATUSES.index(r[3]), r[0]), reverse=True)
    assert _ids(dl, range(40)) == [r[1] for r in by_status[:40]]
    assert _ids(dl, range(15000, 15040)) == [r[1] for r in by_status[15000:15040]]
    assert dl.model.fetched < N_DOCS // 10


def test_one_row_is_updated_in_place_after_an_edit(qtbot, project, path):
    dl = _show(qtbot, project)
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    dl.model.modelReset.connect(lambda: resets.append(1))
    dl.model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    fetched = dl.model.fetched
    deco = Qt.ItemDataRole.DecorationRole
    assert dl.model.index(4, 0).data(deco) is None
    # an edit (by this connection) adds an entity and the validation finds problems
    project.add_span("doc4", Span("", "GPE", 17, 22))
    project.set_problem_counts("doc4", 2, 1)
    dl.refresh_document("doc4")
    assert resets == [] and changed == [(4, 4)]
    assert dl.model.index(4, 2).data() == 1
    assert dl.model.index(4, 0).data(deco) is not None
    assert "Problems: 2 errors, 1 incomplete event" in dl.model.index(4, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert dl.problem_counts("doc4") == (2, 1)
    assert dl.model.fetched == fetched  # no page read again
    # a document whose row was never read: nothing to update, nothing read; it shows fresh values when reached
    project.set_problem_counts("doc29000", 0, 3)
    dl.refresh_document("doc29000")
    assert resets == [] and dl.model.fetched == fetched
    assert dl.problem_counts("doc29000") == (0, 3)
    dl.set_current("doc29000")
    assert dl.view.currentIndex().row() == 29000
    assert "3 incomplete events" in dl.model.index(29000, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_a_change_from_another_process_is_taken_in_at_the_poll(qtbot, project, path):
    dl = _show(qtbot, project)
    dl.set_current("doc3")
    other = sqlite3.connect(path)
    with other:
        other.execute("UPDATE documents SET status = 'reviewed' WHERE id = 'doc2'")
        other.execute("DELETE FROM spans WHERE doc = (SELECT pk FROM documents WHERE id = 'doc1')")
        other.execute("DELETE FROM documents WHERE id = 'doc1'")
    other.close()
    assert dl.session.sync_external()
    assert dl.model.rowCount() == N_DOCS - 1
    assert _ids(dl, range(3)) == ["doc0", "doc2", "doc3"]
    assert dl.model.index(1, 1).data() == "Reviewed"
    assert dl.view.currentIndex().data(ID_ROLE) == "doc3"  # the selection stays on its document


def test_the_open_document_enters_the_status_filter_when_marked_done(qtbot, project, path):
    session = Session(project)
    dl = DocumentList(session)
    qtbot.addWidget(dl)
    dl.show()
    not_done = next(r for r in _rows(path) if r[3] == "new")
    session.open_document(not_done[1])
    dl.status_filter.setCurrentIndex(dl.status_filter.findData("done"))
    assert dl.model.row_of(not_done[1]) is None
    n_done = dl.model.rowCount()
    assert session.set_status("done")
    assert dl.model.rowCount() == n_done + 1
    done_ids = [r[1] for r in _rows(path, "WHERE status = 'done'")]
    row = done_ids.index(not_done[1])
    assert dl.model.index(row, 0).data(ID_ROLE) == not_done[1]
    assert dl.view.currentIndex().row() == row  # and it is selected
    n_finished = len(_rows(path, "WHERE status IN ('done', 'reviewed')"))
    assert dl.progress_label.text() == f"{n_finished} of {N_DOCS} documents done"


def test_in_a_big_project_the_name_filter_waits_for_a_pause_in_typing(qtbot, project, path, monkeypatch):
    monkeypatch.setattr(DocumentList, "FIND_AT_ONCE_UP_TO", 10_000)  # this project counts as big
    dl = _show(qtbot, project)
    resets: list[int] = []
    dl.model.modelReset.connect(lambda: resets.append(1))
    qtbot.keyClicks(dl.name_filter, "REPORT 2999")
    assert resets == [] and dl.model.rowCount() == N_DOCS  # not yet: one query after the last key
    qtbot.waitUntil(lambda: dl.model.rowCount() < N_DOCS, timeout=3000)
    assert resets == [1]
    assert dl.visible_ids() == [r[1] for r in _rows(path) if "report 2999" in r[2].casefold()]
