"""doccano JSONL in and out, on doccano's own example files (tests/data/doccano, see SOURCE.txt)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import importer
from annotator.formats import doccano, registry
from annotator.formats.errors import FormatError
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

DATA = Path(__file__).resolve().parent / "data" / "doccano"
SEQ = DATA / "export_sequence_labeling.jsonl"
PRETTY = DATA / "export_relation_extraction_pretty.jsonl"
COMPACT = DATA / "import_relation_extraction_compact.jsonl"
RELEX = DATA / "tests_relation_extraction.jsonl"
INVALID = DATA / "tests_sequence_labeling_invalid.jsonl"
OVERLAP = DATA / "tests_overlapping.jsonl"
COLUMNS = DATA / "import_column_placeholders.jsonl"


def schema(entities=("ORG", "MISC", "PERSON", "DATE", "LOC", "PER"), relations=("foundedAt", "foundedBy")) -> Schema:
    toml = "".join(f'[entities.{e}]\ncolor = "#a0c0e0"\n' for e in entities)
    ends = ", ".join(f'"{e}"' for e in entities)
    toml += "".join(f"[relations.{r}]\nhead = [{ends}]\ntail = [{ends}]\n" for r in relations)
    return Schema.from_toml(toml, "doccano-test.toml")


def project(tmp_path: Path, name: str = "p.db") -> Project:
    p = Project.open(tmp_path / name)
    p.set_schema(schema())
    return p


def read(path: Path, report: ImportReport | None = None) -> list[AnnotatedDocument]:
    report = report if report is not None else ImportReport()
    return [s.doc for s in doccano.FORMAT.read(path, ImportOptions(schema()), report)]


def import_file(p: Project, path: Path) -> int:
    return p.import_documents(s.doc for s in doccano.FORMAT.read(path, ImportOptions(p.schema), ImportReport()))


def export(p: Project, tmp_path: Path, report: ExportReport | None = None) -> list[dict]:
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        doccano.FORMAT.write_stream(p.iter_annotated(), fh, ExportOptions(p.schema),
                                    report if report is not None else ExportReport())
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def original_records(path: Path) -> list[dict]:
    """The file's records read with nothing but json (also the pretty-printed one)."""
    text = path.read_text(encoding="utf-8")
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return [json.loads(text)]


def entity_set(rec: dict) -> list[tuple[int, int, str]]:
    return sorted((e["start_offset"], e["end_offset"], e["label"]) for e in rec["entities"])


def relation_set(rec: dict) -> list[tuple[tuple[int, int, str], tuple[int, int, str], str]]:
    ents = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in rec["entities"]}
    return sorted((ents[r["from_id"]], ents[r["to_id"]], r["type"]) for r in rec["relations"])


# ---------------------------------------------------------------- round trips on doccano's files


def test_label_triples_round_trip_through_a_project(tmp_path):
    with project(tmp_path) as p:
        assert import_file(p, SEQ) == 3
        got = export(p, tmp_path)
    want = original_records(SEQ)
    assert [r["text"] for r in got] == [r["text"] for r in want]
    for g, w in zip(got, want):
        assert entity_set(g) == sorted(tuple(t) for t in w["label"])
        assert g["relations"] == []
    assert [got[0]["text"][e["start_offset"]:e["end_offset"]] for e in got[0]["entities"]] == ["EU", "German"]


@pytest.mark.parametrize("path", [RELEX, COMPACT, PRETTY], ids=["tests", "compact-no-final-newline", "pretty"])
def test_entities_and_relations_round_trip_through_a_project(tmp_path, path):
    with project(tmp_path) as p:
        assert import_file(p, path) == 1
        (adoc,) = list(p.iter_annotated())
        assert len(adoc.relations) == 3
        got = export(p, tmp_path)
    (want,) = original_records(path)
    (rec,) = got
    assert rec["text"] == want["text"]
    assert entity_set(rec) == entity_set(want)
    assert relation_set(rec) == relation_set(want)
    assert relation_set(rec)[0] == ((0, 6, "ORG"), (22, 39, "DATE"), "foundedAt")


def test_every_key_is_written_and_metadata_comes_back(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 7, "text": "EU rejects", "label": [[0, 2, "ORG"]], "Comments": ["checked"], "source": "wire"}\n'
        '{"text": "nothing here", "label": []}\n', encoding="utf-8")
    with project(tmp_path) as p:
        import_file(p, src)
        assert p.document_ids() == ["7", "in-2"]
        assert p.get_document("7").meta == {"id": 7, "Comments": ["checked"], "source": "wire"}
        first, second = export(p, tmp_path)
    assert list(first) == ["id", "text", "entities", "relations", "Comments", "source"]
    assert first["id"] == 7 and first["Comments"] == ["checked"] and first["source"] == "wire"
    assert first["entities"] == [{"id": 1, "start_offset": 0, "end_offset": 2, "label": "ORG"}]
    assert second == {"id": "in-2", "text": "nothing here", "entities": [], "relations": []}


def test_doccano_1_labels_key_is_read_like_label(tmp_path):
    # the layout of doccano 1.x exports: "labels", "meta" and "annotation_approver"
    old = tmp_path / "old.jsonl"
    old.write_text('{"id": 106, "text": "I ordered the hamburger and the fries.", "meta": {}, '
                   '"annotation_approver": null, "labels": [[14, 23, "DISH"], [32, 37, "DISH"]]}\n', encoding="utf-8")
    assert registry.detect(old).name == "doccano"
    (adoc,) = read(old)
    assert [(s.start, s.end, s.label) for s in adoc.spans] == [(14, 23, "DISH"), (32, 37, "DISH")]
    assert adoc.document.id == "106"
    assert adoc.document.meta == {"id": 106, "meta": {}, "annotation_approver": None}
    old.write_text('{"text": "ab", "labels": [[0, 1, "X"]], "label": []}\n', encoding="utf-8")
    with pytest.raises(FormatError, match='both "label" and "labels"'):
        read(old)


def test_overlapping_and_repeated_spans_are_kept(tmp_path):
    with project(tmp_path) as p:
        import_file(p, OVERLAP)
        (adoc,) = list(p.iter_annotated())
        assert [(s.start, s.end, s.label) for s in adoc.spans] == [(0, 1, "LOC"), (0, 1, "LOC")]
        assert adoc.document.meta == {"meta": {"wikiPageID": 1}}
        (rec,) = export(p, tmp_path)
    assert entity_set(rec) == [(0, 1, "LOC"), (0, 1, "LOC")]
    assert rec["meta"] == {"wikiPageID": 1}


def test_import_and_export_through_the_importer_with_auto_detection(tmp_path):
    with project(tmp_path) as p:
        report = ImportReport()
        n = importer.import_paths(p, [SEQ, PRETTY], report=report)
        assert n == 4
        assert any("spread over several lines" in line for line in report.lines())
        exported = ExportReport()
        assert importer.export_to_path(p, tmp_path / "out.jsonl", "doccano", report=exported) == 4
    got = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entity_set(r) for r in got[:3]] == [sorted(tuple(t) for t in w["label"]) for w in original_records(SEQ)]
    assert relation_set(got[3]) == relation_set(original_records(PRETTY)[0])
    assert exported.lossless


# ---------------------------------------------------------------- the pretty-printed file and bad input


def test_pretty_printed_file_is_read_and_the_import_says_what_it_is():
    report = ImportReport()
    (adoc,) = read(PRETTY, report)
    assert len(adoc.spans) == 4
    (note,) = report.notes
    assert "not JSON Lines" in note and "spread over several lines" in note and PRETTY.name in note


def test_a_broken_pretty_printed_file_is_refused_with_its_line(tmp_path):
    lines = PRETTY.read_text(encoding="utf-8").splitlines()
    assert lines[12].strip() == '"end_offset": 39,'
    lines[12] = '            "end_offset": 39'  # a missing comma, on line 13
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormatError) as e:
        read(bad)
    assert e.value.line == 14  # where the JSON decoder sees the next key
    assert "not JSON Lines" in str(e.value) and "spread over several lines" in str(e.value)
    assert str(e.value).startswith(f"{bad}:14: ")


def test_arrays_and_objects_one_after_another_are_read_with_their_lines(tmp_path):
    spread = tmp_path / "spread.json"
    spread.write_text('[\n  {"text": "ab", "label": [[0, 1, "X"]]},\n  {"text": "cd",\n   "label": []}\n]\n'
                      '{\n  "text": "ef", "label": [[1, 2, "Y"]]\n}\n', encoding="utf-8")
    report = ImportReport()
    got = [(s.line, s.doc.document.id, s.doc.document.text)
           for s in doccano.FORMAT.read(spread, ImportOptions(schema()), report)]
    assert got == [(2, "spread-2", "ab"), (3, "spread-3", "cd"), (6, "spread-6", "ef")]
    assert "read 3 record(s)" in report.notes[0]
    one_line_array = tmp_path / "array.json"
    one_line_array.write_text('[{"text": "ab", "label": [[0, 2, "X"]]}, {"text": "c"}]', encoding="utf-8")
    assert [d.document.text for d in read(one_line_array)] == ["ab", "c"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert read(empty) == []


def test_a_broken_first_line_of_json_lines_is_reported_as_such(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ab", "label": [[0, 1, "X"]]\n{"text": "cd", "label": []}\n', encoding="utf-8")
    with pytest.raises(FormatError) as e:
        read(bad)
    assert e.value.line == 1
    assert "malformed JSON" in str(e.value) and "spread over several lines" not in str(e.value)


def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error(tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"text": "a", "label": []}\n{"text": "b", "x": ' + "[" * 100000 + "]" * 100000 + "}\n", encoding="utf-8")
    with pytest.raises(FormatError, match="nested deeper") as e:
        read(deep)
    assert e.value.line == 2
    first = tmp_path / "first.jsonl"
    first.write_text('{"text": "b", "x": ' + "[" * 100000 + "]" * 100000 + "}\n", encoding="utf-8")
    with pytest.raises(FormatError, match="nested deeper"):
        read(first)
    assert not doccano.sniff(first)
    spread = tmp_path / "spread.jsonl"
    spread.write_text('{\n"text": "b", "x": ' + "[" * 100000 + "]" * 100000 + "}\n", encoding="utf-8")
    with pytest.raises(FormatError, match="nested deeper") as e:
        read(spread)
    assert e.value.line == 1
    assert not doccano.sniff(spread)


def test_the_invalid_file_is_refused_and_nothing_is_written(tmp_path):
    with project(tmp_path) as p:
        with pytest.raises(FormatError) as e:
            import_file(p, INVALID)
        assert p.document_count() == 0
    assert e.value.line == 3
    assert 'no "text" key' in str(e.value) and "rename" not in str(e.value)
    assert str(e.value).startswith(f"{INVALID}:3: ")


def test_the_column_placeholder_file_is_refused_naming_its_keys():
    with pytest.raises(FormatError) as e:
        read(COLUMNS)
    assert e.value.line == 1
    assert "'column_data', 'column_label'" in str(e.value) and "rename the columns" in str(e.value)


@pytest.mark.parametrize(("line", "message"), [
    ('{"text": "abc", "label": [[0, 5, "X"]]}', "outside the text (length 3)"),
    ('{"text": "abc", "label": [[-1, 2, "X"]]}', "outside the text"),
    ('{"text": "abc", "label": [[2, 1, "X"]]}', "start 2 is after end 1"),
    ('{"text": "abc", "label": [[1, 1, "X"]]}', "cover no text"),
    ('{"text": "abc", "label": [[0, 1]]}', "is not [start, end, label]"),
    ('{"text": "abc", "label": ["positive"]}', "text classification"),
    ('{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 9, "label": "X"}]}', "outside the text"),
    ('{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}],'
     ' "relations": [{"from_id": 1, "to_id": 2, "type": "r"}]}', "to_id 2 names no entity"),
    ('{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"},'
     ' {"id": 1, "start_offset": 1, "end_offset": 2, "label": "X"}]}', "id 1 is used twice"),
    ('{"text": "abc", "label": [], "entities": []}', 'both "label" and "entities"'),
    ('{"text": "abc", "label": [[0, 1, "X"]]', "malformed JSON"),
])
def test_bad_records_are_refused_with_file_and_line(tmp_path, line, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "label": []}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as e:
        read(bad)
    assert e.value.line == 2
    assert message in str(e.value)
    assert str(e.value).startswith(f"{bad}:2: ")


def test_relation_ids_are_matched_by_value_and_type(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ab", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}],'
                   ' "relations": [{"from_id": "1", "to_id": 1, "type": "r"}]}\n', encoding="utf-8")
    with pytest.raises(FormatError, match="from_id \"1\" names no entity"):
        read(bad)


def test_a_duplicate_document_id_is_refused(tmp_path):
    bad = tmp_path / "dup.jsonl"
    bad.write_text('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match="duplicate document id '1' \\(first on line 1\\)"):
        read(bad)


# ---------------------------------------------------------------- what doccano cannot hold


def test_lossy_export_counts_what_it_leaves_out(tmp_path):
    text = "Rebels attacked Kabul and Herat yesterday."
    adoc = AnnotatedDocument(
        Document(id="d", text=text, status="done"),
        [
            Span("T1", "ORG", 0, 6, attributes={"Generic": True}, note="check",
                 normalizations=[Normalization("Wikidata", "Q1")]),
            Span("T2", "GPE", 16, 31, fragments=[(16, 21), (26, 31)]),
            Span("T3", "Conflict.Attack", 7, 15, kind="trigger"),
        ],
        [Event("E1", "Conflict.Attack", "T3", [Argument("Attacker", "T1"), Argument("Place", "T2")])],
        [Relation("R1", "PHYS", "T1", "T2", note="near")],
    )
    report = ExportReport()
    rec = doccano.doc_to_record(adoc, report)
    assert [(e["start_offset"], e["end_offset"]) for e in rec["entities"]] == [(0, 6), (16, 31)]
    assert rec["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "PHYS"}]
    left = {k.split(" (")[0].split(":")[0]: n for k, n in report.left_out.items()}
    assert left == {
        "events": 1, "event triggers": 1, "event arguments": 2, "discontinuous pieces": 1,
        "attribute values": 1, "notes": 2, "normalizations": 1, "document statuses": 1,
    }
    assert not report.lossless


# ---------------------------------------------------------------- recognising the format


@pytest.mark.parametrize("path", [SEQ, PRETTY, COMPACT, RELEX, INVALID, OVERLAP])
def test_doccano_files_are_recognised(path):
    assert registry.detect(path).name == "doccano"


def test_other_jsonl_is_not_taken_for_doccano(tmp_path):
    native = tmp_path / "native.jsonl"
    native.write_text('{"id": "a", "text": "abc", "entities": [{"id": "T1", "start": 0, "end": 1, "label": "X"}]}\n'
                      '{"id": "b", "text": "abc", "entities": []}\n', encoding="utf-8")
    assert not doccano.sniff(native)
    prodigy = Path(__file__).resolve().parent / "data" / "prodigy" / "news_headlines_ner.head-25.jsonl"
    assert not doccano.sniff(prodigy)
    assert not doccano.sniff(COLUMNS)


# ---------------------------------------------------------------- corrupted input (doccano and Prodigy readers)

_ODD_VALUES = [None, True, -1, 0, 1, 10**30, 1.5, "", "x", [], {}, [1, 2, "X"], {"start": 0}]


def _corrupt(rng, data: bytes) -> bytes:
    """Flip, drop or insert a few bytes, or put an odd value somewhere inside one record."""
    if rng.random() < 0.5:
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(b))
            op = rng.random()
            if op < 0.4:
                b[i] = rng.randrange(256)
            elif op < 0.7:
                del b[i]
            else:
                b.insert(i, rng.choice(b'{}[],:"0123456789 \n'))
        return bytes(b)
    records = original_records_bytes(data)
    cur = rng.choice(records)
    for _ in range(4):
        keys = list(cur) if isinstance(cur, dict) else list(range(len(cur)))
        if not keys:
            break
        k = rng.choice(keys)
        if isinstance(cur[k], (dict, list)) and cur[k] and rng.random() < 0.6:
            cur = cur[k]
            continue
        cur[k] = rng.choice(_ODD_VALUES)
        break
    return "\n".join(json.dumps(r) for r in records).encode("utf-8")


def original_records_bytes(data: bytes) -> list:
    text = data.decode("utf-8")
    try:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return [json.loads(text)]


def test_corrupted_files_are_read_whole_or_refused_in_one_line(tmp_path):
    import random

    from annotator.formats import prodigy

    prodigy_data = Path(__file__).resolve().parent / "data" / "prodigy"
    sources = [(doccano, RELEX), (doccano, SEQ), (doccano, PRETTY),
               (prodigy, prodigy_data / "relations.jsonl"), (prodigy, prodigy_data / "news_headlines_ner.head-25.jsonl")]
    rng = random.Random(9)
    read_ok = refused = 0
    for case in range(400):
        module, src = rng.choice(sources)
        path = tmp_path / f"case{case}.jsonl"
        path.write_bytes(_corrupt(rng, src.read_bytes()))
        try:
            docs = [s.doc for s in module.FORMAT.read(path, ImportOptions(schema()), ImportReport())]
        except FormatError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(str(path))
            refused += 1
            continue
        for d in docs:
            ids = {s.id for s in d.spans}
            assert len(ids) == len(d.spans)
            assert all(0 <= s.start < s.end <= len(d.document.text) for s in d.spans)
            assert all(r.head in ids and r.tail in ids for r in d.relations)
        read_ok += 1
    assert read_ok > 50 and refused > 50  # both outcomes are exercised
