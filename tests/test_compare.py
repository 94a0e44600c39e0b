"""compare: two versions of a document marked agree / disagree / only A / only B, by offsets (written out by hand)."""
from __future__ import annotations

import pytest

from annotator.compare import AGREE, DISAGREE, ONLY_A, ONLY_B, Side, TextMismatch, compare, gold_sides, summary
from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span

TEXT = "Militants attacked Tikrit on Monday and killed seven police."
# Militants 0-9, attacked 10-18, Tikrit 19-25, Monday 29-35, killed 40-46, seven police 47-59, seven 47-52


def dana() -> AnnotatedDocument:
    """Annotator A."""
    return AnnotatedDocument(
        Document("d1", TEXT),
        spans=[
            Span("T1", "PER", 0, 9), Span("T2", "GPE", 19, 25), Span("T3", "TIME", 29, 35),
            Span("T4", "PER", 47, 59),
            Span("T5", "Conflict.Attack", 10, 18, kind=TRIGGER), Span("T6", "Life.Die", 40, 46, kind=TRIGGER),
        ],
        events=[
            Event("E1", "Conflict.Attack", "T5",
                  [Argument("Attacker", "T1"), Argument("Place", "T2"), Argument("Target", "T4")]),
            Event("E2", "Life.Die", "T6", [Argument("Victim", "T4")]),
        ],
        relations=[Relation("R1", "PHYS", "T1", "T2")],
    )


def bob() -> AnnotatedDocument:
    """Annotator B: other ids, some other labels."""
    return AnnotatedDocument(
        Document("d1", TEXT),
        spans=[
            Span("T11", "ORG", 0, 9), Span("T12", "GPE", 19, 25), Span("T14", "PER", 47, 59),
            Span("T19", "NUM", 47, 52),
            Span("T15", "Conflict.Attack", 10, 18, kind=TRIGGER), Span("T16", "Life.Injure", 40, 46, kind=TRIGGER),
        ],
        events=[
            Event("E11", "Conflict.Attack", "T15",
                  [Argument("Attacker", "T11"), Argument("Place", "T12"), Argument("Attacker", "T14")]),
            Event("E12", "Life.Injure", "T16", [Argument("Victim", "T14")]),
        ],
        relations=[Relation("R11", "PHYS", "T14", "T12")],
    )


# (key, mark, A's (label, id), B's (label, id)) in reading order (an argument at its trigger, a relation at its
# head), written out by hand
EXPECTED = [
    ("entity 0-9", DISAGREE, ("PER", "T1"), ("ORG", "T11")),
    ("relation 0-9>19-25", ONLY_A, ("PHYS", "R1"), None),
    ("event 10-18", AGREE, ("Conflict.Attack", "E1"), ("Conflict.Attack", "E11")),
    ("argument 10-18>0-9", AGREE, ("Attacker", "E1:0"), ("Attacker", "E11:0")),
    ("argument 10-18>19-25", AGREE, ("Place", "E1:1"), ("Place", "E11:1")),
    ("argument 10-18>47-59", DISAGREE, ("Target", "E1:2"), ("Attacker", "E11:2")),
    ("entity 19-25", AGREE, ("GPE", "T2"), ("GPE", "T12")),
    ("entity 29-35", ONLY_A, ("TIME", "T3"), None),
    ("event 40-46", DISAGREE, ("Life.Die", "E2"), ("Life.Injure", "E12")),
    ("argument 40-46>47-59", AGREE, ("Victim", "E2:0"), ("Victim", "E12:0")),
    ("entity 47-59", AGREE, ("PER", "T4"), ("PER", "T14")),
    ("entity 47-52", ONLY_B, None, ("NUM", "T19")),
    ("relation 47-59>19-25", ONLY_B, None, ("PHYS", "R11")),
]


def flat(items):
    return [(it.key, it.mark, (it.a.label, it.a.id) if it.a else None, (it.b.label, it.b.id) if it.b else None)
            for it in items]


def test_every_annotation_of_both_sides_is_marked_by_offsets_not_ids():
    c = compare(dana(), bob())
    assert flat(c.items) == EXPECTED
    assert c.counts() == {AGREE: 6, DISAGREE: 3, ONLY_A: 2, ONLY_B: 2}
    assert [it.key for it in c.differences()] == [k for k, m, _, _ in EXPECTED if m != AGREE]
    assert c.item("event 40-46").side("B") == Side("Life.Injure", "E12")
    assert c.item("nothing") is None


def test_swapping_the_sides_swaps_only_a_and_only_b():
    swapped = {ONLY_A: ONLY_B, ONLY_B: ONLY_A, AGREE: AGREE, DISAGREE: DISAGREE}
    c = compare(bob(), dana())
    got = {k: (m, a, b) for k, m, a, b in flat(c.items)}
    assert got == {k: (swapped[m], b, a) for k, m, a, b in EXPECTED}


def test_a_document_compared_with_itself_agrees_everywhere():
    c = compare(dana(), dana())
    assert {it.mark for it in c.items} == {AGREE}
    assert len(c.items) == 4 + 2 + 4 + 1  # entities, events, arguments, relations of dana()


def test_two_labels_on_one_span_pair_equal_labels_first():
    a = AnnotatedDocument(Document("d", TEXT), spans=[Span("T1", "PER", 0, 9), Span("T2", "ORG", 0, 9)])
    b = AnnotatedDocument(Document("d", TEXT), spans=[Span("T7", "ORG", 0, 9)])
    assert flat(compare(a, b).items) == [
        ("entity 0-9", AGREE, ("ORG", "T2"), ("ORG", "T7")),
        ("entity 0-9 #2", ONLY_A, ("PER", "T1"), None),
    ]
    b.spans.append(Span("T8", "GPE", 0, 9))
    assert flat(compare(a, b).items)[1] == ("entity 0-9 #2", DISAGREE, ("PER", "T1"), ("GPE", "T8"))


def test_discontinuous_spans_match_on_every_fragment():
    a = AnnotatedDocument(Document("d", TEXT), spans=[Span("T1", "PER", 0, 25, fragments=[(0, 9), (19, 25)])])
    b = AnnotatedDocument(Document("d", TEXT), spans=[Span("T1", "PER", 0, 25, fragments=[(0, 9), (20, 25)])])
    assert flat(compare(a, b).items) == [
        ("entity 0-9+19-25", ONLY_A, ("PER", "T1"), None),
        ("entity 0-9+20-25", ONLY_B, None, ("PER", "T1")),
    ]


def test_an_event_filling_a_role_is_matched_by_its_trigger():
    def doc(role: str) -> AnnotatedDocument:
        return AnnotatedDocument(
            Document("d", TEXT),
            spans=[Span("T5", "Conflict.Attack", 10, 18, kind=TRIGGER), Span("T6", "Life.Die", 40, 46, kind=TRIGGER)],
            events=[Event("E1", "Conflict.Attack", "T5"), Event("E2", "Life.Die", "T6", [Argument(role, "E1")])],
        )
    c = compare(doc("Cause"), doc("Effect"))
    assert flat(c.items) == [
        ("event 10-18", AGREE, ("Conflict.Attack", "E1"), ("Conflict.Attack", "E1")),
        ("event 40-46", AGREE, ("Life.Die", "E2"), ("Life.Die", "E2")),
        ("argument 40-46>event 10-18", DISAGREE, ("Cause", "E2:0"), ("Effect", "E2:0")),
    ]


def test_other_texts_are_refused():
    other = AnnotatedDocument(Document("d2", TEXT + " More."))
    with pytest.raises(TextMismatch, match="'d1' and document 'd2' do not hold the same text"):
        compare(dana(), other)


def test_gold_sides_say_which_version_gold_holds():
    gold = AnnotatedDocument(
        Document("d1", TEXT),
        spans=[Span("G1", "ORG", 0, 9), Span("G2", "GPE", 19, 25), Span("G3", "LOC", 29, 35),
               Span("G4", "Life.Die", 40, 46, kind=TRIGGER)],
        events=[Event("G5", "Life.Die", "G4")],
    )
    assert gold_sides(compare(dana(), bob()), gold) == {"entity 0-9": "B", "entity 19-25": "AB", "event 40-46": "A"}


def test_summaries_name_the_text_and_both_versions():
    c = compare(dana(), bob())
    assert summary(c.item("entity 0-9"), TEXT) == 'entity "Militants": A PER | B ORG'
    assert summary(c.item("entity 19-25"), TEXT) == 'entity "Tikrit": GPE'
    assert summary(c.item("argument 10-18>47-59"), TEXT) == 'argument "attacked" → "seven police": A Target | B Attacker'
    assert summary(c.item("entity 29-35"), TEXT) == 'entity "Monday": A TIME | B —'
