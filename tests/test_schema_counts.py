"""Role cardinalities as counts and ranges ("2", "1-3": brat's {n} and {n-m}) and the new relation keys."""
from __future__ import annotations

import pytest

from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.problemcounts import problem_counts
from annotator.schema import Role, Schema, SchemaError
from annotator.store import Project, StoreError
from annotator.validate import validate_document

BIND = """
name = "bio"

[entities.Protein]

[events.Binding]
roles.Theme = { types = ["Protein"], cardinality = "2" }
roles.Site = { types = ["Protein"], cardinality = "1-3" }
roles.Extra = { types = ["Protein"], cardinality = "0-2" }

[relations.Equiv]
head = ["Protein"]
tail = ["Protein"]
transitive = true

[relations.Part]
head = ["Protein"]
tail = ["Protein"]
head_role = "Whole"
tail_role = "Piece"
"""

ALLOWED = 'optional, one, one_or_more, any, a count such as "2" or a range such as "1-3"'
TEXT = "A B C D E F binds"
#       0 2 4 6 8 10 12


def load_error(text: str) -> str:
    with pytest.raises(SchemaError) as info:
        Schema.from_toml(text, "bio.toml")
    return str(info.value)


def test_counts_and_ranges_read_as_min_and_max():
    s = Schema.from_toml(BIND, "bio.toml")
    roles = s.event_types["Binding"].roles
    assert (roles["Theme"].cardinality, roles["Theme"].min, roles["Theme"].max) == ("2", 2, 2)
    assert (roles["Site"].cardinality, roles["Site"].min, roles["Site"].max) == ("1-3", 1, 3)
    assert (roles["Extra"].min, roles["Extra"].max) == (0, 2)
    assert [roles[r].required for r in ("Theme", "Site", "Extra")] == [True, True, False]


def test_an_integer_count_reads_as_its_string():
    s = Schema.from_toml(BIND.replace('cardinality = "2"', "cardinality = 2"), "bio.toml")
    assert s.event_types["Binding"].roles["Theme"].cardinality == "2"


@pytest.mark.parametrize("card, mn, mx, required", [
    ("optional", 0, 1, False), ("one", 1, 1, True), ("one_or_more", 1, None, True), ("any", 0, None, False),
    ("3", 3, 3, True), ("0-1", 0, 1, False), ("2-5", 2, 5, True), ("4-4", 4, 4, True),
])
def test_role_min_max_required(card, mn, mx, required):
    r = Role("r", ("X",), card)
    assert (r.min, r.max, r.required) == (mn, mx, required)


@pytest.mark.parametrize("card", ["0", "0-0", "3-1", "1-", "-2", "two", " 2", "2 ", "1..3", "١"])
def test_bad_counts_are_refused_naming_file_role_and_what_is_allowed(card):
    msg = load_error(BIND.replace('cardinality = "2"', f'cardinality = "{card}"'))
    assert msg == f"bio.toml: event type Binding: role Theme: unknown cardinality '{card}' (allowed: {ALLOWED})"


def test_a_boolean_cardinality_is_refused():
    msg = load_error(BIND.replace('cardinality = "2"', "cardinality = true"))
    assert msg == f"bio.toml: event type Binding: role Theme: unknown cardinality True (allowed: {ALLOWED})"


def test_role_constructor_refuses_a_bad_cardinality():
    with pytest.raises(ValueError, match="unknown cardinality '0'"):
        Role("Theme", ("Protein",), "0")


def binding(n_theme: int, n_site: int) -> AnnotatedDocument:
    spans = [Span(f"T{i + 1}", "Protein", 2 * i, 2 * i + 1) for i in range(6)]
    spans.append(Span("T9", "Binding", 12, 17, kind="trigger"))
    args = [Argument("Theme", f"T{i + 1}") for i in range(n_theme)]
    args += [Argument("Site", f"T{i + 1}") for i in range(n_site)]
    return AnnotatedDocument(Document("d1", TEXT), spans, [Event("E1", "Binding", "T9", args)])


@pytest.mark.parametrize("n_theme, n_site, expected", [
    (2, 1, []),
    (2, 3, []),
    (1, 1, [("incomplete", "E1: role Theme of Binding needs at least 2 fillers (1 so far)")]),
    (0, 1, [("incomplete", "E1: role Theme of Binding needs at least 2 fillers (0 so far)")]),
    (2, 0, [("incomplete", "E1: required role Site of Binding is not filled")]),
    (3, 1, [("error", "E1: Binding role Theme is filled 3 times, but its cardinality '2' allows at most 2")]),
    (2, 4, [("error", "E1: Binding role Site is filled 4 times, but its cardinality '1-3' allows at most 3")]),
])
def test_fewer_than_min_is_incomplete_and_more_than_max_an_error(n_theme, n_site, expected):
    s = Schema.from_toml(BIND, "bio.toml")
    problems = validate_document(s, binding(n_theme, n_site))
    assert [(p.severity, p.message) for p in problems] == expected
    n_inc = sum(1 for sev, _ in expected if sev == "incomplete")
    n_err = sum(1 for sev, _ in expected if sev == "error")
    assert problem_counts(problems) == (n_err, min(n_inc, 1))


def test_the_store_refuses_a_filler_past_the_maximum_and_keeps_an_incomplete_event(tmp_path):
    with Project.open(tmp_path / "p.db", schema=Schema.from_toml(BIND, "bio.toml")) as p:
        p.import_documents([binding(1, 1)])
        assert p.problem_counts("d1") == (0, 1)
        p.add_argument("d1", "E1", Argument("Theme", "T5"))
        assert p.problems("d1") == []
        with pytest.raises(StoreError, match="Theme is filled 3 times.*at most 2"):
            p.add_argument("d1", "E1", Argument("Theme", "T6"))
        assert [a.role for a in p.get_annotated("d1").events[0].arguments] == ["Theme", "Site", "Theme"]


# ------------------------------------------------------------------ relation types


def test_transitive_implies_symmetric_and_roles_default_to_arg1_arg2():
    s = Schema.from_toml(BIND, "bio.toml")
    eq, part = s.relation_types["Equiv"], s.relation_types["Part"]
    assert (eq.transitive, eq.symmetric, eq.head_role, eq.tail_role) == (True, True, "Arg1", "Arg2")
    assert (part.transitive, part.symmetric, part.head_role, part.tail_role) == (False, False, "Whole", "Piece")


@pytest.mark.parametrize("old, new, message", [
    ("transitive = true", 'transitive = "yes"', "relation type Equiv: transitive must be true or false, got 'yes'"),
    ("transitive = true", "transitive = true\nsymmetric = false",
     "relation type Equiv: transitive = true makes the type symmetric: drop symmetric = false"),
    ('head_role = "Whole"', 'head_role = ""',
     "relation type Part: head_role must be a non-empty name without surrounding spaces, got ''"),
    ('tail_role = "Piece"', "tail_role = 2",
     "relation type Part: tail_role must be a non-empty name without surrounding spaces, got 2"),
    ('tail_role = "Piece"', 'tail_role = "Whole"',
     "relation type Part: head_role and tail_role are both 'Whole' (they must differ)"),
    ('tail_role = "Piece"', 'tail_role = "Piece"\nreflexive = true',
     "relation type Part: unknown key 'reflexive' (allowed: color, head, tail, symmetric, transitive, head_role, "
     "tail_role, description)"),
])
def test_bad_relation_keys_are_refused(old, new, message):
    assert old in BIND
    assert load_error(BIND.replace(old, new)) == f"bio.toml: {message}"


def test_a_transitive_type_links_either_way():
    text = BIND.replace('[entities.Protein]', '[entities.Protein]\n[entities.Gene]').replace(
        'tail = ["Protein"]\ntransitive = true', 'tail = ["Gene"]\ntransitive = true')
    s = Schema.from_toml(text, "bio.toml")
    assert s.relation_types["Equiv"].allows("Gene", "Protein")
    assert not s.relation_types["Part"].allows("Gene", "Protein")
