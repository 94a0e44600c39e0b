"""Inter-annotator agreement: one annotator (candidate) scored against another (reference) on the same documents.

Pure: it reads pairs of :class:`~annotator.model.AnnotatedDocument` (the
reference's and the candidate's version of one document, same text) and
returns plain dicts, ready for ``json.dumps``.  No store, no Qt.

Counting rules
--------------
precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2PR / (P + R).  A
denominator of 0 gives 0.0 (as seqeval's and scikit-learn's default
``zero_division``), except that when tp, fp and fn are all 0 (neither
annotator has anything to score) precision, recall and F1 are ``None`` (JSON
``null``): there is nothing to agree or disagree on.  The overall figures are
micro averages (counts summed over labels and documents before dividing).

Entities (spans of kind ``entity``; triggers are scored with the events):

- exact: a candidate span is a true positive when the reference has a span
  with the same label and the same pieces (start and end; every piece of a
  discontinuous span).  Spans are counted as multisets, so a duplicated span
  matches at most one reference span.
- overlap: same label and the two spans share at least one character.  The
  matching is one-to-one: tp is the size of a *maximum* matching between the
  candidate's and the reference's spans of each label in each document, so a
  tie (one span overlapping several) never changes a figure; among equal
  choices the pairs prefer the largest shared extent, then the nearest
  boundaries, then text order.
- kappa: Cohen's kappa over tokens, pooled over all compared documents.  The
  tokens are the IOB/CoNLL exporter's (:func:`annotator.formats.tokenize.doc_tokens`
  with :func:`annotator.text.tokens`).  A span covers each token it touches
  (as the exporter widens spans to tokens).  A token's label is the label of
  the entity covering it, ``O`` if none; where spans nest or overlap, the
  token takes the label of the longest span covering it (in tokens), then of
  the one that starts first, then the label that sorts first.  kappa is
  ``None`` when it is undefined (both annotators gave every token the same
  single label: expected agreement 1).

Events, as event-extraction papers score them (Li et al. 2013, OneIE), each
counted as a multiset (one reference item matches at most one candidate item):

- trigger identification: the trigger's offsets (its pieces) match a
  reference trigger's;
- trigger classification: the offsets and the event type match;
- argument identification: an argument (one role filler of one event) is
  correct when the reference has an argument with the same event type, the
  same filler offsets and whose event's trigger has the same offsets;
- argument classification: the same, and the role matches too.

A filler's offsets are those of its entity span, or of the trigger of the
event that fills the role (nested events).  Events whose trigger, and
arguments whose filler, cannot be found in the document are not scored.
Relations are not scored.

Documents: a document counts when at least one of the two has annotations in
it (before any label filter).  A document that only one of them annotated
counts with all of that one's annotations unmatched (false negatives when the
reference alone annotated it, false positives when the candidate alone did);
the result lists such documents.  Documents neither annotated are skipped.

``labels`` restricts the figures to entity labels and event types in the
set; the spans and events with other labels are left out on both sides
(tokens they covered count as ``O``).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .compare import Pieces, pieces_of
from .formats.tokenize import Tokenizer, doc_tokens
from .model import ENTITY, AnnotatedDocument, Span
from .text import tokens as word_tokens

__all__ = [
    "EVENT_MEASURES",
    "Counts",
    "Scorer",
    "agreement",
    "cohen_kappa",
    "event_items",
    "overlap_counts",
    "token_labels",
]

EVENT_MEASURES = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
)
#: the event measures that carry the event type, so can be given per type
TYPED_EVENT_MEASURES = EVENT_MEASURES[1:]

@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives of one measure."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def figures(self) -> dict[str, Any]:
        """precision, recall, f1 (None when there is nothing to count) and the counts."""
        if not (self.tp or self.fp or self.fn):
            p = r = f = None
        else:
            p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
            r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _multiset_counts(ref: Iterable[Hashable], cand: Iterable[Hashable]) -> Counts:
    r, c = Counter(ref), Counter(cand)
    tp = sum(min(n, c[k]) for k, n in r.items())
    return Counts(tp, sum(c.values()) - tp, sum(r.values()) - tp)


def _by_label(items: Iterable[tuple[str, Hashable]]) -> dict[str, list[Hashable]]:
    out: dict[str, list[Hashable]] = {}
    for label, key in items:
        out.setdefault(label, []).append(key)
    return out


def _labelled_counts(ref: Iterable[tuple[str, Hashable]], cand: Iterable[tuple[str, Hashable]]) -> dict[str, Counts]:
    """Multiset counts per label of ``(label, key)`` items (the key includes what must match)."""
    r, c = _by_label(ref), _by_label(cand)
    return {label: _multiset_counts(r.get(label, ()), c.get(label, ())) for label in sorted(set(r) | set(c))}


# --- entities -----------------------------------------------------------------------------------------------

def _shared(a: Pieces, b: Pieces) -> int:
    """Characters that two spans' pieces share."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _max_matching(adj: Sequence[Sequence[int]], n_right: int) -> int:
    """Size of a maximum matching of a bipartite graph (``adj[left]`` = right vertices, preferred first).

    A greedy pass in preference order, then an augmenting-path search (Kuhn's
    algorithm, iterative) from each left vertex left unmatched.
    """
    match_r = [-1] * n_right
    match_l = [-1] * len(adj)
    for u, nbrs in enumerate(adj):
        for v in nbrs:
            if match_r[v] < 0:
                match_r[v], match_l[u] = u, v
                break
    for u in range(len(adj)):
        if match_l[u] >= 0 or not adj[u]:
            continue
        seen: set[int] = set()
        lefts, iters, via = [u], [iter(adj[u])], []  # via[i] leads to lefts[i + 1]
        while iters:
            v = next((v for v in iters[-1] if v not in seen), None)
            if v is None:
                lefts.pop()
                iters.pop()
                if via:
                    via.pop()
                continue
            seen.add(v)
            w = match_r[v]
            if w < 0:
                for left, right in zip(lefts, [*via, v]):
                    match_l[left], match_r[right] = right, left
                break
            lefts.append(w)
            iters.append(iter(adj[w]))
            via.append(v)
    return sum(1 for v in match_l if v >= 0)


def overlap_counts(ref: Sequence[Span], cand: Sequence[Span]) -> Counts:
    """One-to-one overlap matching of spans of one label (see the module's docstring)."""
    return _overlap([pieces_of(s) for s in ref], [pieces_of(s) for s in cand])


def _overlap(ref: list[Pieces], cand: list[Pieces]) -> Counts:
    refs = sorted(ref, key=lambda p: (p[0][0], p[-1][1]))
    cands = sorted(cand, key=lambda p: (p[0][0], p[-1][1]))
    starts = [p[0][0] for p in refs]
    max_end: list[int] = []  # the largest end among refs[0..i]
    for p in refs:
        max_end.append(max(p[-1][1], max_end[-1] if max_end else p[-1][1]))
    adj: list[list[int]] = []
    for c in cands:
        cs, ce = c[0][0], c[-1][1]
        found: list[tuple[int, int, int]] = []
        j = bisect_left(starts, ce) - 1  # refs[0..j] start before c ends
        while j >= 0 and max_end[j] > cs:
            shared = _shared(refs[j], c)
            if shared:
                found.append((-shared, abs(refs[j][0][0] - cs) + abs(refs[j][-1][1] - ce), j))
            j -= 1
        adj.append([j for _, _, j in sorted(found)] if len(found) > 1 else [j for _, _, j in found])
    tp = _max_matching(adj, len(refs))
    return Counts(tp, len(cands) - tp, len(refs) - tp)


def _entity_counts(ref: Sequence[Span], cand: Sequence[Span]) -> tuple[dict[str, Counts], dict[str, Counts]]:
    """Per label: exact counts and overlap counts."""
    r: dict[str, list[Pieces]] = {}
    c: dict[str, list[Pieces]] = {}
    for spans, into in ((ref, r), (cand, c)):
        for s in spans:
            into.setdefault(s.label, []).append(pieces_of(s))
    exact: dict[str, Counts] = {}
    overlap: dict[str, Counts] = {}
    for label in sorted(set(r) | set(c)):
        rp, cp = r.get(label, []), c.get(label, [])
        exact[label] = _multiset_counts(rp, cp)
        overlap[label] = _overlap(rp, cp)
    return exact, overlap


def token_labels(spans: Iterable[Span], toks: Sequence[tuple[int, int]],
                 bounds: tuple[list[int], list[int]] | None = None) -> list[str]:
    """Each token's entity label (``O`` for none); nested and overlapping spans as the module's docstring says.

    ``bounds``: the tokens' starts and ends, when the caller has them already.
    """
    starts, ends = bounds if bounds is not None else ([a for a, _ in toks], [b for _, b in toks])
    covered: list[tuple[int, int, str, list[tuple[int, int]]]] = []
    for span in spans:
        ranges = []
        for s, e in span.pieces():
            first, last = bisect_right(ends, s), bisect_left(starts, e)
            if first < last:
                ranges.append((first, last))
        if ranges:
            covered.append((-sum(b - a for a, b in ranges), span.start, span.label, ranges))
    labels: list[str | None] = [None] * len(toks)
    for _, _, label, ranges in sorted(covered, key=lambda c: c[:3]):
        for a, b in ranges:
            if labels[a:b].count(None) == b - a:  # the common case: no longer span took any of them
                labels[a:b] = [label] * (b - a)
            else:
                for t in range(a, b):
                    if labels[t] is None:
                        labels[t] = label
    return [x if x is not None else "O" for x in labels]


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa of two equally long label sequences; None when undefined (no items, or chance agreement 1)."""
    n = len(a)
    if n != len(b):
        raise ValueError(f"kappa of {n} and {len(b)} labels")
    if not n:
        return None
    observed = sum(1 for x, y in zip(a, b) if x == y) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


# --- events -------------------------------------------------------------------------------------------------

def event_items(adoc: AnnotatedDocument, types: set[str] | None = None) -> tuple[list[tuple[str, Hashable]], list[tuple[str, Hashable]]]:
    """The document's scored triggers and arguments, as ``(event type, key)``.

    A trigger's key is ``(trigger pieces,)``; an argument's is
    ``(trigger pieces, filler pieces, role)``.  The type is kept beside the
    key, so the callers can match with or without it.
    """
    spans = adoc.span_by_id()
    events = adoc.event_by_id()
    triggers: list[tuple[str, Hashable]] = []
    arguments: list[tuple[str, Hashable]] = []

    def trigger_of(event_id: str) -> Pieces | None:
        ev = events.get(event_id)
        span = spans.get(ev.trigger) if ev is not None else None
        return pieces_of(span) if span is not None else None

    for ev in adoc.events:
        if types is not None and ev.type not in types:
            continue
        trig = trigger_of(ev.id)
        if trig is None:
            continue
        triggers.append((ev.type, (trig,)))
        for arg in ev.arguments:
            span = spans.get(arg.ref)
            filler = pieces_of(span) if span is not None else trigger_of(arg.ref)
            if filler is not None:
                arguments.append((ev.type, (trig, filler, arg.role)))
    return triggers, arguments


def _event_counts(ref: AnnotatedDocument, cand: AnnotatedDocument, types: set[str] | None) -> dict[str, dict[str, Counts]]:
    """measure -> event type -> counts (trigger identification under the type ``""``: it ignores the type)."""
    r_trig, r_args = event_items(ref, types)
    c_trig, c_args = event_items(cand, types)
    return {
        "trigger_identification": {"": _multiset_counts((k for _, k in r_trig), (k for _, k in c_trig))},
        "trigger_classification": _labelled_counts(r_trig, c_trig),
        "argument_identification": _labelled_counts(((t, k[:2]) for t, k in r_args), ((t, k[:2]) for t, k in c_args)),
        "argument_classification": _labelled_counts(r_args, c_args),
    }


# --- the whole comparison -----------------------------------------------------------------------------------

def _has_annotations(adoc: AnnotatedDocument) -> bool:
    return bool(adoc.spans or adoc.events or adoc.relations)


def _total(per_label: dict[str, Counts]) -> Counts:
    out = Counts()
    for c in per_label.values():
        out.add(c)
    return out


class Scorer:
    """Agreement counted document by document: :meth:`add` each pair, then :meth:`result` (what :func:`agreement` gives).

    For a caller that shows progress or may stop half-way; :meth:`result` can
    be called at any time and leaves the counts as they are.
    """

    def __init__(self, *, reference: str = "", candidate: str = "", labels: Iterable[str] | None = None,
                 tokenize: Tokenizer = word_tokens):
        self.reference, self.candidate = reference, candidate
        self.wanted = set(labels) if labels is not None else None
        self.tokenize = tokenize
        self.ent_exact: dict[str, Counts] = {}
        self.ent_overlap: dict[str, Counts] = {}
        self.events: dict[str, dict[str, Counts]] = {m: {} for m in EVENT_MEASURES}
        self.ref_tokens: list[str] = []
        self.cand_tokens: list[str] = []
        self.per_document: dict[str, Any] = {}
        self.only_ref: list[str] = []
        self.only_cand: list[str] = []
        self.skipped = 0

    def add(self, ref: AnnotatedDocument, cand: AnnotatedDocument) -> None:
        """Count one document: the reference's and the candidate's version (ValueError when they are not one document's)."""
        doc, wanted = ref.document, self.wanted
        if cand.document.id != doc.id:
            raise ValueError(f"documents {doc.id!r} and {cand.document.id!r} are compared as one")
        if cand.document.text != doc.text:
            raise ValueError(f"{doc.id}: the two versions of the document have different texts")
        has_r, has_c = _has_annotations(ref), _has_annotations(cand)
        if not (has_r or has_c):
            self.skipped += 1
            return
        by = "both" if has_r and has_c else "reference" if has_r else "candidate"
        if by == "reference":
            self.only_ref.append(doc.id)
        elif by == "candidate":
            self.only_cand.append(doc.id)

        def entities(adoc: AnnotatedDocument) -> list[Span]:
            return [s for s in adoc.spans if s.kind == ENTITY and (wanted is None or s.label in wanted)]

        r_ents, c_ents = entities(ref), entities(cand)
        exact, overlap = _entity_counts(r_ents, c_ents)
        toks = doc_tokens(ref, self.tokenize)
        bounds = ([a for a, _ in toks], [b for _, b in toks])
        r_tok, c_tok = token_labels(r_ents, toks, bounds), token_labels(c_ents, toks, bounds)
        self.ref_tokens += r_tok
        self.cand_tokens += c_tok
        ev = _event_counts(ref, cand, wanted)
        for label, c in exact.items():
            self.ent_exact.setdefault(label, Counts()).add(c)
        for label, c in overlap.items():
            self.ent_overlap.setdefault(label, Counts()).add(c)
        for measure, per_type in ev.items():
            for t, c in per_type.items():
                self.events[measure].setdefault(t, Counts()).add(c)
        self.per_document[doc.id] = {
            "entities": {
                "exact": _total(exact).figures(),
                "overlap": _total(overlap).figures(),
                "kappa": cohen_kappa(r_tok, c_tok),
                "tokens": len(toks),
            },
            "events": {m: _total(ev[m]).figures() for m in EVENT_MEASURES},
            "annotated_by": by,
        }

    def result(self) -> dict[str, Any]:
        """The figures of the documents added so far (see :func:`agreement`)."""
        ent_exact, ent_overlap, events = self.ent_exact, self.ent_overlap, self.events
        return {
            "entities": {
                "exact": _total(ent_exact).figures(),
                "overlap": _total(ent_overlap).figures(),
                "kappa": cohen_kappa(self.ref_tokens, self.cand_tokens),
                "tokens": len(self.ref_tokens),
            },
            "events": {m: _total(events[m]).figures() for m in EVENT_MEASURES},
            "per_label": {
                "entities": {
                    label: {"exact": ent_exact[label].figures(), "overlap": ent_overlap[label].figures()}
                    for label in sorted(ent_exact)
                },
                "events": {
                    t: {m: events[m].get(t, Counts()).figures() for m in TYPED_EVENT_MEASURES}
                    for t in sorted(set(events["trigger_classification"]) | set(events["argument_classification"])
                                    | set(events["argument_identification"]))
                },
            },
            "per_document": dict(self.per_document),
            "reference": self.reference,
            "candidate": self.candidate,
            "labels": sorted(self.wanted) if self.wanted is not None else None,
            "documents": {
                "compared": len(self.per_document),
                "only_reference": list(self.only_ref),
                "only_candidate": list(self.only_cand),
                "neither": self.skipped,
            },
        }


def agreement(
    pairs: Iterable[tuple[AnnotatedDocument, AnnotatedDocument]],
    *,
    reference: str = "",
    candidate: str = "",
    labels: Iterable[str] | None = None,
    tokenize: Tokenizer = word_tokens,
) -> dict[str, Any]:
    """Agreement figures of ``candidate`` against ``reference`` over ``(reference's, candidate's)`` document pairs.

    The result (a JSON-ready dict) has ``entities`` (``exact``, ``overlap``:
    figures; ``kappa``; ``tokens``), ``events`` (the four measures of
    :data:`EVENT_MEASURES`), ``per_label`` (``entities``: label -> exact and
    overlap; ``events``: type -> the three typed measures), ``per_document``
    (id -> the same as the overall figures, and ``annotated_by``: "both",
    "reference" or "candidate"), and beside them ``reference``, ``candidate``,
    ``labels`` and ``documents`` (counts, and the documents only one of the
    two annotated).  Figures are dicts of precision, recall, f1, tp, fp, fn.
    ValueError when a pair is not two versions of one document.
    """
    scorer = Scorer(reference=reference, candidate=candidate, labels=labels, tokenize=tokenize)
    for ref, cand in pairs:
        scorer.add(ref, cand)
    return scorer.result()
