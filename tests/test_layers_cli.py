"""`annotator import --annotator NAME`: another person's JSONL or brat export becomes their layer of the same documents.

Real project files in tmp_path, the command line called as ``main([...])``
(one subprocess run checks the exit code and the one-line message as a user
sees them).  Expected annotations are read from the fixture files with json
and a few lines of parsing here, never through the importer under test.
Refusals must leave the project as it was: its tables are compared through
plain sqlite3 before and after.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import Project

DATA = Path(__file__).resolve().parent / "data"
DANA = DATA / "layers" / "seed_dana.jsonl"
BOB = DATA / "layers" / "seed_bob"
DOC = "000_27d1533106132ce4"
SEED_TEXT = (BOB / f"{DOC}.txt").read_text(encoding="utf-8")
TABLES = ("documents", "texts", "spans", "events", "arguments", "relations", "layers", "layer_names", "project")


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    """Run the command line in this process; its exit code and what it printed on stderr."""
    capsys.readouterr()
    rc = main([str(a) for a in args])
    return rc, capsys.readouterr().err


def content(path: Path) -> str:
    """A digest of every row of the project's tables, read with plain sqlite3."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in TABLES]
    finally:
        conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def dana_entities() -> set[tuple[int, int, str]]:
    (rec,) = [json.loads(line) for line in DANA.read_text(encoding="utf-8").splitlines()]
    return {(e["start"], e["end"], e["label"]) for e in rec["entities"]}


def brat_entities(ann: Path, kinds: set[str] | None = None) -> set[tuple[int, int, str]]:
    """(start, end, label) of the T lines of a .ann file (``kinds``: only those labels)."""
    out = set()
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, middle, _ = line.split("\t")
            label, start, end = middle.split(" ")
            if kinds is None or label in kinds:
                out.add((int(start), int(end), label))
    return out


BOB_ENTITY_LABELS = {"GPE", "ORG", "PER"}


def entity_set(adoc) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in adoc.entities}


def two_layers(capsys, path: Path) -> None:
    assert cli(capsys, "import", path, DANA, "--annotator", "dana")[0] == 0
    assert cli(capsys, "import", path, BOB, "--annotator", "bob")[0] == 0


def test_two_versions_of_the_seed_become_two_layers_of_one_document(tmp_path, capsys):
    p = tmp_path / "team.db"
    rc, err = cli(capsys, "import", p, DANA, "--annotator", "dana")
    assert rc == 0, err
    assert "as dana's layer" in err
    rc, err = cli(capsys, "import", p, BOB, "--annotator", "bob")  # brat: the same text, Bob's annotations
    assert rc == 0, err
    with Project.open(p, read_only=True) as proj:
        assert proj.document_ids() == [DOC]  # the text is stored once
        assert proj.get_document(DOC).text == SEED_TEXT
        assert proj.layers() == ["bob", "dana"]
        assert proj.layers(DOC) == ["bob", "dana"]
        dana = proj.get_annotated(DOC, layer="dana")
        bob = proj.get_annotated(DOC, layer="bob")
        assert entity_set(dana) == dana_entities()
        assert entity_set(bob) == brat_entities(BOB / f"{DOC}.ann", BOB_ENTITY_LABELS)
        # each layer keeps its own ids (T1 in both) and records whose it is
        assert {s.annotator for s in bob.spans} == {"bob"} and {e.annotator for e in bob.events} == {"bob"}
        assert {s.annotator for s in dana.spans} == {"dana"}
        assert len(dana.events) == 3 and len(bob.events) == 3
        assert [(a.role, a.ref) for a in bob.event_by_id()["E2"].arguments] == [("Attacker", "T4"), ("Target", "T3")]
        assert proj.get_annotated(DOC, layer="").spans == []  # nothing went into the default layer
        assert proj.get_document(DOC).status == "done"  # the document as Dana's file brought it


def test_a_different_text_is_refused_with_both_checksums_and_nothing_changes(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    before = content(p)
    rec = json.loads(DANA.read_text(encoding="utf-8"))
    other = rec["text"].replace("Twin Attacks", "Twin  Attacks")
    rec["text"] = other
    for e in rec["entities"]:  # the offsets after the change move by one
        if e["start"] > other.index("Twin"):
            e["start"] += 1
            e["end"] += 1
    rec["entities"] = [e for e in rec["entities"] if e["start"] < other.index("Twin")]
    rec["events"], rec["relations"] = [], []
    bad = tmp_path / "carl.jsonl"
    new = dict(rec, id="fresh-doc")  # line 1: a new document, fine on its own
    bad.write_text(json.dumps(new) + "\n" + json.dumps(rec) + "\n", encoding="utf-8")
    rc, err = cli(capsys, "import", p, bad, "--annotator", "carl")
    assert rc == 1
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert f"{bad}:2:" in err  # the file and the line of the refused document
    assert hashlib.sha256(SEED_TEXT.encode()).hexdigest()[:12] in err
    assert hashlib.sha256(other.encode()).hexdigest()[:12] in err
    assert content(p) == before  # all or nothing: not even line 1's new document


def test_the_same_layer_again_is_refused_unless_replace_which_replaces_that_layer_only(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    before = content(p)
    rc, err = cli(capsys, "import", p, DANA, "--annotator", "dana")
    assert rc == 1 and f"{DANA}:1:" in err and "--replace" in err and "dana" in err
    assert content(p) == before
    with Project.open(p, read_only=True) as proj:
        bob_before = proj.get_annotated(DOC, layer="bob")
    # Dana's corrected version: the first four entities only, no events or relations
    rec = json.loads(DANA.read_text(encoding="utf-8"))
    rec["entities"], rec["events"], rec["relations"] = rec["entities"][:4], [], []
    fixed = tmp_path / "dana2.jsonl"
    fixed.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    rc, err = cli(capsys, "import", p, fixed, "--annotator", "dana", "--replace")
    assert rc == 0, err
    with Project.open(p, read_only=True) as proj:
        dana = proj.get_annotated(DOC, layer="dana")
        assert entity_set(dana) == {(e["start"], e["end"], e["label"]) for e in rec["entities"]}
        assert dana.events == [] and dana.relations == []
        assert proj.get_annotated(DOC, layer="bob") == bob_before  # the other layer untouched
        assert proj.document_summaries()[0].n_annotations == len(rec["entities"]) + len(bob_before.entities) \
            + len(bob_before.events) + len(bob_before.relations)


def test_a_corpus_sample_in_brat_as_two_annotators(tmp_path, capsys):
    """brat-tutorials news (tests/data/brat/news): ann1's files as they are, ann2's with a label changed and a
    relation dropped; imported into a new project, the folder's annotation.conf becomes its schema."""
    names = ["060-relation_annotation", "999-complete"]
    a, b = tmp_path / "ann1", tmp_path / "ann2"
    for folder in (a, b):
        folder.mkdir()
        shutil.copy(DATA / "brat" / "news" / "annotation.conf", folder)
        for n in names:
            shutil.copy(DATA / "brat" / "news" / f"{n}.txt", folder)
            shutil.copy(DATA / "brat" / "news" / f"{n}.ann", folder)
    ann = b / "060-relation_annotation.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace("\tGPE 164 171\t", "\tPerson 164 171\t") for ln in lines if not ln.startswith("R1\t")]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = tmp_path / "news.db"
    assert cli(capsys, "import", p, a, "--annotator", "ann1")[0] == 0
    rc, err = cli(capsys, "import", p, b, "--annotator", "ann2")
    assert rc == 0, err
    with Project.open(p, read_only=True) as proj:
        assert sorted(proj.document_ids()) == names
        assert proj.layers() == ["ann1", "ann2"]
        for n in names:
            for who, folder in (("ann1", a), ("ann2", b)):
                got = proj.get_annotated(n, layer=who)
                want = brat_entities(folder / f"{n}.ann")
                assert {(s.start, s.end, s.label) for s in got.spans} == want, (n, who)
        # R1 (Located) is ann1's only; the Alias group (an Equiv line) both have
        assert [r.type for r in proj.get_annotated(names[0], layer="ann1").relations].count("Located") == 1
        assert [r.type for r in proj.get_annotated(names[0], layer="ann2").relations].count("Located") == 0
        assert [r.type for r in proj.get_annotated(names[0], layer="ann2").relations].count("Alias") == 2
        assert (164, 171, "Person") in entity_set(proj.get_annotated(names[0], layer="ann2"))


def test_without_annotator_an_existing_id_is_refused_as_before(tmp_path, capsys):
    p = tmp_path / "p.db"
    assert cli(capsys, "import", p, DANA)[0] == 0
    before = content(p)
    rc, err = cli(capsys, "import", p, BOB)
    assert rc == 1 and "already exists" in err and "--replace" in err
    assert content(p) == before
    with Project.open(p, read_only=True) as proj:
        assert proj.layers() == [""]
        assert {s.annotator for s in proj.get_annotated(DOC).entities} == {"dana"}  # as the file recorded


def test_annotator_default_is_refused_as_a_name(tmp_path, capsys):
    rc, err = cli(capsys, "import", tmp_path / "p.db", DANA, "--annotator", "default")
    assert rc == 1 and "person's name" in err
    assert not (tmp_path / "p.db").exists()


def test_a_refusal_as_the_user_sees_it(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    r = subprocess.run([sys.executable, "-m", "annotator", "import", str(p), str(BOB), "--annotator", "bob"],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith(f"error: {BOB / DOC}.ann") or r.stderr.startswith(f"error: {BOB}")


def test_replace_into_the_default_layer_keeps_the_other_layers_of_the_same_text(tmp_path, capsys):
    p = tmp_path / "team.db"
    assert cli(capsys, "import", p, DANA, "--annotator", "dana")[0] == 0
    with Project.open(p, read_only=True) as proj:
        dana_before = proj.get_annotated(DOC, layer="dana")
    # Bob's brat files into the default layer: the id exists, so --replace; the text is the same
    for _ in range(2):  # the second time the default layer has Bob's annotations to replace
        rc, err = cli(capsys, "import", p, BOB, "--replace")
        assert rc == 0, err
    with Project.open(p, read_only=True) as proj:
        assert proj.layers(DOC) == ["", "dana"]
        assert len(proj.get_annotated(DOC, layer="").spans) == len(brat_entities(BOB / f"{DOC}.ann"))
        dana_after = proj.get_annotated(DOC, layer="dana")
        assert (dana_after.spans, dana_after.events, dana_after.relations) == (
            dana_before.spans, dana_before.events, dana_before.relations)
        assert entity_set(proj.get_annotated(DOC, layer="")) == brat_entities(BOB / f"{DOC}.ann", BOB_ENTITY_LABELS)
        assert proj.get_document(DOC).status == "new"  # the document as the new file brings it
    # another text under the same id would pull the ground from under Dana's offsets: refused
    before = content(p)
    rec = json.loads(DANA.read_text(encoding="utf-8"))
    short = tmp_path / "short.jsonl"
    short.write_text(json.dumps({"id": DOC, "text": rec["text"][:200]}) + "\n", encoding="utf-8")
    rc, err = cli(capsys, "import", p, short, "--replace")
    assert rc == 1 and f"{short}:1:" in err and "other layers (dana)" in err
    assert content(p) == before


def test_stats_lists_the_layers_and_counts_the_one_asked_for(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    capsys.readouterr()
    assert main(["stats", str(p), "--layer", "bob"]) == 0
    out = capsys.readouterr().out
    assert "layers: bob, dana" in out and "annotations of the bob layer" in out
    persons = sum(1 for s, e, label in brat_entities(BOB / f"{DOC}.ann") if label == "PER")
    assert f"  {'PER':<32} {persons:>8}" in out
    assert main(["stats", str(p), "--layer", "nobody"]) == 1
    assert "no layer 'nobody'" in capsys.readouterr().err


def test_stats_without_a_layer_counts_every_layer_of_a_team_project(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    capsys.readouterr()
    assert main(["stats", str(p)]) == 0
    out = capsys.readouterr().out
    bob, dana = out.index("annotations of the bob layer:"), out.index("annotations of the dana layer:")
    assert "default layer" not in out and bob < dana
    orgs = {who: sum(1 for _s, _e, label in ents if label == "ORG")
            for who, ents in (("bob", brat_entities(BOB / f"{DOC}.ann")), ("dana", dana_entities()))}
    assert orgs == {"bob": 2, "dana": 3}  # what the two files hold, counted from them here
    assert f"  {'ORG':<32} {orgs['bob']:>8}" in out[bob:dana]
    assert f"  {'ORG':<32} {orgs['dana']:>8}" in out[dana:]


def test_a_documents_problem_counts_are_the_sums_over_its_layers(tmp_path, capsys):
    """With Life.Die's Instrument required, Dana's and Bob's Life.Die each lack it: one incomplete event a layer."""
    from annotator.bundled import default_schema_path
    from annotator.schema import Schema

    toml = default_schema_path().read_text(encoding="utf-8")
    die = toml.index('[events."Life.Die"]')
    line = 'roles.Instrument = { types = ["WEA", "VEH"], cardinality = "any" }'
    at = toml.index(line, die)
    toml = toml[:at] + line.replace('"any"', '"one"') + toml[at + len(line):]
    p = tmp_path / "team.db"
    Project.open(p, schema=Schema.from_toml(toml)).close()
    two_layers(capsys, p)

    def counts() -> tuple[int, list[tuple[str, int]]]:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            doc = conn.execute("SELECT n_incomplete FROM documents").fetchone()[0]
            layers = conn.execute("SELECT name, n_incomplete FROM layers ORDER BY name").fetchall()
        finally:
            conn.close()
        return doc, layers

    assert counts() == (2, [("bob", 1), ("dana", 1)])
    rec = json.loads(DANA.read_text(encoding="utf-8"))
    rec["events"] = []
    fixed = tmp_path / "dana2.jsonl"
    fixed.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert cli(capsys, "import", p, fixed, "--annotator", "dana", "--replace")[0] == 0
    assert counts() == (1, [("bob", 1), ("dana", 0)])


def test_a_layer_emptied_by_deletes_is_imported_again_without_replace(tmp_path, capsys):
    p = tmp_path / "team.db"
    two_layers(capsys, p)
    with Project.open(p) as proj, proj.in_layer("bob"):
        adoc = proj.get_annotated(DOC)
        for ann_id in [e.id for e in adoc.events] + [r.id for r in adoc.relations] + [s.id for s in adoc.entities]:
            proj.remove(DOC, ann_id)
        assert proj.layers(DOC) == ["bob", "dana"]  # still listed, empty
    rc, err = cli(capsys, "import", p, BOB, "--annotator", "bob")
    assert rc == 0, err
    with Project.open(p, read_only=True) as proj:
        assert len(proj.get_annotated(DOC, layer="bob").spans) == len(brat_entities(BOB / f"{DOC}.ann"))
