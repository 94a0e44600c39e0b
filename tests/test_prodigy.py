"""Prodigy JSONL in and out, on a real ner_manual export and hand-made rel.manual tasks (tests/data/prodigy)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import importer
from annotator.formats import prodigy, registry
from annotator.formats.errors import FormatError
from annotator.formats.prodigy_write import doc_to_task, fit_tokens
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

DATA = Path(__file__).resolve().parent / "data" / "prodigy"
NEWS = DATA / "news_headlines_ner.head-25.jsonl"
RELS = DATA / "relations.jsonl"
ENTITIES = ("ORG", "PERSON", "LOCATION", "LOC")


def schema() -> Schema:
    toml = "".join(f'[entities.{e}]\ncolor = "#a0c0e0"\n' for e in ENTITIES)
    ends = ", ".join(f'"{e}"' for e in ENTITIES)
    toml += "".join(f"[relations.{r}]\nhead = [{ends}]\ntail = [{ends}]\n" for r in ("WORKS_FOR", "LOCATED_IN"))
    return Schema.from_toml(toml, "prodigy-test.toml")


def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.db")
    p.set_schema(schema())
    return p


def read(path: Path, report: ImportReport | None = None) -> list[AnnotatedDocument]:
    report = report if report is not None else ImportReport()
    return [s.doc for s in prodigy.FORMAT.read(path, ImportOptions(schema()), report)]


def import_file(p: Project, path: Path, report: ImportReport | None = None) -> int:
    report = report if report is not None else ImportReport()
    return p.import_documents(s.doc for s in prodigy.FORMAT.read(path, ImportOptions(p.schema), report))


def export(p: Project, tmp_path: Path, report: ExportReport | None = None) -> list[dict]:
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        prodigy.FORMAT.write_stream(p.iter_annotated(), fh, ExportOptions(p.schema),
                                    report if report is not None else ExportReport())
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def original(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def token_view(task: dict) -> list[tuple[str, int, int, int]]:
    return [(t["text"], t["start"], t["end"], t["id"]) for t in task["tokens"]]


def span_view(s: dict) -> tuple[int, int, int, int, str]:
    return (s["start"], s["end"], s["token_start"], s["token_end"], s["label"])


# ---------------------------------------------------------------- round trips


def test_ner_manual_export_round_trips_through_a_project(tmp_path):
    with project(tmp_path) as p:
        assert import_file(p, NEWS) == 25
        report = ExportReport()
        got = export(p, tmp_path, report)
    want = original(NEWS)
    assert len(got) == len(want) == 25
    assert report.lossless
    for g, w in zip(got, want):
        assert g["text"] == w["text"]
        assert [span_view(s) for s in g["spans"]] == [span_view(s) for s in w.get("spans", [])]
        assert token_view(g) == token_view(w)
        for key in ("meta", "_input_hash", "_task_hash", "_view_id", "_session_id"):
            assert g[key] == w[key], key
        assert g["answer"] == "accept"
    # Prodigy's tokens, not ours: "Uber’s" is two tokens there, and a span covers whole ones
    assert [t["text"] for t in got[0]["tokens"][:2]] == ["Uber", "’s"]
    assert sum(len(w.get("spans", [])) for w in want) == sum(len(g["spans"]) for g in got) == 27


def test_a_span_added_inside_a_prodigy_token_splits_that_token_on_export(tmp_path):
    with project(tmp_path) as p:
        import_file(p, NEWS)
        doc_id = p.document_ids()[0]
        assert p.get_document(doc_id).text[7:13] == "Lesson"
        p.add_span(doc_id, Span("", "ORG", 7, 11))  # "Less", inside Prodigy's token 2
        report = ExportReport()
        got = export(p, tmp_path, report)[0]
    want = original(NEWS)[0]
    texts = [t["text"] for t in got["tokens"]]
    assert texts[:5] == ["Uber", "’s", "Less", "on", ":"]
    assert len(texts) == len(want["tokens"]) + 1
    assert [span_view(s) for s in got["spans"]] == [
        (0, 4, 0, 0, "ORG"), (15, 29, 5, 6, "LOCATION"), (7, 11, 2, 2, "ORG")]
    assert any("split where a span starts or ends inside one" in n for n in report.notes)


def test_relations_round_trip_and_rejected_tasks_are_skipped_and_counted(tmp_path):
    with project(tmp_path) as p:
        report = ImportReport()
        assert import_file(p, RELS, report) == 2
        assert dict(report.skipped) == {"records answered 'reject'": 1, "records answered 'ignore'": 1}
        assert "skipped 1 records answered 'reject'" in report.lines()
        assert "relation keys not kept: color" in report.notes
        got = export(p, tmp_path)
    want = [w for w in original(RELS) if w["answer"] == "accept"]
    assert [g["text"] for g in got] == [w["text"] for w in want]
    for g, w in zip(got, want):
        assert [span_view(s) for s in g["spans"]] == [span_view(s) for s in w["spans"]]
        assert token_view(g) == token_view(w)
        assert [(r["head"], r["child"], r["label"]) for r in g["relations"]] == \
               [(r["head"], r["child"], r["label"]) for r in w["relations"]]
    first = got[0]["relations"]
    assert [span_view(r["head_span"]) for r in first] == [span_view(r["head_span"]) for r in want[0]["relations"]]
    assert [span_view(r["child_span"]) for r in first] == [span_view(r["child_span"]) for r in want[0]["relations"]]


def test_import_through_the_importer_with_auto_detection(tmp_path):
    with project(tmp_path) as p:
        report = ImportReport()
        assert importer.import_paths(p, [NEWS, RELS], report=report) == 27
        assert report.skipped["records answered 'reject'"] == 1
        out = tmp_path / "out.jsonl"
        assert importer.export_to_path(p, out, "prodigy") == 27
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [span_view(s) for s in got[0]["spans"]] == [span_view(s) for s in original(NEWS)[0]["spans"]]


# ---------------------------------------------------------------- tokens, spans and relations that disagree


def task(**changes) -> dict:
    base = {
        "text": "Acme hired Bob.",
        "tokens": [{"text": "Acme", "start": 0, "end": 4, "id": 0}, {"text": "hired", "start": 5, "end": 10, "id": 1},
                   {"text": "Bob", "start": 11, "end": 14, "id": 2}, {"text": ".", "start": 14, "end": 15, "id": 3}],
        "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "ORG"},
                  {"start": 11, "end": 14, "token_start": 2, "token_end": 2, "label": "PERSON"}],
        "answer": "accept",
    }
    base.update(changes)
    return base


def write_tasks(tmp_path: Path, *tasks: dict) -> Path:
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


SPAN_BOB = {"start": 11, "end": 14, "token_start": 2, "token_end": 2, "label": "PERSON"}
SPAN_ACME = {"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "ORG"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 1, "label": "ORG"}]},
     "offsets 0-4 \"Acme\" but tokens 0-1 cover 0-10 \"Acme hired\""),
    ({"spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 7, "label": "ORG"}]}, "outside the 4 tokens"),
    ({"spans": [{"start": 0, "end": 40, "label": "ORG"}]}, "outside the text (length 15)"),
    ({"spans": [{"start": 4, "end": 0, "label": "ORG"}]}, "start 4 is after end 0"),
    ({"spans": [{"start": 0, "end": 4, "text": "Acne", "label": "ORG"}]},
     "text \"Acne\" but the document has \"Acme\""),
    ({"spans": [{"start": 0, "end": 4}]}, '"label" must be a non-empty string'),
    ({"tokens": [{"text": "Acmé", "start": 0, "end": 4, "id": 0}]}, "token 0: text \"Acmé\""),
    ({"tokens": [{"text": "Acme", "start": 0, "end": 4, "id": 5}]}, "token 0 has id 5"),
    ({"relations": [{"head": 0, "child": 2, "label": "R", "head_span": SPAN_BOB, "child_span": SPAN_BOB}]},
     "head token 0 is outside its head_span (tokens 2-2)"),
    ({"relations": [{"head": 1, "child": 2, "label": "R"}]}, "head token 1 \"hired\" is inside no span"),
    ({"relations": [{"head": 9, "child": 2, "label": "R"}]}, "head token 9 is outside the 4 tokens"),
    ({"relations": [{"child": 2, "label": "R"}]}, 'neither "head" nor "head_span"'),
    ({"relations": [{"head": 1, "child": 2, "label": "R",
                     "head_span": {"start": 5, "end": 10, "token_start": 1, "token_end": 1, "label": None}}]},
     "head_span 5-10 is no span of the task and has no label"),
    ({"answer": "maybe"}, '"answer" must be one of accept, reject, ignore'),
    ({"meta": {"_prodigy": 1}}, "reserved"),
])
def test_contradictions_are_refused_with_file_and_line(tmp_path, changes, message):
    path = write_tasks(tmp_path, task(), task(**changes))
    with pytest.raises(FormatError) as e:
        read(path)
    assert e.value.line == 2
    assert message in str(e.value)
    assert str(e.value).startswith(f"{path}:2: ")


def test_nothing_is_written_when_a_later_task_is_bad(tmp_path):
    path = write_tasks(tmp_path, task(), task(spans=[{"start": 0, "end": 4, "token_start": 1, "token_end": 1,
                                                     "label": "ORG"}]))
    with project(tmp_path) as p:
        with pytest.raises(FormatError):
            import_file(p, path)
        assert p.document_count() == 0


def test_a_relation_to_a_labelled_span_missing_from_spans_adds_the_span(tmp_path):
    hired = {"start": 5, "end": 10, "token_start": 1, "token_end": 1, "label": "ORG"}
    path = write_tasks(tmp_path, task(relations=[{"head": 1, "child": 2, "head_span": hired, "child_span": SPAN_BOB,
                                                  "label": "WORKS_FOR"}]))
    (adoc,) = read(path)
    spans = adoc.span_by_id()
    (rel,) = adoc.relations
    assert (spans[rel.head].start, spans[rel.head].end, spans[rel.head].label) == (5, 10, "ORG")
    assert (spans[rel.tail].start, spans[rel.tail].end) == (11, 14)
    assert len(adoc.spans) == 3


def test_a_relation_by_token_picks_the_span_that_ends_at_that_token(tmp_path):
    nested = [SPAN_ACME, {"start": 0, "end": 14, "token_start": 0, "token_end": 2, "label": "PERSON"}]
    path = write_tasks(tmp_path, task(spans=nested, relations=[{"head": 0, "child": 2, "label": "R"}]))
    (adoc,) = read(path)
    spans = adoc.span_by_id()
    (rel,) = adoc.relations
    assert (spans[rel.head].start, spans[rel.head].end) == (0, 4)  # the span whose last token is token 0
    assert (spans[rel.tail].start, spans[rel.tail].end) == (0, 14)  # the only span holding token 2


def test_character_offsets_alone_and_token_indices_alone_are_both_read(tmp_path):
    path = write_tasks(tmp_path, task(spans=[{"start": 0, "end": 4, "label": "ORG"},
                                             {"token_start": 2, "token_end": 3, "label": "PERSON"}]))
    (adoc,) = read(path)
    assert [(s.start, s.end, s.label) for s in adoc.spans] == [(0, 4, "ORG"), (11, 15, "PERSON")]


# ---------------------------------------------------------------- export of documents that did not come from Prodigy


def test_tokens_are_fitted_to_spans_inside_words_and_at_whitespace():
    text = "Anti-ISIS forces  met  in Kabul."
    # "ISIS" inside a word; "  met" starts in whitespace; "met " ends in it; "in Kabul." is whole tokens
    spans = [Span("T1", "ORG", 5, 9), Span("T2", "LOC", 16, 21), Span("T3", "LOC", 23, 32), Span("T4", "X", 18, 22)]
    toks = fit_tokens(text, [(0, 9), (10, 16), (18, 21), (23, 25), (26, 31), (31, 32)], spans)
    assert [text[a:b] for a, b in toks] == ["Anti-", "ISIS", "forces", "  ", "met", " ", "in", "Kabul", "."]
    # every span starts at a token start and ends at a token end
    assert all(any(a == s.start for a, _ in toks) and any(b == s.end for _, b in toks) for s in spans)


def test_export_of_a_project_document_round_trips_and_counts_losses(tmp_path):
    text = "Anti-ISIS fighters attacked Kabul and Herat."
    adoc = AnnotatedDocument(
        Document(id="d1", text=text, meta={"source": "wire"}, status="done"),
        [Span("T1", "ORG", 5, 18, attributes={"Generic": True}),
         Span("T2", "LOC", 28, 43, fragments=[(28, 33), (38, 43)]),
         Span("T3", "Conflict.Attack", 19, 27, kind="trigger")],
        [Event("E1", "Conflict.Attack", "T3", [Argument("Attacker", "T1")])],
        [Relation("R1", "LOCATED_IN", "T1", "T2", note="check")],
    )
    report = ExportReport()
    out = doc_to_task(adoc, report)
    assert out["meta"] == {"source": "wire"} and "_input_hash" not in out
    toks = out["tokens"]
    for s, want in zip(out["spans"], ("ISIS fighters", "Kabul and Herat")):
        assert text[toks[s["token_start"]]["start"]:toks[s["token_end"]]["end"]] == want
    (rel,) = out["relations"]
    assert toks[rel["head"]]["text"] == "fighters" and toks[rel["child"]]["text"] == "Herat"
    left = {k.split(" (")[0].split(":")[0]: n for k, n in report.left_out.items()}
    assert left == {"events": 1, "event triggers": 1, "event arguments": 1, "discontinuous pieces": 1,
                    "attribute values": 1, "notes": 1, "document statuses": 1, "document ids": 1}
    # and the written task reads back with the same spans (tokens agree with offsets)
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(out) + "\n", encoding="utf-8")
    (back,) = read(path)
    assert [(s.start, s.end, s.label) for s in back.spans] == [(5, 18, "ORG"), (28, 43, "LOC")]
    assert [(r.type, r.head, r.tail) for r in back.relations] == [("LOCATED_IN", "T1", "T2")]


# ---------------------------------------------------------------- recognising the format


def test_prodigy_files_are_recognised(tmp_path):
    assert registry.detect(NEWS).name == "prodigy"
    assert registry.detect(RELS).name == "prodigy"
    bare = write_tasks(tmp_path, {"text": "a b", "tokens": [{"text": "a", "start": 0, "end": 1, "id": 0, "ws": True}]})
    assert prodigy.sniff(bare)


def test_other_jsonl_is_not_taken_for_prodigy(tmp_path):
    native = tmp_path / "native.jsonl"
    native.write_text('{"id": "a", "text": "abc", "entities": [{"id": "T1", "start": 0, "end": 1, "label": "X"}]}\n',
                      encoding="utf-8")
    assert not prodigy.sniff(native)
    doccano_file = Path(__file__).resolve().parent / "data" / "doccano" / "export_sequence_labeling.jsonl"
    assert not prodigy.sniff(doccano_file)


def test_the_copies_are_the_corpus_files_byte_for_byte():
    corpora = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    if not corpora.is_dir():
        pytest.skip("../shared/corpora is not here (a CI clone has only the copies)")
    doccano_root = corpora / "doccano" / "backend"
    pairs = [
        (NEWS, corpora / "prodigy/prodigy-recipes/example-datasets/"
         "annotated_news_headlines-ORG-PERSON-LOCATION-ner.head-25.jsonl"),
        (DATA.parent / "doccano/export_sequence_labeling.jsonl",
         doccano_root / "data_export/pipeline/examples/sequence_labeling/example.jsonl"),
        (DATA.parent / "doccano/export_relation_extraction_pretty.jsonl",
         doccano_root / "data_export/pipeline/examples/relation_extraction/example.jsonl"),
        (DATA.parent / "doccano/import_relation_extraction_compact.jsonl",
         doccano_root / "data_import/pipeline/examples/relation_extraction/example.jsonl"),
        (DATA.parent / "doccano/import_column_placeholders.jsonl",
         doccano_root / "data_import/pipeline/examples/sequence_labeling/example.jsonl"),
        (DATA.parent / "doccano/tests_relation_extraction.jsonl",
         doccano_root / "data_import/tests/data/relation_extraction/example.jsonl"),
        (DATA.parent / "doccano/tests_sequence_labeling_invalid.jsonl",
         doccano_root / "data_import/tests/data/sequence_labeling/example.jsonl"),
        (DATA.parent / "doccano/tests_overlapping.jsonl",
         doccano_root / "data_import/tests/data/sequence_labeling/example_overlapping.jsonl"),
    ]
    for copy, source in pairs:
        assert copy.read_bytes() == source.read_bytes(), copy.name
