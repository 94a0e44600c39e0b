"""Export for event-extraction training code: the OneIE / TextEE JSONL layout.

One document per line::

    {"doc_id": "d1", "wnd_id": "d1", "text": "...", "tokens": ["ISIS", "fighters", "killed", ...],
     "entity_mentions": [{"id": "T1", "start": 0, "end": 2, "entity_type": "ORG", "text": "ISIS fighters",
                          "offset_start": 0, "offset_end": 13}],
     "relation_mentions": [{"id": "R1", "relation_type": "PHYS",
                            "arguments": [{"entity_id": "T1", "role": "Arg-1", "text": "..."}, ...]}],
     "event_mentions": [{"id": "E1", "event_type": "Life:Die",
                         "trigger": {"start": 2, "end": 3, "text": "killed", "offset_start": 14, "offset_end": 20},
                         "arguments": [{"entity_id": "T1", "role": "Agent", "text": "ISIS fighters"}]}]}

- Token indices are end-exclusive.  Tokens are words and punctuation
  (:func:`annotator.text.tokens`), split further wherever a span starts or
  ends inside one, so every span covers whole tokens; ``offset_start`` and
  ``offset_end`` are code-point offsets into ``text``.
- Event types are written the OneIE way, ``Life:Die`` for ``Life.Die``.
- OneIE's arguments name entities only: an argument filled by another event
  (a nested event) is left out of ``arguments`` and listed in
  ``nested_arguments`` as ``{"event_id", "role"}``, so nothing is lost silently.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any, TextIO

from ..model import ENTITY, AnnotatedDocument, Span
from ..text import tokens as word_tokens
from .spec import ExportOptions, ExportReport, FormatSpec


def aligned_tokens(text: str, spans: Iterable[Span]) -> list[tuple[int, int]]:
    """Word tokens of ``text``, split at every span boundary that falls inside one."""
    cuts = set()
    for s in spans:
        cuts.add(s.start)
        cuts.add(s.end)
    out: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for a, b in word_tokens(text):
        i = bisect_right(ordered, a)
        prev = a
        while i < len(ordered) and ordered[i] < b:
            out.append((prev, ordered[i]))
            prev = ordered[i]
            i += 1
        out.append((prev, b))
    return out


def event_type_name(type_name: str) -> str:
    """``Life.Die`` -> ``Life:Die`` (OneIE's spelling)."""
    return type_name.replace(".", ":", 1)


def doc_to_oneie(adoc: AnnotatedDocument) -> dict[str, Any]:
    """The OneIE/TextEE object for one document."""
    text = adoc.document.text
    toks = aligned_tokens(text, adoc.spans)
    starts = [t[0] for t in toks]
    ends = [t[1] for t in toks]

    def token_range(span: Span) -> tuple[int, int]:
        i = bisect_left(starts, span.start)
        j = bisect_right(ends, span.end)
        if i >= len(toks):
            return i, i
        return i, max(j, i + 1)

    spans = adoc.span_by_id()
    entity_mentions = []
    for s in adoc.spans:
        if s.kind != ENTITY:
            continue
        i, j = token_range(s)
        entity_mentions.append({
            "id": s.id, "start": i, "end": j, "entity_type": s.label, "text": text[s.start:s.end],
            "offset_start": s.start, "offset_end": s.end,
        })
    events = []
    for ev in adoc.events:
        trig = spans[ev.trigger]
        i, j = token_range(trig)
        args, nested = [], []
        for a in ev.arguments:
            filler = spans.get(a.ref)
            if filler is not None and filler.kind == ENTITY:
                args.append({"entity_id": a.ref, "role": a.role, "text": text[filler.start:filler.end]})
            else:
                nested.append({"event_id": a.ref, "role": a.role})
        item: dict[str, Any] = {
            "id": ev.id, "event_type": event_type_name(ev.type),
            "trigger": {"start": i, "end": j, "text": text[trig.start:trig.end],
                        "offset_start": trig.start, "offset_end": trig.end},
            "arguments": args,
        }
        if nested:
            item["nested_arguments"] = nested
        events.append(item)
    relations = [
        {"id": r.id, "relation_type": r.type, "arguments": [
            {"entity_id": r.head, "role": "Arg-1", "text": text[spans[r.head].start:spans[r.head].end]},
            {"entity_id": r.tail, "role": "Arg-2", "text": text[spans[r.tail].start:spans[r.tail].end]},
        ]}
        for r in adoc.relations
    ]
    return {
        "doc_id": adoc.document.id, "wnd_id": adoc.document.id, "text": text,
        "tokens": [text[a:b] for a, b in toks],
        "entity_mentions": entity_mentions, "relation_mentions": relations, "event_mentions": events,
    }


def write_oneie(docs: Iterable[AnnotatedDocument], fh: TextIO) -> int:
    """Write documents as OneIE JSONL, one line each, streaming; returns the count."""
    n = 0
    for adoc in docs:
        fh.write(json.dumps(doc_to_oneie(adoc), ensure_ascii=False))
        fh.write("\n")
        n += 1
    return n


def _write(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    return write_oneie(docs, fh)


FORMAT = FormatSpec(
    name="oneie",
    title="OneIE / TextEE event JSONL",
    carries="entities, events (triggers and arguments by token), relations; token and character offsets",
    cannot="attributes, notes, normalizations, discontinuous pieces (the outer extent is written); "
    "arguments filled by events go to nested_arguments",
    write_stream=_write,
    patterns=("*.json", "*.jsonl"),
)
