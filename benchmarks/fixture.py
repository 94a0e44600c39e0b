"""A deterministic ~1 MB annotated news document for benchmarks.

``make_fixture`` builds paragraphs of news-like sentences from a small vocabulary
(with a few emoji and Arabic lines, so offsets cross the UTF-16 and bidi paths),
then places entity spans on token boundaries, many of them nested in or
overlapping others, and trigger spans with Events whose arguments point at
nearby entities.  The same seed always gives the same document.
"""
from __future__ import annotations

import random
import re
from bisect import bisect_left

from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Span

ENTITY_LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "WEA", "VEH")
EVENT_TYPES = ("Attack", "Die", "Injure", "Transport", "Meet", "Arrest-Jail", "Elect")
ROLES = ("Attacker", "Target", "Victim", "Place", "Instrument", "Agent", "Entity")

_NAMES = "Baghdad Mosul Tikrit Najaf Dujail Salahuddin Kirkuk Basra Erbil Falluja Ramadi Anbar Diyala Samarra".split()
_ORGS = "Islamic State|Iraqi Army|Popular Mobilization Forces|Interior Ministry|United Nations|Red Crescent|Peshmerga".split("|")
_PEOPLE = "Haider al-Abadi|Ali Brigade|Ahmed Hassan|Sara Karim|Omar Yusuf|Layla Nouri|John Smith".split("|")
_WORDS = (
    "the a an of in on at to from with by for near after before during security forces militants "
    "officials police fighters attack attacks killed injured reported said town city district village "
    "government province border troops convoy bomb mortar checkpoint night morning Wednesday Monday "
    "statement spokesman people civilians soldiers members group operation military local regional "
    "north south east west miles several three two seven dozens later early residents market road"
).split()
_TRIGGERS = "attacked killed bombed arrested met elected moved wounded shot detained".split()
_ARABIC = "قتل مسلحون سبعة من قوات الأمن العراقية في هجومين منفصلين ليلة الأربعاء"
_EMOJI = "📰 🚨 🇮🇶 ⚠️ 😢 🙏 🔥".split()


def _sentence(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(8, 22)):
        r = rng.random()
        if r < 0.10:
            parts.append(rng.choice(_NAMES))
        elif r < 0.16:
            parts.append(rng.choice(_ORGS))
        elif r < 0.21:
            parts.append(rng.choice(_PEOPLE))
        elif r < 0.26:
            parts.append(rng.choice(_TRIGGERS))
        else:
            parts.append(rng.choice(_WORDS))
    s = " ".join(parts)
    return s[0].upper() + s[1:] + "."


def _text(rng: random.Random, size_bytes: int) -> str:
    paras: list[str] = []
    total = 0
    while total < size_bytes:
        r = rng.random()
        if r < 0.03:
            p = f"{rng.choice(_EMOJI)} {_sentence(rng)} {rng.choice(_EMOJI)}"
        elif r < 0.05:
            p = " ".join(rng.sample(_ARABIC.split(), 8))
        elif r < 0.10:
            p = _sentence(rng)  # a headline
        else:
            p = " ".join(_sentence(rng) for _ in range(rng.randint(2, 7)))
        paras.append(p)
        total += len(p.encode("utf-8")) + 2
    return "\n\n".join(paras) + "\n"


_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")


def make_fixture(n_entities: int = 10000, n_events: int = 2000, size_bytes: int = 1_000_000, seed: int = 1) -> AnnotatedDocument:
    """A ~``size_bytes`` document with ``n_entities`` entity spans and ``n_events`` events.

    About a third of the entities nest inside or overlap another entity.  Each
    event has its own trigger span (kind ``trigger``) and 1-3 arguments that name
    entities near the trigger.
    """
    rng = random.Random(seed)
    text = _text(rng, size_bytes)
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text) if m.group()[0].isalnum()]
    starts = [t[0] for t in toks]
    spans: list[Span] = []
    used: set[tuple[int, int]] = set()

    def add(label: str, a: int, b: int, kind: str = "entity") -> Span | None:
        if (a, b) in used or a >= b or "\n" in text[a:b]:
            return None
        used.add((a, b))
        sp = Span(f"T{len(spans) + 1}", label, a, b, kind=kind)
        spans.append(sp)
        return sp

    entities: list[Span] = []
    while len(entities) < n_entities:
        r = rng.random()
        if r < 0.2 and entities:  # nested inside an existing entity
            host = rng.choice(entities[-50:])
            i = bisect_left(starts, host.start)
            j = bisect_left(starts, host.end) - 1
            if j <= i:
                continue
            k = rng.randint(i, j)
            sp = add(rng.choice(ENTITY_LABELS), toks[k][0], toks[min(k + rng.randint(0, 1), j)][1])
        elif r < 0.33 and entities:  # overlapping the end of an existing entity
            host = rng.choice(entities[-50:])
            i = bisect_left(starts, host.end) - 1
            k = min(i + rng.randint(1, 3), len(toks) - 1)
            sp = add(rng.choice(ENTITY_LABELS), toks[i][0], toks[k][1])
        else:
            i = rng.randrange(len(toks) - 4)
            sp = add(rng.choice(ENTITY_LABELS), toks[i][0], toks[i + rng.randint(0, 3)][1])
        if sp is not None:
            entities.append(sp)
    entities.sort(key=lambda s: s.start)
    ent_starts = [s.start for s in entities]

    events: list[Event] = []
    while len(events) < n_events:
        i = rng.randrange(len(toks))
        trig = add(rng.choice(EVENT_TYPES), *toks[i], kind=TRIGGER)
        if trig is None:
            continue
        k = bisect_left(ent_starts, trig.start)
        near = entities[max(0, k - 3) : k + 3]
        args = [Argument(rng.choice(ROLES), e.id) for e in rng.sample(near, min(len(near), rng.randint(1, 3)))]
        events.append(Event(f"E{len(events) + 1}", trig.label, trig.id, args))

    spans.sort(key=lambda s: (s.start, -s.end))
    doc = Document(id=f"fixture-{seed}", text=text, name="benchmark fixture")
    return AnnotatedDocument(doc, spans, events, [])


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    f = make_fixture()
    print(f"{len(f.document.text.encode())} bytes, {len(f.spans)} spans, {len(f.events)} events in {time.perf_counter() - t:.2f} s")
