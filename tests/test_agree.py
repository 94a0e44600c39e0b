"""Agreement figures (annotator.agreement) against seqeval and scikit-learn, and on hand-computed cases."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from sklearn.metrics import cohen_kappa_score

from annotator.agreement import agreement, token_labels
from annotator.formats import registry
from annotator.formats.spec import ImportOptions, ImportReport
from annotator.formats.tokenize import doc_tokens
from annotator.model import Argument, AnnotatedDocument, Document, Event, Span
from annotator.schema import Schema
from annotator.text import tokens as word_tokens

DATA = Path(__file__).parent / "data"

ENTITY_SAMPLES = [
    ("brat", DATA / "brat" / "news"),
    ("prodigy", DATA / "prodigy" / "news_headlines_ner.head-25.jsonl"),
    ("conll", DATA / "conll" / "ner-token-per-line.iob"),
    ("doccano", DATA / "doccano" / "export_sequence_labeling.jsonl"),
    ("oneie", DATA / "oneie" / "demo_output.json"),
]
EVENT_SAMPLES = [
    ("brat", DATA / "brat" / "news"),
    ("brat", DATA / "brat" / "bio"),
    ("oneie", DATA / "oneie" / "demo_output.json"),
]


def read(fmt: str, path: Path) -> list[AnnotatedDocument]:
    return [s.doc for s in registry.get(fmt).read(path, ImportOptions(Schema.default()), ImportReport())]


# --- entities against seqeval and scikit-learn -------------------------------------------------------------

def token_spans(adoc: AnnotatedDocument) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """The document's tokens and its entities as non-overlapping token ranges (first, last, label).

    Each span is widened to the tokens it touches; a span sharing a token with
    one kept before it (in text order) is dropped, so IOB tags can hold them.
    """
    toks = doc_tokens(adoc, word_tokens)
    taken: set[int] = set()
    out = []
    for s in sorted(adoc.entities, key=lambda s: (s.start, s.end, s.label)):
        a, b = s.pieces()[0]
        idx = [i for i, (x, y) in enumerate(toks) if x < b and a < y]
        if not idx or taken & set(idx):
            continue
        taken.update(idx)
        out.append((idx[0], idx[-1] + 1, s.label))
    return toks, out


def edited(spans: list[tuple[int, int, str]], n_tokens: int, labels: list[str]) -> list[tuple[int, int, str]]:
    """Annotator B: every 5th span dropped, every 7th relabelled, boundaries moved, extra spans on free tokens."""
    out = []
    for i, (f, last, lab) in enumerate(spans):
        if i % 5 == 4:
            continue
        if i % 7 == 3:
            lab = labels[(labels.index(lab) + 1) % len(labels)] if len(labels) > 1 else lab + "_B"
        if i % 6 == 2 and last - f > 1:
            f += 1  # starts a token later
        out.append((f, last, lab))
    taken = {t for f, last, _ in out for t in range(f, last)} | {t for f, last, _ in spans for t in range(f, last)}
    widened = []
    for i, (f, last, lab) in enumerate(out):
        if i % 4 == 1 and last < n_tokens and last not in taken:
            taken.add(last)
            last += 1  # ends a token later
        widened.append((f, last, lab))
    extra = [(t, t + 1, labels[0]) for t in range(n_tokens) if t % 13 == 6 and t not in taken]
    return sorted(widened + extra)


def as_doc(adoc: AnnotatedDocument, toks: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> AnnotatedDocument:
    return AnnotatedDocument(
        adoc.document,
        [Span(f"T{i}", lab, toks[f][0], toks[last - 1][1]) for i, (f, last, lab) in enumerate(spans, 1)])


def iob(n: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for f, last, lab in spans:
        tags[f] = f"B-{lab}"
        for t in range(f + 1, last):
            tags[t] = f"I-{lab}"
    return tags


def plain(n: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n
    for f, last, lab in spans:
        tags[f:last] = [lab] * (last - f)
    return tags


@pytest.mark.parametrize(("fmt", "path"), ENTITY_SAMPLES, ids=[f"{f}:{p.name}" for f, p in ENTITY_SAMPLES])
def test_entities_match_seqeval_and_sklearn_on_corpora(fmt: str, path: Path) -> None:
    docs = read(fmt, path)
    labels = sorted({s.label for d in docs for s in d.entities})
    pairs, y_a, y_b, k_a, k_b = [], [], [], [], []
    per_doc_kappa = {}
    for adoc in docs:
        toks, spans_a = token_spans(adoc)
        spans_b = edited(spans_a, len(toks), labels)
        pairs.append((as_doc(adoc, toks, spans_a), as_doc(adoc, toks, spans_b)))
        y_a.append(iob(len(toks), spans_a))
        y_b.append(iob(len(toks), spans_b))
        if not (spans_a or spans_b):
            continue  # neither annotated it: not compared, its tokens do not count
        ta, tb = plain(len(toks), spans_a), plain(len(toks), spans_b)
        k_a += ta
        k_b += tb
        if len(set(ta) | set(tb)) > 1:
            per_doc_kappa[adoc.document.id] = cohen_kappa_score(ta, tb)
    assert sum(len(s) for s in y_a) > 0 and y_a != y_b  # the edits changed something

    result = agreement(pairs, reference="A", candidate="B")

    exact = result["entities"]["exact"]
    # seqeval in its default mode (mode=None: conlleval-compatible chunking), micro average
    assert exact["precision"] == pytest.approx(precision_score(y_a, y_b))
    assert exact["recall"] == pytest.approx(recall_score(y_a, y_b))
    assert exact["f1"] == pytest.approx(f1_score(y_a, y_b))
    report = classification_report(y_a, y_b, output_dict=True, zero_division=0)
    for label, figures in result["per_label"]["entities"].items():
        assert figures["exact"]["precision"] == pytest.approx(report[label]["precision"]), label
        assert figures["exact"]["recall"] == pytest.approx(report[label]["recall"]), label
        assert figures["exact"]["f1"] == pytest.approx(report[label]["f1-score"]), label
        assert figures["exact"]["tp"] + figures["exact"]["fn"] == report[label]["support"], label
    assert result["entities"]["kappa"] == pytest.approx(cohen_kappa_score(k_a, k_b))
    assert result["entities"]["tokens"] == len(k_a)
    for doc_id, kappa in per_doc_kappa.items():
        assert result["per_document"][doc_id]["entities"]["kappa"] == pytest.approx(kappa), doc_id


def test_identical_annotations_agree_fully() -> None:
    docs = read("brat", DATA / "brat" / "news")
    result = agreement([(d, copy.deepcopy(d)) for d in docs])
    for m in ("exact", "overlap"):
        assert result["entities"][m]["f1"] == 1.0
    assert result["entities"]["kappa"] == 1.0
    for m in result["events"].values():
        assert (m["precision"], m["recall"], m["f1"], m["fp"], m["fn"]) == (1.0, 1.0, 1.0, 0, 0)


# --- a case computed by hand -------------------------------------------------------------------------------

TEXT = "Barack Obama met Angela Merkel in Berlin on Monday ."


def at(text: str, words: str, label: str, sid: str, kind: str = "entity") -> Span:
    start = text.index(words)
    return Span(sid, label, start, start + len(words), kind=kind)


def test_entities_by_hand_partial_overlaps_and_ties() -> None:
    ref = AnnotatedDocument(Document("d", TEXT), [
        at(TEXT, "Barack Obama", "PER", "T1"), at(TEXT, "Angela Merkel", "PER", "T2"),
        at(TEXT, "Berlin", "LOC", "T3"), at(TEXT, "Monday", "DATE", "T4")])
    cand = AnnotatedDocument(Document("d", TEXT), [
        # overlaps both reference PERs (more of Barack Obama); only a maximum matching pairs it with Angela Merkel
        at(TEXT, "Barack Obama met Angela", "PER", "T1"),
        at(TEXT, "Obama", "PER", "T2"),            # overlaps Barack Obama only
        at(TEXT, "Berlin", "GPE", "T3"),           # same span, another label
        at(TEXT, "on Monday", "DATE", "T4"),       # a boundary moved
        at(TEXT, "Monday", "DATE", "T5")])         # exact; with T4 both overlap the one reference DATE
    r = agreement([(ref, cand)])
    e = r["entities"]
    # exact: tp Monday; fp PER x2, GPE, "on Monday"; fn PER x2, LOC
    assert (e["exact"]["tp"], e["exact"]["fp"], e["exact"]["fn"]) == (1, 4, 3)
    assert e["exact"]["precision"] == pytest.approx(1 / 5)
    assert e["exact"]["recall"] == pytest.approx(1 / 4)
    assert e["exact"]["f1"] == pytest.approx(2 / 9)
    # overlap: tp PER x2 (one-to-one), DATE x1; fp GPE and the second DATE; fn LOC
    assert (e["overlap"]["tp"], e["overlap"]["fp"], e["overlap"]["fn"]) == (3, 2, 1)
    assert e["overlap"]["precision"] == pytest.approx(3 / 5)
    assert e["overlap"]["recall"] == pytest.approx(3 / 4)
    assert e["overlap"]["f1"] == pytest.approx(2 / 3)
    per = r["per_label"]["entities"]
    assert per["PER"]["overlap"]["f1"] == 1.0 and per["PER"]["exact"]["f1"] == 0.0
    assert (per["LOC"]["exact"]["recall"], per["GPE"]["exact"]["precision"]) == (0.0, 0.0)
    assert per["DATE"]["overlap"]["precision"] == 0.5
    # tokens: Barack Obama met Angela Merkel in Berlin on Monday .
    # A:      PER    PER   O   PER    PER    O  LOC    O  DATE   O
    # B:      PER    PER   PER PER    O      O  GPE    DATE DATE O
    # observed 6/10; chance (4*4 PER + 4*3 O + 1*2 DATE) / 100 = 0.30; kappa = 0.3 / 0.7
    assert e["tokens"] == 10
    assert e["kappa"] == pytest.approx(3 / 7)
    a = ["PER", "PER", "O", "PER", "PER", "O", "LOC", "O", "DATE", "O"]
    b = ["PER", "PER", "PER", "PER", "O", "O", "GPE", "DATE", "DATE", "O"]
    assert e["kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_nested_spans_give_each_token_the_longest_label() -> None:
    text = "Bank of America opened in New York City"
    spans = [at(text, "America", "LOC", "T1"), at(text, "Bank of America", "ORG", "T2"),
             at(text, "New York", "GPE", "T3"), at(text, "York City", "LOC", "T4")]
    toks = word_tokens(text)
    # ORG over LOC (longer); New York and York City are equally long: the earlier start wins York
    assert token_labels(spans, toks) == ["ORG", "ORG", "ORG", "O", "O", "GPE", "GPE", "LOC"]


EV_TEXT = "Troops attacked the town and killed two civilians near the river ."


def ev_doc(events: list[tuple[str, str, str, list[tuple[str, str]]]], entities: list[str]) -> AnnotatedDocument:
    """events: (id, type, trigger words, [(role, filler words)]); the fillers are among ``entities``."""
    spans = [at(EV_TEXT, w, "Thing", f"T{i}") for i, w in enumerate(entities, 1)]
    by_words = {w: s.id for w, s in zip(entities, spans)}
    evs = []
    for n, (eid, etype, trig, args) in enumerate(events, 1):
        t = at(EV_TEXT, trig, etype, f"TR{n}", kind="trigger")
        spans.append(t)
        evs.append(Event(eid, etype, t.id, [Argument(role, by_words[w]) for role, w in args]))
    return AnnotatedDocument(Document("ev", EV_TEXT), spans, evs)


def test_events_by_hand_role_and_filler_mismatches() -> None:
    ref = ev_doc([
        ("E1", "Attack", "attacked", [("Attacker", "Troops"), ("Target", "town")]),
        ("E2", "Die", "killed", [("Victim", "two civilians"), ("Agent", "Troops"), ("Place", "river")]),
    ], ["Troops", "town", "two civilians", "river"])
    cand = ev_doc([
        # right trigger and type; Attacker twice (the second is a false positive), town under the wrong role
        ("E1", "Attack", "attacked", [("Attacker", "Troops"), ("Attacker", "Troops"), ("Victim", "town")]),
        # right trigger, wrong type: none of its arguments is identified
        ("E2", "Injure", "killed", [("Victim", "civilians"), ("Agent", "Troops")]),
        ("E3", "Transport", "near", []),  # a trigger the reference lacks
        # type, role and filler right, but the trigger's boundary is moved: not identified either
        ("E4", "Die", "killed two", [("Victim", "two civilians")]),
    ], ["Troops", "town", "civilians", "two civilians"])
    ev = agreement([(ref, cand)])["events"]
    # triggers: reference attacked/Attack, killed/Die; candidate attacked/Attack, killed/Injure, near, "killed two"
    assert (ev["trigger_identification"]["tp"], ev["trigger_identification"]["fp"],
            ev["trigger_identification"]["fn"]) == (2, 2, 0)
    assert ev["trigger_identification"]["f1"] == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert (ev["trigger_classification"]["tp"], ev["trigger_classification"]["fp"],
            ev["trigger_classification"]["fn"]) == (1, 3, 1)
    assert ev["trigger_classification"]["f1"] == pytest.approx(1 / 3)
    # arguments: 5 in the reference, 6 in the candidate; identified: Troops/Attack, town/Attack
    assert (ev["argument_identification"]["tp"], ev["argument_identification"]["fp"],
            ev["argument_identification"]["fn"]) == (2, 4, 3)
    assert ev["argument_identification"]["precision"] == pytest.approx(1 / 3)
    assert ev["argument_identification"]["recall"] == pytest.approx(2 / 5)
    assert ev["argument_identification"]["f1"] == pytest.approx(4 / 11)
    # classified: Troops/Attacker only
    assert (ev["argument_classification"]["tp"], ev["argument_classification"]["fp"],
            ev["argument_classification"]["fn"]) == (1, 5, 4)
    assert ev["argument_classification"]["f1"] == pytest.approx(2 / 11)
    per = agreement([(ref, cand)])["per_label"]["events"]
    assert set(per) == {"Attack", "Die", "Injure", "Transport"}
    assert per["Attack"]["trigger_classification"]["f1"] == 1.0
    assert per["Attack"]["argument_classification"]["precision"] == pytest.approx(1 / 3)
    assert per["Attack"]["argument_classification"]["recall"] == pytest.approx(1 / 2)
    assert per["Die"]["trigger_classification"]["tp"] == 0
    assert per["Die"]["argument_identification"]["fn"] == 3


def test_an_event_filling_a_role_matches_by_its_trigger() -> None:
    def doc(trigger_id: str) -> AnnotatedDocument:
        cause = at(EV_TEXT, "attacked", "Attack", trigger_id, kind="trigger")
        die = at(EV_TEXT, "killed", "Die", "TR9", kind="trigger")
        return AnnotatedDocument(Document("ev", EV_TEXT), [cause, die], [
            Event("E7", "Attack", trigger_id, []), Event("E8", "Die", "TR9", [Argument("Cause", "E7")])])

    ev = agreement([(doc("TR1"), doc("TR5"))])["events"]
    assert ev["argument_classification"]["tp"] == 1 and ev["argument_classification"]["f1"] == 1.0


# --- events on the corpora, against an independent count ------------------------------------------------------

def edited_events(adoc: AnnotatedDocument) -> AnnotatedDocument:
    """Annotator B: events dropped, retyped, triggers moved, roles renamed, fillers swapped."""
    out = copy.deepcopy(adoc)
    entities = [s.id for s in out.entities]
    kept = []
    for i, ev in enumerate(out.events):
        if i % 5 == 0:
            continue
        if i % 4 == 1:
            ev.type += "X"
        if i % 3 == 2:
            t = out.span_by_id()[ev.trigger]
            moved = Span(f"TM{i}", t.label, t.start, min(t.end + 1, len(out.document.text)) if t.end < len(
                out.document.text) else t.start + 1, kind="trigger")
            out.spans.append(moved)
            ev.trigger = moved.id
        for j, arg in enumerate(ev.arguments):
            if (i + j) % 3 == 0:
                arg.role += "_other"
            elif (i + j) % 5 == 1 and len(entities) > 1:
                arg.ref = entities[(entities.index(arg.ref) + 1) % len(entities)] if arg.ref in entities else arg.ref
        kept.append(ev)
    out.events = kept
    return out


def scored(adoc: AnnotatedDocument) -> tuple[list[tuple], list[tuple]]:
    spans = {s.id: s for s in adoc.spans}
    events = {e.id: e for e in adoc.events}

    def offsets(ref: str):
        if ref in spans:
            return tuple(spans[ref].pieces())
        if ref in events and events[ref].trigger in spans:
            return tuple(spans[events[ref].trigger].pieces())
        return None

    trig = [(offsets(e.id), e.type) for e in adoc.events]
    args = [(offsets(e.id), e.type, offsets(a.ref), a.role) for e in adoc.events for a in e.arguments
            if offsets(a.ref) is not None]
    return trig, args


def matched(ref: list, cand: list) -> int:
    pool = list(ref)
    n = 0
    for item in cand:
        if item in pool:
            pool.remove(item)
            n += 1
    return n


@pytest.mark.parametrize(("fmt", "path"), EVENT_SAMPLES, ids=[f"{f}:{p.name}" for f, p in EVENT_SAMPLES])
def test_events_on_corpora_against_an_independent_count(fmt: str, path: Path) -> None:
    docs = read(fmt, path)
    pairs = [(d, edited_events(d)) for d in docs]
    expected = {m: [0, 0, 0] for m in ("ti", "tc", "ai", "ac")}
    for a, b in pairs:
        (ta, aa), (tb, ab) = scored(a), scored(b)
        for key, ra, rb in (
            ("ti", [t[0] for t in ta], [t[0] for t in tb]),
            ("tc", ta, tb),
            ("ai", [x[:3] for x in aa], [x[:3] for x in ab]),
            ("ac", aa, ab),
        ):
            tp = matched(ra, rb)
            expected[key][0] += tp
            expected[key][1] += len(rb) - tp
            expected[key][2] += len(ra) - tp
    assert expected["tc"][0] < expected["ti"][0] and expected["ac"][1] > 0  # the edits changed something
    ev = agreement(pairs)["events"]
    names = {"ti": "trigger_identification", "tc": "trigger_classification",
             "ai": "argument_identification", "ac": "argument_classification"}
    for key, name in names.items():
        tp, fp, fn = expected[key]
        assert (ev[name]["tp"], ev[name]["fp"], ev[name]["fn"]) == (tp, fp, fn), name
        assert ev[name]["precision"] == pytest.approx(tp / (tp + fp)), name
        assert ev[name]["recall"] == pytest.approx(tp / (tp + fn)), name


# --- documents, labels, bad input -----------------------------------------------------------------------------

def test_documents_only_one_annotated_count_as_unmatched() -> None:
    a = AnnotatedDocument(Document("a", TEXT), [at(TEXT, "Berlin", "LOC", "T1")])
    b_empty = AnnotatedDocument(Document("a", TEXT))
    c_only = AnnotatedDocument(Document("c", TEXT), [at(TEXT, "Monday", "DATE", "T1"), at(TEXT, "Obama", "PER", "T2")])
    nothing = AnnotatedDocument(Document("n", TEXT))
    r = agreement([(a, b_empty), (AnnotatedDocument(Document("c", TEXT)), c_only), (nothing, copy.deepcopy(nothing))])
    assert r["documents"] == {"compared": 2, "only_reference": ["a"], "only_candidate": ["c"], "neither": 1}
    assert (r["entities"]["exact"]["tp"], r["entities"]["exact"]["fp"], r["entities"]["exact"]["fn"]) == (0, 2, 1)
    assert r["per_document"]["a"]["annotated_by"] == "reference"
    assert r["per_document"]["c"]["entities"]["exact"]["fp"] == 2
    assert "n" not in r["per_document"]
    assert r["entities"]["tokens"] == 20  # the two compared documents' tokens


def test_label_filter_keeps_only_the_named_labels() -> None:
    ref = AnnotatedDocument(Document("d", TEXT), [at(TEXT, "Berlin", "LOC", "T1"), at(TEXT, "Obama", "PER", "T2")])
    cand = AnnotatedDocument(Document("d", TEXT), [at(TEXT, "Berlin", "LOC", "T1"), at(TEXT, "Merkel", "PER", "T2")])
    r = agreement([(ref, cand)], labels=["LOC"])
    assert r["labels"] == ["LOC"]
    assert set(r["per_label"]["entities"]) == {"LOC"}
    assert r["entities"]["exact"]["f1"] == 1.0 and r["entities"]["kappa"] == 1.0
    assert agreement([(ref, cand)])["entities"]["exact"]["f1"] == 0.5


def test_label_filter_applies_to_event_types() -> None:
    ref = ev_doc([("E1", "Attack", "attacked", [("Target", "town")]), ("E2", "Die", "killed", [])], ["town"])
    cand = ev_doc([("E1", "Attack", "attacked", [("Target", "town")]), ("E2", "Injure", "killed", [])], ["town"])
    r = agreement([(ref, cand)], labels=["Attack"])
    assert set(r["per_label"]["events"]) == {"Attack"}
    assert (r["events"]["trigger_identification"]["tp"], r["events"]["trigger_identification"]["fn"]) == (1, 0)
    assert r["events"]["trigger_classification"]["f1"] == 1.0
    assert r["entities"]["exact"]["tp"] == 0  # the filler's label "Thing" is not named
    assert agreement([(ref, cand)])["events"]["trigger_classification"]["f1"] == 0.5


def test_nothing_to_score_gives_null_figures() -> None:
    r = agreement([])
    assert r["entities"]["exact"] == {"precision": None, "recall": None, "f1": None, "tp": 0, "fp": 0, "fn": 0}
    assert r["entities"]["kappa"] is None


def test_two_texts_for_one_document_are_refused() -> None:
    with pytest.raises(ValueError, match="different texts"):
        agreement([(AnnotatedDocument(Document("d", "a b")), AnnotatedDocument(Document("d", "a c")))])
