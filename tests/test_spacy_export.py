"""spaCy DocBin export and import: tokens, widened spans, overlapping spans, the split, spacy train, spaCy missing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.formats import registry
from annotator.formats.errors import FormatError
from annotator.formats.output import FolderOutput
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import TRIGGER, AnnotatedDocument, Document, Event, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

DATA = Path(__file__).parent / "data" / "conll"
FORMAT = registry.get("spacy")
SCHEMA = Schema.default()


def doc(doc_id: str, text: str, *labelled: tuple[str, str]) -> AnnotatedDocument:
    spans = []
    for label, phrase in labelled:
        i = text.index(phrase)
        spans.append(Span(f"T{len(spans) + 1}", label, i, i + len(phrase)))
    return AnnotatedDocument(Document(doc_id, text), spans=spans)


def export(docs, folder: Path, **opts) -> ExportReport:
    report = ExportReport()
    assert FORMAT.write_folder(docs, FolderOutput(folder), ExportOptions(SCHEMA, **opts), report) == len(docs)
    return report


def load(path: Path) -> list:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def read(path: Path) -> list[AnnotatedDocument]:
    return [s.doc for s in FORMAT.read(path, ImportOptions(SCHEMA), ImportReport())]


def test_docbin_with_spacy_tokens_widened_and_overlapping_spans(tmp_path):
    pytest.importorskip("spacy")
    text = "A self-driving car from the U.N. reached New York City.\nIt stopped."
    adoc = doc("d1", text, ("VEH", "self-driv"), ("ORG", "U.N"), ("GPE", "New York City"), ("GPE", "York"))
    adoc.spans.append(Span("T9", "Movement.Transport", text.index("reached"), text.index("reached") + 7, kind=TRIGGER))
    adoc.events.append(Event("E1", "Movement.Transport", "T9"))
    adoc.relations.append(Relation("R1", "PART-WHOLE", "T3", "T4"))
    report = export([adoc], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.spacy"]
    (sdoc,) = load(tmp_path / "train.spacy")
    assert sdoc.text == text
    assert [t.text for t in sdoc][:7] == ["A", "self", "-", "driving", "car", "from", "the"]  # spaCy's own tokens
    assert [(e.text, e.label_) for e in sdoc.ents] == [
        ("self-driving", "VEH"), ("U.N.", "ORG"), ("New York City", "GPE")]
    assert [(s.text, s.label_) for s in sdoc.spans["sc"]] == [("York", "GPE")]
    assert sdoc.user_data["id"] == "d1"
    assert report.expanded == ["d1: T1 'self-driv' -> 'self-driving'", "d1: T2 'U.N' -> 'U.N.'"]
    assert report.left_out == {
        "events (spaCy has no events)": 1, "event triggers (spaCy has no events)": 1,
        "relations (spaCy has no relations)": 1,
    }
    assert any("doc.spans['sc']" in note for note in report.notes)


def test_documents_read_from_tokens_keep_their_tokens(tmp_path):
    pytest.importorskip("spacy")
    path = tmp_path / "x.conll"
    path.write_text("The\tO\nU.S.-based\tB-ORG\nfirm\tO\ncan't\tO\n\nGo\tO\n", "utf-8")
    (adoc,) = [s.doc for s in registry.get("conll").read(path, ImportOptions(SCHEMA), ImportReport())]
    export([adoc], tmp_path / "out")
    (sdoc,) = load(tmp_path / "out" / "train.spacy")
    assert sdoc.text == "The U.S.-based firm can't\nGo"
    assert [t.text for t in sdoc if not t.is_space] == ["The", "U.S.-based", "firm", "can't", "Go"]
    assert [(e.text, e.label_) for e in sdoc.ents] == [("U.S.-based", "ORG")]


def test_split_writes_train_and_dev(tmp_path):
    pytest.importorskip("spacy")
    docs = [doc(f"d{i}", f"Text {i} here.") for i in range(10)]
    export(docs, tmp_path, split=0.2, seed=0)
    train = [d.user_data["id"] for d in load(tmp_path / "train.spacy")]
    dev = [d.user_data["id"] for d in load(tmp_path / "dev.spacy")]
    assert dev == ["d7", "d8"]  # random.Random(0) shuffles 0..9 to 7, 8, ...: fixed here
    assert len(train) == 8 and not set(train) & set(dev)


def test_import_gives_back_text_and_spans_and_ids(tmp_path):
    pytest.importorskip("spacy")
    text = "Smith met the U.N. chief in New York.\n\nThen he left."
    adoc = doc("a/1", text, ("PER", "Smith"), ("ORG", "U.N."), ("PER", "the U.N. chief"), ("GPE", "New York"))
    export([adoc, doc("b", "Nothing.")], tmp_path)
    back = read(tmp_path / "train.spacy")
    assert [d.document.id for d in back] == ["a/1", "b"]
    assert back[0].document.text == text
    got = sorted((s.label, text[s.start:s.end]) for s in back[0].spans)
    assert got == sorted([("PER", "Smith"), ("ORG", "U.N."), ("PER", "the U.N. chief"), ("GPE", "New York")])
    assert FORMAT.sniff(tmp_path / "train.spacy") and registry.detect(tmp_path / "train.spacy").name == "spacy"


def test_round_trip_conll_project_spacy_project(tmp_path):
    pytest.importorskip("spacy")
    conll = registry.get("conll")
    (adoc,) = [s.doc for s in conll.read(DATA / "ner-token-per-line.iob", ImportOptions(SCHEMA), ImportReport())]
    schema = Schema.from_toml('name = "t"\n' + "".join(f"[entities.{x}]\n" for x in ("PERSON", "ORG", "DATE", "NORP")))
    with Project.open(tmp_path / "p.db", schema=schema) as p:
        p.import_documents([adoc])
        export(list(p.iter_annotated()), tmp_path / "out")
    with Project.open(tmp_path / "q.db", schema=schema) as q:
        q.import_documents(read(tmp_path / "out"))
        (back,) = list(q.iter_annotated())
    assert back.document.text == adoc.document.text
    assert [(s.label, s.start, s.end) for s in back.spans] == [(s.label, s.start, s.end) for s in adoc.spans]


def test_damaged_file_is_refused(tmp_path):
    pytest.importorskip("spacy")
    bad = tmp_path / "x.spacy"
    bad.write_bytes(b"not a docbin")
    with pytest.raises(FormatError) as err:
        read(bad)
    assert str(err.value).startswith(f"{bad}: not a spaCy DocBin file")


def test_without_spacy_the_error_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` now raises ImportError
    with pytest.raises(FormatError) as err:
        export([doc("d", "Text.")], tmp_path / "out")
    assert err.value.message == "spaCy is not installed; install it with pip install 'annotator[spacy]'"
    assert not (tmp_path / "out").exists()  # no empty folder left behind
    with pytest.raises(FormatError, match=r"pip install 'annotator\[spacy\]'"):
        read(tmp_path / "x.spacy")


def test_spacy_is_imported_only_when_the_format_is_used():
    code = (
        "import sys\n"
        "from annotator.formats import registry\n"
        "for name in registry.names(): registry.get(name)\n"
        "from annotator.formats import tokenize, iob\n"
        "assert 'spacy' not in sys.modules, 'spacy imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_spacy_train_reads_the_export(tmp_path):
    pytest.importorskip("spacy")
    docs = [doc(f"d{i}", f"Smith met Acme Corp in Paris on day {i}.", ("PER", "Smith"), ("ORG", "Acme Corp"),
                ("GPE", "Paris")) for i in range(6)]
    export(docs, tmp_path / "data", split=0.34, seed=0)
    cfg = tmp_path / "ner.cfg"
    init = subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(cfg), "--lang", "en", "--pipeline", "ner"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert init.returncode == 0, init.stderr
    train = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(tmp_path / "model"),
         "--paths.train", str(tmp_path / "data" / "train.spacy"), "--paths.dev", str(tmp_path / "data" / "dev.spacy"),
         "--training.max_steps", "2", "--training.eval_frequency", "1"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "ner").is_dir()


def test_through_export_to_path_with_a_split(tmp_path):
    pytest.importorskip("spacy")
    from annotator.importer import export_to_path

    schema = Schema.from_toml('name = "t"\n[entities.PER]\n')
    with Project.open(tmp_path / "p.db", schema=schema) as p:
        p.import_documents([doc(f"d{i}", f"Smith {i} left.", ("PER", "Smith")) for i in range(4)])
        report = ExportReport()
        n = export_to_path(p, tmp_path / "out", "spacy", options=ExportOptions(schema, split=0.5, seed=0),
                           report=report)
    assert n == 4
    assert sorted(f.name for f in report.files) == ["dev.spacy", "train.spacy"]
    assert len(load(tmp_path / "out" / "train.spacy")) == 2 and len(load(tmp_path / "out" / "dev.spacy")) == 2
    assert report.notes == ["split (seed 0): 2 document(s) in train.spacy, 2 in dev.spacy"]
