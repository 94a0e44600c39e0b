"""The pre-selected role of a new argument: unfilled, allowed, most used in the project, else an ACE 2005 prior.

No Qt here; it lives in ``annotator/qt`` because only the window uses it.

How a role is chosen for a filler dropped on an event (:func:`preselect`):

1. only roles of the event type that the filler's type may fill
   (``Schema.allowed_roles``), and only those with room left (a role with a
   maximum that is reached is *full*);
2. among those, the role most used in this project for the same event type
   and filler type (:class:`ProjectRoleCounts`: every stored document but the
   open one, plus the open one as it is now), where the prior counts as a few
   arguments already made: its first role as 2, its second as 1
   (:data:`PRIOR_STRENGTH`).  So the priors decide at first, and the project's
   own habit takes over once it outnumbers them (two Agents of Life.Die for a
   PER beat the prior's Victim; one does not);
3. ties fall back on the prior order below, then on the schema's order.

Why not let the first count of the project win outright: on the seed
article's gold (benchmarks/bench_actions.py) that turned one PER Agent of
Life.Injure into the pre-selection for the Victims that followed, and the menu
pre-selected the gold role 15 times of 21; with the prior weighted as two
arguments, 17 of 21.

The priors (:data:`ACE_PRIORS`, :data:`GENERIC_PRIORS`) are an ordering, most
likely first, for the bundled schema (resources/schemas/news.toml, ACE 2005
event types).  They are written from knowledge of the ACE 2005 English
annotation (LDC2006T06, about 5,300 event mentions) and its guidelines, not
counted here from the corpus, which this project does not ship.  The calls
that matter most:

- Life.Die / Life.Injure: a PER is a ``Victim`` far more often than an
  ``Agent`` (Victim is the most frequent role of both types; PER agents such as
  "militants killed ..." are a minority); ORG is ``Agent``; GPE is ``Place``
  before ``Agent``; WEA and VEH ``Instrument``.
- Conflict.Attack: a PER is ``Attacker`` before ``Target`` (troops, gunmen,
  militants attack; the people harmed are mostly marked as Victims of the
  Die/Injure event that goes with the attack): a close call, about even.
  An ORG is the ``Attacker``; a GPE the ``Place`` before the ``Attacker``;
  LOC the ``Place``; WEA the ``Instrument``; VEH and FAC are more often hit
  (``Target``) than used.
- Movement.Transport: a PER is the ``Artifact`` (the one who travels);
  GPE/LOC/FAC the ``Destination`` before the ``Origin``; VEH the ``Vehicle``.
- Justice.*: a PER is the ``Defendant``/``Person``; an ORG (a court) the
  ``Adjudicator``, except where ORGs charge or sue; GPE the ``Place``.

A schema with other event types gets only :data:`GENERIC_PRIORS` (a place
is the ``Place``, a time the ``Time``, a weapon the ``Instrument``, where the
type has such a role); its other roles keep the schema's order until the
project has counts of its own.
"""
from __future__ import annotations

import sqlite3
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..storeerrors import StoreError

RoleKey = tuple[str, str, str]  # (event type, filler type, role)

#: how many arguments the first role of a prior counts as (the second one fewer, and so on)
PRIOR_STRENGTH = 2

_PLACE = ("Place",)
_JUSTICE_DEFENDANT = {"PER": ("Defendant", "Adjudicator"), "ORG": ("Adjudicator", "Defendant"),
                      "GPE": ("Place", "Adjudicator")}
_PERSON_PLACE = {"PER": ("Person",), "GPE": _PLACE}

#: event type -> filler type -> roles, most likely first (roles not named come after, in schema order)
ACE_PRIORS: dict[str, dict[str, tuple[str, ...]]] = {
    "Life.Be-Born": _PERSON_PLACE,
    "Life.Marry": _PERSON_PLACE,
    "Life.Divorce": _PERSON_PLACE,
    "Life.Injure": {"PER": ("Victim", "Agent"), "ORG": ("Agent",), "GPE": ("Place", "Agent"),
                    "WEA": ("Instrument",), "VEH": ("Instrument",)},
    "Life.Die": {"PER": ("Victim", "Agent"), "ORG": ("Agent",), "GPE": ("Place", "Agent"),
                 "WEA": ("Instrument",), "VEH": ("Instrument",)},
    "Movement.Transport": {"PER": ("Artifact", "Agent"), "ORG": ("Agent",),
                           "GPE": ("Destination", "Origin", "Agent"), "LOC": ("Destination", "Origin"),
                           "FAC": ("Destination", "Origin"), "VEH": ("Vehicle", "Artifact"),
                           "WEA": ("Artifact",)},
    "Transaction.Transfer-Ownership": {"PER": ("Buyer", "Seller", "Beneficiary"),
                                       "ORG": ("Buyer", "Artifact", "Seller", "Beneficiary"),
                                       "GPE": ("Place", "Buyer", "Seller"), "FAC": ("Artifact", "Place"),
                                       "VEH": ("Artifact",), "WEA": ("Artifact",)},
    "Transaction.Transfer-Money": {"PER": ("Giver", "Recipient", "Beneficiary"),
                                   "ORG": ("Recipient", "Giver", "Beneficiary"),
                                   "GPE": ("Giver", "Recipient", "Place")},
    "Business.Start-Org": {"PER": ("Agent",), "ORG": ("Org", "Agent"), "GPE": ("Place", "Agent")},
    "Business.Merge-Org": {"ORG": ("Org",)},
    "Business.Declare-Bankruptcy": {"ORG": ("Org",)},
    "Business.End-Org": {"ORG": ("Org",)},
    "Conflict.Attack": {"PER": ("Attacker", "Target"), "ORG": ("Attacker", "Target"),
                        "GPE": ("Place", "Attacker"), "LOC": _PLACE, "FAC": ("Target", "Place"),
                        "WEA": ("Instrument", "Target"), "VEH": ("Target", "Instrument")},
    "Conflict.Demonstrate": {"PER": ("Entity",), "ORG": ("Entity",)},
    "Contact.Meet": {"PER": ("Entity",), "ORG": ("Entity",), "GPE": ("Place", "Entity")},
    "Contact.Phone-Write": {"PER": ("Entity",), "ORG": ("Entity",), "GPE": ("Entity",)},
    "Personnel.Start-Position": {"PER": ("Person",), "ORG": ("Entity",), "GPE": ("Entity", "Place")},
    "Personnel.End-Position": {"PER": ("Person",), "ORG": ("Entity",), "GPE": ("Entity", "Place")},
    "Personnel.Nominate": {"PER": ("Person", "Agent"), "ORG": ("Agent",), "GPE": ("Agent", "Place")},
    "Personnel.Elect": {"PER": ("Person", "Entity"), "ORG": ("Entity",), "GPE": ("Place", "Entity")},
    "Justice.Arrest-Jail": {"PER": ("Person", "Agent"), "ORG": ("Agent",), "GPE": ("Place", "Agent")},
    "Justice.Release-Parole": {"PER": ("Person", "Entity"), "ORG": ("Entity",), "GPE": ("Place", "Entity")},
    "Justice.Trial-Hearing": {"PER": ("Defendant", "Adjudicator", "Prosecutor"),
                              "ORG": ("Adjudicator", "Defendant", "Prosecutor"),
                              "GPE": ("Place", "Prosecutor")},
    "Justice.Charge-Indict": {"PER": ("Defendant", "Prosecutor"), "ORG": ("Prosecutor", "Defendant"),
                              "GPE": ("Place", "Prosecutor")},
    "Justice.Sue": {"PER": ("Plaintiff", "Defendant"), "ORG": ("Defendant", "Plaintiff"), "GPE": _PLACE},
    "Justice.Convict": _JUSTICE_DEFENDANT,
    "Justice.Sentence": _JUSTICE_DEFENDANT,
    "Justice.Fine": {"PER": ("Entity",), "ORG": ("Entity", "Adjudicator"), "GPE": ("Place", "Entity")},
    "Justice.Execute": {"PER": ("Person", "Agent"), "ORG": ("Agent",), "GPE": ("Place", "Agent")},
    "Justice.Extradite": {"PER": ("Person", "Agent"), "ORG": ("Agent",),
                          "GPE": ("Destination", "Origin", "Agent"), "LOC": ("Destination", "Origin"),
                          "FAC": ("Destination", "Origin")},
    "Justice.Acquit": _JUSTICE_DEFENDANT,
    "Justice.Appeal": {"PER": ("Defendant", "Prosecutor"), "ORG": ("Adjudicator", "Prosecutor"),
                       "GPE": ("Place", "Prosecutor")},
    "Justice.Pardon": _JUSTICE_DEFENDANT,
    "Report": {"PER": ("Reporter",), "ORG": ("Reporter",), "GPE": ("Reporter", "Place")},
}

#: for any event type, after its own priors: places are the Place, times the Time
GENERIC_PRIORS: dict[str, tuple[str, ...]] = {
    "GPE": _PLACE, "LOC": _PLACE, "FAC": _PLACE, "TIME": ("Time",),
    "WEA": ("Instrument",), "VEH": ("Vehicle", "Instrument"),
}


def prior_order(event_type: str, filler_type: str) -> tuple[str, ...]:
    """The roles a ``filler_type`` most likely fills in ``event_type``, by the priors alone, best first."""
    own = ACE_PRIORS.get(event_type, {}).get(filler_type, ())
    return own + tuple(r for r in GENERIC_PRIORS.get(filler_type, ()) if r not in own)


def prior_weight(rank: int) -> int:
    """The arguments a prior counts as, for the role at ``rank`` of its order: 2, 1, then 0."""
    return max(PRIOR_STRENGTH - rank, 0)


def rank_roles(event_type: str, filler_type: str, roles: Iterable[str],
               counts: Mapping[RoleKey, int]) -> list[str]:
    """``roles`` most likely first: by the project's counts plus the prior's weight, ties by the
    prior's order, then in the given order."""
    prior = prior_order(event_type, filler_type)

    def key(item: tuple[int, str]) -> tuple[int, int, int]:
        i, role = item
        rank = prior.index(role) if role in prior else len(prior)
        return (-(counts.get((event_type, filler_type, role), 0) + prior_weight(rank)), rank, i)

    return [role for _, role in sorted(enumerate(roles), key=key)]


@dataclass(frozen=True)
class RoleOption:
    """A role a filler may take in an event, and how full it is."""

    role: str
    filled: int            # fillers the event has in this role now
    limit: int | None      # the most it takes (None: any number)

    @property
    def full(self) -> bool:
        return self.limit is not None and self.filled >= self.limit

    def reason(self) -> str:
        """Why the role is not offered, e.g. ``full (1 of 1)``; empty when it has room."""
        return f"full ({self.filled} of {self.limit})" if self.full else ""


class _EventLike(Protocol):
    type: str
    arguments: list[Any]


def role_options(schema: Any, event: _EventLike, filler_type: str) -> list[RoleOption]:
    """The roles of ``event`` that ``filler_type`` may fill, in schema order, each with its fill count."""
    et = schema.event_types.get(event.type)
    if et is None:
        return []
    have = Counter(a.role for a in event.arguments)
    return [RoleOption(name, have[name], et.roles[name].max) for name in schema.allowed_roles(event.type, filler_type)]


def preselect(options: list[RoleOption], event_type: str, filler_type: str,
              counts: Mapping[RoleKey, int]) -> str | None:
    """The role to offer first: not full, most used in the project, else the prior; None if all are full."""
    free = [o.role for o in options if not o.full]
    ranked = rank_roles(event_type, filler_type, free, counts)
    return ranked[0] if ranked else None


class _DocLike(Protocol):
    id: str
    spans: dict[str, Any]
    events: dict[str, Any]


class ProjectRoleCounts:
    """Arguments by (event type, filler type, role) in the project: the stored ones of the other
    documents (read once per open document) plus the open document's, counted as it is now.

    The read of the other documents is one GROUP BY over the project's arguments, at the first
    argument made in a document: 77 ms for 69,000 arguments (4 MB of brat-density text) on the
    shared 2-core machine.  The open document's count is a walk over its events (14 ms at
    35,000 events), kept per event type until :meth:`forget`: the window calls it on every
    change of the open document (an edit, undo, a change from elsewhere, a loaded slice), so
    the drag hints of one drag and the argument at its release walk once between them.
    """

    def __init__(self) -> None:
        self._key: tuple[int, str, str] | None = None
        self._others: dict[RoleKey, int] = {}
        self._doc: weakref.ref[Any] | None = None  # the open document the kept counts are of
        self._mine: dict[str | None, Counter[RoleKey]] = {}  # event type (None: all) -> its count

    def forget(self) -> None:
        """The open document changed: count it again at the next call."""
        self._mine.clear()

    def counts(self, project: Any, doc: _DocLike, event_type: str | None = None) -> Counter[RoleKey]:
        """The counts; with ``event_type``, the open document's only for events of that type (all a
        pre-selection for it reads; 35,000 events of six types: 32 -> 14 ms)."""
        key = (id(project), str(getattr(project, "path", "")), doc.id)
        if key != self._key:
            try:
                self._others = project.role_counts(exclude_doc=doc.id)
            except (StoreError, sqlite3.Error):  # the file went away or is locked: the priors still work
                self._others = {}
            self._key = key
        if self._doc is None or self._doc() is not doc:
            self._mine.clear()
            try:
                self._doc = weakref.ref(doc)
            except TypeError:  # cannot be followed: counted at every call
                self._doc = None
        mine = self._mine.get(event_type)
        if mine is None:
            mine = _count_open(doc, event_type)
            if self._doc is not None:
                self._mine[event_type] = mine
        out: Counter[RoleKey] = Counter(self._others)
        out.update(mine)
        return out


def _count_open(doc: _DocLike, event_type: str | None) -> Counter[RoleKey]:
    """The open document's arguments (of events of ``event_type`` only, when given)."""
    out: Counter[RoleKey] = Counter()
    spans, events = doc.spans, doc.events
    for ev in events.values():
        if event_type is not None and ev.type != event_type:
            continue
        for a in ev.arguments:
            if a.ref in spans:
                out[(ev.type, spans[a.ref].label, a.role)] += 1
            elif a.ref in events:
                out[(ev.type, events[a.ref].type, a.role)] += 1
    return out
