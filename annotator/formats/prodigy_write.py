"""Writing Prodigy JSONL: tokens that fit every span, spans and relations by token, meta and hashes written back.

Tokens are the task's own tokens when the document came from Prodigy (kept in
``Document.meta["_prodigy"]["tokens"]``), else the word tokens of
:func:`annotator.text.tokens`.  Either way they are split wherever a span
starts or ends inside one, and a span that starts or ends in whitespace gets
a whitespace token there, so every span covers whole tokens and its text is
never changed.  ``token_end`` is inclusive; a relation's ``head``/``child`` is
the last token of its span, as in Prodigy's ``rel.manual`` answers.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any, TextIO

from annotator.formats.record_checks import count_losses
from annotator.formats.review_loss import leave_out_reviews
from annotator.formats.spec import ExportOptions, ExportReport
from annotator.formats.tokenize import split_tokens
from annotator.model import ENTITY, AnnotatedDocument, Span
from annotator.text import tokens as word_tokens

__all__ = ["META_KEY", "doc_to_task", "fit_tokens", "write_stream"]

#: the key of Document.meta that keeps Prodigy's own fields and the task's token boundaries
META_KEY = "_prodigy"
_OWN = ("text", "tokens", "spans", "relations", "answer", "meta")


def kept_tokens(kept: dict[str, Any], text: str) -> list[tuple[int, int]] | None:
    """The token boundaries kept from a Prodigy task, or None when absent or no longer valid for ``text``."""
    raw = kept.get("tokens")
    if type(raw) is not list:
        return None
    out: list[tuple[int, int]] = []
    prev = 0
    for item in raw:
        if not (type(item) is list and len(item) == 2 and type(item[0]) is int and type(item[1]) is int):
            return None
        a, b = item
        if not prev <= a < b <= len(text):
            return None
        out.append((a, b))
        prev = b
    return out


def fit_tokens(text: str, base: list[tuple[int, int]], spans: Iterable[Span]) -> list[tuple[int, int]]:
    """``base`` split at span boundaries inside tokens, plus whitespace tokens where a span starts or ends in a gap."""
    starts = {s.start for s in spans}
    ends = {s.end for s in spans}
    if not base and not starts:
        return []
    cuts = sorted(starts | ends)
    gaps: list[tuple[int, int]] = []  # whitespace pieces where a span starts or ends between tokens
    prev = 0
    for a, b in [*base, (len(text), len(text))]:
        if prev < a:
            points = [prev, *cuts[bisect_right(cuts, prev):bisect_left(cuts, a)], a]
            gaps += [(p, q) for p, q in zip(points, points[1:]) if p in starts or q in ends]
        prev = b
    return sorted(split_tokens(base, cuts) + gaps)  # tokens and gaps never overlap


def doc_to_task(adoc: AnnotatedDocument, report: ExportReport) -> dict[str, Any]:
    """The Prodigy task of one document; what Prodigy cannot hold is counted in ``report``."""
    doc = adoc.document
    text = doc.text
    ents = [s for s in adoc.spans if s.kind == ENTITY]
    kept = doc.meta.get(META_KEY)
    kept = kept if isinstance(kept, dict) else {}
    base = kept_tokens(kept, text)
    if base is None:
        if "tokens" in kept:
            report.note("tokens kept from Prodigy that no longer fit the text were replaced by word tokens")
        base = word_tokens(text)
    toks = fit_tokens(text, base, ents)
    if "tokens" in kept and len(toks) != len(base):
        report.note("tokens from Prodigy were split where a span starts or ends inside one (token indices shift)")
    first = {a: i for i, (a, _) in enumerate(toks)}
    last = {b: i for i, (_, b) in enumerate(toks)}

    def span_obj(s: Span) -> dict[str, Any]:
        return {"start": s.start, "end": s.end, "token_start": first[s.start], "token_end": last[s.end],
                "label": s.label}

    task: dict[str, Any] = {"text": text, "meta": {k: v for k, v in doc.meta.items() if k != META_KEY}}
    task.update((k, v) for k, v in kept.items() if k not in _OWN)
    task["tokens"] = [
        {"text": text[a:b], "start": a, "end": b, "id": i, "ws": text[b:b + 1] == " "} for i, (a, b) in enumerate(toks)
    ]
    task["spans"] = [span_obj(s) for s in ents]
    by_id = {s.id: s for s in ents}
    task["relations"] = [
        {"head": last[by_id[r.head].end], "child": last[by_id[r.tail].end],
         "head_span": span_obj(by_id[r.head]), "child_span": span_obj(by_id[r.tail]), "label": r.type}
        for r in adoc.relations if r.head in by_id and r.tail in by_id
    ]
    task["answer"] = "accept"
    count_losses(adoc, report, "Prodigy")
    leave_out_reviews(adoc, report, "Prodigy")
    if not kept:
        report.leave_out("document ids (Prodigy tasks have none; a re-import names them <file>-<line>)")
    return task


def write_stream(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    """Write one Prodigy task per document, one line each; returns the count."""
    n = 0
    for adoc in docs:
        fh.write(json.dumps(doc_to_task(adoc, report), ensure_ascii=False))
        fh.write("\n")
        n += 1
    return n
