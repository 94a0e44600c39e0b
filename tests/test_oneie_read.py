"""Importing OneIE / TextEE JSONL: TextEE's demo output, rebuilt text, windows, every refusal, round trips."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.demo import seed_documents
from annotator.formats.errors import FormatError
from annotator.formats.oneie import write_oneie
from annotator.formats.oneie_read import ARGUMENT_TYPE, read_oneie, sniff_oneie
from annotator.formats.registry import detect, get
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.importer import import_paths
from annotator.model import AnnotatedDocument, Argument, Event, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

DEMO = Path(__file__).parent / "data" / "oneie" / "demo_output.json"


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return i, i + len(phrase)


def read(path: Path, schema: Schema | None = None) -> tuple[list[AnnotatedDocument], ImportReport]:
    report = ImportReport()
    return [s.doc for s in read_oneie(path, report, schema)], report


def write_records(tmp_path: Path, *records: Any, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shown(adoc: AnnotatedDocument) -> dict[str, Any]:
    """Entities, events and relations by their text and offsets, ids aside."""
    text = adoc.document.text
    spans = adoc.span_by_id()
    triggers = {e.id: spans[e.trigger] for e in adoc.events}

    def filler(ref: str) -> tuple[Any, ...]:
        if ref in spans:
            s = spans[ref]
            return ("entity", s.label, s.start, s.end)
        t = triggers[ref]
        return ("event", t.label, t.start, t.end)

    return {
        "entities": sorted((s.label, s.start, s.end, text[s.start:s.end]) for s in adoc.entities),
        "events": sorted((e.type, spans[e.trigger].start, spans[e.trigger].end,
                          tuple(sorted((a.role, filler(a.ref)) for a in e.arguments))) for e in adoc.events),
        "relations": sorted((r.type, filler(r.head), filler(r.tail)) for r in adoc.relations),
    }


# --------------------------------------------------------------------------
# TextEE's demo output: token spans and character offsets, no entity mentions


def test_the_demo_output_is_recognised_and_read():
    assert detect(DEMO).name == "oneie"
    assert sniff_oneie(DEMO)
    docs, report = read(DEMO, Schema.default())
    assert [d.document.id for d in docs] == ["DOC_000000", "DOC_000001", "DOC_000002", "DOC_000003", "DOC_000004"]
    first = docs[0]
    assert first.document.text.startswith("Tens of thousands were reportedly killed in Rwanda's genocide-Jean")
    assert shown(first) == {
        "entities": [("GPE", 44, 52, "Rwanda's")],
        "events": [("Life.Die", 34, 40, (("Place", ("entity", "GPE", 44, 52)),))],
        "relations": [],
    }
    assert shown(docs[2]) == {"entities": [], "events": [], "relations": []}
    last = docs[4]
    assert shown(last)["events"] == [
        ("Conflict.Attack", 27, 35, (("Attacker", ("entity", "PER", 18, 26)), ("Place", ("entity", "GPE", 62, 69)))),
        ("Conflict.Attack", 115, 123, (("Attacker", ("entity", "PER", 104, 110)),
                                       ("Target", ("entity", "PER", 137, 142)))),
    ]
    assert report.notes == [
        "8 argument(s) named no entity mention and became entities at their offsets, typed by their role "
        "(role -> type: count): Agent -> PER 1, Attacker -> PER 2, Place -> GPE 3, Target -> PER 1, "
        "Victim -> PER 1; review them"]


def test_without_a_schema_the_made_entities_are_of_type_argument():
    docs, _ = read(DEMO)
    assert {s.label for d in docs for s in d.entities} == {ARGUMENT_TYPE}


def test_the_demo_output_imports_into_a_project(tmp_path):
    with Project.open(tmp_path / "p.db") as project:
        report = ImportReport()
        assert import_paths(project, [DEMO], report=report) == 5
        adoc = project.get_annotated("DOC_000001")
        text = adoc.document.text
        (event,) = adoc.events
        spans = adoc.span_by_id()
        assert event.type == "Life.Die" and text[spans[event.trigger].start:spans[event.trigger].end] == "killing"
        assert [(a.role, text[spans[a.ref].start:spans[a.ref].end], spans[a.ref].label) for a in event.arguments] == [
            ("Victim", "prisoner", "PER"), ("Agent", "inmates", "PER"), ("Place", "jail", "GPE")]


# --------------------------------------------------------------------------
# OneIE's own shape: sentence, entity mentions, relations, nested arguments; rebuilt text; windows


def test_a_oneie_record_with_sentence_ids_relations_and_nested_arguments(tmp_path):
    sentence = "Police said militants killed two men in Mosul."
    tokens = sentence[:-1].split() + ["."]
    rec = {
        "doc_id": "d", "sent_id": "d-1", "tokens": tokens, "sentence": sentence,
        "entity_mentions": [
            {"id": "d-E0", "entity_type": "ORG", "text": "Police", "start": 0, "end": 1},
            {"id": "d-E1", "entity_type": "PER", "text": "militants", "start": 2, "end": 3},
            {"id": "d-E2", "entity_type": "PER", "text": "two men", "start": 4, "end": 6},
            {"id": "d-E3", "entity_type": "GPE", "text": "Mosul", "start": 7, "end": 8}],
        "relation_mentions": [{"id": "d-R0", "relation_type": "PHYS", "arguments": [
            {"entity_id": "d-E3", "role": "Arg-2", "text": "Mosul"},
            {"entity_id": "d-E2", "role": "Arg-1", "text": "two men"}]}],
        "event_mentions": [
            {"id": "d-EV0", "event_type": "Contact:Broadcast", "trigger": {"text": "said", "start": 1, "end": 2},
             "arguments": [{"entity_id": "d-E0", "role": "Entity", "text": "Police"}],
             "nested_arguments": [{"event_id": "d-EV1", "role": "Message"}]},
            {"id": "d-EV1", "event_type": "Life:Die", "trigger": {"text": "killed", "start": 3, "end": 4},
             "arguments": [{"entity_id": "d-E1", "role": "Agent", "text": "militants"},
                           {"entity_id": "d-E2", "role": "Victim", "text": "two men"}]}],
    }
    (doc,), report = read(write_records(tmp_path, rec))
    assert doc.document.id == "d" and doc.document.text == sentence and report.notes == []
    spans = doc.span_by_id()
    assert [(s.id, s.label, sentence[s.start:s.end]) for s in doc.entities] == [
        ("d-E0", "ORG", "Police"), ("d-E1", "PER", "militants"), ("d-E2", "PER", "two men"), ("d-E3", "GPE", "Mosul")]
    broadcast, die = doc.events
    assert (broadcast.id, broadcast.type, sentence[spans[broadcast.trigger].start:spans[broadcast.trigger].end]) == (
        "d-EV0", "Contact.Broadcast", "said")
    assert broadcast.arguments == [Argument("Entity", "d-E0"), Argument("Message", "d-EV1")]
    assert die.type == "Life.Die" and die.arguments == [Argument("Agent", "d-E1"), Argument("Victim", "d-E2")]
    assert doc.relations == [Relation("d-R0", "PHYS", "d-E2", "d-E3")]


def test_text_is_rebuilt_from_tokens_when_a_record_has_none(tmp_path):
    rec = {"doc_id": "t", "tokens": ["Gunmen", "killed", "two", "."],
           "entity_mentions": [{"id": "E0", "entity_type": "PER", "start": 2, "end": 3, "text": "two"}],
           "event_mentions": [{"event_type": "Life:Die", "trigger": {"start": 1, "end": 2, "text": "killed",
                                                                     "offset_start": 99, "offset_end": 120},
                               "arguments": [{"entity_id": "E0", "role": "Victim"}]}]}
    (doc,), report = read(write_records(tmp_path, rec))
    assert doc.document.text == "Gunmen killed two ."
    # The character offsets name a text that is not there; the token indices place the trigger.
    assert shown(doc)["events"] == [("Life.Die", 7, 13, (("Victim", ("entity", "PER", 14, 17)),))]
    assert doc.events[0].id == "E1" and doc.span_by_id()[doc.events[0].trigger].id == "T1"
    assert report.notes == ['text rebuilt from the tokens joined by single spaces (records without "text" or "sentence")']


def test_windows_are_documents_of_their_own(tmp_path):
    recs = [{"doc_id": "d", "wnd_id": f"d-{i}", "lang": "en", "text": t, "tokens": t.split(),
             "entity_mentions": [], "event_mentions": []} for i, t in enumerate(["One here", "Two there"])]
    docs, report = read(write_records(tmp_path, *recs))
    assert [(d.document.id, d.document.text, d.document.meta) for d in docs] == [
        ("d-0", "One here", {"doc_id": "d"}), ("d-1", "Two there", {"doc_id": "d"})]
    assert report.notes == ["windows (wnd_id) are imported as documents of their own; meta.doc_id names their document"]


def test_a_lang_other_than_english_is_named_in_the_report(tmp_path):
    _, report = read(write_records(tmp_path, {"doc_id": "z", "lang": "zh", "text": "你好", "tokens": ["你好"],
                                              "event_mentions": []}))
    assert report.notes == ["the records' lang 'zh' is not kept; give --lang zh when exporting to oneie"]


def test_sniffer_tells_oneie_from_native_jsonl(tmp_path):
    native = write_records(tmp_path, {"id": "a", "text": "x", "entities": [], "events": []}, name="native.jsonl")
    assert not sniff_oneie(native)
    assert detect(native).name == "jsonl"
    deep = write_records(tmp_path, "[" * 5000 + "]" * 5000, name="deep.json")
    assert not sniff_oneie(deep)
    assert not sniff_oneie(tmp_path)


# --------------------------------------------------------------------------
# refusals, each with its file and line

TOKENS = ["Gunmen", "killed", "two", "."]
TEXT = "Gunmen killed two."


def _rec(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"doc_id": "r", "text": TEXT, "tokens": TOKENS,
                           "entity_mentions": [{"id": "E0", "entity_type": "PER", "start": 2, "end": 3}],
                           "event_mentions": []}
    out.update(fields)
    return out


def _ev(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "V1", "event_type": "Life:Die", "trigger": {"start": 1, "end": 2}, "arguments": []}
    out.update(fields)
    return out


ERRORS: dict[str, tuple[Any, str]] = {
    "malformed json": ('{"doc_id": "r",', "malformed JSON"),
    "no tokens": ({"doc_id": "r", "text": TEXT, "event_mentions": []}, "record r: missing \"tokens\""),
    "token not a string": (_rec(tokens=["Gunmen", 5]), "record r: token #2 must be a string, got a number"),
    "token not in text": (_rec(tokens=["Gunmen", "shot"]), "record r: token #2 'shot' is not in the text at offset 7 (it holds 'killed two.')"),
    "text not a string": (_rec(text=["x"]), "record r: \"text\" must be a string, got an array"),
    "doc id number": (_rec(doc_id=7), '"doc_id" must be a non-empty string, got 7'),
    "mentions not a list": (_rec(entity_mentions={}), "record r: \"entity_mentions\" must be an array, got an object"),
    "mention not an object": (_rec(entity_mentions=["E0"]), "entity mention #1: expected an object, got a string"),
    "mention without type": (_rec(entity_mentions=[{"id": "E0", "start": 0, "end": 1}]),
                             "entity mention E0: missing \"entity_type\""),
    "mention tokens outside": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 3, "end": 9}]),
                               "entity mention E0: tokens 3-9 outside the 4 tokens, or empty"),
    "mention tokens empty": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 2, "end": 2}]),
                             "entity mention E0: tokens 2-2 outside the 4 tokens, or empty"),
    "mention token float": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 2.0, "end": 3}]),
                            'entity mention E0: token "start" and "end" must be integers, got 2.0 and 3'),
    "mention without place": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER"}]),
                              "entity mention E0: no place"),
    "mention text contradicts": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 2, "end": 3,
                                                        "text": "three"}]),
                                 "entity mention E0: text 'three' does not match 'two' at 14-17"),
    "offsets disagree with tokens": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 2, "end": 3,
                                                            "offset_start": 13, "offset_end": 17}]),
                                     "entity mention E0: tokens 2-3 are at 14-17 in the text, but its offsets say 13-17"),
    "offsets outside the text": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "offset_start": 14,
                                                        "offset_end": 99}]),
                                 "entity mention E0: offsets 14-99 outside the text (length 18), or empty"),
    "duplicate mention id": (_rec(entity_mentions=[{"id": "E0", "entity_type": "PER", "start": 2, "end": 3}] * 2),
                             "duplicate annotation id 'E0'"),
    "event without type": (_rec(event_mentions=[{"trigger": {"start": 1, "end": 2}}]),
                           "event mention E1: missing \"event_type\""),
    "trigger not an object": (_rec(event_mentions=[_ev(trigger=[1, 2])]),
                              "event mention V1: \"trigger\" must be an object, got an array"),
    "trigger outside": (_rec(event_mentions=[_ev(trigger={"start": 1, "end": 7})]),
                        "event mention V1 trigger: tokens 1-7 outside the 4 tokens"),
    "argument without role": (_rec(event_mentions=[_ev(arguments=[{"entity_id": "E0"}])]),
                              "event mention V1 argument #1: missing \"role\""),
    "argument names no mention": (_rec(event_mentions=[_ev(arguments=[{"entity_id": "E9", "role": "Victim"}])]),
                                  "event mention V1 argument #1: entity_id 'E9' names no entity mention of the record"),
    "argument without place": (_rec(event_mentions=[_ev(arguments=[{"role": "Victim"}])]),
                               "event mention V1 argument #1: no place"),
    "nested names no event": (_rec(event_mentions=[_ev(nested_arguments=[{"event_id": "V9", "role": "Cause"}])]),
                              "event mention V1 nested argument #1: event_id 'V9' names no event mention"),
    "relation with one argument": (_rec(relation_mentions=[{"id": "R0", "relation_type": "PHYS",
                                                            "arguments": [{"entity_id": "E0", "role": "Arg-1"}]}]),
                                   "relation mention R0: needs two arguments (Arg-1 and Arg-2), got 1"),
    "relation names no mention": (_rec(relation_mentions=[{"id": "R0", "relation_type": "PHYS", "arguments": [
        {"entity_id": "E0", "role": "Arg-1"}, {"entity_id": "E5", "role": "Arg-2"}]}]),
        "relation mention R0 argument #2: entity_id 'E5' names no entity mention of the record"),
    "duplicate record": (_rec(doc_id="first"), "duplicate record id 'first' (first on line 1)"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_a_bad_record_is_refused_with_file_and_line(tmp_path, case):
    bad, expected = ERRORS[case]
    path = write_records(tmp_path, _rec(doc_id="first"), bad, _rec(doc_id="after"))
    docs = read_oneie(path, ImportReport())
    assert next(docs).doc.document.id == "first"
    with pytest.raises(FormatError) as info:
        next(docs)
    assert (info.value.path, info.value.line) == (str(path), 2)
    assert str(info.value).startswith(f"{path}:2: ")
    assert expected in info.value.message, info.value.message
    assert "\n" not in str(info.value)


def test_the_base_record_of_the_refusals_is_valid(tmp_path):
    (doc,), _ = read(write_records(tmp_path, _rec(event_mentions=[_ev(arguments=[{"entity_id": "E0", "role": "Victim"}])])))
    assert shown(doc)["events"] == [("Life.Die", 7, 13, (("Victim", ("entity", "PER", 14, 17)),))]


def test_a_refused_file_leaves_the_project_unchanged(tmp_path):
    path = write_records(tmp_path, _rec(doc_id="first"), _rec(doc_id="bad", tokens=["Nope"]))
    with Project.open(tmp_path / "p.db") as project:
        with pytest.raises(FormatError, match=r"in\.jsonl:2: "):
            import_paths(project, [path], fmt="oneie")
        assert project.document_count() == 0


# --------------------------------------------------------------------------
# round trips: project -> oneie -> project


def seed_project(tmp_path: Path) -> tuple[Path, str]:
    """The seed article with entities, events (one nested) and a relation, in a real project file."""
    path = tmp_path / "seed.db"
    with Project.open(path) as p:
        (adoc,) = list(seed_documents())
        p.import_documents([adoc])
        d, text = adoc.document.id, adoc.document.text
        agent = p.add_span(d, Span("", "ORG", *at(text, "ISIS fighters")))
        victim = p.add_span(d, Span("", "PER", *at(text, "three military security personnel")))
        place = p.add_span(d, Span("", "GPE", *at(text, "Dujail")))
        district = p.add_span(d, Span("", "GPE", *at(text, "Salahuddin district")))
        police = p.add_span(d, Span("", "ORG", *at(text, "Iraqi police")))
        p.add_relation(d, Relation("", "PART-WHOLE", place.id, district.id))
        die = p.add_event(d, Event("", "Life.Die", "", arguments=[
            Argument("Agent", agent.id), Argument("Victim", victim.id), Argument("Place", place.id)]),
            trigger=Span("", "Life.Die", *at(text, "killed", 1)))
        p.add_event(d, Event("", "Life.Die", "", arguments=[Argument("Victim", victim.id)]),
                    trigger=Span("", "Life.Die", *at(text, "killing")))
        p.add_event(d, Event("", "Report", "", arguments=[
            Argument("Reporter", police.id), Argument("Content", die.id)]),
            trigger=Span("", "Report", *at(text, "reported")))
    return path, d


def export_oneie(project_path: Path, out: Path, **options: Any) -> ExportReport:
    report = ExportReport()
    with Project.open(project_path) as p, open(out, "w", encoding="utf-8", newline="\n") as fh:
        write_oneie(p.iter_annotated(), fh, ExportOptions(schema=p.schema, **options), report)
    return report


def test_round_trip_gives_the_same_entities_events_and_arguments(tmp_path):
    path, doc_id = seed_project(tmp_path)
    out = tmp_path / "seed.oneie.jsonl"
    report = export_oneie(path, out)
    # The article's name (its headline) and metadata have no place in OneIE; every annotation has.
    assert dict(report.left_out) == {"document names (OneIE keeps the id only)": 1,
                                     "document metadata (OneIE has none)": 1}
    with Project.open(path) as p:
        before = shown(p.get_annotated(doc_id))
    assert len(before["entities"]) == 5 and len(before["events"]) == 3 and len(before["relations"]) == 1
    with Project.open(tmp_path / "again.db") as again:
        assert import_paths(again, [out], fmt="auto") == 1
        after = again.get_annotated(doc_id)
    assert shown(after) == before
    (original,) = list(seed_documents())
    assert after.document.text == original.document.text


def test_round_trip_through_windows_gives_each_sentence_its_annotations(tmp_path):
    path, doc_id = seed_project(tmp_path)
    out = tmp_path / "windows.jsonl"
    report = export_oneie(path, out, windows=True)
    assert set(report.left_out) == {"document names (OneIE keeps the id only)", "document metadata (OneIE has none)"}
    # The report's trigger ("reported") and the killing it reports are in two sentences: one window.
    (note,) = report.notes
    assert note.endswith("in 14 windows (sentences joined where a span, an event or a relation spans several)")
    with Project.open(path) as p:
        whole = p.get_annotated(doc_id)
    text = whole.document.text
    with Project.open(tmp_path / "again.db") as again:
        n = import_paths(again, [out], fmt="oneie")
        docs = [again.get_annotated(i) for i in again.document_ids()]
    assert n == len(docs) > 10
    entities, events, relations = [], [], []
    for d in docs:
        assert d.document.meta == {"doc_id": doc_id}
        base = text.index(d.document.text)  # every window's text is a piece of the article
        moved = shown(d)

        def shift(f: tuple[Any, ...]) -> tuple[Any, ...]:
            return (f[0], f[1], f[2] + base, f[3] + base)

        entities += [(label, s + base, e + base, t) for label, s, e, t in moved["entities"]]
        events += [(ty, s + base, e + base, tuple((role, shift(f)) for role, f in args))
                   for ty, s, e, args in moved["events"]]
        relations += [(ty, shift(h), shift(t)) for ty, h, t in moved["relations"]]
    assert sorted(entities) == shown(whole)["entities"]
    assert sorted(events) == shown(whole)["events"]
    assert sorted(relations) == shown(whole)["relations"]


def test_the_format_reads_through_the_registry(tmp_path):
    fmt = get("oneie")
    assert fmt.can_read and fmt.can_write and fmt.sniff is not None
    docs = list(fmt.read(DEMO, ImportOptions(schema=Schema.default()), ImportReport()))
    assert len(docs) == 5 and docs[0].line == 1 and docs[0].path == str(DEMO)


def test_an_array_of_records_spread_over_lines_reads_too(tmp_path):
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()[:2]]
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    assert sniff_oneie(path)
    report = ImportReport()
    got = list(read_oneie(path, report, Schema.default()))
    starts = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line == "  {"]
    assert starts[0] == 2
    assert [(s.doc.document.id, s.line) for s in got] == [("DOC_000000", starts[0]), ("DOC_000001", starts[1])]
    assert shown(got[0].doc)["events"] == [("Life.Die", 34, 40, (("Place", ("entity", "GPE", 44, 52)),))]
