"""`annotator agree`: two layers of a real project file scored through the command line's main()."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_agree import EV_TEXT, TEXT, at, ev_doc

from annotator.cli import main
from annotator.model import AnnotatedDocument, Document, Event
from annotator.schema import Schema
from annotator.store import Project

SCHEMA = """\
name = "agreement test"
[entities.PER]
[entities.LOC]
[entities.GPE]
[entities.DATE]
[entities.Thing]
[events.Attack]
roles.Attacker = { types = ["Thing"], cardinality = "any" }
roles.Target = { types = ["Thing"], cardinality = "any" }
roles.Victim = { types = ["Thing"], cardinality = "any" }
[events.Die]
roles.Victim = { types = ["Thing"], cardinality = "any" }
roles.Agent = { types = ["Thing"], cardinality = "any" }
roles.Place = { types = ["Thing"], cardinality = "any" }
[events.Injure]
roles.Victim = { types = ["Thing"], cardinality = "any" }
roles.Agent = { types = ["Thing"], cardinality = "any" }
[events.Transport]
"""


def dana_and_bob() -> tuple[list[AnnotatedDocument], list[AnnotatedDocument]]:
    """The hand-computed cases of test_agree as two annotators' versions of four documents.

    d: entities (partial overlaps, a tie, a relabel, a moved boundary, a duplicate);
    ev: events (role and filler mismatches, a wrong type, a moved trigger);
    c: only Bob annotated it (two entities); n: nobody did.
    """
    dana = [
        AnnotatedDocument(Document("d", TEXT), [
            at(TEXT, "Barack Obama", "PER", "T1"), at(TEXT, "Angela Merkel", "PER", "T2"),
            at(TEXT, "Berlin", "LOC", "T3"), at(TEXT, "Monday", "DATE", "T4")]),
        ev_doc([
            ("E1", "Attack", "attacked", [("Attacker", "Troops"), ("Target", "town")]),
            ("E2", "Die", "killed", [("Victim", "two civilians"), ("Agent", "Troops"), ("Place", "river")]),
        ], ["Troops", "town", "two civilians", "river"]),
        AnnotatedDocument(Document("c", TEXT)),
        AnnotatedDocument(Document("n", TEXT)),
    ]
    bob = [
        AnnotatedDocument(Document("d", TEXT), [
            at(TEXT, "Barack Obama met Angela", "PER", "T1"), at(TEXT, "Obama", "PER", "T2"),
            at(TEXT, "Berlin", "GPE", "T3"), at(TEXT, "on Monday", "DATE", "T4"), at(TEXT, "Monday", "DATE", "T5")]),
        ev_doc([
            ("E1", "Attack", "attacked", [("Attacker", "Troops"), ("Attacker", "Troops"), ("Victim", "town")]),
            ("E2", "Injure", "killed", [("Victim", "civilians"), ("Agent", "Troops")]),
            ("E3", "Transport", "near", []),
            ("E4", "Die", "killed two", [("Victim", "two civilians")]),
        ], ["Troops", "town", "civilians", "two civilians"]),
        AnnotatedDocument(Document("c", TEXT), [at(TEXT, "Monday", "DATE", "T1"), at(TEXT, "Obama", "PER", "T2")]),
        AnnotatedDocument(Document("n", TEXT)),
    ]
    return dana, bob


def put(project: Project, layer: str, adoc: AnnotatedDocument) -> None:
    """Write one version's annotations into ``layer`` through the store's own writes."""
    doc_id = adoc.document.id
    spans = adoc.span_by_id()
    with project.in_layer(layer):
        for s in adoc.entities:
            project.add_span(doc_id, s)
        for e in adoc.events:
            project.add_event(doc_id, Event(e.id, e.type, "", e.arguments), trigger=spans[e.trigger])


def make_project(path: Path, layers: dict[str, list[AnnotatedDocument]]) -> Path:
    (path.parent / "schema.toml").write_text(SCHEMA, encoding="utf-8")
    first = next(iter(layers.values()))
    with Project.open(path) as project:
        project.set_schema(Schema.load(path.parent / "schema.toml"))
        project.import_documents([AnnotatedDocument(Document(a.document.id, a.document.text)) for a in first])
        for layer, docs in layers.items():
            for adoc in docs:
                put(project, layer, adoc)
    return path


@pytest.fixture
def two_layers(tmp_path: Path) -> Path:
    """A project file with Dana's and Bob's layers and a gold layer (one entity)."""
    dana, bob = dana_and_bob()
    gold = [AnnotatedDocument(Document("d", TEXT), [at(TEXT, "Berlin", "LOC", "T1")])]
    return make_project(tmp_path / "team.annotator", {"Dana": dana, "Bob": bob, "gold": gold})


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["agree", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


def test_json_has_the_issue_shape_and_the_hand_computed_figures(two_layers: Path, capsys) -> None:
    before = snapshot(two_layers)
    code, out, err = run(capsys, str(two_layers), "--annotators", "Dana,Bob", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert {"entities", "events", "per_label", "per_document"} <= set(r)
    assert set(r["entities"]) >= {"exact", "overlap", "kappa"}
    for m in ("exact", "overlap"):
        assert set(r["entities"][m]) >= {"precision", "recall", "f1"}
    assert set(r["events"]) == {"trigger_identification", "trigger_classification",
                                "argument_identification", "argument_classification"}
    for m in r["events"].values():
        assert set(m) >= {"precision", "recall", "f1"}
    assert (r["reference"], r["candidate"]) == ("Dana", "Bob")

    d = r["per_document"]["d"]["entities"]
    assert (d["exact"]["tp"], d["exact"]["fp"], d["exact"]["fn"]) == (1, 4, 3)
    assert d["overlap"]["f1"] == pytest.approx(2 / 3)
    assert d["kappa"] == pytest.approx(3 / 7)
    ev = r["events"]  # the events are all in document ev
    assert ev["trigger_identification"]["f1"] == pytest.approx(2 / 3)
    assert ev["trigger_classification"]["f1"] == pytest.approx(1 / 3)
    assert ev["argument_identification"]["f1"] == pytest.approx(4 / 11)
    assert ev["argument_classification"]["f1"] == pytest.approx(2 / 11)
    # all entities: d (1, 4, 3); ev's fillers, all "Thing": Troops, town, two civilians match, civilians/river
    # do not (1 fp, 1 fn); c, Bob's only: 2 fp
    e = r["entities"]["exact"]
    assert (e["tp"], e["fp"], e["fn"]) == (4, 7, 4)
    assert e["precision"] == pytest.approx(4 / 11) and e["recall"] == pytest.approx(4 / 8)
    assert e["f1"] == pytest.approx(8 / 19)
    assert r["documents"] == {"compared": 3, "only_reference": [], "only_candidate": ["c"], "neither": 1}
    assert r["per_document"]["c"]["annotated_by"] == "candidate"
    assert "note: 1 document(s) annotated by Bob only" in err
    assert snapshot(two_layers) == before  # agree only reads


def test_table_is_aligned_and_names_the_reference(two_layers: Path, capsys) -> None:
    code, out, err = run(capsys, str(two_layers), "--annotators", "Dana,Bob")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Agreement of Bob against Dana (the reference): 3 documents"
    assert any(x.startswith("note: 1 document(s) annotated by Bob only") and x.endswith(": c") for x in lines)
    head = next(i for i, x in enumerate(lines) if x.split() == ["precision", "recall", "F1", "tp", "fp", "fn"])
    block = lines[head:head + 8]
    assert block[1].split()[:5] == ["Entities,", "exact", "0.364", "0.500", "0.421"]
    assert block[4].split()[:5] == ["Trigger", "classification", "0.250", "0.500", "0.333"]
    ends = [block[0].index(col) + len(col) for col in ("precision", "recall", "F1", "tp", "fp", "fn")]
    for row in block[1:7]:  # every number ends in the column its heading ends in
        for end in ends:
            assert row[end - 1].isdigit() and (end == len(row) or row[end] == " "), row
    docs = lines.index(next(x for x in lines if x.startswith("Document (lowest F1 first)")))
    # d: worst F1 0.222 (exact); ev: 0.182 (argument classification); c: 0.000 -> c, ev, d
    assert [x.split()[0] for x in lines[docs + 1:docs + 4]] == ["c", "ev", "d"]


def test_without_annotators_the_two_non_gold_layers_are_compared(two_layers: Path, capsys) -> None:
    code, out, err = run(capsys, str(two_layers), "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["reference"], r["candidate"]) == ("Bob", "Dana")  # the project's layer order: names sorted


def test_three_annotators_need_annotators(tmp_path: Path, capsys) -> None:
    dana, bob = dana_and_bob()
    path = make_project(tmp_path / "three.annotator", {"Dana": dana, "Bob": bob, "Eve": bob})
    code, out, err = run(capsys, str(path))
    assert code == 1 and out == ""
    assert err.strip() == (f"error: {path}: 3 annotator layer(s) (Bob, Dana, Eve); name the two to compare "
                           "with --annotators A,B (A is the reference)")


@pytest.mark.parametrize(("argv", "message"), [
    (["--annotators", "Dana,Zed"], "no annotator 'Zed' (its layers: Bob, Dana, gold)"),
    (["--annotators", "Dana"], "--annotators takes two names, A,B (A is the reference); got 1"),
    (["--annotators", "Dana,Bob,gold"], "--annotators takes two names"),
    (["--annotators", "Dana,Dana"], "--annotators names 'Dana' twice"),
    (["--annotators", "Dana,Bob", "--labels", "PER,Weapon"], "no entity or event type 'Weapon' in the schema"),
    (["--annotators", "Dana,Bob", "--labels", ","], "--labels takes one or more"),
])
def test_bad_requests_are_one_line_and_change_nothing(two_layers: Path, capsys, argv: list[str], message: str) -> None:
    before = snapshot(two_layers)
    code, out, err = run(capsys, str(two_layers), *argv)
    assert code == 1
    assert out == ""
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert snapshot(two_layers) == before


def test_a_missing_project_is_one_line(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, str(tmp_path / "nope.annotator"))
    assert code == 1 and out == "" and err == f"error: {tmp_path / 'nope.annotator'}: no such project file\n"
    assert not (tmp_path / "nope.annotator").exists()


def test_labels_filter_the_figures(two_layers: Path, capsys) -> None:
    code, out, err = run(capsys, str(two_layers), "--annotators", "Dana,Bob", "--labels", "PER,Attack", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["labels"] == ["Attack", "PER"]
    assert set(r["per_label"]["entities"]) == {"PER"} and set(r["per_label"]["events"]) == {"Attack"}
    # PER: d (Dana 2, Bob 2, none exact) and c (Bob's Obama)
    assert (r["entities"]["exact"]["tp"], r["entities"]["exact"]["fp"], r["entities"]["exact"]["fn"]) == (0, 3, 2)
    assert (r["entities"]["overlap"]["tp"], r["entities"]["overlap"]["fp"]) == (2, 1)
    assert r["events"]["trigger_classification"]["f1"] == 1.0


def test_default_names_the_default_layer(tmp_path: Path, capsys) -> None:
    dana, bob = dana_and_bob()
    path = make_project(tmp_path / "mine.annotator", {"": dana, "Bob": bob})
    code, out, err = run(capsys, str(path), "--annotators", "default,Bob", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["reference"], r["candidate"]) == ("", "Bob")
    assert r["entities"]["exact"]["f1"] == pytest.approx(8 / 19)
    code, out, err = run(capsys, str(path), "--annotators", "Bob,default")
    assert out.startswith("Agreement of default against Bob (the reference)")


def test_two_peoples_jsonl_imported_as_layers_score_as_seqeval_and_sklearn(tmp_path: Path, capsys) -> None:
    """The whole path: two annotators' exports imported with --annotator, then `agree`, against the references."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from sklearn.metrics import cohen_kappa_score
    from test_agree import DATA, as_doc, edited, iob, plain, read, token_spans

    from annotator.formats import registry
    from annotator.formats.spec import ExportOptions, ExportReport

    docs = read("brat", DATA / "brat" / "news")
    labels = sorted({s.label for d in docs for s in d.entities})
    dana, bob, y_a, y_b, k_a, k_b = [], [], [], [], [], []
    for adoc in docs:
        toks, spans_a = token_spans(adoc)
        spans_b = edited(spans_a, len(toks), labels)
        dana.append(as_doc(adoc, toks, spans_a))
        bob.append(as_doc(adoc, toks, spans_b))
        y_a.append(iob(len(toks), spans_a))
        y_b.append(iob(len(toks), spans_b))
        if spans_a or spans_b:
            k_a += plain(len(toks), spans_a)
            k_b += plain(len(toks), spans_b)
    jsonl = registry.get("jsonl")
    for name, version in (("dana", dana), ("bob", bob)):
        with open(tmp_path / f"{name}.jsonl", "w", encoding="utf-8") as out:
            jsonl.write_stream(version, out, ExportOptions(Schema.default()), ExportReport())
    project = tmp_path / "news.annotator"
    assert main(["import", str(project), str(tmp_path / "dana.jsonl"), "--annotator", "Dana", "--add-types"]) == 0
    assert main(["import", str(project), str(tmp_path / "bob.jsonl"), "--annotator", "Bob"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, str(project), "--annotators", "Dana,Bob", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    exact = r["entities"]["exact"]
    assert exact["precision"] == pytest.approx(precision_score(y_a, y_b))  # seqeval, default mode
    assert exact["recall"] == pytest.approx(recall_score(y_a, y_b))
    assert exact["f1"] == pytest.approx(f1_score(y_a, y_b))
    assert r["entities"]["kappa"] == pytest.approx(cohen_kappa_score(k_a, k_b))
    assert exact["f1"] < 1.0
