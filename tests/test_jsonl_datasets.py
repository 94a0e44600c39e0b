"""The native JSONL export loads with ``datasets.load_dataset("json")`` at any size.

``datasets`` types each column from the first 10 MB of a file and casts every
later chunk to those types.  A key, a nested key or a value type that first
appears after that (a name, an annotator, a discontinuous span, a
normalization, a new metadata key, attributes) used to fail the load.  Here
6,000 documents are exported from a real project file (about 14 MB) in which
only the last five carry those optional parts, and the whole file is loaded
with ``datasets`` itself.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.formats.jsonl_features import jsonl_features
from annotator.formats.oneie_features import oneie_features
from annotator.formats.registry import get
from annotator.formats.spec import ExportOptions, ExportReport
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.store import Project

datasets = pytest.importorskip("datasets", reason="datasets is not installed (pip install '.[test]')")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network: datasets reads HF_DATASETS_OFFLINE when it is imported, so set what it read too."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)

N_DOCS = 6000
N_LATE = 5
FILLER = "Nothing else happened in the province that week. " * 40  # ~2 KB, so the file passes 10 MB


def sentence(i: int) -> str:
    return f"Gunmen attacked Mosul on day {i} and police in Basra said so. "


def build_document(i: int) -> AnnotatedDocument:
    """Document ``i``: two entities, an attack with two arguments and a relation; the late ones carry the rest."""
    text = sentence(i) + FILLER
    gunmen = (0, 6)
    mosul = (16, 21)
    police = (text.index("police"), text.index("police") + 6)
    basra = (text.index("Basra"), text.index("Basra") + 5)
    late = i >= N_DOCS - N_LATE
    who = f"annotator-{i}" if late else ""
    spans = [
        Span("T1", "PER", *gunmen, annotator=who,
             normalizations=[Normalization("Wikidata", f"Q{i}", "gunmen")] if late else []),
        Span("T2", "GPE", *mosul),
        Span("T3", "Conflict.Attack", 7, 15, kind="trigger"),
    ]
    events = [Event("E1", "Conflict.Attack", "T3", [Argument("Attacker", "T1", annotator=who), Argument("Place", "T2")],
                    attributes={"Polarity": "Negative", "Tense": "Past"} if late else {},
                    annotator=who,
                    normalizations=[Normalization("ACE", "Attack", f"attack {i}")] if late else [])]
    relations = [Relation("R1", "PHYS", "T1", "T2", annotator=who,
                          normalizations=[Normalization("GeoNames", "99072", "Mosul")] if late else [])]
    if late:  # a discontinuous entity and a discontinuous trigger: "police ... Basra", "attacked ... said"
        spans.append(Span("T4", "ORG", police[0], basra[1], fragments=[police, basra]))
        said = text.index("said")
        spans.append(Span("T5", "Contact.Meet", 7, said + 4, kind="trigger", fragments=[(7, 15), (said, said + 4)]))
        events.append(Event("E2", "Contact.Meet", "T5", [Argument("Entity", "T4")]))
        spans.append(Span("T6", "Report", said, said + 4, kind="trigger"))  # a nested event: E3 reports E1
        events.append(Event("E3", "Report", "T6", [Argument("Reporter", "T4"), Argument("Content", "E1")]))
    meta = {"source": f"doc-{i}.txt"}
    if late:
        meta.update(url=f"https://example.invalid/{i}", tags=["late", str(i)], score=0.5, checked=True)
    document = Document(id=f"doc-{i:05d}", text=text, name=f"Late document {i}" if late else "", meta=meta)
    return AnnotatedDocument(document, spans, events, relations)


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    with Project.open(path) as project:
        project.import_documents(build_document(i) for i in range(N_DOCS))
    return path


def export(project_file: Path, fmt_name: str, name: str, **options: object) -> Path:
    out = project_file.parent / name
    with Project.open(project_file) as project:
        fmt = get(fmt_name)
        assert fmt.write_stream is not None
        with open(out, "w", encoding="utf-8", newline="\n") as fh:
            n = fmt.write_stream(project.iter_annotated(), fh, ExportOptions(schema=project.schema, **options),
                                 ExportReport())
    assert n == N_DOCS
    size = out.stat().st_size
    assert size > 12 << 20, size  # the late documents are well past the first 10 MB chunk
    return out


@pytest.fixture(scope="module")
def exported(project_file: Path) -> Path:
    return export(project_file, "jsonl", "export.jsonl")


def load(path: Path, cache: Path, features: object = None) -> object:
    datasets.disable_progress_bars()
    return datasets.load_dataset("json", data_files=str(path), cache_dir=str(cache), split="train", features=features)


def test_the_late_documents_are_past_the_first_chunk(exported: Path) -> None:
    """Guard: the first 10 MB hold no optional part, so its types come from empty values only."""
    with open(exported, "rb") as fh:
        head = fh.read(10 << 20)
    first = [json.loads(line) for line in head.split(b"\n")[:-1]]
    assert len(first) < N_DOCS - N_LATE
    assert not any("Late document" in d["name"] or d["entities"][0]["annotator"] for d in first)
    assert all(len(d["events"]) == 1 and d["events"][0]["normalizations"] == "[]" for d in first)


def test_load_dataset_reads_every_row_with_its_values(exported: Path, tmp_path: Path) -> None:
    ds = load(exported, tmp_path / "cache")
    assert ds.num_rows == N_DOCS

    first = ds[0]
    assert first["id"] == "doc-00000" and first["name"] == "doc-00000"
    assert json.loads(first["meta"]) == {"source": "doc-0.txt"}
    assert [e["annotator"] for e in first["entities"]] == ["", ""]
    assert first["entities"][0]["fragments"] == [[0, 6]]
    assert first["entities"][0]["normalizations"] == "[]"
    assert first["events"][0]["attributes"] == "{}"

    i = N_DOCS - 1
    last = ds[i]
    assert last["id"] == f"doc-{i:05d}"
    assert last["name"] == f"Late document {i}"
    assert json.loads(last["meta"]) == {"source": f"doc-{i}.txt", "url": f"https://example.invalid/{i}",
                                        "tags": ["late", str(i)], "score": 0.5, "checked": True}
    ents = {e["id"]: e for e in last["entities"]}
    assert ents["T1"]["annotator"] == f"annotator-{i}"
    assert json.loads(ents["T1"]["normalizations"]) == [{"resource": "Wikidata", "entry": f"Q{i}", "text": "gunmen"}]
    text = last["text"]
    police, basra = text.index("police"), text.index("Basra")
    assert ents["T4"]["fragments"] == [[police, police + 6], [basra, basra + 5]]
    assert ents["T4"]["text"] == text[police:basra + 5]
    e1, e2, e3 = last["events"]
    assert json.loads(e1["attributes"]) == {"Polarity": "Negative", "Tense": "Past"}
    assert e1["annotator"] == f"annotator-{i}"
    assert [(a["role"], a["ref"], a["annotator"]) for a in e1["arguments"]] == [
        ("Attacker", "T1", f"annotator-{i}"), ("Place", "T2", "")]
    assert json.loads(e1["normalizations"]) == [{"resource": "ACE", "entry": "Attack", "text": f"attack {i}"}]
    said = text.index("said")
    assert e2["trigger"] == {"start": 7, "end": said + 4, "text": text[7:said + 4], "fragments": [[7, 15], [said, said + 4]]}
    (rel,) = last["relations"]
    assert rel["annotator"] == f"annotator-{i}"
    assert json.loads(rel["normalizations"]) == [{"resource": "GeoNames", "entry": "99072", "text": "Mosul"}]
    assert [(a["role"], a["ref"]) for a in e3["arguments"]] == [("Reporter", "T4"), ("Content", "E1")]


def test_with_the_features_a_list_first_filled_after_10_mb_loads_too(exported: Path, tmp_path: Path) -> None:
    """No JSON shape can type a list that is empty all through the first 10 MB; jsonl_features() can."""
    no_early_events = tmp_path / "no-early-events.jsonl"
    with open(exported, encoding="utf-8") as src, open(no_early_events, "w", encoding="utf-8", newline="\n") as out:
        for k, line in enumerate(src):
            obj = json.loads(line)
            if k < N_DOCS - N_LATE:
                obj["events"] = []
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    ds = load(no_early_events, tmp_path / "cache", jsonl_features())
    assert ds.num_rows == N_DOCS
    assert ds[0]["events"] == []
    assert [e["type"] for e in ds[N_DOCS - 1]["events"]] == ["Conflict.Attack", "Contact.Meet", "Report"]


def test_oneie_export_loads_with_its_features(project_file: Path, tmp_path: Path) -> None:
    """Nested arguments only in the last records: OneIE's shape needs oneie_features() for that."""
    path = export(project_file, "oneie", "export.oneie.jsonl")
    ds = load(path, tmp_path / "cache", oneie_features())
    assert ds.num_rows == N_DOCS
    first, last = ds[0], ds[N_DOCS - 1]
    assert first["wnd_id"] == "doc-00000" and first["lang"] == "en"
    assert first["event_mentions"][0]["nested_arguments"] == []
    report = last["event_mentions"][2]
    assert report["event_type"] == "Report"
    assert report["nested_arguments"] == [{"event_id": "E1", "role": "Content"}]
    (reporter,) = report["arguments"]
    assert (reporter["entity_id"], reporter["role"]) == ("T4", "Reporter")
    assert last["tokens"][reporter["start"]:reporter["end"]] == ["police", "in", "Basra"]
