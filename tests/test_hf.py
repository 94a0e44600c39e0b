"""Hugging Face token classification: the folder export, the seeded split, loading with datasets, import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.formats import registry
from annotator.formats.errors import FormatError
from annotator.formats.output import FolderOutput
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import AnnotatedDocument, Document, Event, Span, TRIGGER
from annotator.schema import Schema
from annotator.store import Project

DATA = Path(__file__).parent / "data" / "conll"
FORMAT = registry.get("hf")
SCHEMA = Schema.from_toml('name = "t"\n[entities.PER]\n[entities.ORG]\n[entities.GPE]\n[events."Life.Die"]\n')


def doc(doc_id: str, text: str, *labelled: tuple[str, str]) -> AnnotatedDocument:
    spans = []
    for label, phrase in labelled:
        i = text.index(phrase)
        spans.append(Span(f"T{len(spans) + 1}", label, i, i + len(phrase)))
    return AnnotatedDocument(Document(doc_id, text), spans=spans)


def export(docs, folder: Path, **opts) -> ExportReport:
    report = ExportReport()
    n = FORMAT.write_folder(docs, FolderOutput(folder), ExportOptions(SCHEMA, **opts), report)
    assert n == len(docs)
    return report


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def read(path: Path, report: ImportReport | None = None) -> list[AnnotatedDocument]:
    return [s.doc for s in FORMAT.read(path, ImportOptions(SCHEMA), report or ImportReport())]


def test_export_layout(tmp_path):
    docs = [
        doc("d1", "Smith joined the U.N. in May.\nHe left.", ("PER", "Smith"), ("ORG", "U.N")),
        AnnotatedDocument(Document("d2", "Gunmen killed two."),
                          spans=[Span("T1", "Life.Die", 7, 13, kind=TRIGGER)],
                          events=[Event("E1", "Life.Die", "T1")]),
    ]
    report = export(docs, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["label_names.json", "train.jsonl"]
    assert lines(tmp_path / "out" / "train.jsonl") == [
        {"id": "d1-1", "document": "d1", "tokens": ["Smith", "joined", "the", "U.N.", "in", "May", "."],
         "ner_tags": ["B-PER", "O", "O", "B-ORG", "O", "O", "O"]},
        {"id": "d1-2", "document": "d1", "tokens": ["He", "left", "."], "ner_tags": ["O", "O", "O"]},
        {"id": "d2-1", "document": "d2", "tokens": ["Gunmen", "killed", "two", "."], "ner_tags": ["O", "O", "O", "O"]},
    ]
    assert json.loads((tmp_path / "out" / "label_names.json").read_text("utf-8")) == [
        "O", "B-GPE", "I-GPE", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    assert report.expanded == ["d1: T2 'U.N' -> 'U.N.'"]
    assert report.left_out["events (Hugging Face token classification has no events)"] == 1


def test_labels_outside_the_schema_get_names_too(tmp_path):
    export([doc("d", "Paris is big.", ("CITY", "Paris"))], tmp_path)
    assert "B-CITY" in json.loads((tmp_path / "label_names.json").read_text("utf-8"))


def split_ids(folder: Path) -> tuple[list[str], list[str]]:
    return ([r["document"] for r in lines(folder / "train.jsonl")],
            [r["document"] for r in lines(folder / "dev.jsonl")])


def test_split_is_a_fixed_seeded_shuffle_of_documents(tmp_path):
    docs = [doc(f"d{i}", f"Text number {i}.") for i in range(10)]
    export(docs, tmp_path / "a", split=0.2, seed=0)
    export(docs, tmp_path / "b", split=0.2, seed=0)
    export(docs, tmp_path / "c", split=0.2, seed=1)
    train, dev = split_ids(tmp_path / "a")
    # random.Random(0).shuffle(list(range(10))) begins 7, 8: worked out once and fixed here
    assert dev == ["d7", "d8"]
    assert train == ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d9"]
    assert split_ids(tmp_path / "b") == (train, dev)
    assert split_ids(tmp_path / "c")[1] == ["d6", "d8"]


def test_split_keeps_one_document_in_each_set(tmp_path):
    export([doc("a", "One."), doc("b", "Two.")], tmp_path, split=0.01)
    train, dev = split_ids(tmp_path)
    assert len(train) == 1 and len(dev) == 1


def test_bad_split_share_is_refused(tmp_path):
    with pytest.raises(FormatError, match="below 1"):
        export([doc("a", "One.")], tmp_path, split=1.5)


def test_loads_with_datasets_and_tags_map_through_label_names(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    datasets = pytest.importorskip("datasets")
    docs = [doc(f"d{i}", f"Smith met Acme Corp in Paris on day {i}.\nThen he left.",
                ("PER", "Smith"), ("ORG", "Acme Corp"), ("GPE", "Paris")) for i in range(30)]
    export(docs, tmp_path / "out", split=0.25, seed=3)
    folder = tmp_path / "out"
    ds = datasets.load_dataset(
        "json",
        data_files={"train": str(folder / "train.jsonl"), "validation": str(folder / "dev.jsonl")},
        cache_dir=str(tmp_path / "cache"),
    )
    assert ds["train"].num_rows + ds["validation"].num_rows == 60  # two sentences each
    assert ds["validation"].num_rows == 2 * round(30 * 0.25)
    names = json.loads((folder / "label_names.json").read_text("utf-8"))
    labels = datasets.ClassLabel(names=names)
    row = ds["train"][0]
    ids = [labels.str2int(t) for t in row["ner_tags"]]
    assert [names[i] for i in ids] == ["B-PER", "O", "B-ORG", "I-ORG", "O", "B-GPE", "O", "O", "O", "O"]
    assert row["tokens"][:4] == ["Smith", "met", "Acme", "Corp"]


def test_import_of_the_export_groups_sentences_into_documents(tmp_path):
    docs = [doc("d1", "Smith joined Acme .\nHe left .", ("PER", "Smith"), ("ORG", "Acme")),
            doc("d2", "Paris .", ("GPE", "Paris"))]
    export(docs, tmp_path / "out", split=0.5, seed=0)
    report = ImportReport()
    got = {d.document.id: d for d in read(tmp_path / "out", report)}
    assert got["d1"].document.text == "Smith joined Acme .\nHe left ."
    assert [(s.label, got["d1"].document.text[s.start:s.end]) for s in got["d1"].spans] == [
        ("PER", "Smith"), ("ORG", "Acme")]
    assert got["d2"].document.text == "Paris ."
    assert report.notes == ["text rebuilt from the tokens: single spaces between tokens, one sentence (record) per line"]


def test_import_numbered_tags_with_label_names_beside(tmp_path):
    (tmp_path / "label_names.json").write_text('["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]', "utf-8")
    path = tmp_path / "conll.jsonl"
    path.write_text(
        '{"id": "0", "tokens": ["EU", "rejects", "Peter", "Blackburn"], "ner_tags": [0, 0, 1, 2]}\n'
        '{"id": "1", "tokens": ["BRUSSELS", "1996"], "ner_tags": [3, 0]}\n', "utf-8")
    d0, d1 = read(path)
    assert (d0.document.id, d0.document.text) == ("0", "EU rejects Peter Blackburn")
    assert [(s.label, s.start, s.end) for s in d0.spans] == [("PER", 11, 26)]
    assert [(s.label, s.start, s.end) for s in d1.spans] == [("LOC", 0, 8)]
    assert FORMAT.sniff(path) and registry.detect(path).name == "hf"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ('{"tokens": ["a", "b"], "ner_tags": ["O"]}', "2 tokens but 1 ner_tags"),
        ('{"tokens": ["a"], "ner_tags": ["B-"]}', "bad tag 'B-'"),
        ('{"tokens": ["a"], "ner_tags": [3]}', "no label_names.json"),
        ('{"tokens": ["a b"], "ner_tags": ["O"]}', "not a word without spaces"),
        ('{"tokens": "a", "ner_tags": ["O"]}', 'expected "tokens" and "ner_tags" lists'),
        ('{"tokens": [', "malformed JSON"),
        ('[1, 2]', "expected a JSON object"),
    ],
)
def test_bad_records_name_file_and_line(tmp_path, record, message):
    path = tmp_path / "x.jsonl"
    path.write_text('{"tokens": ["ok"], "ner_tags": ["O"]}\n' + record + "\n", "utf-8")
    with pytest.raises(FormatError) as err:
        read(path)
    assert err.value.line == 2
    assert message in err.value.message


def test_round_trip_through_a_project_from_conll(tmp_path):
    conll = registry.get("conll")
    (adoc,) = [s.doc for s in conll.read(DATA / "ner-token-per-line.iob", ImportOptions(SCHEMA), ImportReport())]
    schema = Schema.from_toml('name = "t"\n' + "".join(f"[entities.{x}]\n" for x in ("PERSON", "ORG", "DATE", "NORP")))
    with Project.open(tmp_path / "p.db", schema=schema) as p:
        p.import_documents([adoc])
        docs = list(p.iter_annotated())
    export(docs, tmp_path / "out")
    (rec,) = lines(tmp_path / "out" / "train.jsonl")
    original = [ln.split("\t") for ln in (DATA / "ner-token-per-line.iob").read_text("utf-8").splitlines() if ln]
    assert list(zip(rec["tokens"], rec["ner_tags"])) == [tuple(x) for x in original]
    (back,) = read(tmp_path / "out" / "train.jsonl")
    assert back.document.text == adoc.document.text
    assert [(s.label, s.start, s.end) for s in back.spans] == [(s.label, s.start, s.end) for s in adoc.spans]
