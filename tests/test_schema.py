"""Loading schemas from TOML: the bundled ACE schema, the API, and every SchemaError."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.schema import (
    CARDINALITIES,
    AttributeDef,
    Role,
    Schema,
    SchemaError,
    default_schema_path,
    normalize_hotkey,
)

ACE_EVENTS = [
    "Life.Be-Born", "Life.Marry", "Life.Divorce", "Life.Injure", "Life.Die",
    "Movement.Transport", "Transaction.Transfer-Ownership", "Transaction.Transfer-Money",
    "Business.Start-Org", "Business.Merge-Org", "Business.Declare-Bankruptcy", "Business.End-Org",
    "Conflict.Attack", "Conflict.Demonstrate", "Contact.Meet", "Contact.Phone-Write",
    "Personnel.Start-Position", "Personnel.End-Position", "Personnel.Nominate", "Personnel.Elect",
    "Justice.Arrest-Jail", "Justice.Release-Parole", "Justice.Trial-Hearing", "Justice.Charge-Indict",
    "Justice.Sue", "Justice.Convict", "Justice.Sentence", "Justice.Fine", "Justice.Execute",
    "Justice.Extradite", "Justice.Acquit", "Justice.Appeal", "Justice.Pardon",
]

MINI = """
name = "mini"

[entities.PER]
color = "#aabbcc"
hotkey = "P"

[entities.GPE]
color = "#ccbbaa"

[events.Attack]
color = "#ffaa88"
hotkey = "Shift+A"
roles.Attacker = { types = ["PER", "GPE"], cardinality = "any" }
roles.Place = ["GPE"]

[relations.LIVES_IN]
head = ["PER"]
tail = ["GPE"]

[attributes.Negated]
applies_to = ["event"]
"""


@pytest.fixture(scope="module")
def news() -> Schema:
    return Schema.default()


def load_error(text: str, name: str = "bad.toml") -> SchemaError:
    with pytest.raises(SchemaError) as info:
        Schema.from_toml(text, name)
    return info.value


def mini_with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = MINI
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    return text + extra


# --------------------------------------------------------------- news.toml
def test_default_schema_is_the_file_next_to_the_package(news: Schema) -> None:
    path = Path(__file__).resolve().parent.parent / "resources" / "schemas" / "news.toml"
    assert default_schema_path() == path
    assert news.source == path.read_text(encoding="utf-8")
    assert news.name == "ACE 2005 news"


def test_news_has_all_33_ace_event_types_in_order(news: Schema) -> None:
    # the 33 ACE subtypes, then the one documented extension for reporting verbs
    assert list(news.event_types) == [*ACE_EVENTS, "Report"]


def test_news_report_extension_takes_events(news: Schema) -> None:
    content = news.event_types["Report"].roles["Content"]
    assert set(content.types) == set(ACE_EVENTS) and content.cardinality == "any"
    assert news.allowed_roles("Report", "Conflict.Attack") == ["Content"]
    assert news.allowed_roles("Conflict.Attack", "Report") == []


def test_news_entity_and_relation_types(news: Schema) -> None:
    assert list(news.entity_types) == [
        "PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "TIME", "NUM", "CRIME", "SENTENCE", "JOB",
    ]
    assert list(news.relation_types) == ["PHYS", "PART-WHOLE", "PER-SOC", "ORG-AFF", "ART", "GEN-AFF"]
    assert news.relation_types["PER-SOC"].symmetric
    assert not news.relation_types["PHYS"].symmetric
    assert news.relation_types["ART"].tail_types == ("WEA", "VEH", "FAC")


def test_news_ace_roles(news: Schema) -> None:
    die = news.event_types["Life.Die"].roles
    assert list(die) == ["Agent", "Victim", "Instrument", "Time", "Place"]
    assert die["Agent"].types == ("PER", "ORG", "GPE")
    assert die["Victim"].types == ("PER",)
    assert die["Instrument"].types == ("WEA", "VEH")
    assert die["Place"].types == ("GPE", "LOC", "FAC")
    assert die["Time"].types == ("TIME",)
    attack = news.event_types["Conflict.Attack"].roles
    assert attack["Target"].types == ("PER", "ORG", "VEH", "FAC", "WEA")
    assert attack["Attacker"].cardinality == "any"
    transport = news.event_types["Movement.Transport"].roles
    assert list(transport) == ["Agent", "Artifact", "Vehicle", "Price", "Origin", "Destination", "Time"]
    assert transport["Price"].types == ("NUM",)
    assert news.event_types["Transaction.Transfer-Money"].roles["Money"].types == ("NUM",)
    assert news.event_types["Justice.Sentence"].roles["Sentence"].types == ("SENTENCE",)
    assert news.event_types["Justice.Convict"].roles["Crime"].types == ("CRIME",)
    assert news.event_types["Personnel.Elect"].roles["Position"].types == ("JOB",)
    assert "Place" not in news.event_types["Contact.Phone-Write"].roles


def test_news_roles_are_all_optional_and_use_one_time_role(news: Schema) -> None:
    for et in news.event_types.values():
        assert "Time" in et.roles, et.name
        assert not any(name.startswith("Time-") for name in et.roles), et.name
        for role in et.roles.values():
            assert role.cardinality in ("optional", "any"), (et.name, role.name)
            assert not role.required
            # ACE events take entities and values only; only Report's Content nests events
            if (et.name, role.name) != ("Report", "Content"):
                assert set(role.types) <= set(news.entity_types), (et.name, role.name)


def test_news_event_attributes_with_ace_defaults(news: Schema) -> None:
    assert news.attributes == {
        "Polarity": AttributeDef("Polarity", ("Positive", "Negative"), ("event",), "Positive"),
        "Tense": AttributeDef("Tense", ("Past", "Present", "Future", "Unspecified"), ("event",), "Unspecified"),
        "Genericity": AttributeDef("Genericity", ("Specific", "Generic"), ("event",), "Specific"),
        "Modality": AttributeDef("Modality", ("Asserted", "Other"), ("event",), "Asserted"),
    }
    assert [a.name for a in news.attributes_for("Justice.Fine")] == ["Polarity", "Tense", "Genericity", "Modality"]
    assert news.attributes_for("PER") == []
    assert news.attributes_for("PHYS") == []
    assert news.attributes_for("NoSuchType") == []


def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_news_colours_readable_and_distinct(news: Schema) -> None:
    label_types = [*news.entity_types.values(), *news.event_types.values()]
    colours = [t.color for t in label_types] + [r.color for r in news.relation_types.values()]
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    for t in label_types:
        # contrast ratio of black text on the label background, WCAG AAA is 7
        assert (_luminance(t.color) + 0.05) / 0.05 >= 7, t.name
    for r in news.relation_types.values():
        # arcs on a white page: at least 3:1 against white
        assert 1.05 / (_luminance(r.color) + 0.05) >= 3, r.name


def test_news_hotkeys(news: Schema) -> None:
    keys = news.hotkeys()
    for letter, name in zip("POGLFVWTN", ["PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA", "TIME", "NUM"]):
        assert keys[letter] == name
    for event in ["Conflict.Attack", "Life.Die", "Life.Injure", "Movement.Transport",
                  "Justice.Arrest-Jail", "Contact.Meet", "Transaction.Transfer-Money"]:
        assert event in keys.values(), event
    assert keys["Shift+A"] == "Conflict.Attack"
    for key in keys:
        assert "Ctrl" not in key and "Del" not in key
        assert key.split("+")[-1] not in ("Left", "Right", "Up", "Down", "Delete", "Del", "Backspace")
    assert len(set(keys.values())) == len(keys)


def test_label_kind(news: Schema) -> None:
    assert news.label_kind("PER") == "entity"
    assert news.label_kind("Life.Die") == "trigger"
    assert news.label_kind("PHYS") is None
    assert news.label_kind("per") is None


def test_color_known_and_fallback(news: Schema) -> None:
    assert news.color("PER") == "#8ec5f5"
    assert news.color("Life.Die") == "#ff9f9a"
    assert news.color("PHYS") == "#1f6fb2"
    unknown = news.color("Mystery")
    assert re.fullmatch(r"#[0-9a-f]{6}", unknown)
    assert unknown == news.color("Mystery") == Schema.from_toml(MINI).color("Mystery")
    assert news.color("Mystery") != news.color("Other-Mystery")


def test_allowed_roles(news: Schema) -> None:
    assert news.allowed_roles("Life.Die", "PER") == ["Agent", "Victim"]
    assert news.allowed_roles("Life.Die", "GPE") == ["Agent", "Place"]
    assert news.allowed_roles("Life.Die", "WEA") == ["Instrument"]
    assert news.allowed_roles("Movement.Transport", "GPE") == ["Agent", "Origin", "Destination"]
    assert news.allowed_roles("Life.Die", "CRIME") == []
    assert news.allowed_roles("No.Such", "PER") == []


def test_allowed_relations(news: Schema) -> None:
    assert news.allowed_relations("PER", "GPE") == ["PHYS", "ORG-AFF", "GEN-AFF"]
    assert news.allowed_relations("PER", "PER") == ["PER-SOC", "GEN-AFF"]
    assert news.allowed_relations("PER", "WEA") == ["ART"]
    assert news.allowed_relations("ORG", "ORG") == ["PART-WHOLE", "ORG-AFF", "GEN-AFF"]
    assert news.allowed_relations("GPE", "PER") == []
    assert news.allowed_relations("TIME", "PER") == []


def test_symmetric_relation_allows_either_direction() -> None:
    s = Schema.from_toml(MINI + '\n[relations.NEAR]\nhead = ["PER"]\ntail = ["GPE"]\nsymmetric = true\n')
    assert s.allowed_relations("PER", "GPE") == ["LIVES_IN", "NEAR"]
    assert s.allowed_relations("GPE", "PER") == ["NEAR"]


def test_role_properties() -> None:
    assert CARDINALITIES == ("optional", "one", "one_or_more", "any")
    assert [Role("r", ("X",), c).required for c in CARDINALITIES] == [False, True, True, False]
    assert [Role("r", ("X",), c).max for c in CARDINALITIES] == [1, 1, None, None]
    assert Role("r", ("X",)).cardinality == "optional"


def test_nested_event_schema() -> None:
    text = """
name = "nested"
[entities.PER]
color = "#aaccee"
[events.Say]
color = "#ffcc99"
roles.Speaker = { types = ["PER"], cardinality = "one" }
roles.Content = { types = ["Die", "Say"], cardinality = "one_or_more" }
[events.Die]
color = "#ff9999"
roles.Victim = ["PER"]
"""
    s = Schema.from_toml(text, "nested.toml")
    content = s.event_types["Say"].roles["Content"]
    assert content.types == ("Die", "Say")
    assert content.required and content.max is None
    assert s.allowed_roles("Say", "Die") == ["Content"]
    assert s.allowed_roles("Say", "PER") == ["Speaker"]
    assert s.event_types["Die"].roles["Victim"] == Role("Victim", ("PER",), "optional")


def test_mini_schema_details() -> None:
    s = Schema.from_toml(MINI, "mini.toml")
    assert s.name == "mini"
    assert s.source == MINI
    assert s.hotkeys() == {"P": "PER", "Shift+A": "Attack"}
    flag = s.attributes["Negated"]
    assert flag.values == () and flag.is_flag and flag.default is None
    assert flag.allows(True) and flag.allows(False) and not flag.allows("yes")
    assert s.attributes_for("Attack") == [flag]
    # relation without colour gets a darker fallback, entity without hotkey has none
    assert re.fullmatch(r"#[0-9a-f]{6}", s.relation_types["LIVES_IN"].color)
    assert s.entity_types["GPE"].hotkey is None


def test_name_defaults_to_file_stem() -> None:
    s = Schema.from_toml('[entities.X]\ncolor = "#ABCDEF"\nhotkey = "shift+x"\n', "my_schema.toml")
    assert s.name == "my_schema"
    assert s.entity_types["X"].color == "#abcdef"
    assert s.hotkeys() == {"Shift+X": "X"}


def test_attribute_applies_to_named_types() -> None:
    s = Schema.from_toml(mini_with('[attributes.Role]\nvalues = ["a", "b"]\napplies_to = ["PER", "relation"]\n'
                                   'default = "b"\n'))
    assert [a.name for a in s.attributes_for("PER")] == ["Role"]
    assert [a.name for a in s.attributes_for("LIVES_IN")] == ["Role"]
    assert [a.name for a in s.attributes_for("GPE")] == []
    assert s.attributes["Role"].default == "b"


def test_load_from_path(tmp_path: Path) -> None:
    p = tmp_path / "mini.toml"
    p.write_text(MINI, encoding="utf-8")
    assert list(Schema.load(p).entity_types) == ["PER", "GPE"]
    assert list(Schema.load(str(p)).event_types) == ["Attack"]


def test_load_missing_file_is_schema_error(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"^absent\.toml: cannot read"):
        Schema.load(tmp_path / "absent.toml")


def test_normalize_hotkey() -> None:
    assert normalize_hotkey("g") == "G"
    # same spelling as QKeySequence(...).toString()
    assert normalize_hotkey("shift+alt+a") == "Alt+Shift+A"
    assert normalize_hotkey("shift+ctrl+alt+meta+a") == "Meta+Ctrl+Alt+Shift+A"
    assert normalize_hotkey("f5") == "F5"
    assert normalize_hotkey("delete") == "Del"
    assert normalize_hotkey("Shift+1") == "Shift+1"
    assert normalize_hotkey("Shift++") == "Shift++"
    assert normalize_hotkey("Hyper+A") is None
    assert normalize_hotkey("Shift+Shift+A") is None
    assert normalize_hotkey("AB") is None
    assert normalize_hotkey("") is None


# ------------------------------------------------------------ SchemaError
def test_error_invalid_toml_names_file_and_line() -> None:
    err = load_error('name = "x"\n\n[entities.PER]\ncolor = #aabbcc\n', "news.toml")
    assert err.line == 4
    assert str(err).startswith("news.toml: line 4: invalid TOML: ")
    assert err.source_name == "news.toml"


def test_error_name_defined_twice_in_same_kind_has_line() -> None:
    err = load_error('[entities.PER]\ncolor = "#aabbcc"\n[entities.PER]\ncolor = "#aabbcc"\n', "news.toml")
    assert err.line == 3
    assert str(err).startswith("news.toml: line 3: invalid TOML: ")


def test_error_unknown_filler_type() -> None:
    err = load_error(MINI.replace('types = ["PER", "GPE"]', 'types = ["PERSON", "GPE"]'), "news.toml")
    assert str(err) == "news.toml: event type Attack: role Attacker: unknown filler type 'PERSON'"
    assert err.line is None


def test_error_unknown_cardinality() -> None:
    err = load_error(mini_with(replace=('cardinality = "any"', 'cardinality = "many"')))
    assert str(err) == ("bad.toml: event type Attack: role Attacker: unknown cardinality 'many' "
                        '(allowed: optional, one, one_or_more, any, a count such as "2" or a range such as "1-3")')


def test_error_role_without_types() -> None:
    err = load_error(mini_with(replace=('roles.Place = ["GPE"]', "roles.Place = []")))
    assert str(err) == "bad.toml: event type Attack: role Place: no filler types"
    err = load_error(mini_with(replace=('roles.Place = ["GPE"]', 'roles.Place = { cardinality = "one" }')))
    assert str(err) == "bad.toml: event type Attack: role Place: missing 'types'"


def test_error_relation_argument_types() -> None:
    err = load_error(mini_with(replace=('tail = ["GPE"]', 'tail = ["CITY"]')))
    assert str(err) == "bad.toml: relation type LIVES_IN: unknown tail type 'CITY'"
    err = load_error(mini_with(replace=('head = ["PER"]', 'head = ["Attack"]')))
    assert str(err) == "bad.toml: relation type LIVES_IN: head type 'Attack' is an event type, not an entity type"
    err = load_error(mini_with(replace=('head = ["PER"]\n', "")))
    assert str(err) == "bad.toml: relation type LIVES_IN: head must list at least one entity type"


def test_error_duplicate_hotkey() -> None:
    err = load_error(mini_with('\n[entities.ORG]\ncolor = "#aaaaaa"\nhotkey = "p"\n'))
    assert str(err) == "bad.toml: hotkey P is used by both PER and ORG"


def test_error_bad_hotkey() -> None:
    err = load_error(mini_with(replace=('hotkey = "P"', 'hotkey = "Super+P"')))
    assert str(err) == "bad.toml: entity type PER: bad hotkey 'Super+P' (expected a key such as \"G\" or \"Shift+A\")"


@pytest.mark.parametrize("bad", ["#abc", "aabbcc", "#gghhii", "red", "#aabbccdd"])
def test_error_bad_colour(bad: str) -> None:
    err = load_error(mini_with(replace=('color = "#ccbbaa"', f'color = "{bad}"')))
    assert str(err) == f"bad.toml: entity type GPE: bad color '{bad}' (expected #rrggbb)"


def test_error_bad_colour_type() -> None:
    err = load_error(mini_with(replace=('color = "#ffaa88"', "color = 123")))
    assert str(err) == "bad.toml: event type Attack: bad color 123 (expected #rrggbb)"


def test_error_attribute_applies_to_unknown() -> None:
    err = load_error(mini_with(replace=('applies_to = ["event"]', 'applies_to = ["events"]')))
    assert str(err) == "bad.toml: attribute Negated: applies_to names unknown type 'events'"
    err = load_error(mini_with(replace=('applies_to = ["event"]', "applies_to = []")))
    assert str(err) == "bad.toml: attribute Negated: applies_to must name at least one type or kind"


def test_error_attribute_default_not_a_value() -> None:
    err = load_error(mini_with('[attributes.Tense]\nvalues = ["Past", "Future"]\napplies_to = ["event"]\n'
                               'default = "Present"\n'))
    assert str(err) == "bad.toml: attribute Tense: default 'Present' is not one of its values (Past, Future)"
    err = load_error(mini_with(replace=('applies_to = ["event"]', 'applies_to = ["event"]\ndefault = "x"')))
    assert str(err) == "bad.toml: attribute Negated: a flag attribute (no values) takes no default"


def test_error_attribute_value_listed_twice() -> None:
    err = load_error(mini_with('[attributes.T]\nvalues = ["a", "a"]\napplies_to = ["event"]\n'))
    assert str(err) == "bad.toml: attribute T: values lists 'a' twice"


def test_error_name_both_entity_and_event() -> None:
    err = load_error(mini_with('\n[events.PER]\ncolor = "#ffeeee"\n'))
    assert str(err) == "bad.toml: event type PER: name is already defined as an entity type"


def test_error_relation_name_clashes_with_type() -> None:
    err = load_error(mini_with('\n[relations.Attack]\nhead = ["PER"]\ntail = ["PER"]\n'))
    assert str(err) == "bad.toml: relation type Attack: name is already defined as an event type"


def test_error_reserved_type_name() -> None:
    err = load_error(mini_with('\n[entities.event]\ncolor = "#eeeeee"\n'))
    assert str(err) == "bad.toml: type name 'event' is reserved (it means every type of that kind)"


def test_error_unknown_keys_catch_typos() -> None:
    err = load_error(mini_with(replace=('color = "#aabbcc"', 'colour = "#aabbcc"')))
    assert str(err) == "bad.toml: entity type PER: unknown key 'colour' (allowed: color, hotkey, description)"
    err = load_error(mini_with("\n[entity.X]\n"))
    assert str(err).startswith("bad.toml: top level: unknown key 'entity'")


def test_error_wrong_value_shapes() -> None:
    err = load_error('entities = ["PER"]\n')
    assert str(err) == "bad.toml: entities: expected a table, got list"
    err = load_error(mini_with(replace=("roles.Place", "roles.Where = 3\nroles.Place")))
    assert str(err) == "bad.toml: event type Attack: role Where: expected a table or a list of types, got int"
    err = load_error(mini_with('\n[relations.R]\nhead = ["PER"]\ntail = ["PER"]\nsymmetric = "yes"\n'))
    assert str(err) == "bad.toml: relation type R: symmetric must be true or false, got 'yes'"


def test_error_lists_every_problem() -> None:
    text = mini_with(replace=('color = "#ccbbaa"', 'color = "blue"')) + '\n[events.PER]\ncolor = "#ffeeee"\n'
    err = load_error(text, "two.toml")
    assert err.problems == [
        "entity type GPE: bad color 'blue' (expected #rrggbb)",
        "event type PER: name is already defined as an entity type",
    ]
    assert str(err).splitlines() == ["two.toml: " + p for p in err.problems]
    assert isinstance(err, ValueError)


def test_docs_example_loads() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "schema.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert example is not None
    s = Schema.from_toml(example.group(1), "example.toml")
    assert s.allowed_roles("Report", "Life.Die") == ["Content"]
    assert [a.name for a in s.attributes_for("PER")] == ["Uncertain"]
