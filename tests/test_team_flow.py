"""Issue 12's whole flow on the seed article: two people's versions imported as layers, scored, compared
and adjudicated into gold with real keys in the comparison view, and gold exported to JSONL and spaCy.

Dana's version is JSONL and Bob's brat (tests/data/layers, see its SOURCE.txt). The lead takes Dana's
side of every difference, so gold must end up equal to Dana's file: the expected values are read from
that file with ``json`` here, not through the code under test.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.qt.compare_view import CompareView
from annotator.store import Project

DATA = Path(__file__).parent / "data" / "layers"
DOC = "000_27d1533106132ce4"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def dana() -> dict:
    return json.loads((DATA / "seed_dana.jsonl").read_text(encoding="utf-8").splitlines()[0])


def entities_of(record: dict) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in record["entities"]}


def events_of(record: dict) -> set[tuple]:
    """Each event as (type, trigger offsets, sorted (role, filler offsets or filler event's trigger))."""
    ents = {e["id"]: (e["start"], e["end"]) for e in record["entities"]}
    trig = {e["id"]: (e["trigger"]["start"], e["trigger"]["end"]) for e in record["events"]}
    return {
        (e["type"], trig[e["id"]], tuple(sorted((a["role"], ents.get(a["ref"]) or trig[a["ref"]])
                                                for a in e["arguments"])))
        for e in record["events"]
    }


@pytest.fixture
def team_project(tmp_path):
    path = tmp_path / "lead.db"
    assert main(["import", str(path), str(DATA / "seed_dana.jsonl"), "--annotator", "dana"]) == 0
    assert main(["import", str(path), str(DATA / "seed_bob"), "--annotator", "bob"]) == 0
    return path


def test_two_versions_are_scored_adjudicated_into_gold_in_the_gui_and_gold_is_exported(
        qtbot, tmp_path, capsys, team_project):
    path = team_project
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM texts").fetchone() == (1,)  # the text once, two layers
        assert sorted(conn.execute("SELECT name FROM layer_names")) == [("bob",), ("dana",)]

    # scored: 11 entities each, 8 the same; the boundary disagreement overlaps with the same label
    capsys.readouterr()
    assert main(["agree", str(path), "--annotators", "dana,bob", "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["entities"]["exact"]["precision"] == pytest.approx(8 / 11)
    assert figures["entities"]["exact"]["recall"] == pytest.approx(8 / 11)
    assert figures["events"]["trigger_classification"]["f1"] == pytest.approx(1.0)  # same three triggers

    # adjudicated in the comparison view with keys: all agreements, then Dana's side of every difference
    project = Project.open(path)
    project.annotator = "lead"
    view = CompareView(project, DOC, "dana", "bob")
    view.confirm = lambda message: True
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_A, CTRL_SHIFT)
    # the argument Reporter -> "Iraqi police" agrees, but its filler does not (PER for Dana, ORG for Bob)
    assert "1 left out" in view.message.text() and "Iraqi police" in view.message.text()
    for i in range(view.list.topLevelItemCount()):
        view.list.setCurrentItem(view.list.topLevelItem(i))
        qtbot.keyClick(view.list, Qt.Key.Key_1)
    qtbot.keyClick(view.list, Qt.Key.Key_A, CTRL_SHIFT)  # the agreement that waited for its filler goes in now
    assert "Accepted 1 agreement" in view.message.text()
    view.close()
    project.close()

    # gold out, JSONL: exactly Dana's entities and events
    out = tmp_path / "gold.jsonl"
    capsys.readouterr()
    assert main(["export", str(path), "--layer", "gold", "-o", str(out)]) == 0
    (gold,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert entities_of(gold) == entities_of(dana())
    assert events_of(gold) == events_of(dana())
    assert [(r["type"]) for r in gold["relations"]] == ["PART-WHOLE"]

    # and spaCy: gold is the default layer of training exports once it exists
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    folder = tmp_path / "spacy"
    assert main(["export", str(path), "--format", "spacy", "-o", str(folder)]) == 0
    assert "gold" in capsys.readouterr().err
    (docbin,) = sorted(folder.glob("*.spacy"))
    (doc,) = list(DocBin().from_disk(docbin).get_docs(spacy.blank("en").vocab))
    written = {(e.start_char, e.end_char, e.label_) for e in doc.ents} | {
        (s.start_char, s.end_char, s.label_) for s in doc.spans.get("sc", [])}
    assert written == entities_of(dana())
