"""The annotation list keeps its current cell in a shown column.

When the current row is removed, Qt walks the rows below it for one whose cell
in the current column is shown; with the current cell in the hidden ID column
that walk visits every row below (17 ms at 200,000 rows for each delete of the
selected annotation).  These tests check the invariant itself, with real
projects, real clicks and real edits; the expected rows come from the test's
own document, not from the list's code.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Document, Span
from annotator.qt.annlist import AnnotationList, AnnotationTableModel
from annotator.qt.session import Session
from annotator.schema import Schema
from annotator.store import Project

SCHEMA = """
name = "current"

[entities.PER]
color = "#8ec5f5"

[entities.GPE]
color = "#c4b5f4"
"""
N = 300


@pytest.fixture
def session(tmp_path: Path):
    """A document of N words, each an entity T1..TN in text order."""
    words = [f"w{i:04d}" for i in range(N)]
    spans = [Span(f"T{i + 1}", "PER" if i % 2 else "GPE", i * 6, i * 6 + 5) for i in range(N)]
    with Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA)) as p:
        p.import_documents([AnnotatedDocument(Document("d", " ".join(words)), spans)])
        s = Session(p)
        s.open_document("d")
        s.ensure_loaded()
        yield s


def _list(qtbot, session: Session) -> AnnotationList:
    al = AnnotationList(session)
    qtbot.addWidget(al)
    al.resize(520, 300)
    al.show()
    qtbot.waitExposed(al)
    QApplication.processEvents()
    return al


def _current_column_shown(al: AnnotationList) -> bool:
    current = al.view.currentIndex()
    return current.isValid() and not al.view.horizontalHeader().isSectionHidden(current.column())


def test_select_puts_the_current_cell_in_a_shown_column(qtbot, session):
    al = _list(qtbot, session)
    assert al.view.horizontalHeader().isSectionHidden(AnnotationTableModel.COL_ID)  # the default: ID hidden
    al.select("T150")
    assert al.selected_id() == "T150"
    assert al.view.currentIndex().row() == 149          # sorted by start: word i is row i
    assert _current_column_shown(al)


def test_deleting_the_selected_row_leaves_the_current_cell_shown_and_nothing_selected(qtbot, session):
    al = _list(qtbot, session)
    al.select("T150")
    assert session.remove_annotation("T150")
    ids = [al.proxy.index(r, 0).data() for r in range(al.proxy.rowCount())]
    assert ids == [f"T{i + 1}" for i in range(N) if i != 149]
    assert al.selected_id() is None                     # the neighbour is not selected in its place
    assert _current_column_shown(al)
    session.undo_stack.undo()
    al.select("T150")
    assert al.selected_id() == "T150" and _current_column_shown(al)


def test_hiding_the_current_column_moves_the_current_cell_to_the_text(qtbot, session):
    al = _list(qtbot, session)
    header = al.view.horizontalHeader()
    al._header_menu(QPoint(5, 5))
    menu = al.header_menu
    by_title = {a.text(): a for a in menu.actions()}
    by_title["ID"].setChecked(True)                     # show the ID column, as the menu's check box does
    menu.close()
    assert not header.isSectionHidden(AnnotationTableModel.COL_ID)
    index = al.proxy_index("T20").siblingAtColumn(AnnotationTableModel.COL_ID)
    QTest.mouseClick(al.view.viewport(), Qt.MouseButton.LeftButton, pos=al.view.visualRect(index).center())
    assert al.view.currentIndex().column() == AnnotationTableModel.COL_ID
    assert al.selected_id() == "T20"
    al._header_menu(QPoint(5, 5))
    {a.text(): a for a in al.header_menu.actions()}["ID"].setChecked(False)
    al.header_menu.close()
    assert header.isSectionHidden(AnnotationTableModel.COL_ID)
    assert al.view.currentIndex().column() == AnnotationTableModel.COL_TEXT
    assert al.selected_id() == "T20"                    # the same row stays selected
