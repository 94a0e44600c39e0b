"""The OneIE/TextEE export flavour, checked on the seed article."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.demo import seed_documents
from annotator.formats.oneie import aligned_tokens, doc_to_oneie
from annotator.model import Argument, Event, Span
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
    assert ev["arguments"] == [{"entity_id": "T1", "role": "Agent", "text": "Gunmen"},
                               {"entity_id": "T3", "role": "Victim", "text": "two"}]
