"""`annotator export --layer NAME`: one layer's annotations; gold by default for training formats; review fields in JSONL.

A real project holds Dana's and Bob's versions of the seed article as layers
and a gold layer (here Dana's file imported as gold: what adjudication would
leave).  Expected values come from the fixture files, read with json here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.formats.errors import FormatError
from annotator.formats.jsonl import read_jsonl
from annotator.store import Project
from test_layers_cli import BOB, BOB_ENTITY_LABELS, DANA, DOC, brat_entities, cli, dana_entities


@pytest.fixture
def team(tmp_path, capsys) -> Path:
    p = tmp_path / "team.db"
    for name, source in (("dana", DANA), ("bob", BOB), ("gold", DANA)):
        rc, err = cli(capsys, "import", p, source, "--annotator", name)
        assert rc == 0, err
    return p


def exported_entities(path: Path) -> set[tuple[int, int, str]]:
    (line,) = path.read_text(encoding="utf-8").splitlines()
    return {(e["start"], e["end"], e["label"]) for e in json.loads(line)["entities"]}


def test_export_layer_by_name_and_gold_by_default_for_training_formats(tmp_path, capsys, team):
    out = tmp_path / "bob.jsonl"
    rc, err = cli(capsys, "export", team, "-o", out, "--layer", "bob")
    assert rc == 0, err
    assert exported_entities(out) == brat_entities(BOB / f"{DOC}.ann", BOB_ENTITY_LABELS)
    # no --layer: JSONL is a training format and the project has gold, so gold it is, and stderr says so
    rc, err = cli(capsys, "export", team, "-o", out)
    assert rc == 0, err
    assert "note: exporting the gold layer" in err
    gold = json.loads(out.read_text(encoding="utf-8"))
    assert {(e["start"], e["end"], e["label"]) for e in gold["entities"]} == dana_entities()
    # the default layer is empty here, and named "default"
    rc, err = cli(capsys, "export", team, "-o", out, "--layer", "default")
    assert rc == 0, err
    assert exported_entities(out) == set()
    with Project.open(team, read_only=True) as proj:  # --annotator gold records no one; the file's names stay
        assert {s.annotator for s in proj.get_annotated(DOC, layer="gold").entities} == {"dana"}
        assert {a.annotator for e in proj.get_annotated(DOC, layer="gold").events for a in e.arguments} == {""}
    # brat carries work on to another tool, not a training format: the working (default) layer
    rc, err = cli(capsys, "export", team, "--format", "brat", "-o", tmp_path / "brat")
    assert rc == 0, err
    assert "note: exporting the default layer" in err
    assert (tmp_path / "brat" / f"{DOC}.ann").read_text(encoding="utf-8") == ""


def test_an_unknown_layer_is_a_one_line_error_listing_the_layers(tmp_path, capsys, team):
    out = tmp_path / "x.jsonl"
    rc, err = cli(capsys, "export", team, "-o", out, "--layer", "carl")
    assert rc == 1 and err.count("\n") == 1
    assert "carl" in err and "default, bob, dana, gold" in err and str(team) in err
    assert not out.exists()


def test_spacy_export_of_the_gold_layer(tmp_path, capsys, team):
    spacy = pytest.importorskip("spacy")  # as tests/test_spacy_export.py: the spacy extra may be absent
    from spacy.tokens import DocBin

    rc, err = cli(capsys, "export", team, "--format", "spacy", "--layer", "gold", "-o", tmp_path / "sp")
    assert rc == 0, err
    (sdoc,) = DocBin().from_disk(tmp_path / "sp" / "train.spacy").get_docs(spacy.blank("en").vocab)
    text = (BOB / f"{DOC}.txt").read_text(encoding="utf-8")
    assert sdoc.text == text
    # spaCy keeps non-overlapping entities in doc.ents; every one is one of gold's (Dana's), at its offsets
    gold = dana_entities()
    got = {(e.start_char, e.end_char, e.label_) for e in sdoc.ents}
    assert got and got <= gold
    assert (0, 4, "GPE") in got and (657, 663, "GPE") in got  # Iraq, Dujail
    # no --layer: spaCy is a training format, so gold again
    rc, err = cli(capsys, "export", team, "--format", "spacy", "-o", tmp_path / "sp2")
    assert rc == 0 and "gold layer" in err
    assert (tmp_path / "sp2" / "train.spacy").read_bytes() == (tmp_path / "sp" / "train.spacy").read_bytes()


def test_jsonl_round_trip_keeps_annotator_review_reviewer_and_note(tmp_path, capsys, team):
    with Project.open(team) as proj, proj.in_layer("bob"):
        proj.set_review(DOC, "T6", "rejected", reviewer="lee", note="police are an ORG")
        proj.set_review(DOC, "T1", "accepted", reviewer="lee")
        proj.set_review(DOC, "E1", "accepted", reviewer="kim", position=0)  # E1's first argument
        proj.set_review(DOC, "R1", "corrected", reviewer="lee", note="")
    first = tmp_path / "bob.jsonl"
    assert cli(capsys, "export", team, "-o", first, "--layer", "bob")[0] == 0
    rec = json.loads(first.read_text(encoding="utf-8"))
    ents = {e["id"]: e for e in rec["entities"]}
    assert (ents["T6"]["review"], ents["T6"]["reviewer"], ents["T6"]["review_note"]) == (
        "rejected", "lee", "police are an ORG")
    assert (ents["T1"]["review"], ents["T1"]["reviewer"], ents["T1"]["review_note"]) == ("accepted", "lee", "")
    assert (ents["T2"]["review"], ents["T2"]["reviewer"]) == ("", "")  # every key on every annotation
    assert ents["T6"]["annotator"] == "bob"
    (e1,) = [e for e in rec["events"] if e["id"] == "E1"]
    assert (e1["arguments"][0]["review"], e1["arguments"][0]["reviewer"]) == ("accepted", "kim")
    assert e1["arguments"][1]["review"] == "" and e1["review"] == ""
    assert (rec["relations"][0]["review"], rec["relations"][0]["reviewer"]) == ("corrected", "lee")
    # into another project as Bob's layer, and out again: the same bytes
    again = tmp_path / "again.db"
    assert cli(capsys, "import", again, first, "--annotator", "bob")[0] == 0
    second = tmp_path / "bob2.jsonl"
    assert cli(capsys, "export", again, "-o", second, "--layer", "bob")[0] == 0
    assert second.read_bytes() == first.read_bytes()


def test_jsonl_refuses_an_unknown_review_state_with_its_line(tmp_path):
    good = {"id": "a", "text": "Iraq", "entities": [{"start": 0, "end": 4, "label": "GPE", "review": "accepted",
                                                       "reviewer": None, "review_note": None}]}
    bad = {"id": "b", "text": "Iraq", "entities": [{"start": 0, "end": 4, "label": "GPE", "review": "maybe"}]}
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        list(read_jsonl(path))
    assert info.value.line == 2 and "entity T1: \"review\" \"maybe\" is not one of" in str(info.value)
    doc = next(iter(read_jsonl(path)))  # line 1 reads fine: null is ""
    assert (doc.spans[0].review, doc.spans[0].reviewer, doc.spans[0].review_note) == ("accepted", "", "")
    for key, value in (("reviewer", 3), ("review_note", []), ("review", 1)):
        bad["entities"][0] = {"start": 0, "end": 4, "label": "GPE", key: value}
        path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
        with pytest.raises(FormatError, match=f'"{key}"'):
            list(read_jsonl(path))


def test_brat_export_of_a_layer_imports_back_as_that_layer(tmp_path, capsys, team):
    out = tmp_path / "bob-brat"
    rc, err = cli(capsys, "export", team, "--format", "brat", "--layer", "bob", "-o", out)
    assert rc == 0, err
    assert brat_entities(out / f"{DOC}.ann") == brat_entities(BOB / f"{DOC}.ann")  # the same T lines' extents
    other = tmp_path / "other.db"
    assert cli(capsys, "import", other, DANA, "--annotator", "dana")[0] == 0
    rc, err = cli(capsys, "import", other, out, "--annotator", "bob")
    assert rc == 0, err
    with Project.open(team, read_only=True) as a, Project.open(other, read_only=True) as b:
        x, y = a.get_annotated(DOC, layer="bob"), b.get_annotated(DOC, layer="bob")
        assert {(s.start, s.end, s.label, s.kind) for s in x.spans} == {(s.start, s.end, s.label, s.kind) for s in y.spans}
        assert len(x.events) == len(y.events) and len(x.relations) == len(y.relations)
