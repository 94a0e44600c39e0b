"""Adding types to a schema's TOML (``--add-types``) and schemas made from types alone."""
from __future__ import annotations

import textwrap
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.schema import KIND_WORDS, Schema, SchemaError, fallback_color
from annotator.schema_add import add_types, schema_from_types, schema_to_toml, toml_key, toml_string

SMALL = textwrap.dedent("""
    name = "small"
    # a comment that must survive

    [entities.PER]
    color = "#aabbcc"
    hotkey = "P"

    [events.Attack]
    roles.Attacker = { types = ["PER"], cardinality = "one" }
""").lstrip()

# [entities] as one table with sub-keys, and the last table left open at the end (no final newline)
ONE_TABLE = 'name = "one"\n\n[entities]\nPER = { color = "#aabbcc" }\nORG = {}\n\n[events."Life.Die"]\nroles.Victim = ["PER"]'
DOTTED = 'name = "dotted"\nentities.PER.color = "#aabbcc"\nevents.Meet.roles.Who = { types = ["PER"] }\n'
INLINE = 'name = "inline"\nentities = { PER = { color = "#aabbcc" } }\nevents = { Meet = { roles = { Who = ["PER"] } } }\n'


@pytest.mark.parametrize("name, key", [
    ("PER", "PER"), ("B-ORG", "B-ORG"), ("under_score9", "under_score9"),
    ("Conflict.Attack", '"Conflict.Attack"'), ("Person-Arg", "Person-Arg"), ("New York", '"New York"'),
    ('say "hi"', '"say \\"hi\\""'), ("back\\slash", '"back\\\\slash"'), ("tab\there", '"tab\\there"'),
    ("bell\x07", '"bell\\u0007"'), ("Ärger", '"Ärger"'), ("", '""'), ("PER\n", '"PER\\n"'),
])
def test_keys_are_bare_only_when_toml_allows(name, key):
    assert toml_key(name) == key
    assert tomllib.loads(f"{toml_key(name)} = 1") == {name: 1}


def test_added_types_are_appended_after_the_old_source_with_comments():
    s = Schema.from_toml(SMALL, "small.toml")
    new = add_types(s, entities=["B-ORG", "PER", "B-ORG"], events={"Conflict.Attack": {"Attacker": ["B-ORG", "PER"]}},
                    relations={"Person-Arg": (["PER"], ["B-ORG"])}, attributes={"Negated": ((), ["event"]),
                                                                              "Level": (["low", "high"], ["B-ORG"])})
    assert new.source.startswith(SMALL)  # the old text, comments and all
    assert list(new.entity_types) == ["PER", "B-ORG"]
    assert new.entity_types["B-ORG"].color == fallback_color("B-ORG", 0.82) and new.entity_types["B-ORG"].hotkey is None
    assert new.entity_types["PER"].hotkey == "P"  # what was there stays
    role = new.event_types["Conflict.Attack"].roles["Attacker"]
    assert (role.types, role.cardinality) == (("B-ORG", "PER"), "any")
    rel = new.relation_types["Person-Arg"]
    assert (rel.head_types, rel.tail_types) == (("PER",), ("B-ORG",))
    assert new.attributes["Negated"].is_flag and new.attributes["Negated"].applies_to == ("event",)
    assert new.attributes["Level"].values == ("low", "high")
    assert new.name == "small"
    assert list(s.entity_types) == ["PER"]  # the old schema is untouched


def test_nothing_to_add_gives_the_same_schema():
    s = Schema.from_toml(SMALL, "small.toml")
    assert add_types(s, entities=["PER"], events={"Attack": {"Attacker": ["PER"]}}) is s


def test_an_existing_event_type_gains_the_roles_it_lacks():
    s = Schema.from_toml(SMALL, "small.toml")
    new = add_types(s, entities=["GPE"], events={"Attack": {"Attacker": ["PER"], "Place": ["GPE"]}})
    roles = new.event_types["Attack"].roles
    assert list(roles) == ["Attacker", "Place"]
    assert roles["Attacker"].cardinality == "one"  # unchanged
    assert (roles["Place"].types, roles["Place"].cardinality) == (("GPE",), "any")
    assert new.source.startswith(SMALL)


@pytest.mark.parametrize("source", [ONE_TABLE, DOTTED])
def test_entities_as_one_table_or_dotted_keys_are_extended_in_place(source):
    s = Schema.from_toml(source, "x.toml")
    new = add_types(s, entities=["B-ORG", "Conflict.Attack"], events={"Move": {"Who": ["PER"]}})
    assert new.source.startswith(source)
    assert list(new.entity_types) == [*s.entity_types, "B-ORG", "Conflict.Attack"]
    assert new.entity_types["PER"].color == "#aabbcc"
    assert list(new.event_types) == [*s.event_types, "Move"]


def test_inline_tables_are_written_out_afresh():
    s = Schema.from_toml(INLINE, "inline.toml")
    new = add_types(s, entities=["ORG"], events={"Meet": {"Who": ["PER"], "Where": ["ORG"]}})
    assert list(new.entity_types) == ["PER", "ORG"]
    assert new.entity_types["PER"].color == "#aabbcc"
    assert list(new.event_types["Meet"].roles) == ["Who", "Where"]
    assert new.name == "inline" and not new.source.startswith(INLINE)


def test_a_name_that_clashes_with_another_kind_is_a_schema_error():
    s = Schema.from_toml(SMALL, "small.toml")
    with pytest.raises(SchemaError, match="project.toml: event type Attack: name is already defined as an entity type"):
        add_types(s, entities=["Attack"], source_name="project.toml")
    with pytest.raises(SchemaError, match="reserved"):
        add_types(s, entities=["entity"], source_name="project.toml")
    with pytest.raises(SchemaError, match="non-empty"):
        add_types(s, entities=[""], source_name="project.toml")
    with pytest.raises(SchemaError, match="unknown filler type 'Nobody'"):
        add_types(s, events={"Meet": {"Who": ["Nobody"]}}, source_name="project.toml")


def test_a_stored_schema_with_a_dropped_hotkey_can_still_be_extended():
    source = SMALL.replace('hotkey = "P"', 'hotkey = "Ctrl+Z"')
    s = Schema.from_toml(source, "project schema", drop_reserved_hotkeys=True)
    assert s.dropped_hotkeys
    new = add_types(s, entities=["ORG"])
    assert list(new.entity_types) == ["PER", "ORG"] and new.entity_types["PER"].hotkey is None


def test_schema_from_types_holds_only_those():
    s = schema_from_types(["Protein", "Gene"], {"Gene_expression": {"Theme": ["Protein"]}},
                          {"Equiv-ish": (["Protein"], ["Gene"])}, {"Negation": ((), ["event"])}, name="GENIA")
    assert s.name == "GENIA"
    assert list(s.entity_types) == ["Protein", "Gene"]
    assert list(s.event_types) == ["Gene_expression"]
    assert list(s.relation_types) == ["Equiv-ish"] and list(s.attributes) == ["Negation"]
    assert schema_from_types().entity_types == {}


def test_schema_to_toml_reads_back_as_the_same_schema():
    news = Schema.default()
    again = Schema.from_toml(schema_to_toml(news), "again.toml")
    assert again.name == news.name and again.description == news.description
    assert again.entity_types == news.entity_types
    assert again.event_types == news.event_types
    assert again.relation_types == news.relation_types
    assert again.attributes == news.attributes


# ------------------------------------------------------------------ names of every shape

_NAME = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda n: n not in KIND_WORDS)
_ALPHABET_NAMES = st.sampled_from(["B-ORG", "I-PER", "Conflict.Attack", "Person-Arg", "New York", 'say "x"',
                                   "a\\b", "e\u0301", "B-ORG\n", "日本", "x y.z", "'single'", "#hash", "[br]", "=eq"])
_NAMES = st.lists(st.one_of(_NAME, _ALPHABET_NAMES), min_size=1, max_size=6, unique=True)


@settings(max_examples=80, deadline=None)
@given(_NAMES, _NAMES, _NAMES, _NAMES)
def test_any_names_parse_and_exactly_the_added_ones_appear(entities, events, relations, attributes):
    old = Schema.from_toml(ONE_TABLE, "one.toml")
    taken = set(old.entity_types) | set(old.event_types)
    entities = [n for n in entities if n not in taken]
    events = [n for n in events if n not in taken and n not in entities]
    relations = [n for n in relations if n not in taken and n not in entities and n not in events]
    new = add_types(
        old,
        entities=entities,
        events={e: {f"role {e}": [*entities[:1], "PER"]} for e in events},
        relations={r: (["PER"], entities[:1] or ["ORG"]) for r in relations},
        attributes={a: ((a, "v"), ["entity"]) for a in attributes},
    )
    assert list(new.entity_types) == [*old.entity_types, *entities]
    assert list(new.event_types) == [*old.event_types, *events]
    assert list(new.relation_types) == relations
    assert list(new.attributes) == attributes
    for e in events:
        assert list(new.event_types[e].roles) == [f"role {e}"]
    for a in attributes:
        assert new.attributes[a].values == (a, "v")
    assert new.source.startswith(ONE_TABLE)
    # and what is stored reads back the same
    assert list(Schema.from_toml(new.source, "again.toml").entity_types) == list(new.entity_types)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_NAME, _ALPHABET_NAMES), min_size=1, max_size=8, unique=True))
def test_schema_from_types_takes_any_names(names):
    s = schema_from_types(names, name=names[0])
    assert list(s.entity_types) == names and s.name == names[0]
    assert tomllib.loads(s.source)["entities"].keys() == set(names)


def test_toml_string_round_trips_control_characters():
    value = "".join(chr(c) for c in range(0, 0x80)) + "\u2028é"
    assert tomllib.loads(f"k = {toml_string(value)}")["k"] == value
