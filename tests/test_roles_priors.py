"""The ACE 2005 priors fit the bundled schema, and the pre-selection's order of evidence: room, project, prior, schema."""
from __future__ import annotations

from dataclasses import dataclass

from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt.role_priors import (
    ACE_PRIORS,
    GENERIC_PRIORS,
    ProjectRoleCounts,
    RoleOption,
    preselect,
    rank_roles,
    role_options,
)
from annotator.schema import Schema, default_schema_path
from annotator.store import Project


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


def _die_with(p, doc: str, text: str, who: str, role: str) -> None:
    start = text.index(who)
    filler = p.add_span(doc, Span("", "PER", start, start + len(who)))
    at = text.index("killed")
    ev = p.add_event(doc, Event("", "Life.Die", ""), Span("", "Life.Die", at, at + 6, kind="trigger"))
    p.add_argument(doc, ev.id, Argument(role, filler.id))


@dataclass
class OpenDoc:
    """What the counts read of the open document: its id, spans and events by id."""

    id: str
    spans: dict
    events: dict


def test_project_counts_are_the_other_documents_as_stored_plus_the_open_one_as_it_is(tmp_path):
    text = "Gunmen killed two men."
    with Project.open(tmp_path / "p.db") as p:
        p.import_documents([AnnotatedDocument(Document(id=d, text=text)) for d in ("a", "b")])
        _die_with(p, "a", text, "Gunmen", "Agent")
        _die_with(p, "b", text, "two men", "Victim")
        counts = ProjectRoleCounts()
        # b as the window holds it now: its stored Victim was changed to an Agent (not yet re-read)
        live = p.get_annotated("b")
        spans = {s.id: s for s in live.spans}
        ev = live.events[0]
        ev.arguments[0] = Argument("Agent", ev.arguments[0].ref)
        got = counts.counts(p, OpenDoc("b", spans, {ev.id: ev}))
        assert dict(got) == {("Life.Die", "PER", "Agent"): 2}
        # asked for one event type, the open document counts only its events of that type
        assert dict(counts.counts(p, OpenDoc("b", spans, {ev.id: ev}), "Conflict.Attack")) == {
            ("Life.Die", "PER", "Agent"): 1}
        assert dict(counts.counts(p, OpenDoc("b", spans, {ev.id: ev}), "Life.Die")) == {("Life.Die", "PER", "Agent"): 2}
        # a document the store does not know: its own counts only, no error
        assert dict(ProjectRoleCounts().counts(p, OpenDoc("gone", spans, {ev.id: ev}))) == {
            ("Life.Die", "PER", "Agent"): 1}
