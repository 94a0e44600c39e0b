"""The OneIE/TextEE export: layout on the seed article, lang, arguments by token, what it cannot hold, windows."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from annotator.demo import seed_documents
from annotator.formats.oneie import aligned_tokens, doc_to_oneie, write_oneie
from annotator.formats.sentences import sentences
from annotator.formats.spec import ExportOptions, ExportReport
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

ROOT = Path(__file__).resolve().parent.parent


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(phrase, i + 1)
    return i, i + len(phrase)


def annotated_seed(tmp_path) -> Path:
    path = tmp_path / "seed.db"
    with Project.open(path) as p:
        (adoc,) = list(seed_documents())
        p.import_documents([adoc])
        d, text = adoc.document.id, adoc.document.text
        agent = p.add_span(d, Span("", "ORG", *at(text, "ISIS fighters")))
        victim = p.add_span(d, Span("", "PER", *at(text, "three military security personnel")))
        place = p.add_span(d, Span("", "GPE", *at(text, "Dujail")))
        p.add_event(d, Event("", "Life.Die", "", arguments=[
            Argument("Agent", agent.id), Argument("Victim", victim.id), Argument("Place", place.id)]),
            trigger=Span("", "Life.Die", *at(text, "killed", 1)))
    return path


def test_oneie_layout_on_the_seed_article(tmp_path):
    path = annotated_seed(tmp_path)
    r = subprocess.run([sys.executable, "-m", "annotator", "export", str(path), "--format", "oneie"],
                       capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    (doc,) = [json.loads(x) for x in r.stdout.splitlines()]
    toks = doc["tokens"]
    ents = {e["id"]: e for e in doc["entity_mentions"]}
    by_text = {e["text"]: e for e in ents.values()}
    for phrase, label in (("ISIS fighters", "ORG"), ("three military security personnel", "PER"), ("Dujail", "GPE")):
        e = by_text[phrase]
        assert e["entity_type"] == label
        assert " ".join(toks[e["start"]:e["end"]]) == phrase  # token indices, end-exclusive
        assert doc["text"][e["offset_start"]:e["offset_end"]] == phrase
    (ev,) = doc["event_mentions"]
    assert ev["event_type"] == "Life:Die"
    assert toks[ev["trigger"]["start"]:ev["trigger"]["end"]] == ["killed"]
    assert ev["trigger"]["text"] == "killed"
    trig = ev["trigger"]
    assert doc["text"][trig["offset_start"]:trig["offset_end"]] == "killed"
    assert trig["offset_end"] - trig["offset_start"] == 6
    got = {(a["role"], a["text"]) for a in ev["arguments"]}
    assert got == {("Agent", "ISIS fighters"), ("Victim", "three military security personnel"), ("Place", "Dujail")}
    assert all(a["entity_id"] in ents for a in ev["arguments"])


def test_spans_inside_a_word_get_their_own_tokens():
    text = "Anti-ISIS forces"
    toks = aligned_tokens(text, [Span("T1", "ORG", 5, 9)])
    assert [text[a:b] for a, b in toks] == ["Anti-", "ISIS", "forces"]


def test_nested_event_arguments_are_listed_not_dropped(tmp_path):
    from annotator.model import AnnotatedDocument, Document

    text = "Police reported that militants killed two men."
    adoc = AnnotatedDocument(
        Document(id="n", text=text),
        [Span("T1", "Contact.Phone-Write", *at(text, "reported"), kind="trigger"),
         Span("T2", "Life.Die", *at(text, "killed"), kind="trigger")],
        [Event("E2", "Life.Die", "T2"), Event("E1", "Contact.Phone-Write", "T1", [Argument("Content", "E2")])],
    )
    out = doc_to_oneie(adoc)
    outer = next(e for e in out["event_mentions"] if e["id"] == "E1")
    assert outer["arguments"] == [] and outer["nested_arguments"] == [{"event_id": "E2", "role": "Content"}]


def test_offsets_by_hand_after_an_emoji_and_crlf():
    """Code-point offsets and token indices of entities and triggers, worked out by hand."""
    from annotator.model import AnnotatedDocument, Document

    # index:  0 = 😀, 1 = space, 2-7 Gunmen, 8 space, 9-14 killed, 15 space, 16-18 two,
    #         19 ".", 20-21 CRLF, 22-26 Later
    text = "😀 Gunmen killed two.\r\nLater"
    adoc = AnnotatedDocument(
        Document(id="h", text=text),
        [Span("T1", "PER", 2, 8), Span("T2", "Life.Die", 9, 15, kind="trigger"), Span("T3", "PER", 16, 19)],
        [Event("E1", "Life.Die", "T2", [Argument("Agent", "T1"), Argument("Victim", "T3")])],
    )
    out = doc_to_oneie(adoc)
    assert out["tokens"] == ["😀", "Gunmen", "killed", "two", ".", "Later"]
    (ev,) = out["event_mentions"]
    assert ev["trigger"] == {"start": 2, "end": 3, "text": "killed", "offset_start": 9, "offset_end": 15}
    ents = {e["id"]: e for e in out["entity_mentions"]}
    assert (ents["T1"]["offset_start"], ents["T1"]["offset_end"], ents["T1"]["start"], ents["T1"]["end"]) == (2, 8, 1, 2)
    assert (ents["T3"]["offset_start"], ents["T3"]["offset_end"], ents["T3"]["start"], ents["T3"]["end"]) == (16, 19, 3, 4)
    assert ev["arguments"] == [
        {"entity_id": "T1", "role": "Agent", "text": "Gunmen", "start": 1, "end": 2, "offset_start": 2, "offset_end": 8},
        {"entity_id": "T3", "role": "Victim", "text": "two", "start": 3, "end": 4, "offset_start": 16, "offset_end": 19}]
    assert ev["nested_arguments"] == []
    assert out["lang"] == "en" and out["doc_id"] == out["wnd_id"] == "h"


# --------------------------------------------------------------------------
# lang, the report of what OneIE cannot hold, keys on every line

def export(docs, **options) -> tuple[list[dict], ExportReport]:
    report = ExportReport()
    fh = io.StringIO()
    n = write_oneie(docs, fh, ExportOptions(schema=Schema.default(), **options), report)
    assert n == len(docs)
    return [json.loads(line) for line in fh.getvalue().splitlines()], report


def test_lang_and_the_same_keys_on_every_record():
    text = "Police arrested two men."
    plain = AnnotatedDocument(Document(id="a", text="Nothing here."))
    full = AnnotatedDocument(
        Document(id="b", text=text),
        [Span("T1", "PER", *at(text, "two men")), Span("T2", "Justice.Arrest", *at(text, "arrested"), kind="trigger"),
         Span("T3", "ORG", *at(text, "Police"))],
        [Event("E1", "Justice.Arrest", "T2", [Argument("Person", "T1"), Argument("Agent", "T3")])],
        [Relation("R1", "ORG-AFF", "T1", "T3")],
    )
    (a, b), report = export([plain, full], lang="zh")
    assert a["lang"] == b["lang"] == "zh"
    assert list(a) == list(b) == ["doc_id", "wnd_id", "text", "lang", "tokens", "entity_mentions",
                                  "relation_mentions", "event_mentions"]
    (ev,) = b["event_mentions"]
    assert list(ev) == ["id", "event_type", "trigger", "arguments", "nested_arguments"]
    assert ev["nested_arguments"] == []
    (rel,) = b["relation_mentions"]
    assert rel["arguments"] == [
        {"entity_id": "T1", "role": "Arg-1", "text": "two men", "start": 2, "end": 4, "offset_start": 16, "offset_end": 23},
        {"entity_id": "T3", "role": "Arg-2", "text": "Police", "start": 0, "end": 1, "offset_start": 0, "offset_end": 6}]
    assert report.lossless


def test_what_oneie_cannot_hold_is_counted():
    text = "Cafe owner and family were hurt."
    adoc = AnnotatedDocument(
        Document(id="c", text=text, name="Named", meta={"source": "x"}),
        [Span("T1", "PER", 0, 21, fragments=[(0, 10), (15, 21)], note="owner's family", annotator="amy",
              normalizations=[Normalization("Wikidata", "Q1"), Normalization("Wikidata", "Q2")]),
         Span("T2", "Life.Injure", *at(text, "hurt"), kind="trigger")],
        [Event("E1", "Life.Injure", "T2", [Argument("Victim", "T1")], attributes={"Polarity": "Positive"})],
    )
    (rec,), report = export([adoc])
    assert rec["entity_mentions"][0]["text"] == "Cafe owner and family"  # the outer extent
    assert dict(report.left_out) == {
        "attributes (OneIE has none)": 1,
        "notes (OneIE has none)": 1,
        "normalizations (OneIE has none)": 2,
        "annotator names (OneIE has none)": 1,
        "discontinuous spans' pieces (OneIE has none; the outer extent is written)": 1,
        "document names (OneIE keeps the id only)": 1,
        "document metadata (OneIE has none)": 1,
    }


# --------------------------------------------------------------------------
# sentences and windows

def test_sentences_by_hand():
    text = ("Mr. Smith met Dr. Jones at the U.N. on Jan. 5. They talked!  \"Really?\" she asked. "
            "J. R. Smith left.\n\nA headline without a stop\nnext line\n")
    got = [text[a:b] for a, b in sentences(text)]
    assert got == ["Mr. Smith met Dr. Jones at the U.N. on Jan. 5.", "They talked!",
                   "\"Really?\" she asked.", "J. R. Smith left.", "A headline without a stop\nnext line"]
    assert sentences("") == [] and sentences(" \n\t ") == []
    assert sentences("No stop at the end") == [(0, 18)]


def test_windows_one_per_sentence_offsets_relative_to_the_window():
    # index: 0-16 sentence 1, 17 space, 18-37 sentence 2, 38 space, 39-60 sentence 3
    text = "Gunmen hit Mosul. Police came at noon. The attack killed two."
    assert sentences(text) == [(0, 17), (18, 38), (39, 61)]
    adoc = AnnotatedDocument(
        Document(id="w", text=text),
        [Span("T1", "GPE", 11, 16), Span("T2", "ORG", 18, 24), Span("T3", "PER", 57, 60),
         Span("T4", "Life.Die", 50, 56, kind="trigger")],
        [Event("E1", "Life.Die", "T4", [Argument("Victim", "T3")])],
    )
    recs, report = export([adoc], windows=True)
    assert [r["wnd_id"] for r in recs] == ["w-0", "w-1", "w-2"]
    assert [r["doc_id"] for r in recs] == ["w", "w", "w"]
    assert [r["text"] for r in recs] == ["Gunmen hit Mosul.", "Police came at noon.", "The attack killed two."]
    assert recs[0]["tokens"] == ["Gunmen", "hit", "Mosul", "."]
    assert recs[0]["entity_mentions"] == [{"id": "T1", "start": 2, "end": 3, "entity_type": "GPE", "text": "Mosul",
                                           "offset_start": 11, "offset_end": 16}]
    assert recs[1]["entity_mentions"][0] == {"id": "T2", "start": 0, "end": 1, "entity_type": "ORG",
                                                  "text": "Police", "offset_start": 0, "offset_end": 6}
    (ev,) = recs[2]["event_mentions"]
    assert ev["trigger"] == {"start": 2, "end": 3, "text": "killed", "offset_start": 11, "offset_end": 17}
    assert ev["arguments"] == [{"entity_id": "T3", "role": "Victim", "text": "two", "start": 3, "end": 4,
                                "offset_start": 18, "offset_end": 21}]
    assert recs[0]["event_mentions"] == recs[1]["event_mentions"] == []
    assert report.lossless and not report.notes


def test_windows_join_sentences_that_an_annotation_spans():
    text = "Gunmen hit Mosul. Police came at noon. The attack killed two. It rained."
    adoc = AnnotatedDocument(
        Document(id="j", text=text),
        [Span("T1", "PER", 0, 6), Span("T2", "Life.Die", *at(text, "killed"), kind="trigger"),
         Span("T3", "ORG", *at(text, "Police")), Span("T4", "LOC", *at(text, "Mosul. Police"))],
        # The victim is in sentence 1, the trigger in sentence 3: sentences 1-3 make one window.
        [Event("E1", "Life.Die", "T2", [Argument("Victim", "T1")])],
    )
    recs, report = export([adoc], windows=True)
    assert [r["text"] for r in recs] == ["Gunmen hit Mosul. Police came at noon. The attack killed two.", "It rained."]
    assert [r["wnd_id"] for r in recs] == ["j-0", "j-1"]
    assert sorted(m["id"] for m in recs[0]["entity_mentions"]) == ["T1", "T3", "T4"]
    assert recs[0]["event_mentions"][0]["arguments"][0]["entity_id"] == "T1"
    assert recs[1]["entity_mentions"] == [] and recs[1]["tokens"] == ["It", "rained", "."]
    assert report.notes == ["j: 4 sentences in 2 windows (sentences joined where a span, an event or a relation "
                            "spans several)"]
    assert report.lossless


def test_windows_of_the_seed_article_from_the_command_line(tmp_path):
    path = annotated_seed(tmp_path)
    r = subprocess.run([sys.executable, "-m", "annotator", "export", str(path), "--format", "oneie", "--windows"],
                       capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    (doc,) = list(seed_documents())
    text = doc.document.text
    assert [x["wnd_id"] for x in recs] == [f"{doc.document.id}-{i}" for i in range(len(recs))]
    assert len(recs) == len(sentences(text)) > 10  # no annotation spans two sentences here
    assert recs[0]["text"] == "Iraq: Islamic State Militants Kill 7 Security Forces in Twin Attacks"
    (with_event,) = [x for x in recs if x["event_mentions"]]
    assert with_event["text"].startswith("In the first attack, ISIS fighters killed three")
    (ev,) = with_event["event_mentions"]
    toks = with_event["tokens"]
    assert {(a["role"], " ".join(toks[a["start"]:a["end"]])) for a in ev["arguments"]} == {
        ("Agent", "ISIS fighters"), ("Victim", "three military security personnel"), ("Place", "Dujail")}
    for a in ev["arguments"]:
        assert with_event["text"][a["offset_start"]:a["offset_end"]] == a["text"]
