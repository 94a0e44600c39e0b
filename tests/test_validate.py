"""validate_document: one test per rule, on real schemas (the bundled one and small inline ones)."""
from __future__ import annotations


import pytest

from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.schema import Schema
from annotator.validate import ERROR, INCOMPLETE, Problem, errors, validate_document

TEXT = "Rebels killed John Smith in Baghdad on Monday."
#       0         1         2         3         4
#       0123456789012345678901234567890123456789012345


@pytest.fixture(scope="module")
def news() -> Schema:
    return Schema.default()


NESTED = Schema.from_toml(
    """
name = "nested"
[entities.PER]
color = "#aaccee"
[entities.LOC]
color = "#cceeaa"
[events.Say]
color = "#ffcc99"
roles.Speaker = { types = ["PER"], cardinality = "one" }
roles.Content = { types = ["Die", "Say"], cardinality = "one_or_more" }
[events.Die]
color = "#ff9999"
roles.Victim = { types = ["PER"], cardinality = "one" }
roles.Place = ["LOC"]
[relations.IN]
head = ["PER"]
tail = ["LOC"]
[attributes.Hedged]
applies_to = ["Say"]
[attributes.Certainty]
values = ["high", "low"]
applies_to = ["entity", "relation"]
""",
    "nested.toml",
)


def base_doc() -> AnnotatedDocument:
    """A valid ACE document: an Attack and a Die with arguments, and a relation."""
    return AnnotatedDocument(
        document=Document(id="d1", text=TEXT),
        spans=[
            Span("T1", "PER", 0, 6),  # Rebels
            Span("T2", "Life.Die", 7, 13, kind="trigger"),  # killed
            Span("T3", "PER", 14, 24),  # John Smith
            Span("T4", "GPE", 28, 35),  # Baghdad
            Span("T5", "TIME", 39, 45),  # Monday
        ],
        events=[
            Event(
                "E1",
                "Life.Die",
                "T2",
                [Argument("Agent", "T1"), Argument("Victim", "T3"), Argument("Place", "T4"),
                 Argument("Time", "T5")],
                attributes={"Polarity": "Positive", "Tense": "Past"},
            )
        ],
        relations=[Relation("R1", "PHYS", "T3", "T4")],
    )


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, messages(problems)
    return problems[0]


def test_valid_document_has_no_problems(news: Schema) -> None:
    assert validate_document(news, base_doc()) == []


def test_errors_filters_severity() -> None:
    ps = [Problem(ERROR, "a", "T1"), Problem(INCOMPLETE, "b", "E1"), Problem(ERROR, "c")]
    assert errors(ps) == [ps[0], ps[2]]
    assert errors([]) == []


# ------------------------------------------------------------------- ids
def test_duplicate_ids_across_spans_events_relations(news: Schema) -> None:
    doc = base_doc()
    doc.relations.append(Relation("E1", "PHYS", "T1", "T4"))
    doc.spans.append(Span("T1", "PER", 14, 24))
    problems = validate_document(news, doc)
    assert messages(problems) == [
        "T1: duplicate annotation id (already used by a span)",
        "E1: duplicate annotation id (already used by an event)",
    ]
    assert [p.ref for p in problems] == ["T1", "E1"]
    assert all(p.severity == ERROR for p in problems)


# ----------------------------------------------------------------- spans
@pytest.mark.parametrize("start,end", [(-1, 5), (5, 5), (10, 3), (40, len(TEXT) + 1)])
def test_span_offsets_out_of_range_or_empty(news: Schema, start: int, end: int) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", start, end))
    p = only(validate_document(news, doc))
    assert p == Problem(
        ERROR,
        f"T9: offsets {start}..{end} are not a non-empty range of the text (need 0 <= start < end <= 46)",
        "T9",
    )


def test_span_at_text_end_is_valid(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "NUM", 0, len(TEXT)))
    assert validate_document(news, doc) == []


def test_fragments_valid(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", 0, 24, fragments=[(14, 24), (0, 6)]))
    assert validate_document(news, doc) == []


def test_fragment_outside_extent(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", 0, 20, fragments=[(0, 6), (14, 24)]))
    assert messages(validate_document(news, doc)) == ["T9: fragment 14..24 lies outside the span extent 0..20"]


def test_fragment_empty(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", 0, 24, fragments=[(0, 6), (10, 10), (14, 24)]))
    assert messages(validate_document(news, doc)) == ["T9: fragment 10..10 is empty"]


def test_fragments_overlap(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", 0, 24, fragments=[(0, 12), (14, 24), (10, 13)]))
    assert messages(validate_document(news, doc)) == ["T9: fragments 0..12 and 10..13 overlap"]


def test_entity_label_not_entity_type(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PERSON", 0, 6))
    doc.spans.append(Span("T10", "Conflict.Attack", 7, 13))
    assert messages(validate_document(news, doc)) == [
        "T9: entity label 'PERSON' is not an entity type",
        "T10: entity label 'Conflict.Attack' is not an entity type (it is an event type)",
    ]


def test_trigger_label_not_event_type(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "Attack", 7, 13, kind="trigger"))
    doc.spans.append(Span("T10", "GPE", 7, 13, kind="trigger"))
    assert messages(validate_document(news, doc)) == [
        "T9: trigger label 'Attack' is not an event type",
        "T10: trigger label 'GPE' is not an event type (it is an entity type)",
    ]


def test_unknown_span_kind(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "PER", 0, 6, kind="value"))
    assert messages(validate_document(news, doc)) == [
        "T9: unknown span kind 'value' (expected one of entity, trigger)"
    ]


# ---------------------------------------------------------------- events
def test_unknown_event_type(news: Schema) -> None:
    doc = base_doc()
    doc.events.append(Event("E2", "Life.Explode", "T2", [Argument("Victim", "T3")]))
    assert messages(validate_document(news, doc)) == [
        "E2: unknown event type 'Life.Explode'",
    ]


def test_trigger_missing(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].trigger = "T99"
    p = only(validate_document(news, doc))
    assert p == Problem(ERROR, "E1: trigger 'T99' does not exist", "E1")


def test_trigger_not_a_trigger_span(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].trigger = "T1"
    assert messages(validate_document(news, doc)) == [
        "E1: trigger 'T1' is not a trigger span (its kind is entity)"
    ]


def test_trigger_label_differs_from_event_type(news: Schema) -> None:
    doc = base_doc()
    doc.events.append(Event("E2", "Conflict.Attack", "T2"))
    assert messages(validate_document(news, doc)) == [
        "E2: trigger 'T2' is labelled Life.Die, not Conflict.Attack"
    ]


def test_role_not_of_event_type(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "Conflict.Attack", 7, 13, kind="trigger"))
    doc.events.append(Event("E2", "Conflict.Attack", "T9", [Argument("Victim", "T3")]))
    p = only(validate_document(news, doc))
    assert p == Problem(ERROR, "E2: role 'Victim' is not a role of Conflict.Attack", "E2")


def test_argument_ref_names_nothing(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].arguments.append(Argument("Instrument", "T42"))
    assert messages(validate_document(news, doc)) == [
        "E1: argument Instrument refers to 'T42', which names no entity or event in the document"
    ]


def test_argument_ref_to_relation_or_trigger(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].arguments.append(Argument("Instrument", "R1"))
    doc.events[0].arguments.append(Argument("Agent", "T2"))
    assert messages(validate_document(news, doc)) == [
        "E1: argument Instrument refers to 'R1', which names no entity or event in the document",
        "E1: argument Agent refers to 'T2', a trigger span, not an entity or event (use the event's id)",
    ]


def test_filler_type_not_allowed(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].arguments[2] = Argument("Place", "T1")
    p = only(validate_document(news, doc))
    assert p == Problem(ERROR, "E1: Life.Die role Place does not allow PER (allowed: GPE, LOC, FAC)", "E1")


def test_optional_role_filled_twice(news: Schema) -> None:
    doc = base_doc()
    doc.spans.append(Span("T9", "LOC", 28, 35))
    doc.events[0].arguments.append(Argument("Place", "T9"))
    p = only(validate_document(news, doc))
    assert p.message == "E1: Life.Die role Place is filled 2 times, but its cardinality 'optional' allows at most 1"
    assert p.ref == "E1" and p.severity == ERROR


def test_any_role_takes_many(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].arguments.append(Argument("Victim", "T1"))
    assert validate_document(news, doc) == []


def nested_doc() -> AnnotatedDocument:
    text = "Police said John died in Rome."
    #       0123456789012345678901234567890
    return AnnotatedDocument(
        document=Document(id="n1", text=text),
        spans=[
            Span("T1", "PER", 0, 6),
            Span("T2", "Say", 7, 11, kind="trigger"),
            Span("T3", "PER", 12, 16),
            Span("T4", "Die", 17, 21, kind="trigger"),
            Span("T5", "LOC", 25, 29),
        ],
        events=[
            Event("E1", "Say", "T2", [Argument("Speaker", "T1"), Argument("Content", "E2")]),
            Event("E2", "Die", "T4", [Argument("Victim", "T3"), Argument("Place", "T5")]),
        ],
        relations=[Relation("R1", "IN", "T3", "T5")],
    )


def test_nested_event_fills_role() -> None:
    assert validate_document(NESTED, nested_doc()) == []


def test_nested_event_of_wrong_type() -> None:
    doc = nested_doc()
    doc.events.append(Event("E3", "Die", "T4", [Argument("Victim", "T1"), Argument("Place", "E2")]))
    assert messages(validate_document(NESTED, doc)) == [
        "E3: Die role Place does not allow Die (allowed: LOC)"
    ]


def test_one_role_filled_twice() -> None:
    doc = nested_doc()
    doc.events[0].arguments.append(Argument("Speaker", "T3"))
    assert messages(validate_document(NESTED, doc)) == [
        "E1: Say role Speaker is filled 2 times, but its cardinality 'one' allows at most 1"
    ]


def test_required_roles_missing_are_incomplete() -> None:
    doc = nested_doc()
    doc.events[0].arguments = []
    problems = validate_document(NESTED, doc)
    assert problems == [
        Problem(INCOMPLETE, "E1: required role Speaker of Say is not filled", "E1"),
        Problem(INCOMPLETE, "E1: required role Content of Say is not filled", "E1"),
    ]
    assert errors(problems) == []


def test_one_or_more_takes_many() -> None:
    doc = nested_doc()
    doc.spans.append(Span("T6", "Die", 17, 21, kind="trigger"))
    doc.events.append(Event("E3", "Die", "T6", [Argument("Victim", "T1")]))
    doc.events[0].arguments.append(Argument("Content", "E3"))
    assert validate_document(NESTED, doc) == []


def test_event_fills_itself() -> None:
    doc = nested_doc()
    doc.events[0].arguments.append(Argument("Content", "E1"))
    p = only(validate_document(NESTED, doc))
    assert p == Problem(ERROR, "E1: event fills its own role Content", "E1")


def test_events_fill_each_other_in_a_cycle() -> None:
    doc = nested_doc()
    doc.spans.append(Span("T6", "Say", 0, 6, kind="trigger"))
    doc.events.append(Event("E3", "Say", "T6", [Argument("Speaker", "T3"), Argument("Content", "E1")]))
    doc.events[0].arguments[1] = Argument("Content", "E3")
    p = only(validate_document(NESTED, doc))
    assert p == Problem(ERROR, "E1: events fill each other's roles in a cycle: E1 -> E3 -> E1", "E1")


def test_long_chain_is_not_a_cycle() -> None:
    text = "x" * 10
    spans = [Span("P", "PER", 0, 1)] + [Span(f"T{i}", "Say", 1, 2, kind="trigger") for i in range(2000)]
    events = [
        Event(f"E{i}", "Say", f"T{i}",
              [Argument("Speaker", "P"), Argument("Content", f"E{i + 1}" if i < 1999 else "E0")])
        for i in range(2000)
    ]
    doc = AnnotatedDocument(Document(id="c", text=text), spans=spans, events=events)
    problems = validate_document(NESTED, doc)
    assert len(problems) == 1 and problems[0].message.startswith("E0: events fill each other's roles in a cycle: E0 -> E1 -> ")
    events[-1].arguments.pop()
    events[-1].arguments.append(Argument("Content", "E1000"))
    problems = validate_document(NESTED, doc)
    assert messages(problems) == [
        "E1000: events fill each other's roles in a cycle: "
        + " -> ".join(f"E{i}" for i in range(1000, 2000)) + " -> E1000"
    ]
    events[-1].arguments.pop()
    events[-1].arguments.append(Argument("Content", "E-none"))
    assert messages(validate_document(NESTED, doc)) == [
        "E1999: argument Content refers to 'E-none', which names no entity or event in the document"
    ]


# ------------------------------------------------------------- relations
def test_unknown_relation_type(news: Schema) -> None:
    doc = base_doc()
    doc.relations.append(Relation("R2", "LOCATED", "T3", "T4"))
    p = only(validate_document(news, doc))
    assert p == Problem(ERROR, "R2: unknown relation type 'LOCATED'", "R2")


def test_relation_head_tail_missing_or_not_entities(news: Schema) -> None:
    doc = base_doc()
    doc.relations.append(Relation("R2", "PHYS", "T99", "E1"))
    doc.relations.append(Relation("R3", "PHYS", "T3", "T2"))
    assert messages(validate_document(news, doc)) == [
        "R2: head 'T99' is not an entity span (it names no annotation in the document)",
        "R2: tail 'E1' is not an entity span (it names an event)",
        "R3: tail 'T2' is not an entity span (it is a trigger span)",
    ]


def test_relation_argument_types_not_allowed(news: Schema) -> None:
    doc = base_doc()
    doc.relations.append(Relation("R2", "PHYS", "T5", "T3"))
    assert messages(validate_document(news, doc)) == [
        "R2: PHYS does not allow head TIME (allowed: PER, FAC, LOC, GPE)",
        "R2: PHYS does not allow tail PER (allowed: FAC, LOC, GPE)",
    ]


def test_symmetric_relation(news: Schema) -> None:
    doc = base_doc()
    doc.relations.append(Relation("R2", "PER-SOC", "T3", "T1"))
    assert validate_document(news, doc) == []
    doc.relations.append(Relation("R3", "PER-SOC", "T3", "T4"))
    assert messages(validate_document(news, doc)) == [
        "R3: PER-SOC does not allow PER and GPE (allowed: PER with PER)"
    ]


# ------------------------------------------------------------ attributes
def test_event_attribute_unknown_and_bad_value(news: Schema) -> None:
    doc = base_doc()
    doc.events[0].attributes = {"Polarity": "Maybe", "Mood": "Happy", "Tense": "Past"}
    assert messages(validate_document(news, doc)) == [
        "E1: attribute Polarity has value 'Maybe', which is not allowed (allowed: Positive, Negative)",
        "E1: attribute 'Mood' is not defined for Life.Die",
    ]


def test_attribute_not_for_this_kind(news: Schema) -> None:
    doc = base_doc()
    doc.spans[0].attributes = {"Polarity": "Positive"}
    doc.relations[0].attributes = {"Tense": "Past"}
    assert messages(validate_document(news, doc)) == [
        "T1: attribute 'Polarity' is not defined for PER",
        "R1: attribute 'Tense' is not defined for PHYS",
    ]


def test_flag_and_kind_attributes() -> None:
    doc = nested_doc()
    doc.events[0].attributes = {"Hedged": True}
    doc.spans[0].attributes = {"Certainty": "low"}
    doc.relations[0].attributes = {"Certainty": "high"}
    assert validate_document(NESTED, doc) == []
    doc.events[0].attributes = {"Hedged": "yes"}
    doc.events[1].attributes = {"Hedged": True}
    doc.relations[0].attributes = {"Certainty": "medium"}
    assert messages(validate_document(NESTED, doc)) == [
        "E1: attribute Hedged has value 'yes', which is not allowed (allowed: true or false)",
        "E2: attribute 'Hedged' is not defined for Die",
        "R1: attribute Certainty has value 'medium', which is not allowed (allowed: high, low)",
    ]


# ------------------------------------------------------------------ speed
def test_large_document_validates_clean(news: Schema) -> None:
    """10,000 entities, 5,000 events, 5,000 relations, all valid (speed: benchmarks/bench_core.py)."""
    n = 5000
    text = "abcd " * (2 * n)
    spans: list[Span] = []
    events: list[Event] = []
    relations: list[Relation] = []
    for i in range(n):
        spans.append(Span(f"T{2 * i}", "PER", 10 * i, 10 * i + 4))
        spans.append(Span(f"T{2 * i + 1}", "Conflict.Attack", 10 * i + 5, 10 * i + 9, kind="trigger"))
        events.append(Event(f"E{i}", "Conflict.Attack", f"T{2 * i + 1}",
                            [Argument("Attacker", f"T{2 * i}"), Argument("Target", f"T{2 * i}")],
                            attributes={"Polarity": "Negative"}))
        relations.append(Relation(f"R{i}", "PER-SOC", f"T{2 * i}", f"T{2 * ((i + 1) % n)}"))
    doc = AnnotatedDocument(Document(id="big", text=text), spans, events, relations)
    assert validate_document(news, doc) == []
    # one fault at the far end is still found
    spans[-1].end = len(text) + 1
    assert [p.ref for p in validate_document(news, doc)] == [spans[-1].id]
