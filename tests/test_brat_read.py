"""Reading brat standoff: every line type, odd but legal files, and the errors for malformed ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats import registry
from annotator.formats.brat import FORMAT, sniff
from annotator.formats.errors import FormatError
from annotator.formats.spec import ImportOptions, ImportReport
from annotator.model import ENTITY, TRIGGER, Normalization
from annotator.schema import Schema

DATA = Path(__file__).parent / "data" / "brat"

TEXT = "Google and YouTube merged in 2006, said the Times.\nLarry Page smiled."


def pair(folder: Path, ann: str, text: str = TEXT, stem: str = "doc", newline: str = "\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{stem}.ann").write_bytes(ann.replace("\n", newline).encode("utf-8"))
    return folder / f"{stem}.ann"


def read(path: Path, schema: Schema | None = None, report: ImportReport | None = None):
    opts = ImportOptions(schema or Schema.default())
    return [s.doc for s in FORMAT.read(path, opts, report if report is not None else ImportReport())]


def at(phrase: str, text: str = TEXT) -> str:
    i = text.index(phrase)
    return f"{i} {i + len(phrase)}"


FULL = (
    f"E1\tMerge-org:T3 Org-Arg:T1 Org-Arg2:T2\n"  # forward references
    f"T1\tOrganization {at('Google')}\tGoogle\n"
    f"T2\tOrganization {at('YouTube')}\tYouTube\n"
    f"T3\tMerge-org {at('merged')}\tmerged\n"
    f"T4\tOrganization {at('the Times')}\tthe Times\n"
    f"T5\tReport {at('said')}\tsaid\n"
    f"E2\tReport:T5 Reporter-Arg:T4 Event-Arg:E1\n"
    f"R1\tOrigin Arg2:T4 Arg1:T1\t\n"
    f"A1\tNegation E1\n"
    f"M2\tConfidence E2 Low\n"
    f"A3\tMention T1 Name\n"
    f"N1\tReference T1 Wikipedia:1092923\tGoogle LLC\n"
    f"#1\tAnnotatorNotes E1\tfirst note\n"
    f"#2\tAnnotatorNotes E1\tsecond note\n"
    f"#3\tAnnotatorNotes R1\ton a relation\n"
    f"T6\tPerson {at('Larry Page')}\tLarry Page\n"
    f"*\tAlias T1 T6 T4\n"
    f"R3\tFamily Arg1:T6 Arg2:T6\n"
)


def test_every_line_type(tmp_path):
    (doc,) = read(pair(tmp_path, FULL))
    assert doc.document.id == "doc" and doc.document.name == "doc.txt" and doc.document.text == TEXT
    spans = doc.span_by_id()
    assert {s.id: s.kind for s in doc.spans} == {
        "T1": ENTITY, "T2": ENTITY, "T3": TRIGGER, "T4": ENTITY, "T5": TRIGGER, "T6": ENTITY}
    assert TEXT[spans["T4"].start:spans["T4"].end] == "the Times"
    ev = doc.event_by_id()
    assert ev["E1"].type == "Merge-org" and ev["E1"].trigger == "T3"
    assert [(a.role, a.ref) for a in ev["E1"].arguments] == [("Org-Arg", "T1"), ("Org-Arg", "T2")]
    assert [(a.role, a.ref) for a in ev["E2"].arguments] == [("Reporter-Arg", "T4"), ("Event-Arg", "E1")]
    assert ev["E1"].attributes == {"Negation": True}
    assert ev["E2"].attributes == {"Confidence": "Low"}
    assert spans["T1"].attributes == {"Mention": "Name"}
    assert spans["T1"].normalizations == [Normalization("Wikipedia", "1092923", "Google LLC")]
    assert ev["E1"].note == "first note\nsecond note"
    rels = {r.id: r for r in doc.relations}
    assert (rels["R1"].type, rels["R1"].head, rels["R1"].tail) == ("Origin", "T1", "T4")  # Arg1 is the head
    assert rels["R1"].note == "on a relation"
    # the Equiv group chains its members with fresh ids after the highest R id
    alias = sorted((r.id, r.head, r.tail) for r in doc.relations if r.type == "Alias")
    assert alias == [("R4", "T1", "T6"), ("R5", "T6", "T4")]
    assert len({r.id for r in doc.relations}) == len(doc.relations)


def test_normalization_entry_keeps_what_follows_the_first_colon(tmp_path):
    (doc,) = read(pair(tmp_path, f"T1\tOrganization {at('Google')}\tGoogle\nN1\tReference T1 UMLS:C:0001\tG\n"))
    assert doc.spans[0].normalizations == [Normalization("UMLS", "C:0001", "G")]


def test_discontinuous_span_crossing_a_newline():
    (doc,) = [d for d in read(DATA / "dkpro") if d.document.id == "document0d"]
    t2 = doc.span_by_id()["T2"]
    assert t2.fragments == [(5, 7), (9, 10)] and (t2.start, t2.end) == (5, 10)
    assert [doc.document.text[a:b] for a, b in t2.fragments] == ["is", "n"]
    assert all(s.kind == TRIGGER for s in doc.spans)  # every T is an E trigger there
    assert all(not e.arguments for e in doc.events)


def test_phee_quirks_trailing_space_ids_out_of_order_no_final_newline():
    docs = {d.document.id: d for d in read(DATA / "phee")}
    assert len(docs) == 5
    d = docs["10348150_1"]
    assert not (DATA / "phee" / "10348150_1.ann").read_bytes().endswith(b"\n")
    (ev,) = d.events
    assert (ev.id, ev.type, ev.trigger, ev.arguments) == ("E2", "Adverse_event", "T6", [])
    assert ev.attributes == {"Severity": "High"}
    assert docs["10907391_3"].events[0].attributes == {"Speculated": True}


def test_empty_ann_crlf_and_no_final_newline(tmp_path):
    (doc,) = read(pair(tmp_path / "a", ""))
    assert doc.spans == [] and doc.document.text == TEXT
    ann = f"T1\tOrganization {at('Google')}\tGoogle\nT2\tMerge-org {at('merged')}\tmerged\nE1\tMerge-org:T2 Org-Arg:T1 "
    (doc,) = read(pair(tmp_path / "b", ann, newline="\r\n"))
    assert [(a.role, a.ref) for a in doc.events[0].arguments] == [("Org-Arg", "T1")]
    crlf_text = TEXT.replace("\n", "\r\n")
    i = crlf_text.index("Larry")
    (doc,) = read(pair(tmp_path / "c", f"T1\tPerson {i} {i + 10}\tLarry Page", text=crlf_text, newline="\r\n"))
    assert crlf_text[doc.spans[0].start:doc.spans[0].end] == "Larry Page"


def test_txt_without_ann_is_a_document_without_annotations(tmp_path):
    (tmp_path / "lonely.txt").write_text("Just text.", encoding="utf-8")
    pair(tmp_path, f"T1\tOrganization {at('Google')}\tGoogle\n")
    docs = {d.document.id: d for d in read(tmp_path)}
    assert set(docs) == {"doc", "lonely"} and docs["lonely"].spans == []
    (single,) = read(tmp_path / "lonely.txt")
    assert single.document.text == "Just text."
    (single,) = read(tmp_path / "doc.txt")  # a .txt path means its pair
    assert len(single.spans) == 1


def test_repeated_roles_follow_the_schema(tmp_path):
    schema = Schema.from_toml(
        '[entities.P]\n[events.Bind]\nroles.Theme = { types = ["P"], cardinality = "any" }\n'
        'roles.Theme2 = ["P"]\n', "s.toml")
    text = "a b c d"
    ann = "T1\tP 0 1\ta\nT2\tP 2 3\tb\nT3\tP 4 5\tc\nT4\tBind 6 7\td\nE1\tBind:T4 Theme:T1 Theme2:T2 Theme3:T3\n"
    (doc,) = read(pair(tmp_path, ann, text=text), schema)
    assert [a.role for a in doc.events[0].arguments] == ["Theme", "Theme2", "Theme"]
    # without a schema that knows the type, numbered roles from 2 up are the base role
    ann2 = ann.replace("Bind", "Other").replace("Theme3", "Theme10").replace("Theme:", "Arg1:")
    (doc,) = read(pair(tmp_path / "x", ann2, text=text), schema)
    assert [a.role for a in doc.events[0].arguments] == ["Arg1", "Theme", "Theme"]


def test_relation_roles_from_the_schema(tmp_path):
    schema = Schema.default()
    ann = f"T1\tPER {at('Larry Page')}\tLarry Page\nT2\tORG {at('Google')}\tGoogle\nR1\tORG-AFF Member:T1 Org:T2\n"
    report = ImportReport()
    (doc,) = read(pair(tmp_path, ann), schema, report)
    r = doc.relations[0]
    assert (r.head, r.tail) == ("T1", "T2")
    assert any("not known" in n for n in report.notes)  # the guess is said, not silent


def test_byte_order_mark_in_the_text_counts_as_brat_counts_it(tmp_path):
    (tmp_path / "d.txt").write_bytes(b"\xef\xbb\xbfHello world")
    (tmp_path / "d.ann").write_text("T1\tX 7 12\tworld\n", encoding="utf-8")
    report = ImportReport()
    (doc,) = read(tmp_path, report=report)
    assert doc.document.text == "Hello world"
    assert doc.document.text[doc.spans[0].start:doc.spans[0].end] == "world"
    assert report.notes


@pytest.mark.parametrize(
    "ann, line, words",
    [
        ("T1\tOrganization 0 6\tGoogle\nT1\tPerson 0 6\tGoogle\n", 2, "duplicate id 'T1'"),
        ("T1\tOrganization 0 6\tGoogle\nT2\tPerson 0 999\tx\n", 2, "outside the text"),
        ("T1\tOrganization 0 6\tGoggle\n", 1, "does not match the document"),
        ("T1\tOrganization 0 5;7 10\tGoogl nd\n", 1, "does not match"),
        ("T1\tOrganization 6 6\t\n", 1, "empty"),
        ("T1\tOrganization x 6\tGoogle\n", 1, "expected 'TYPE START END"),
        ("T1\tOrganization\n", 1, "expected 'TYPE START END"),
        ("E1\tMerge-org:T9\n", 1, "'T9' names no text-bound annotation"),
        ("T1\tOrganization 0 6\tGoogle\nE1\tMerge-org:T1 Org-Arg:T7\n", 2, "'T7' names no entity or event"),
        ("T1\tOrganization 0 6\tGoogle\nE1\tMerge-org:T1 Org-Arg\n", 2, "expected 'ROLE:ID'"),
        ("T1\tOrganization 0 6\tGoogle\nR1\tOrigin Arg1:T1 Arg2:T2\t\n", 2, "'T2' names no annotation"),
        ("T1\tOrganization 0 6\tGoogle\nR1\tOrigin Arg1:T1\n", 2, "expected 'TYPE ARG1:ID ARG2:ID'"),
        ("T1\tOrganization 0 6\tGoogle\nA1\tNegation T5\n", 2, "'T5' names no T, E or R"),
        ("T1\tOrganization 0 6\tGoogle\nA1\tMention T1 Name Extra\n", 2, "NAME ID [VALUE]"),
        ("T1\tOrganization 0 6\tGoogle\nA1\tMention T1 Name\nA2\tMention T1 Other\n", 3, "given twice"),
        ("T1\tOrganization 0 6\tGoogle\nN1\tReference T1 Wikipedia\tx\n", 2, "RESOURCE:ENTRY"),
        ("T1\tOrganization 0 6\tGoogle\nN1\tReference T3 W:1\tx\n", 2, "'T3' names no T, E or R"),
        ("T1\tOrganization 0 6\tGoogle\n#1\tAnnotatorNotes T4\tx\n", 2, "'T4' names no annotation"),
        ("T1\tOrganization 0 6\tGoogle\n*\tAlias T1 T8\n", 2, "'T8' names no text-bound"),
        ("T1\tOrganization 0 6\tGoogle\n*\tAlias\n", 2, "expected '*<TAB>TYPE"),
        ("T1\tOrganization 0 6\tGoogle\nX1\tfoo\n", 2, "unknown annotation id 'X1'"),
        ("T1 Organization 0 6 Google\n", 1, "expected an id, a tab"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, ann, line, words):
    path = pair(tmp_path, ann)
    with pytest.raises(FormatError) as err:
        read(path)
    assert err.value.path == str(path) and err.value.line == line
    assert words in err.value.message, err.value.message
    assert "\n" not in str(err.value)


def test_ann_without_txt_is_an_error(tmp_path):
    (tmp_path / "orphan.ann").write_text("", encoding="utf-8")
    with pytest.raises(FormatError, match="no text file orphan.txt"):
        read(tmp_path)
    with pytest.raises(FormatError, match="orphan.txt"):
        read(tmp_path / "orphan.ann")


def test_same_stem_in_two_subfolders_is_an_error(tmp_path):
    pair(tmp_path / "a", "")
    pair(tmp_path / "b", "")
    with pytest.raises(FormatError, match="already taken"):
        read(tmp_path)


def test_invalid_utf8_names_the_file(tmp_path):
    path = pair(tmp_path, "")
    path.write_bytes(b"T1\tX 0 1\t\xff\n")
    with pytest.raises(FormatError) as err:
        read(tmp_path)
    assert err.value.path == str(path) and "UTF-8" in err.value.message


def test_note_on_an_attribute_is_skipped_and_counted(tmp_path):
    report = ImportReport()
    ann = f"T1\tOrganization {at('Google')}\tGoogle\nA1\tMention T1 Name\n#1\tAnnotatorNotes A1\tabout the attribute\n"
    (doc,) = read(pair(tmp_path, ann), report=report)
    assert doc.spans[0].note == ""
    assert sum(report.skipped.values()) == 1


def test_unused_trigger_of_a_known_event_type_is_a_trigger(tmp_path):
    (doc,) = read(pair(tmp_path, f"T1\tConflict.Attack {at('merged')}\tmerged\nT2\tORG {at('Google')}\tGoogle\n"))
    assert [s.kind for s in doc.spans] == [TRIGGER, ENTITY]


def test_sniffer(tmp_path):
    assert sniff(DATA / "news") and sniff(DATA / "news" / "000-introduction.ann")
    assert not sniff(DATA / "news" / "000-introduction.txt")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "a.txt").write_text("x", encoding="utf-8")
    assert not sniff(tmp_path)
    (tmp_path / "deep" / "er" / "a.ann").write_text("", encoding="utf-8")
    assert sniff(tmp_path)
    assert registry.detect(tmp_path).name == "brat"
    assert not sniff(tmp_path / "missing")


def test_huge_numbers_are_refused_or_read_without_a_traceback(tmp_path):
    digits = "9" * 5000
    with pytest.raises(FormatError, match="expected 'TYPE START END"):
        read(pair(tmp_path / "a", f"T1\tOrganization 0 {digits}\tx\n"))
    ann = f"T1\tOrganization {at('Google')}\tGoogle\nT2\tMerge-org {at('merged')}\tmerged\nE1\tMerge-org:T2 Org-Arg{digits}:T1\n"
    (doc,) = read(pair(tmp_path / "b", ann))
    assert doc.events[0].arguments[0].role == "Org-Arg"
    ann = f"T1\tOrganization {at('Google')}\tGoogle\nT2\tOrganization {at('YouTube')}\tYouTube\n" \
          f"R{digits}\tOrigin Arg1:T1 Arg2:T2\n*\tAlias T1 T2\n"
    (doc,) = read(pair(tmp_path / "c", ann))
    assert sorted(r.id for r in doc.relations) == sorted(["R1", f"R{digits}"])


def test_a_broken_conf_beside_the_files_is_said(tmp_path):
    pair(tmp_path, f"T1\tOrganization {at('Google')}\tGoogle\n")
    (tmp_path / "annotation.conf").write_text("[relations]\nLocated Arg1:Person\n", encoding="utf-8")
    report = ImportReport()
    (doc,) = read(tmp_path, report=report)
    assert len(doc.spans) == 1
    assert any("annotation.conf:2:" in n and "role names are not used" in n for n in report.notes), report.notes


def test_fragments_in_any_order_are_sorted(tmp_path):
    g, y = at("Google"), at("YouTube")
    (doc,) = read(pair(tmp_path, f"T1\tOrganization {y};{g}\tYouTube Google\n"))
    span = doc.spans[0]
    assert [TEXT[a:b] for a, b in span.fragments] == ["Google", "YouTube"]
    assert (span.start, span.end) == (span.fragments[0][0], span.fragments[-1][1])
