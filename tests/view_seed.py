"""The seed article annotated in full through the session: every entity, nested spans, two events with arguments."""
from __future__ import annotations

from typing import Any

# (phrase, label, occurrence) in reading order; nested spans follow their outer span.
ENTITIES: list[tuple[str, str, int]] = [
    ("Iraq", "GPE", 0),
    ("Islamic State Militants", "PER", 0),
    ("Islamic State", "ORG", 0),
    ("7 Security Forces", "PER", 0),
    ("A fighter from the Iraqi Imam Ali Brigade", "PER", 0),
    ("Imam Ali Brigade", "ORG", 0),
    ("Iraq", "GPE", 1),
    ("Najaf", "GPE", 0),
    ("March 7, 2015", "TIME", 0),
    ("Tikrit", "GPE", 0),
    ("30,000 Iraqi security forces members", "PER", 0),
    ("allied fighters", "PER", 0),
    ("Tikrit", "GPE", 1),
    ("Militants from the Islamic State terror group", "PER", 0),
    ("Islamic State", "ORG", 1),
    ("seven Iraqi security forces", "PER", 0),
    ("16 more", "PER", 0),
    ("late Wednesday night", "TIME", 0),
    ("Iraqi police", "ORG", 0),
    ("ISIS fighters", "PER", 0),
    ("three military security personnel", "PER", 0),
    ("two policemen", "PER", 0),
    ("Dujail", "GPE", 0),
    ("Salahuddin district", "LOC", 0),
    ("Baghdad", "GPE", 0),
    ("The officials", "PER", 0),
    ("popular mobilization forces", "ORG", 0),
    ("PMF", "ORG", 0),
    ("Iranian-backed Shiites", "PER", 0),
    ("the Iraqi Prime Minister", "PER", 0),
    ("militants", "PER", 0),
    ("a mortar", "WEA", 0),
    ("the village of Kola Jawi", "GPE", 0),
    ("Kola Jawi", "GPE", 0),
    ("midnight", "TIME", 0),
    ("two security guards of the Northern Iraqi Regional Administration", "PER", 0),
    ("Northern Iraqi Regional Administration", "ORG", 0),
    ("an additional 14 people", "PER", 0),
    ("The Islamic State", "ORG", 0),
    ("December 2017", "TIME", 0),
    ("Iraq", "GPE", 2),
    ("the Islamic State", "ORG", 1),
    ("ISIS militants", "PER", 0),
    ("Baghdad government", "ORG", 0),
    ("ISIS", "ORG", 2),
    ("Iraq", "GPE", 3),
    ("The Islamic State", "ORG", 1),
    ("Mosul", "GPE", 0),
    ("The militants", "PER", 0),
    ("Hamrin mountain range", "LOC", 0),
    ("Reuters", "ORG", 0),
    ("security officials", "PER", 0),
    ("Iran", "GPE", 0),
    ("Salahuddin", "LOC", 1),
    ("Kirkuk", "LOC", 0),
    ("U.N. experts", "PER", 0),
    ("U.N.", "ORG", 0),
    ("ISIS leaders", "PER", 0),
    ("Security Council", "ORG", 0),
    ("the analysts", "PER", 0),
    ("ISIS", "ORG", 4),
    ("Iraq", "GPE", 4),
    ("Abu Bakr al-Baghdadi", "PER", 0),
    ("Syria", "GPE", 0),
    ("ISIS", "ORG", 5),
    ("Iraq", "GPE", 5),
]

# Two events of the mortar attack paragraph: trigger phrase, type, occurrence, [(role, entity phrase, occ)].
EVENTS: list[tuple[str, str, int, list[tuple[str, str, int]]]] = [
    ("fired", "Conflict.Attack", 0, [("Attacker", "militants", 0), ("Instrument", "a mortar", 0),
                                     ("Place", "the village of Kola Jawi", 0), ("Time", "midnight", 0)]),
    ("killing", "Life.Die", 0, [("Agent", "militants", 0), ("Victim", "two security guards of the Northern "
                                                          "Iraqi Regional Administration", 0)]),
]


def find(text: str, phrase: str, nth: int) -> tuple[int, int]:
    """Code points of the ``nth`` whole-word occurrence of ``phrase`` in ``text``."""
    i, seen = -1, -1
    while True:
        i = text.index(phrase, i + 1)
        before = text[i - 1] if i else " "
        after = text[i + len(phrase)] if i + len(phrase) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            seen += 1
            if seen == nth:
                return i, i + len(phrase)


def annotate_seed(session: Any, events: bool = True) -> dict[tuple[str, int], str]:
    """Tag every entity (and the two events) of the open seed document; ids by (phrase, occurrence)."""
    text = session.current.text
    ids: dict[tuple[str, int], str] = {}
    for phrase, label, nth in ENTITIES:
        ann = session.add_annotation(*find(text, phrase, nth), label)
        assert ann, (phrase, label, nth)
        ids[(phrase, nth)] = ann
    if events:
        for phrase, etype, nth, args in EVENTS:
            ev = session.add_annotation(*find(text, phrase, nth), etype)
            assert ev, (phrase, etype)
            ids[(phrase, nth)] = ev
            for role, filler, occ in args:
                assert session.add_argument(ev, role, ids[(filler, occ)]), (role, filler)
    return ids
