"""The native JSONL format: round trips, id generation, every error with its line."""
from __future__ import annotations

import io
import json
import pickle
from pathlib import Path
from typing import Any, Iterator

import pytest

from annotator.formats.errors import FormatError
from annotator.formats.jsonl import (
    doc_from_json,
    doc_to_json,
    dumps_doc,
    iter_jsonl_lines,
    read_jsonl,
    write_jsonl,
)
from annotator.model import (
    ENTITY,
    TRIGGER,
    AnnotatedDocument,
    Argument,
    Document,
    Event,
    Normalization,
    Relation,
    Span,
)

DATA = Path(__file__).parent / "data" / "jsonl"
ROOT = Path(__file__).parent.parent
SCHEMA = ROOT / "resources" / "formats" / "annotator-jsonl.schema.json"


def dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write_lines(tmp_path: Path, *lines: str, name: str = "input.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return path


def canonical(text: str, *, entities: list[dict] | None = None, events: list[dict] | None = None,
              relations: list[dict] | None = None, doc_id: str = "d", status: str = "new",
              meta: dict | None = None) -> dict[str, Any]:
    return {
        "id": doc_id,
        "name": doc_id,
        "text": text,
        "meta": json.dumps(meta, ensure_ascii=False) if meta else "{}",
        "status": status,
        "entities": entities or [],
        "events": events or [],
        "relations": relations or [],
    }


def ent(eid: str, text: str, sub: str, label: str, nth: int = 0, **extra: Any) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    out = {"id": eid, "start": start, "end": start + len(sub), "label": label, "text": sub,
           "fragments": [[start, start + len(sub)]]}
    out.update({"attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "", "review_note": "",
                "normalizations": "[]"})
    out.update(extra)
    return out


def trig(text: str, sub: str) -> dict[str, Any]:
    start = text.index(sub)
    return {"start": start, "end": start + len(sub), "text": sub, "fragments": [[start, start + len(sub)]]}


def ev(eid: str, etype: str, trigger: dict[str, Any], *args: tuple[str, str], **extra: Any) -> dict[str, Any]:
    """An event in canonical form; ``args`` are ``(role, ref)`` pairs."""
    out = {"id": eid, "type": etype, "trigger": trigger,
           "arguments": [{"role": role, "ref": ref, "annotator": "", "review": "", "reviewer": "", "review_note": ""}
                         for role, ref in args],
           "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "", "review_note": "",
           "normalizations": "[]"}
    out.update(extra)
    return out


def roundtrip_line(line: str) -> str:
    return dumps_doc(doc_from_json(json.loads(line)))


# --------------------------------------------------------------------------
# round trips

CHARACTER_CASES = {
    "emoji": "🇮🇶🙂 Iraq 🙂 and 👍🏽 Baghdad",
    "combining": "Cafe\u0301 in Mosul, n\u0303o, e\u0301\u0301 Tikrit",
    "arabic": "قال مسؤولون عراقيون إن هجوما وقع في بغداد",
    "crlf": "Iraq\r\n\r\nBaghdad\r\nMosul\rTikrit\n",
    "tabs": "\tIraq\t\tBaghdad\t",
    "zwj": "👩\u200d👩\u200d👧 met Iraq\u200d officials\u200c in Baghdad",
    "mixed": "\ufeffx\u2028Iraq\u2029\u0085Baghdad \U0001d54f\x00",
}


@pytest.mark.parametrize("case", sorted(CHARACTER_CASES))
def test_round_trip_of_character_cases_is_exact(case: str) -> None:
    text = CHARACTER_CASES[case]
    first = {"emoji": "Iraq", "combining": "Mosul", "arabic": "عراقيون", "crlf": "Baghdad",
             "tabs": "Baghdad", "zwj": "officials", "mixed": "Baghdad"}[case]
    last = {"emoji": "Baghdad", "combining": "Tikrit", "arabic": "بغداد", "crlf": "Tikrit",
            "tabs": "Iraq", "zwj": "Baghdad", "mixed": "Iraq"}[case]
    obj = canonical(
        text,
        entities=[ent("T1", text, first, "GPE"), ent("T2", text, last, "GPE")],
        events=[ev("E1", "Movement", trig(text, first), ("Destination", "T2"), note=text)],
    )
    line = dump(obj)
    doc = doc_from_json(json.loads(line))
    # Offsets are code points: slicing the text gives the entity text back.
    spans = doc.span_by_id()
    assert text[spans["T1"].start:spans["T1"].end] == first
    assert text[spans["T2"].start:spans["T2"].end] == last
    assert doc_to_json(doc) == obj
    assert dumps_doc(doc) == line


def test_emoji_before_span_counts_one_per_code_point() -> None:
    text = "🙂🙂 Iraq and more"
    doc = doc_from_json({"text": text, "entities": [{"start": 3, "end": 7, "label": "GPE", "text": "Iraq"}]})
    assert (doc.spans[0].start, doc.spans[0].end) == (3, 7)
    # UTF-16 offsets (5-9) would be rejected as not matching the text.
    with pytest.raises(FormatError, match="does not match"):
        doc_from_json({"text": text, "entities": [{"start": 5, "end": 9, "label": "GPE", "text": "Iraq"}]})


def test_canonical_fixture_round_trips_byte_for_byte(tmp_path: Path) -> None:
    original = (DATA / "canonical.jsonl").read_bytes()
    docs = list(read_jsonl(DATA / "canonical.jsonl"))
    assert [d.document.id for d in docs] == ["iraq-attacks", "unicode-mix"]
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        assert write_jsonl(docs, fh) == 2
    assert out.read_bytes() == original
    for line, doc in zip(original.decode("utf-8").splitlines(), docs):
        assert doc_to_json(doc) == json.loads(line)


def test_canonical_fixture_maps_to_the_model() -> None:
    iraq, mix = read_jsonl(DATA / "canonical.jsonl")
    assert iraq.document.status == "done"
    assert iraq.document.meta["lang"] == "en"
    assert iraq.document.name == "iraq-attacks"
    assert len(iraq.entities) == 11
    spans = iraq.span_by_id()
    assert spans["T9"].attributes == {"Specificity": "Specific"}
    assert spans["T7"].annotator == "ann2"
    assert spans["T5"].note == "count is 'at least'"
    assert spans["T9"].normalizations == [Normalization("GeoNames", "99072", "Ad Dujayl")]
    assert [(n.resource, n.entry) for n in spans["T11"].normalizations] == [("Wikipedia", "Baghdad"), ("GeoNames", "98182")]
    assert spans["T1"].normalizations == []
    # Triggers continue the T numbering after the highest entity (T11).
    triggers = [s for s in iraq.spans if s.kind == TRIGGER]
    assert [t.id for t in triggers] == ["T12", "T13", "T14", "T15", "T16"]
    events = iraq.event_by_id()
    assert spans[events["E1"].trigger].label == "Life.Die"
    assert iraq.document.text[spans[events["E1"].trigger].start:spans[events["E1"].trigger].end] == "killed"
    # Nested event: E3's arguments name events.
    assert [(a.role, a.ref, a.annotator) for a in events["E3"].arguments] == [
        ("Communicator", "T7", ""), ("Message", "E1", "ann2"), ("Message", "E2", "")]
    assert events["E2"].annotator == "ann2"
    assert events["E1"].normalizations == [Normalization("ACE", "Life.Die", "")]
    assert iraq.relations[0].normalizations[0].text == "located in the administrative territorial entity"
    assert [(r.id, r.head, r.tail, r.annotator) for r in iraq.relations] == [
        ("R1", "T9", "T10", ""), ("R2", "T10", "T1", "ann2")]

    assert mix.document.name == "Unicode mix (RTL, emoji, CRLF)"
    assert mix.document.status == "in_progress"
    assert "\r\n" in mix.document.text
    disc = mix.span_by_id()["T7"]
    assert disc.fragments is not None and len(disc.fragments) == 2
    assert [mix.document.text[s:e] for s, e in disc.pieces()] == ["Cafe\u0301 owner", "family"]
    e4, e5 = mix.event_by_id()["E4"], mix.event_by_id()["E5"]
    assert e4.trigger == e5.trigger  # same type and offsets: one trigger span
    assert len([s for s in mix.spans if s.kind == TRIGGER]) == 4
    assert mix.event_by_id()["E2"].attributes == {"Modality": "Asserted", "Negated": False}


def test_nested_event_argument_may_point_forward() -> None:
    text = "Police said the army attacked the town."
    obj = canonical(
        text,
        entities=[ent("T1", text, "Police", "ORG"), ent("T2", text, "army", "ORG")],
        events=[
            ev("E1", "Contact.Say", trig(text, "said"), ("Speaker", "T1"), ("Message", "E2")),
            ev("E2", "Conflict.Attack", trig(text, "attacked"), ("Attacker", "T2")),
        ],
    )
    doc = doc_from_json(obj)
    assert doc.events[0].arguments[1] == Argument("Message", "E2")
    assert doc_to_json(doc) == obj


def test_discontinuous_entity_and_trigger_round_trip() -> None:
    text = "He picked the ball up and threw it."
    picked, up = text.index("picked"), text.index("up")
    frags = [[picked, picked + 6], [up, up + 2]]
    entity = {"id": "T1", "start": picked, "end": up + 2, "label": "Action", "text": text[picked:up + 2],
              "fragments": frags, "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "",
              "review_note": "", "normalizations": "[]"}
    obj = canonical(text, entities=[entity], events=[
        ev("E1", "Pick", {"start": picked, "end": up + 2, "text": text[picked:up + 2], "fragments": frags})])
    doc = doc_from_json(obj)
    span = doc.span_by_id()["T1"]
    assert span.fragments == [(3, 9), (19, 21)]
    assert [text[s:e] for s, e in span.pieces()] == ["picked", "up"]
    trigger = doc.span_by_id()[doc.events[0].trigger]
    assert trigger.kind == TRIGGER and trigger.fragments == [(3, 9), (19, 21)]
    assert dumps_doc(doc) == dump(obj)


def test_events_with_same_trigger_share_one_span_only_when_type_matches() -> None:
    text = "The blast killed two."
    t = trig(text, "blast")
    doc = doc_from_json({"text": text, "events": [
        {"type": "Attack", "trigger": t}, {"type": "Attack", "trigger": t}, {"type": "Die", "trigger": t}]})
    triggers = [s for s in doc.spans if s.kind == TRIGGER]
    assert len(triggers) == 2
    assert doc.events[0].trigger == doc.events[1].trigger != doc.events[2].trigger
    assert [e.id for e in doc.events] == ["E1", "E2", "E3"]


def test_export_writes_triggers_inline_and_skips_orphan_triggers() -> None:
    doc = AnnotatedDocument(
        Document(id="x", text="Iraq attacked"),
        spans=[Span("T1", "GPE", 0, 4), Span("T2", "Attack", 5, 13, kind=TRIGGER),
               Span("T3", "Attack", 5, 13, kind=TRIGGER)],
        events=[Event("E1", "Attack", "T2", [Argument("Attacker", "T1", annotator="bob")])],
    )
    obj = doc_to_json(doc)
    assert list(obj) == ["id", "name", "text", "meta", "status", "entities", "events", "relations"]
    assert [e["id"] for e in obj["entities"]] == ["T1"]
    assert obj["events"][0]["trigger"] == {"start": 5, "end": 13, "text": "attacked", "fragments": [[5, 13]]}
    assert obj["events"][0]["arguments"] == [{"role": "Attacker", "ref": "T1", "annotator": "bob", "review": "",
                                              "reviewer": "", "review_note": ""}]
    assert list(obj["entities"][0]) == ["id", "start", "end", "label", "text", "fragments", "attributes", "note",
                                        "annotator", "review", "reviewer", "review_note", "normalizations"]
    assert list(obj["events"][0]) == ["id", "type", "trigger", "arguments", "attributes", "note", "annotator",
                                      "review", "reviewer", "review_note", "normalizations"]


def test_export_writes_every_key_with_one_type_each() -> None:
    """Empty values are "", [[start, end]], "{}" and "[]": never null, never a key left out."""
    doc = AnnotatedDocument(
        Document(id="x", text="Iraq and Iran", name="Shown name", meta={"k": [1, 2]}, status="reviewed"),
        spans=[Span("T1", "GPE", 0, 4, annotator="amy", note="n", attributes={"a": True},
                    normalizations=[Normalization("Wikipedia", "7515", "Iraq")]),
               Span("T2", "GPE", 9, 13),
               Span("T3", "GPE", 0, 13, fragments=[(0, 4), (9, 13)])],
        relations=[Relation("R1", "NEAR", "T1", "T2", annotator="amy", review="rejected", reviewer="lee",
                            review_note="not near")],
    )
    obj = doc_to_json(doc)
    assert obj == {
        "id": "x", "name": "Shown name", "text": "Iraq and Iran", "meta": '{"k": [1, 2]}', "status": "reviewed",
        "entities": [
            {"id": "T1", "start": 0, "end": 4, "label": "GPE", "text": "Iraq", "fragments": [[0, 4]],
             "attributes": '{"a": true}', "note": "n", "annotator": "amy", "review": "", "reviewer": "",
             "review_note": "", "normalizations": '[{"resource": "Wikipedia", "entry": "7515", "text": "Iraq"}]'},
            {"id": "T2", "start": 9, "end": 13, "label": "GPE", "text": "Iran", "fragments": [[9, 13]],
             "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "", "review_note": "",
             "normalizations": "[]"},
            {"id": "T3", "start": 0, "end": 13, "label": "GPE", "text": "Iraq and Iran", "fragments": [[0, 4], [9, 13]],
             "attributes": "{}", "note": "", "annotator": "", "review": "", "reviewer": "", "review_note": "",
             "normalizations": "[]"},
        ],
        "events": [],
        "relations": [{"id": "R1", "type": "NEAR", "head": "T1", "tail": "T2", "attributes": "{}", "note": "",
                       "annotator": "amy", "review": "rejected", "reviewer": "lee", "review_note": "not near",
                       "normalizations": "[]"}],
    }
    assert list(obj) == ["id", "name", "text", "meta", "status", "entities", "events", "relations"]
    # A document without a name of its own is named by its id.
    assert doc_to_json(AnnotatedDocument(Document(id="y", text="t")))["name"] == "y"
    again = doc_from_json(json.loads(dumps_doc(doc)))
    assert again == doc


def test_normalizations_round_trip_on_entities_events_and_relations() -> None:
    text = "Obama visited Baghdad."
    norm = Normalization("Wikipedia", "534366", "Barack Obama")
    doc = AnnotatedDocument(
        Document(id="n", text=text),
        spans=[Span("T1", "PER", 0, 5, normalizations=[norm, Normalization("Wikidata", "Q76")]),
               Span("T2", "GPE", 14, 21), Span("T3", "Movement.Transport", 6, 13, kind=TRIGGER)],
        events=[Event("E1", "Movement.Transport", "T3", [Argument("Artifact", "T1")],
                      normalizations=[Normalization("FrameNet", "Travel", "")])],
        relations=[Relation("R1", "PHYS", "T1", "T2", normalizations=[Normalization("ACE", "PHYS.Located", "x")])],
    )
    line = dumps_doc(doc)
    obj = json.loads(line)
    assert json.loads(obj["entities"][0]["normalizations"]) == [
        {"resource": "Wikipedia", "entry": "534366", "text": "Barack Obama"},
        {"resource": "Wikidata", "entry": "Q76", "text": ""}]
    assert json.loads(obj["events"][0]["normalizations"]) == [{"resource": "FrameNet", "entry": "Travel", "text": ""}]
    assert json.loads(obj["relations"][0]["normalizations"]) == [
        {"resource": "ACE", "entry": "PHYS.Located", "text": "x"}]
    again = doc_from_json(obj)
    assert again.span_by_id()["T1"].normalizations == [norm, Normalization("Wikidata", "Q76", "")]
    assert again.events[0].normalizations == [Normalization("FrameNet", "Travel", "")]
    assert again.relations[0].normalizations == [Normalization("ACE", "PHYS.Located", "x")]
    assert dumps_doc(again) == line


def test_reading_accepts_plain_objects_arrays_nulls_and_omitted_keys() -> None:
    """Old files and hand-written lines: objects for attributes and meta, arrays, nulls, keys left out."""
    text = "Iraq and Iran"
    doc = doc_from_json({
        "id": "old", "text": text, "meta": {"src": "a"},
        "entities": [
            {"id": "T1", "start": 0, "end": 4, "label": "GPE", "attributes": {"a": 1}, "annotator": None,
             "fragments": None, "normalizations": [{"resource": "W", "entry": "1"}]},
            {"id": "T2", "start": 9, "end": 13, "label": "GPE", "normalizations": None},
            {"id": "T3", "start": 0, "end": 13, "label": "GPE", "fragments": [[0, 13]]},
        ],
        "events": [{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 8, "fragments": None},
                    "arguments": [{"role": "A", "ref": "T1", "annotator": None}], "attributes": '{"p": "q"}',
                    "annotator": None, "normalizations": '[{"resource": "R", "entry": "e", "text": "t"}]'}],
        "relations": [{"id": "R1", "type": "R", "head": "T1", "tail": "T2", "annotator": None,
                       "normalizations": []}],
    })
    assert doc.document.meta == {"src": "a"}
    assert doc.document.name == "old"
    t1, t2, t3 = doc.entities
    assert (t1.attributes, t1.annotator, t1.fragments, t1.normalizations) == ({"a": 1}, "", None, [Normalization("W", "1", "")])
    assert t2.normalizations == []
    assert t3.fragments is None  # one piece that is the extent: continuous
    e1 = doc.events[0]
    assert (e1.attributes, e1.annotator, e1.arguments[0].annotator) == ({"p": "q"}, "", "")
    assert e1.normalizations == [Normalization("R", "e", "t")]
    assert doc.relations[0].annotator == "" and doc.relations[0].normalizations == []


def test_export_rejects_event_with_missing_trigger_span() -> None:
    doc = AnnotatedDocument(Document(id="x", text="abc"), events=[Event("E1", "T", "T9")])
    with pytest.raises(ValueError, match="T9"):
        doc_to_json(doc)


def test_reading_does_not_share_mutable_values_with_the_line() -> None:
    obj = {"id": "x", "text": "abc", "meta": {"a": 1},
           "entities": [{"id": "T1", "start": 0, "end": 1, "label": "L", "fragments": [[0, 1]]}]}
    doc = doc_from_json(obj)
    obj["entities"][0]["fragments"][0][0] = 99
    assert doc.spans[0].fragments is None and (doc.spans[0].start, doc.spans[0].end) == (0, 1)
    line = dumps_doc(doc)
    doc.document.meta["a"] = 99  # the line written before is text: nothing to share
    assert json.loads(json.loads(line)["meta"]) == {"a": 1}


# --------------------------------------------------------------------------
# minimal lines and id generation


def test_minimal_lines_get_ids_from_file_stem_and_line() -> None:
    docs = list(read_jsonl(DATA / "news.jsonl"))  # BOM, CRLF line ends, blank lines
    assert [d.document.id for d in docs] == ["news-1", "news-3", "named"]
    assert [d.document.name for d in docs] == ["news-1", "news-3", "A named one"]
    assert all(d.document.status == "new" for d in docs)
    assert docs[0].document.text == "Iraq declared victory over the Islamic State."
    mosul = docs[1]
    # T1 was given, so the made-up entity id skips it; the trigger comes after.
    assert [(s.id, s.kind, s.label) for s in mosul.spans] == [
        ("T2", ENTITY, "GPE"), ("T1", ENTITY, "DATE"), ("T3", TRIGGER, "Conflict.Attack")]
    assert [(e.id, e.trigger, e.arguments) for e in mosul.events] == [
        ("E1", "T3", [Argument("Place", "T2")])]


def test_made_up_ids_avoid_every_given_id() -> None:
    text = "abcdefgh"
    doc = doc_from_json({"text": text,
                         "entities": [{"start": 0, "end": 1, "label": "L"},
                                      {"id": "T1", "start": 1, "end": 2, "label": "L"},
                                      {"start": 2, "end": 3, "label": "L"},
                                      {"id": "T7", "start": 3, "end": 4, "label": "L"}],
                         "events": [{"trigger": {"start": 4, "end": 5}, "type": "X"},
                                    {"id": "E1", "trigger": {"start": 5, "end": 6}, "type": "X"},
                                    {"id": "T8", "trigger": {"start": 6, "end": 7}, "type": "X"}],
                         "relations": [{"head": "T1", "tail": "T2", "type": "R"},
                                       {"id": "R1", "head": "T1", "tail": "T7", "type": "R"}]})
    assert [s.id for s in doc.spans] == ["T2", "T1", "T3", "T7", "T9", "T10", "T11"]
    assert [e.id for e in doc.events] == ["E2", "E1", "T8"]
    assert [r.id for r in doc.relations] == ["R2", "R1"]
    ids = [s.id for s in doc.spans] + [e.id for e in doc.events] + [r.id for r in doc.relations]
    assert len(ids) == len(set(ids))


def test_default_id_without_file() -> None:
    assert doc_from_json({"text": "a"}).document.id == "doc"
    assert doc_from_json({"text": "a"}, line=4).document.id == "doc-4"
    assert doc_from_json({"text": "a"}, default_id="x-1").document.id == "x-1"
    assert doc_from_json({"id": "given", "text": "a"}, default_id="x-1").document.id == "given"


def test_unknown_keys_are_ignored_and_empty_text_is_allowed() -> None:
    doc = doc_from_json({"text": "", "score": 0.5, "entities": []})
    assert doc.document.text == ""
    assert doc_to_json(doc)["text"] == ""


# --------------------------------------------------------------------------
# errors, each with its file and line

GOOD = '{"id": "ok", "text": "fine"}'
TEXT = "Iraq said attacks in Dujail hurt 5."


def _line(**fields: Any) -> str:
    obj: dict[str, Any] = {"text": TEXT}
    obj.update(fields)
    return dump(obj)


def _e(**fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "T3", "start": 0, "end": 4, "label": "GPE"}
    out.update(fields)
    return out


ERROR_CASES: dict[str, tuple[str, str]] = {
    "malformed json": ('{"text": "x",', "malformed JSON"),
    "trailing garbage": ('{"text": "x"} x', "malformed JSON"),
    "nan": ('{"text": "x", "meta": {"v": NaN}}', "NaN"),
    "array line": ('["text"]', "expected a JSON object, got an array"),
    "string line": ('"text"', "expected a JSON object, got a string"),
    "missing text": ('{"id": "a"}', 'missing "text"'),
    "null text": ('{"text": null}', '"text" must be a string, got null'),
    "number text": ('{"text": 5}', '"text" must be a string, got a number'),
    "lone surrogate": ('{"text": "a\\ud83d b"}', "lone surrogate at offset 1"),
    "bad doc id": ('{"id": 3, "text": "x"}', '"id" must be a non-empty string, got 3'),
    "empty doc id": ('{"id": "", "text": "x"}', '"id" must be a non-empty string'),
    "bad status": (_line(status="finished"), 'status "finished" is not one of new, in_progress'),
    "status list": (_line(status=["new"]), "status [\"new\"] is not one of"),
    "meta list": (_line(meta=[]), '"meta" must be an object, got an array'),
    "name number": (_line(name=1), '"name" must be a string, got a number'),
    "entities object": (_line(entities={}), '"entities" must be an array, got an object'),
    "entities null": (_line(entities=None), '"entities" must be an array, got null'),
    "entity not object": (_line(entities=[[0, 4]]), "entity #1: expected an object, got an array"),
    "entity id number": (_line(entities=[_e(id=1)]), 'entity #1: "id" must be a non-empty string, got 1'),
    "offsets outside": (_line(entities=[_e(start=5, end=900)]),
                        f"entity T3: offsets 5-900 outside the text (length {len(TEXT)})"),
    "negative offset": (_line(entities=[_e(start=-1)]), "entity T3: offsets -1-4 outside the text"),
    "end one past the text": (_line(entities=[_e(start=len(TEXT) - 4, end=len(TEXT) + 1)]),
                              f"entity T3: offsets {len(TEXT) - 4}-{len(TEXT) + 1} outside the text (length {len(TEXT)})"),
    "trigger one past the text": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": len(TEXT) + 1}}]),
                                  f"event E1 trigger: offsets 5-{len(TEXT) + 1} outside the text"),
    "reversed offsets": (_line(entities=[_e(start=4, end=2)]), "entity T3: offsets 4-2 are empty or reversed"),
    "empty span": (_line(entities=[_e(start=4, end=4)]), "entity T3: offsets 4-4 are empty or reversed"),
    "float offset": (_line(entities=[_e(start=0.0)]), 'entity T3: "start" must be an integer, got 0.0'),
    "string offset": (_line(entities=[_e(end="4")]), 'entity T3: "end" must be an integer, got "4"'),
    "bool offset": (_line(entities=[_e(start=True)]), 'entity T3: "start" must be an integer, got true'),
    "missing start": (_line(entities=[{"id": "T3", "end": 4, "label": "GPE"}]), 'entity T3: missing "start"'),
    "text mismatch": (_line(entities=[_e(start=21, end=27, text="Dujial")]),
                      "entity T3: text 'Dujial' does not match 'Dujail' at 21-27"),
    "text not string": (_line(entities=[_e(text=4)]), 'entity T3: "text" must be a string, got a number'),
    "missing label": (_line(entities=[{"id": "T3", "start": 0, "end": 4}]), 'entity T3: missing "label"'),
    "label number": (_line(entities=[_e(label=7)]), 'entity T3: "label" must be a string, got a number'),
    "attributes list": (_line(entities=[_e(attributes=[])]), 'entity T3: "attributes" must be an object, got an array'),
    "note number": (_line(entities=[_e(note=1)]), 'entity T3: "note" must be a string, got a number'),
    "annotator number": (_line(entities=[_e(annotator=0)]), 'entity T3: "annotator" must be a string, got a number'),
    "argument annotator list": (_line(entities=[_e()], events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9},
                                                                "arguments": [{"role": "A", "ref": "T3", "annotator": []}]}]),
                                'event E1 argument #1: "annotator" must be a string, got an array'),
    "fragments null pair": (_line(entities=[_e(fragments=[None])]), "entity T3: fragment null is not a [start, end] pair"),
    "attributes text not object": (_line(entities=[_e(attributes="[1]")]),
                                   'entity T3: "attributes" must be JSON text of an object, got an array'),
    "attributes text malformed": (_line(entities=[_e(attributes="{'a': 1}")]),
                                  'entity T3: "attributes" is not JSON text (Expecting property name enclosed in double quotes)'),
    "meta text nan": (_line(meta='{"v": NaN}'), '"meta": NaN is not a JSON number; numbers must be finite'),
    "meta null": (_line(meta=None), '"meta" must be an object, got null'),
    "normalizations object": (_line(entities=[_e(normalizations={})]),
                              'entity T3: "normalizations" must be an array, got an object'),
    "normalizations text of object": (_line(entities=[_e(normalizations='{"resource": "W"}')]),
                                      'entity T3: "normalizations" must be an array, got an object'),
    "normalization not object": (_line(entities=[_e(normalizations=["Wikipedia:1"])]),
                                 "entity T3 normalization #1: expected an object, got a string"),
    "normalization missing entry": (_line(entities=[_e(normalizations=[{"resource": "W", "text": "x"}])]),
                                    'entity T3 normalization #1: missing "entry"'),
    "normalization resource number": (_line(entities=[_e(normalizations='[{"resource": 1, "entry": "2"}]')]),
                                      'entity T3 normalization #1: "resource" must be a string, got a number'),
    "normalization text null": (_line(entities=[_e(normalizations=[{"resource": "W", "entry": "2", "text": None}])]),
                                'entity T3 normalization #1: "text" must be a string, got null'),
    "event normalizations number": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9},
                                                   "normalizations": 5}]),
                                    'event E1: "normalizations" must be an array, got a number'),
    "relation normalization entry list": (_line(entities=[_e()], relations=[
        {"id": "R1", "type": "R", "head": "T3", "tail": "T3", "normalizations": [{"resource": "W", "entry": []}]}]),
        'relation R1 normalization #1: "entry" must be a string, got an array'),
    "fragments empty": (_line(entities=[_e(fragments=[])]), 'entity T3: "fragments" must be a non-empty array'),
    "fragments not pairs": (_line(entities=[_e(fragments=[[0, 1, 2]])]), "entity T3: fragment [0, 1, 2] is not a [start, end] pair"),
    "fragment beyond extent": (_line(entities=[_e(end=9, fragments=[[0, 4], [5, 12]])]),
                               "entity T3: fragments [[0, 4], [5, 12]] do not fit the extent 0-9"),
    "fragments unsorted": (_line(entities=[_e(end=9, fragments=[[5, 9], [0, 4]])]), "do not fit the extent 0-9"),
    "fragments overlap": (_line(entities=[_e(end=9, fragments=[[0, 5], [4, 9]])]), "do not fit the extent 0-9"),
    "fragments short of extent": (_line(entities=[_e(end=9, fragments=[[0, 4], [5, 8]])]),
                                  "the last must end with it"),
    "duplicate entity id": (_line(entities=[_e(), _e(start=5, end=9)]), "duplicate annotation id 'T3'"),
    "entity and event share id": (_line(entities=[_e(id="E1")],
                                        events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9}}]),
                                  "duplicate annotation id 'E1'"),
    "relation duplicates id": (_line(entities=[_e()], relations=[{"id": "T3", "type": "R", "head": "T3", "tail": "T3"}]),
                               "duplicate annotation id 'T3'"),
    "event missing trigger": (_line(events=[{"id": "E1", "type": "X"}]), 'event E1: missing "trigger"'),
    "event trigger list": (_line(events=[{"id": "E1", "type": "X", "trigger": [5, 9]}]),
                           'event E1: "trigger" must be an object, got an array'),
    "event missing type": (_line(events=[{"id": "E1", "trigger": {"start": 5, "end": 9}}]), 'event E1: missing "type"'),
    "trigger outside": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 99}}]),
                        f"event E1 trigger: offsets 5-99 outside the text (length {len(TEXT)})"),
    "trigger text mismatch": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9, "text": "sad"}}]),
                              "event E1 trigger: text 'sad' does not match 'said' at 5-9"),
    "arguments object": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9}, "arguments": {}}]),
                         'event E1: "arguments" must be an array, got an object'),
    "argument not object": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9}, "arguments": ["T3"]}]),
                            "event E1 argument #1: expected an object, got a string"),
    "argument missing role": (_line(entities=[_e()], events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9},
                                                              "arguments": [{"ref": "T3"}]}]),
                              'event E1 argument #1: missing "role"'),
    "argument unknown ref": (_line(entities=[_e()], events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9},
                                                             "arguments": [{"role": "A", "ref": "T3"}, {"role": "B", "ref": "T4"}]}]),
                             "event E1 argument #2: ref 'T4' names no entity or event in the document"),
    "argument ref to trigger span": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9},
                                                     "arguments": [{"role": "A", "ref": "T1"}]}]),
                                     "ref 'T1' names no entity or event"),
    "event attributes string": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9}, "attributes": "a"}]),
                                'event E1: "attributes" is not JSON text (Expecting value): "a"'),
    "event attributes number": (_line(events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9}, "attributes": 1}]),
                                'event E1: "attributes" must be an object, got a number'),
    "relation unknown tail": (_line(entities=[_e()], relations=[{"id": "R1", "type": "R", "head": "T3", "tail": "T9"}]),
                              "relation R1: tail 'T9' names no entity in the document"),
    "relation missing head": (_line(entities=[_e()], relations=[{"id": "R1", "type": "R", "tail": "T3"}]),
                              'relation R1: missing "head"'),
    "relation missing type": (_line(entities=[_e()], relations=[{"id": "R1", "head": "T3", "tail": "T3"}]),
                              'relation R1: missing "type"'),
    "relation note list": (_line(entities=[_e()], relations=[{"id": "R1", "type": "R", "head": "T3", "tail": "T3", "note": []}]),
                           'relation R1: "note" must be a string, got an array'),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_reader_rejects_with_file_and_line(tmp_path: Path, case: str) -> None:
    bad, expected = ERROR_CASES[case]
    path = write_lines(tmp_path, GOOD, "", bad, GOOD.replace('"ok"', '"ok2"'))
    docs = read_jsonl(path)
    assert next(docs).document.id == "ok"  # streaming: lines before the bad one come through
    with pytest.raises(FormatError) as info:
        next(docs)
    err = info.value
    assert err.path == str(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}:3: ")
    assert expected in err.message, err.message


def test_error_cases_are_all_valid_once_fixed() -> None:
    # Guard against the cases above failing for an unintended reason: the
    # base line they are built from is itself valid.
    doc = doc_from_json(json.loads(_line(entities=[_e(), _e(id="T4", start=21, end=27, text="Dujail")],
                                         events=[{"id": "E1", "type": "X", "trigger": {"start": 5, "end": 9, "text": "said"},
                                                  "arguments": [{"role": "A", "ref": "T3"}]}],
                                         relations=[{"id": "R1", "type": "R", "head": "T3", "tail": "T4"}])))
    assert len(doc.spans) == 3


def test_duplicate_document_ids_in_a_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"id": "a", "text": "x"}', '{"id": "b", "text": "x"}', '{"id": "a", "text": "y"}')
    with pytest.raises(FormatError) as info:
        list(read_jsonl(path))
    assert info.value.line == 3
    assert "duplicate document id 'a' (first on line 1)" in str(info.value)


def test_made_up_document_id_can_collide_with_a_given_one(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"id": "input-2", "text": "x"}', '{"text": "y"}')
    with pytest.raises(FormatError, match=r":2: duplicate document id 'input-2'"):
        list(read_jsonl(path))


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(FormatError) as info:
        list(read_jsonl(path))
    assert info.value.line == 2
    assert "invalid UTF-8" in info.value.message


def test_bom_only_tolerated_at_file_start(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\n\xef\xbb\xbf{"text": "b"}\n')
    docs = iter_jsonl_lines(path)
    assert next(docs) == (1, {"text": "a"})
    with pytest.raises(FormatError, match=r":2: malformed JSON"):
        next(docs)


def test_json_array_file_gets_a_hint(tmp_path: Path) -> None:
    path = write_lines(tmp_path, "[", '  {"text": "a"}', "]")
    with pytest.raises(FormatError, match=r":1: malformed JSON.*not an array"):
        list(read_jsonl(path))


def test_doc_from_json_reports_given_path_and_line() -> None:
    with pytest.raises(FormatError) as info:
        doc_from_json({"text": "x", "status": "nope"}, path="in.jsonl", line=7)
    assert str(info.value).startswith("in.jsonl:7: ")
    with pytest.raises(FormatError, match=r"^<input>: expected a JSON object"):
        doc_from_json([], )  # type: ignore[arg-type]


def test_format_error_shape_and_pickle() -> None:
    err = FormatError("a.jsonl", 4, "boom")
    assert isinstance(err, ValueError)
    assert (err.path, err.line, err.message) == ("a.jsonl", 4, "boom")
    assert str(err) == "a.jsonl:4: boom"
    assert str(FormatError("a.jsonl", None, "boom")) == "a.jsonl: boom"
    again = pickle.loads(pickle.dumps(err))
    assert (again.path, again.line, again.message, str(again)) == ("a.jsonl", 4, "boom", "a.jsonl:4: boom")


# --------------------------------------------------------------------------
# files and streaming


def test_iter_jsonl_lines_counts_blank_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path, "", '{"text": "a"}', "  \t", '{"text": "b"}')
    assert list(iter_jsonl_lines(path)) == [(2, {"text": "a"}), (4, {"text": "b"})]


def test_blank_lines_of_a_crlf_file_are_skipped_and_counted(tmp_path: Path) -> None:
    """A file written on Windows: CRLF line ends, blank lines that are only "\\r\\n" or spaces and "\\r"."""
    path = tmp_path / "win.jsonl"
    path.write_bytes(b'\r\n{"text": "a"}\r\n \t\r\n\r\n{"text": "b\\r\\nc"}\r\n\r')
    assert list(iter_jsonl_lines(path)) == [(2, {"text": "a"}), (5, {"text": "b\r\nc"})]
    assert [d.document.text for d in read_jsonl(path)] == ["a", "b\r\nc"]
    # a bad line after them is named by its own line number
    path.write_bytes(b'\r\n{"text": "a"}\r\n\r\n{"text": 1}\r\n')
    with pytest.raises(FormatError) as info:
        list(read_jsonl(path))
    assert info.value.line == 4


def test_unicode_line_separators_inside_strings_do_not_split_lines(tmp_path: Path) -> None:
    text = "a\u2028b\u2029c\x85d\x0ce\x1cf"
    doc = doc_from_json({"id": "u", "text": text})
    out = tmp_path / "u.jsonl"
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        write_jsonl([doc], fh)
    assert out.read_bytes().count(b"\n") == 1
    (back,) = read_jsonl(out)
    assert back.document.text == text


def test_write_jsonl_streams_from_an_iterator() -> None:
    written: list[str] = []

    class Sink(io.StringIO):
        def write(self, s: str) -> int:
            written.append(s)
            return super().write(s)

    sink = Sink()

    def docs() -> Iterator[AnnotatedDocument]:
        for i in range(3):
            # Each earlier document is already written when the next is made.
            assert sum(1 for w in written if w == "\n") == i
            yield AnnotatedDocument(Document(id=f"d{i}", text="é\r\n"))

    assert write_jsonl(docs(), sink) == 3
    lines = sink.getvalue().split("\n")
    assert lines[-1] == ""
    assert [json.loads(x)["id"] for x in lines[:-1]] == ["d0", "d1", "d2"]
    assert "é" in lines[0] and "\\r\\n" in lines[0]


def test_read_jsonl_is_lazy(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"text": "a"}', "not json")
    docs = read_jsonl(path)  # no error until the bad line is reached
    assert next(docs).document.text == "a"
    with pytest.raises(FormatError):
        next(docs)


def test_dumps_doc_is_one_line_without_newline() -> None:
    line = dumps_doc(AnnotatedDocument(Document(id="x", text="a\nb")))
    assert "\n" not in line
    assert line == ('{"id": "x", "name": "x", "text": "a\\nb", "meta": "{}", "status": "new", '
                    '"entities": [], "events": [], "relations": []}')


def test_parse_10k_docs_100k_entities(tmp_path: Path) -> None:
    """A large file parses completely (its speed is measured in benchmarks/bench_core.py)."""
    words = "Iraq said militants attacked Dujail near Baghdad on Wednesday night. " * 4
    ents = [{"id": f"T{i + 1}", "start": (i * 7) % 250, "end": (i * 7) % 250 + 5, "label": "X"}
            for i in range(10)]
    line = dump({"text": words, "entities": ents,
                 "events": [{"type": "Attack", "trigger": {"start": 20, "end": 28},
                             "arguments": [{"role": "A", "ref": "T1"}]}]})
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for _ in range(10_000):
            fh.write(line + "\n")
    docs = 0
    count = 0
    for d in read_jsonl(path):
        docs += 1
        count += len(d.spans)
    assert (docs, count) == (10_000, 110_000)
    assert d.spans[0].start == 0 and d.spans[-1].kind == "trigger"


# --------------------------------------------------------------------------
# the JSON Schema file


def test_json_schema_file_describes_the_format() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["required"] == ["text"]
    assert set(schema["properties"]) == {"id", "name", "text", "meta", "status", "entities", "events", "relations"}
    defs = schema["$defs"]
    assert {"entity", "event", "trigger", "argument", "relation", "fragments"} <= set(defs)
    assert set(defs["entity"]["required"]) == {"start", "end", "label"}
    assert set(defs["event"]["required"]) == {"type", "trigger"}
    assert set(defs["relation"]["required"]) == {"type", "head", "tail"}
    assert set(defs["argument"]["required"]) == {"role", "ref"}
    from annotator.model import STATUSES
    assert schema["properties"]["status"]["enum"] == list(STATUSES)

    # The writer emits every key the schema describes, and no other.
    def refs_resolve(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref is not None:
                assert ref.startswith("#/$defs/") and ref.split("/")[-1] in defs, ref
            for value in node.values():
                refs_resolve(value)
        elif isinstance(node, list):
            for value in node:
                refs_resolve(value)

    refs_resolve(schema)
    for line in (DATA / "canonical.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert set(obj) == set(schema["properties"])
        for e in obj["entities"]:
            assert set(e) == set(defs["entity"]["properties"])
        for ev in obj["events"]:
            assert set(ev) == set(defs["event"]["properties"])
            assert set(ev["trigger"]) == set(defs["trigger"]["properties"])
            for a in ev["arguments"]:
                assert set(a) == set(defs["argument"]["properties"])
        for r in obj["relations"]:
            assert set(r) == set(defs["relation"]["properties"])
