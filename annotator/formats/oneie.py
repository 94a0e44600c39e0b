"""OneIE / TextEE event JSONL: export for event-extraction training code, and import of such files.

One record per line (one per document, or one per sentence window with
``ExportOptions.windows``)::

    {"doc_id": "d1", "wnd_id": "d1", "text": "...", "lang": "en", "tokens": ["ISIS", "fighters", "killed", ...],
     "entity_mentions": [{"id": "T1", "start": 0, "end": 2, "entity_type": "ORG", "text": "ISIS fighters",
                          "offset_start": 0, "offset_end": 13}],
     "relation_mentions": [{"id": "R1", "relation_type": "PHYS",
                            "arguments": [{"entity_id": "T1", "role": "Arg-1", "text": "...", "start": 0, "end": 2,
                                           "offset_start": 0, "offset_end": 13}, ...]}],
     "event_mentions": [{"id": "E1", "event_type": "Life:Die",
                         "trigger": {"start": 2, "end": 3, "text": "killed", "offset_start": 14, "offset_end": 20},
                         "arguments": [{"entity_id": "T1", "role": "Agent", "text": "ISIS fighters",
                                        "start": 0, "end": 2, "offset_start": 0, "offset_end": 13}],
                         "nested_arguments": []}]}

- ``start``/``end`` are token indices, end-exclusive; ``offset_start`` and
  ``offset_end`` are code-point offsets into the record's ``text``.  Tokens
  are words and punctuation (:func:`annotator.text.tokens`), split further
  wherever a span starts or ends inside one, so every span covers whole
  tokens and nothing is widened.
- Event types are written the OneIE way, ``Life:Die`` for ``Life.Die``.
- OneIE's arguments name entities only: an argument filled by another event
  (a nested event) is listed in ``nested_arguments`` as ``{"event_id",
  "role"}``.  Every event has the key, ``[]`` when it has none.
- ``lang`` is ``ExportOptions.lang`` (``--lang``, default ``en``).
- Windows (``--windows``): each document is split into sentences
  (:mod:`annotator.formats.sentences`) and each window is written as
  its own record, ``wnd_id = f"{doc_id}-{i}"`` (``i`` from 0), with its text,
  tokens and offsets relative to the window.  A window is one sentence, or
  several consecutive ones when a span crosses a sentence boundary, or an
  event's trigger and arguments, or a relation's two ends, lie in different
  sentences: nothing is cut or left out, and the report says how many windows
  were joined.

Lists that are often empty (``relation_mentions``, ``nested_arguments``)
keep ``datasets`` from typing a big file by its first 10 MB; load it with
``features=`` :func:`annotator.formats.oneie_features.oneie_features`.

What OneIE has no place for (attributes, notes, normalizations, annotator
names, the pieces of a discontinuous span, document names, status and
metadata) is counted in the export report.  The reader is in
:mod:`annotator.formats.oneie_read`.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..model import ENTITY, AnnotatedDocument, Span
from ..text import tokens as word_tokens
from .oneie_read import read_oneie, sniff_oneie
from .review_loss import leave_out_reviews
from .sentences import sentences
from .tokenize import split_tokens
from .spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced

__all__ = ["aligned_tokens", "doc_to_oneie", "event_type_name", "oneie_records", "windows", "write_oneie"]


def aligned_tokens(text: str, spans: Iterable[Span]) -> list[tuple[int, int]]:
    """Word tokens of ``text``, split at every span boundary that falls inside one."""
    cuts = sorted({s.start for s in spans} | {s.end for s in spans})
    return split_tokens(word_tokens(text), cuts)


def event_type_name(type_name: str) -> str:
    """``Life.Die`` -> ``Life:Die`` (OneIE's spelling)."""
    return type_name.replace(".", ":", 1)


def _record(part: AnnotatedDocument, lo: int, hi: int, wnd_id: str, lang: str,
            by_id: dict[str, Span]) -> dict[str, Any]:
    """The record of the text ``[lo, hi)`` with ``part``'s annotations; ``by_id`` has every span of the document."""
    text = part.document.text[lo:hi]
    toks = aligned_tokens(text, [Span(s.id, s.label, s.start - lo, s.end - lo) for s in part.spans])
    starts = [t[0] for t in toks]
    ends = [t[1] for t in toks]

    def place(span: Span) -> dict[str, Any]:
        s, e = span.start - lo, span.end - lo
        i = bisect_left(starts, s)
        j = bisect_right(ends, e)
        return {"text": text[s:e], "start": i, "end": max(j, i + 1) if i < len(toks) else i,
                "offset_start": s, "offset_end": e}

    def argument(ref: str, role: str) -> dict[str, Any]:
        p = place(by_id[ref])
        return {"entity_id": ref, "role": role, "text": p["text"], "start": p["start"], "end": p["end"],
                "offset_start": p["offset_start"], "offset_end": p["offset_end"]}

    entity_mentions = []
    for s in part.spans:
        if s.kind == ENTITY:
            p = place(s)
            entity_mentions.append({"id": s.id, "start": p["start"], "end": p["end"], "entity_type": s.label,
                                    "text": p["text"], "offset_start": p["offset_start"], "offset_end": p["offset_end"]})
    events = []
    for ev in part.events:
        trig = place(by_id[ev.trigger])
        args, nested = [], []
        for a in ev.arguments:
            filler = by_id.get(a.ref)
            if filler is not None and filler.kind == ENTITY:
                args.append(argument(a.ref, a.role))
            else:
                nested.append({"event_id": a.ref, "role": a.role})
        events.append({"id": ev.id, "event_type": event_type_name(ev.type),
                       "trigger": {"start": trig["start"], "end": trig["end"], "text": trig["text"],
                                   "offset_start": trig["offset_start"], "offset_end": trig["offset_end"]},
                       "arguments": args, "nested_arguments": nested})
    relations = [
        {"id": r.id, "relation_type": r.type, "arguments": [argument(r.head, "Arg-1"), argument(r.tail, "Arg-2")]}
        for r in part.relations
    ]
    return {
        "doc_id": part.document.id, "wnd_id": wnd_id, "text": text, "lang": lang,
        "tokens": [text[a:b] for a, b in toks],
        "entity_mentions": entity_mentions, "relation_mentions": relations, "event_mentions": events,
    }


def doc_to_oneie(adoc: AnnotatedDocument, lang: str = "en") -> dict[str, Any]:
    """The OneIE/TextEE record of one whole document (``wnd_id`` is the document id)."""
    return _record(adoc, 0, len(adoc.document.text), adoc.document.id, lang, adoc.span_by_id())


def windows(adoc: AnnotatedDocument) -> list[tuple[int, int]]:
    """The windows of a document as ``(start, end)`` text ranges: sentences, joined where an annotation spans several.

    A document whose text has no sentence (empty, or only whitespace) is one window.
    """
    return _windows(adoc)[0]


def _windows(adoc: AnnotatedDocument) -> tuple[list[tuple[int, int]], int]:
    """:func:`windows`, and how many sentences they hold."""
    text = adoc.document.text
    sents = sentences(text)
    if not sents:
        return [(0, len(text))], 0
    s_starts = [a for a, _ in sents]

    def first_last(span: Span) -> tuple[int, int]:
        i = max(bisect_right(s_starts, span.start) - 1, 0)
        j = max(bisect_left(s_starts, span.end) - 1, i)
        return i, j

    by_id = adoc.span_by_id()
    reach = list(range(len(sents)))  # reach[i]: the last sentence that sentence i's window must include
    lo_of = [a for a, _ in sents]
    hi_of = [b for _, b in sents]

    def need(spans: list[Span]) -> None:
        firsts_lasts = [first_last(s) for s in spans]
        i = min(a for a, _ in firsts_lasts)
        j = max(b for _, b in firsts_lasts)
        reach[i] = max(reach[i], j)
        for s, (a, _) in zip(spans, firsts_lasts):  # a span that begins in the space before its sentence
            lo_of[a] = min(lo_of[a], s.start)
        for s, (_, b) in zip(spans, firsts_lasts):
            hi_of[b] = max(hi_of[b], s.end)

    triggers = {ev.id: by_id[ev.trigger] for ev in adoc.events if ev.trigger in by_id}
    for s in adoc.spans:
        need([s])
    for ev in adoc.events:
        group = [triggers[ev.id]] if ev.id in triggers else []
        group += [by_id[a.ref] if a.ref in by_id else triggers[a.ref] for a in ev.arguments
                  if a.ref in by_id or a.ref in triggers]
        if group:
            need(group)
    for r in adoc.relations:
        group = [by_id[x] for x in (r.head, r.tail) if x in by_id]
        if group:
            need(group)
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(sents):
        j = reach[i]
        k = i
        while k <= j:
            j = max(j, reach[k])
            k += 1
        out.append((min(lo_of[i:j + 1]), max(hi_of[i:j + 1])))
        i = j + 1
    return out, len(sents)


def _window_records(adoc: AnnotatedDocument, lang: str, report: ExportReport) -> Iterator[dict[str, Any]]:
    ranges, n_sents = _windows(adoc)
    if len(ranges) < n_sents:
        report.note(f"{adoc.document.id}: {n_sents} sentences in {len(ranges)} windows "
                    "(sentences joined where a span, an event or a relation spans several)")
    starts = [a for a, _ in ranges]
    by_id = adoc.span_by_id()

    def window_of(offset: int) -> int:
        return max(bisect_right(starts, offset) - 1, 0)

    parts = [AnnotatedDocument(adoc.document) for _ in ranges]
    for s in adoc.spans:
        parts[window_of(s.start)].spans.append(s)
    for ev in adoc.events:
        trig = by_id.get(ev.trigger)
        parts[window_of(trig.start if trig else 0)].events.append(ev)
    for r in adoc.relations:
        head = by_id.get(r.head)
        parts[window_of(head.start if head else 0)].relations.append(r)
    for i, (lo, hi) in enumerate(ranges):
        yield _record(parts[i], lo, hi, f"{adoc.document.id}-{i}", lang, by_id)


def oneie_records(adoc: AnnotatedDocument, report: ExportReport, *, lang: str = "en",
                  windowed: bool = False) -> Iterator[dict[str, Any]]:
    """The records of one document (one, or one per window), counting in ``report`` what OneIE cannot hold."""
    _count_left_out(adoc, report)
    if windowed:
        yield from _window_records(adoc, lang, report)
    else:
        yield doc_to_oneie(adoc, lang)


def _count_left_out(adoc: AnnotatedDocument, report: ExportReport) -> None:
    items: list[Any] = [*adoc.spans, *adoc.events, *adoc.relations]
    report.leave_out("attributes (OneIE has none)", sum(1 for x in items if x.attributes))
    report.leave_out("notes (OneIE has none)", sum(1 for x in items if x.note))
    report.leave_out("normalizations (OneIE has none)", sum(len(x.normalizations) for x in items))
    report.leave_out("annotator names (OneIE has none)", sum(1 for x in items if x.annotator))
    leave_out_reviews(adoc, report, "OneIE")
    report.leave_out("discontinuous spans' pieces (OneIE has none; the outer extent is written)",
                     sum(1 for s in adoc.spans if s.fragments and len(s.fragments) > 1))
    d = adoc.document
    report.leave_out("document names (OneIE keeps the id only)", int(bool(d.name) and d.name != d.id))
    report.leave_out("document metadata (OneIE has none)", int(bool(d.meta)))


def write_oneie(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions | None = None,
                report: ExportReport | None = None) -> int:
    """Write documents as OneIE JSONL, streaming; returns how many documents (not records) were written."""
    lang = options.lang if options is not None else "en"
    windowed = options.windows if options is not None else False
    report = report if report is not None else ExportReport()
    n = 0
    for adoc in docs:
        for record in oneie_records(adoc, report, lang=lang, windowed=windowed):
            fh.write(json.dumps(record, ensure_ascii=False))
            fh.write("\n")
        n += 1
    return n


def _write(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    return write_oneie(docs, fh, options, report)


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    return read_oneie(path, report, options.schema if options is not None else None)


FORMAT = FormatSpec(
    name="oneie",
    title="OneIE / TextEE event JSONL",
    carries="entities, events (triggers; arguments with token and character offsets; events that fill roles "
    "as nested_arguments), relations, lang; one record per document or per sentence window (--windows); "
    "import also reads TextEE output without entity mentions or text",
    cannot="attributes, notes, normalizations, annotator names, review decisions, document names, status and metadata; "
    "discontinuous spans are written as their outer extent; imported windows stay separate documents; "
    "an argument without an entity mention gets the first entity type its role allows",
    read=_read,
    write_stream=_write,
    sniff=sniff_oneie,
    patterns=("*.json", "*.jsonl"),
)
