"""Every export format that cannot carry review decisions says how many it left out, and says nothing when none.

A real project file holds the canonical article (entities, triggers, events
with arguments, relations) with its review keys blanked, so only the
decisions this test records with ``project.set_review`` exist.  Each format is
exported through the real command line; the warning on stderr is compared
with the line written out here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project

CANONICAL = Path(__file__).resolve().parent / "data" / "jsonl" / "canonical.jsonl"
DOC = "iraq-attacks"
REVIEW_KEYS = ("review", "reviewer", "review_note")

#: the formats that cannot carry review decisions, and the name each gives itself in the report
NAMES = {
    "brat": "brat",
    "doccano": "doccano",
    "prodigy": "Prodigy",
    "oneie": "OneIE",
    "conll": "CoNLL",
    "hf": "Hugging Face token classification",
    "spacy": "spaCy",
}
FOLDERS = {"brat", "hf", "spacy"}


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """Run the command line in this process; its exit code and what it printed on stderr."""
    capsys.readouterr()
    rc = main([str(a) for a in args])
    return rc, capsys.readouterr().err


def _blank(obj: object) -> None:
    """Set every review key in a parsed JSONL record to "" (in place)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in REVIEW_KEYS:
                obj[key] = ""
            else:
                _blank(value)
    elif isinstance(obj, list):
        for item in obj:
            _blank(item)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A project with the canonical article and not one review decision."""
    src = tmp_path / "unreviewed.jsonl"
    records = [json.loads(line) for line in CANONICAL.read_text(encoding="utf-8").splitlines()]
    for rec in records:
        _blank(rec)
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "p.db"
    rc, err = cli(capsys, "import", path, src, "--add-types")
    assert rc == 0, err
    return path


def _review(path: Path) -> None:
    """Four decisions: an entity, an event, one of its arguments, a relation; and one set and taken back."""
    with Project.open(path) as proj:
        ev = proj.get_annotated(DOC).events[0]
        proj.set_review(DOC, "T1", "accepted", reviewer="lee")
        proj.set_review(DOC, ev.id, "corrected", reviewer="lee", note="the type was wrong")
        proj.set_review(DOC, ev.id, "rejected", reviewer="kim", position=1)  # its second argument
        proj.set_review(DOC, "R1", "accepted", reviewer="lee", note="")
        proj.set_review(DOC, "T2", "rejected", reviewer="lee")
        proj.set_review(DOC, "T2", "", reviewer="", note="")  # taken back: no decision any more


def _export(capsys: pytest.CaptureFixture[str], path: Path, fmt: str, out: Path) -> str:
    target = out / fmt if fmt in FOLDERS else out / f"{fmt}.out"
    rc, err = cli(capsys, "export", path, "--format", fmt, "-o", target)
    assert rc == 0, err
    assert target.exists()
    return err


@pytest.mark.parametrize("fmt", sorted(NAMES))
def test_reviewed_annotations_are_counted_as_left_out(tmp_path, capsys, project, fmt):
    if fmt == "spacy":
        pytest.importorskip("spacy")  # the spacy extra may be absent
    _review(project)
    err = _export(capsys, project, fmt, tmp_path)
    expected = (f"warning: left out review decisions (accepted/rejected/corrected, reviewer, comment; "
                f"{NAMES[fmt]} has none): 4")
    lines = err.splitlines()
    assert expected in lines, err
    assert sum("review decisions" in line for line in lines) == 1, err  # said once, not per document or twice


@pytest.mark.parametrize("fmt", sorted(NAMES))
def test_an_export_without_review_decisions_says_nothing_of_them(tmp_path, capsys, project, fmt):
    if fmt == "spacy":
        pytest.importorskip("spacy")
    err = _export(capsys, project, fmt, tmp_path)
    assert "review decision" not in err, err
    assert "warning: left out" in err  # the report is there: these formats leave other things out


def test_jsonl_carries_them_and_says_nothing(tmp_path, capsys, project):
    _review(project)
    out = tmp_path / "all.jsonl"
    rc, err = cli(capsys, "export", project, "-o", out)
    assert rc == 0, err
    assert "review decision" not in err, err
    rec = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert rec["id"] == DOC
    assert [e["id"] for e in rec["entities"] if e["review"]] == ["T1"]
    assert [(e["review"], [a["review"] for a in e["arguments"]]) for e in rec["events"]][0] == (
        "corrected", ["", "rejected"])
    assert [r["review"] for r in rec["relations"]] == ["accepted", ""]
