"""The Agreement dialog scores document by document: progress to N of N, Cancel mid-way, the one-shot figures."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from test_agree import EV_TEXT, TEXT, at, ev_doc
from test_agree_cli import make_project

from annotator.agreement import agreement
from annotator.agreement_report import agree_command
from annotator.model import AnnotatedDocument, Document
from annotator.qt.agree_dialog import AgreementDialog
from annotator.store import Project

N = 60


def versions(i: int) -> tuple[AnnotatedDocument, AnnotatedDocument]:
    """Dana's and Bob's version of document i: agreement, a relabel and a moved boundary, one side only, nothing, events."""
    doc_id = f"doc{i:02d}"
    if i % 6 == 5:
        dana = ev_doc([("E1", "Attack", "attacked", [("Attacker", "Troops"), ("Target", "town")])], ["Troops", "town"])
        bob = ev_doc([("E1", "Attack", "attacked", [("Attacker", "Troops")]),
                      ("E2", "Die", "killed", [("Victim", "two civilians")])], ["Troops", "two civilians"])
        doc = Document(doc_id, EV_TEXT)
        return AnnotatedDocument(doc, dana.spans, dana.events), AnnotatedDocument(doc, bob.spans, bob.events)
    doc = Document(doc_id, TEXT)
    both = [at(TEXT, "Barack Obama", "PER", "T1"), at(TEXT, "Berlin", "LOC", "T2")]
    case = i % 6
    if case == 0:
        return AnnotatedDocument(doc, both), AnnotatedDocument(doc, list(both))
    if case == 1:
        return (AnnotatedDocument(doc, [*both, at(TEXT, "Monday", "DATE", "T3")]),
                AnnotatedDocument(doc, [both[0], at(TEXT, "Berlin", "GPE", "T2"), at(TEXT, "on Monday", "DATE", "T3")]))
    if case == 2:
        return AnnotatedDocument(doc, [at(TEXT, "Angela Merkel", "PER", "T1")]), AnnotatedDocument(doc)
    if case == 3:
        return AnnotatedDocument(doc), AnnotatedDocument(doc, [at(TEXT, "Monday", "DATE", "T1")])
    return AnnotatedDocument(doc), AnnotatedDocument(doc)


@pytest.fixture
def sixty(tmp_path: Path) -> Path:
    """A project file of 60 documents with Dana's and Bob's layers."""
    pairs = [versions(i) for i in range(N)]
    return make_project(tmp_path / "sixty.annotator", {"Dana": [d for d, _ in pairs], "Bob": [b for _, b in pairs]})


@pytest.fixture
def project(sixty: Path):  # noqa: ANN201
    with Project.open(sixty) as p:
        yield p


def one_shot(project: Project, ref: str, cand: str) -> dict:
    """The pure function on the two layers' streams, read here (not through the dialog or agreement_report)."""
    pairs = zip(project.iter_annotated(layer=ref), project.iter_annotated(layer=cand), strict=True)
    return agreement(pairs, reference=ref, candidate=cand)


def cells(table) -> list[list[str]]:  # noqa: ANN001
    return [[table.cell(i, j) for j in range(table.columnCount())] for i in range(table.rowCount())]


def three(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def opened(qtbot, project: Project, turn: float = 0.0) -> tuple[AgreementDialog, list[tuple[int, str]]]:  # noqa: ANN001
    """The dialog, scoring one document a turn (``turn`` 0), and the (value, status line) of each progress step."""
    dlg = AgreementDialog(project)
    dlg.turn = turn  # set before the event loop gives the scoring its first turn
    qtbot.addWidget(dlg)
    seen: list[tuple[int, str]] = []
    dlg.progress.valueChanged.connect(lambda v: seen.append((v, dlg.status.text())))
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg, seen


def test_progressive_figures_equal_the_one_shot_ones_and_progress_reaches_n_of_n(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project)
    assert (dlg.reference.currentData(), dlg.candidate.currentData()) == ("Bob", "Dana")
    assert dlg.scoring and dlg.result is None  # nothing counted before the event loop runs
    with qtbot.waitSignal(dlg.scored) as ended:
        pass
    assert ended.args == ["done"]
    assert not dlg.scoring and dlg.status.text() == "" and not dlg.progress.isVisible()
    # one document a turn, each shown: 1 of 60, 2 of 60, ..., 60 of 60
    assert [v for v, _ in seen if v] == list(range(1, N + 1))
    assert seen[-1] == (N, f"Scoring {N} of {N} documents (Dana against Bob)…")
    expected = one_shot(project, "Bob", "Dana")
    assert dlg.result == expected
    assert dlg.result == json.loads(agree_command(project, "Bob,Dana", None, "json")[0])  # the CLI's JSON
    ex, trig = expected["entities"]["exact"], expected["events"]["trigger_classification"]
    rows = cells(dlg.overall)
    assert rows[0] == ["Entities, exact", three(ex["precision"]), three(ex["recall"]), three(ex["f1"]),
                       str(ex["tp"]), str(ex["fp"]), str(ex["fn"])]
    assert rows[3][1:] == [three(trig["precision"]), three(trig["recall"]), three(trig["f1"]),
                           str(trig["tp"]), str(trig["fp"]), str(trig["fn"])]
    assert rows[-1][3] == three(expected["entities"]["kappa"])
    assert sorted(r[0] for r in cells(dlg.documents)) == sorted(expected["per_document"])
    assert dlg.headline.text().startswith(f"Dana against Bob (the reference): {expected['documents']['compared']:,} documents")
    # the counts by hand: a relabel (case 1) and one-sided documents (2, 3) lower the exact F1 below 1
    assert 0 < ex["f1"] < 1 and expected["documents"]["neither"] == N // 6


def test_default_turn_counts_several_documents_a_turn_and_ends_with_the_same_figures(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project, turn=1.0)  # a long turn: every document in the first one
    with qtbot.waitSignal(dlg.scored):
        pass
    assert [v for v, _ in seen if v] == [N]
    assert dlg.result == one_shot(project, "Bob", "Dana")


def test_cancel_mid_way_with_no_figures_before_says_so(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project, turn=1.0)
    with qtbot.waitSignal(dlg.scored):
        pass
    dlg.turn = 0.0
    pressed: list[int] = []

    def press_at_twenty(value: int) -> None:
        if value == 20 and not pressed:  # the click arrives through the event loop, between two documents
            pressed.append(value)
            QTimer.singleShot(0, lambda: qtbot.mouseClick(dlg.cancel_button, Qt.LeftButton))

    dlg.progress.valueChanged.connect(press_at_twenty)
    with qtbot.waitSignal(dlg.scored) as ended:
        dlg.reference.setCurrentIndex(dlg.reference.findData("Dana"))  # Dana against Dana: nothing to score
        assert dlg.headline.text() == "Choose two different annotators." and dlg.result is None
        dlg.candidate.setCurrentIndex(dlg.candidate.findData("Bob"))  # Bob against Dana: a new scoring
    assert ended.args == ["cancelled"]
    assert pressed and not dlg.scoring and not dlg.progress.isVisible() and not dlg.cancel_button.isVisible()
    done = seen[-1][0]
    assert 20 <= done < N
    assert dlg.status.text() == f"Scoring cancelled at {done} of {N} documents; no figures are shown."
    assert dlg.result is None and dlg.overall.rowCount() == 0 and dlg.chart.values() == []


def test_cancel_after_a_finished_scoring_leaves_its_figures(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project, turn=1.0)
    with qtbot.waitSignal(dlg.scored):
        pass
    before = dlg.result
    shown_before = cells(dlg.overall), cells(dlg.documents), dlg.headline.text(), dlg.chart.values()
    dlg.turn = 0.0
    dlg.progress.valueChanged.connect(
        lambda v: v == 7 and QTimer.singleShot(0, lambda: qtbot.mouseClick(dlg.cancel_button, Qt.LeftButton)))
    with qtbot.waitSignal(dlg.scored) as ended:
        dlg.refresh()  # score the same two layers again (as a change of layers does)
    assert ended.args == ["cancelled"]
    done = seen[-1][0]
    assert 7 <= done < N
    assert dlg.status.text() == f"Scoring cancelled at {done} of {N} documents; the figures shown are the previous ones."
    assert dlg.result is before
    assert (cells(dlg.overall), cells(dlg.documents), dlg.headline.text(), dlg.chart.values()) == shown_before
    qtbot.wait(30)  # more turns of the event loop: nothing counts on
    assert seen[-1][0] == done and not dlg.scoring


def test_escape_cancels_the_scoring_and_closing_stops_it(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project)
    dlg.progress.valueChanged.connect(
        lambda v: v == 5 and QTimer.singleShot(0, lambda: qtbot.keyClick(dlg, Qt.Key_Escape)))
    with qtbot.waitSignal(dlg.scored) as ended:
        pass
    assert ended.args == ["cancelled"] and dlg.isVisible()  # Esc stopped the scoring, not the dialog
    assert dlg.status.text().startswith("Scoring cancelled at ")
    dlg.refresh()
    qtbot.waitUntil(lambda: dlg.progress.value() >= 3)
    dlg.close()
    assert not dlg.scoring
    stopped = seen[-1][0]
    qtbot.wait(30)
    assert seen[-1][0] == stopped < N


def test_a_document_gone_under_the_scoring_is_one_line_no_traceback(qtbot, project: Project) -> None:
    dlg, seen = opened(qtbot, project)
    dlg._run.ids.insert(10, "nowhere")  # noqa: SLF001 - a document deleted after the scoring listed the ids
    with qtbot.waitSignal(dlg.scored) as ended:
        pass
    assert ended.args == ["failed"]
    assert dlg.status.text() == ("Scoring stopped at document 'nowhere': no document with id 'nowhere'; "
                                 "no figures are shown.")
    assert dlg.result is None and "\n" not in dlg.status.text()
