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


# ------------------------------------------------------------------ schema-valid fixtures
#
# The figures of bench_edit (and any benchmark that edits through the window)
# need documents that are valid against ``Schema.default()`` (ACE names), at a
# chosen size and at one of two densities:
#
# - "news": the density of :func:`make_fixture` (10,000 entities and 2,000
#   events per MB, about a third nested or overlapping);
# - "brat": brat's density, 5 entities and 1 event with 2 arguments per sentence.

ACE_EVENTS = {"Attack": "Conflict.Attack", "Die": "Life.Die", "Injure": "Life.Injure",
              "Transport": "Movement.Transport", "Meet": "Contact.Meet",
              "Arrest-Jail": "Justice.Arrest-Jail", "Elect": "Personnel.Elect"}

#: event type -> two (role, filler label) pairs the default schema allows (both roles take many fillers)
_BRAT_EVENTS = (
    ("Conflict.Attack", ("Attacker", ("ORG", "PER", "GPE")), ("Target", ("FAC", "VEH", "PER"))),
    ("Life.Die", ("Agent", ("ORG", "GPE")), ("Victim", ("PER",))),
    ("Life.Injure", ("Agent", ("PER", "ORG")), ("Instrument", ("WEA", "VEH"))),
    ("Movement.Transport", ("Agent", ("ORG", "GPE")), ("Artifact", ("PER", "WEA", "VEH"))),
    ("Contact.Meet", ("Entity", ("PER", "ORG")), ("Entity", ("PER", "GPE"))),
    ("Justice.Arrest-Jail", ("Agent", ("ORG", "GPE")), ("Person", ("PER",))),
)
_OTHER_LABELS = ("PER", "ORG", "GPE", "LOC", "FAC", "VEH", "WEA")
_SENTENCE = re.compile(r"[^\n.]+\.?")


def news_valid(adoc: AnnotatedDocument, schema) -> AnnotatedDocument:  # noqa: ANN001 (a Schema)
    """``adoc`` (from :func:`make_fixture`) with ACE event types and only the roles ``schema`` allows."""
    labels = adoc.span_by_id()
    for ev in adoc.events:
        ev.type = ACE_EVENTS.get(ev.type, ev.type)
        labels[ev.trigger].label = ev.type
        et = schema.event_types[ev.type]
        used: dict[str, int] = {}
        args = []
        for a in ev.arguments:
            for role in schema.allowed_roles(ev.type, labels[a.ref].label):
                mx = et.roles[role].max
                if mx is None or used.get(role, 0) < mx:
                    used[role] = used.get(role, 0) + 1
                    args.append(Argument(role, a.ref))
                    break
        ev.arguments = args
    return adoc


def make_brat_density(size_bytes: int = 1_000_000, seed: int = 1) -> AnnotatedDocument:
    """A ~``size_bytes`` document at brat's density: per sentence 5 entities and 1 event with 2 arguments.

    Every span covers one word (no nesting); each event's two arguments are
    entities of its own sentence.  Valid against ``Schema.default()``.  A
    sentence of fewer than 6 words gets nothing.
    """
    rng = random.Random(seed)
    text = _text(rng, size_bytes)
    spans: list[Span] = []
    events: list[Event] = []
    for m in _SENTENCE.finditer(text):
        words = [(w.start() + m.start(), w.end() + m.start()) for w in _TOKEN.finditer(m.group())
                 if w.group()[0].isalnum()]
        if len(words) < 6:
            continue
        picks = sorted(rng.sample(range(len(words)), 6))
        trig_at = rng.randrange(6)
        etype, (role1, labels1), (role2, labels2) = rng.choice(_BRAT_EVENTS)
        others = [k for k in range(6) if k != trig_at]
        filler_at = rng.sample(others, 2)
        made: dict[int, Span] = {}
        for k in range(6):
            a, b = words[picks[k]]
            if k == trig_at:
                sp = Span(f"T{len(spans) + 1}", etype, a, b, kind=TRIGGER)
            elif k == filler_at[0]:
                sp = Span(f"T{len(spans) + 1}", rng.choice(labels1), a, b)
            elif k == filler_at[1]:
                sp = Span(f"T{len(spans) + 1}", rng.choice(labels2), a, b)
            else:
                sp = Span(f"T{len(spans) + 1}", rng.choice(_OTHER_LABELS), a, b)
            spans.append(sp)
            made[k] = sp
        events.append(Event(f"E{len(events) + 1}", etype, made[trig_at].id,
                            [Argument(role1, made[filler_at[0]].id), Argument(role2, made[filler_at[1]].id)]))
    doc = Document(id=f"brat-{seed}", text=text, name="benchmark fixture (brat density)")
    return AnnotatedDocument(doc, spans, events, [])


def sized_fixture(size_mb: float, density: str, schema, doc_id: str) -> AnnotatedDocument:  # noqa: ANN001
    """A schema-valid document of ``size_mb`` MB at ``density`` "news" (make_fixture's) or "brat"."""
    size = int(size_mb * 1_000_000)
    if density == "brat":
        adoc = make_brat_density(size)
    elif density == "news":
        adoc = news_valid(make_fixture(n_entities=int(10_000 * size_mb), n_events=int(2_000 * size_mb),
                                       size_bytes=size), schema)
    else:
        raise ValueError(f"unknown density {density!r} (news or brat)")
    adoc.document.id = adoc.document.name = doc_id
    return adoc


if __name__ == "__main__":
    import time

    t = time.perf_counter()
    f = make_fixture()
    print(f"{len(f.document.text.encode())} bytes, {len(f.spans)} spans, {len(f.events)} events in {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    b = make_brat_density()
    print(f"brat density: {len(b.document.text.encode())} bytes, {len(b.spans)} spans, {len(b.events)} events "
          f"in {time.perf_counter() - t:.2f} s")
