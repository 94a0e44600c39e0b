"""The annotation list's filter model is between the table model and the view only while the filter has text.

Without a filter the view shows the table model itself, so one row's insert or
removal never goes through a proxy's mapping of every row.  Going in and out
of filtering keeps what the user set up: columns shown and their widths, the
sort, the selection.  Real project file, real key presses into the filter box;
expected rows come from the test's own document.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.model import AnnotatedDocument, Document, Span
from annotator.qt.annlist import AnnotationList, AnnotationTableModel
from annotator.qt.session import Session
from annotator.schema import Schema
from annotator.store import Project
from test_annlist_current import _list  # the list, shown at 520x300

SCHEMA = """
name = "swap"

[entities.PER]
color = "#8ec5f5"

[entities.GPE]
color = "#c4b5f4"
"""
N = 60
WORDS = [f"{'alpha' if i % 3 == 0 else 'beta'}{i:03d}" for i in range(N)]
STARTS = [sum(len(w) + 1 for w in WORDS[:i]) for i in range(N)]


def _label(i: int) -> str:
    return "PER" if i % 2 else "GPE"


@pytest.fixture
def session(tmp_path: Path):
    spans = [Span(f"T{i + 1}", _label(i), STARTS[i], STARTS[i] + len(w)) for i, w in enumerate(WORDS)]
    with Project.open(tmp_path / "p.db", schema=Schema.from_toml(SCHEMA)) as p:
        p.import_documents([AnnotatedDocument(Document("d", " ".join(WORDS)), spans)])
        s = Session(p)
        s.open_document("d")
        s.ensure_loaded()
        yield s


def _header(al: AnnotationList) -> tuple:
    h = al.view.horizontalHeader()
    return (tuple(h.isSectionHidden(c) for c in range(6)), h.sectionSize(AnnotationTableModel.COL_TYPE),
            h.sortIndicatorSection(), h.sortIndicatorOrder())


def test_the_view_shows_the_table_model_unless_the_filter_has_text(qtbot, session):
    al = _list(qtbot, session)
    assert al.view.model() is al.model
    qtbot.keyClicks(al.filter, "alpha")
    assert al.view.model() is not al.model
    assert al.visible_ids() == [f"T{i + 1}" for i in range(N) if i % 3 == 0]
    al.filter.clear()
    assert al.view.model() is al.model
    assert al.visible_ids() == [f"T{i + 1}" for i in range(N)]
    qtbot.keyClicks(al.filter, "   ")                    # blanks filter nothing
    assert al.view.model() is al.model


def test_filtering_in_and_out_keeps_columns_sort_and_selection(qtbot, session):
    al = _list(qtbot, session)
    header = al.view.horizontalHeader()
    header.setSectionHidden(AnnotationTableModel.COL_START, False)
    header.resizeSection(AnnotationTableModel.COL_TYPE, 77)
    al.view.sortByColumn(AnnotationTableModel.COL_TYPE, Qt.SortOrder.DescendingOrder)
    by_type = sorted(range(N), key=lambda i: (_label(i), i), reverse=True)
    assert al.visible_ids() == [f"T{i + 1}" for i in by_type]
    al.select("T4")                                      # alpha003, a PER
    before = _header(al)
    layouts: list[int] = []                              # the rows are in order already: no re-sort
    al.model.layoutAboutToBeChanged.connect(lambda *_: layouts.append(1))
    qtbot.keyClicks(al.filter, "alpha")
    assert _header(al) == before
    assert al.visible_ids() == [f"T{i + 1}" for i in by_type if i % 3 == 0]
    assert al.selected_id() == "T4"
    al.filter.clear()
    assert _header(al) == before
    assert al.visible_ids() == [f"T{i + 1}" for i in by_type]
    assert al.selected_id() == "T4"
    assert layouts == []


def test_edits_while_filtering_and_after(qtbot, session):
    al = _list(qtbot, session)
    qtbot.keyClicks(al.filter, "alpha")
    assert session.remove_annotation("T1")               # alpha000 goes from the filtered list
    assert al.visible_ids() == [f"T{i + 1}" for i in range(3, N, 3)]
    assert session.set_label("T2", "GPE")                # beta001: still filtered out
    assert "T2" not in al.visible_ids()
    al.filter.clear()
    assert al.visible_ids() == [f"T{i + 1}" for i in range(1, N)]
    assert al.proxy.index(0, AnnotationTableModel.COL_TYPE).data() == "GPE"
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert al.visible_ids() == [f"T{i + 1}" for i in range(N)]
    assert al.proxy.index(1, AnnotationTableModel.COL_TYPE).data() == "PER"
    qtbot.keyClicks(al.filter, "per")                    # the type too, case-insensitive
    assert al.visible_ids() == [f"T{i + 1}" for i in range(N) if i % 2]
