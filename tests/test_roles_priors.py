"""The ACE 2005 priors fit the bundled schema, and the pre-selection's order of evidence: room, project, prior, schema."""
from __future__ import annotations

from annotator.model import Argument, Event
from annotator.qt.role_priors import ACE_PRIORS, GENERIC_PRIORS, RoleOption, preselect, rank_roles, role_options
from annotator.schema import Schema, default_schema_path


def news() -> Schema:
    return Schema.from_toml(default_schema_path().read_text(encoding="utf-8"), "news.toml")


def test_every_prior_names_a_role_that_takes_that_filler_type_in_the_bundled_schema():
    schema = news()
    wrong = [(et, ft, role) for et, by_type in ACE_PRIORS.items() for ft, roles in by_type.items()
             for role in roles if role not in schema.allowed_roles(et, ft)]
    assert wrong == []
    assert set(ACE_PRIORS) == set(schema.event_types)  # every event type of the bundled schema has priors
    assert {"GPE", "LOC", "FAC", "TIME", "WEA"} <= set(GENERIC_PRIORS)


def test_priors_for_the_seed_articles_fillers():
    schema = news()
    def first(et: str, ft: str) -> str | None:
        return preselect(role_options(schema, Event("E1", et, "T1"), ft), et, ft, {})
    assert first("Life.Die", "PER") == "Victim"
    assert first("Life.Injure", "PER") == "Victim"
    assert first("Life.Die", "GPE") == "Place"
    assert first("Conflict.Attack", "PER") == "Attacker"
    assert first("Conflict.Attack", "WEA") == "Instrument"
    assert first("Conflict.Attack", "GPE") == "Place"
    assert first("Movement.Transport", "GPE") == "Destination"
    assert first("Report", "ORG") == "Reporter"


def test_project_counts_win_ties_go_to_the_prior_then_to_the_schema_order():
    roles = ["Attacker", "Target", "Instrument", "Time", "Place"]
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Target"], {}) == ["Attacker", "Target"]
    # the prior counts as 2 arguments for Attacker and 1 for Target: one Target makes a tie (the prior's order
    # breaks it), two Targets win
    one = {("Conflict.Attack", "PER", "Target"): 1}
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Target"], one) == ["Attacker", "Target"]
    two = {("Conflict.Attack", "PER", "Target"): 2}
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Target"], two) == ["Target", "Attacker"]
    both = {("Conflict.Attack", "PER", "Target"): 3, ("Conflict.Attack", "PER", "Attacker"): 2}
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Target"], both) == ["Attacker", "Target"]
    # a role the prior does not name needs 3 arguments to beat a first-ranked prior with none
    inst = {("Conflict.Attack", "PER", "Instrument"): 2}
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Instrument"], inst) == ["Attacker", "Instrument"]
    inst3 = {("Conflict.Attack", "PER", "Instrument"): 3}
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Instrument"], inst3) == ["Instrument", "Attacker"]
    other = {("Life.Die", "PER", "Target"): 9, ("Conflict.Attack", "ORG", "Target"): 9}  # other pairs do not count
    assert rank_roles("Conflict.Attack", "PER", ["Attacker", "Target"], other) == ["Attacker", "Target"]
    assert rank_roles("Unknown", "X", roles, {}) == roles  # no priors: the schema's order


def test_a_full_role_is_never_preselected():
    schema = news()
    ev = Event("E1", "Life.Die", "T1", [Argument("Place", "T2")])
    options = role_options(schema, ev, "GPE")
    assert options == [RoleOption("Agent", 0, None), RoleOption("Place", 1, 1)]
    assert options[1].full and options[1].reason() == "full (1 of 1)"
    assert preselect(options, "Life.Die", "GPE", {("Life.Die", "GPE", "Place"): 50}) == "Agent"
    loc = role_options(schema, ev, "LOC")
    assert preselect(loc, "Life.Die", "LOC", {}) is None  # the only role a LOC takes is full
