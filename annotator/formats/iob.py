"""IOB tags: spans on tokens to IOB2 tags, and IOB1, IOB2 (also BIOES) tags back to token spans."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import ENTITY, AnnotatedDocument, Document, Span
from .errors import FormatError
from .review_loss import leave_out_reviews
from .spec import ExportReport
from .tokenize import (
    Aligned,
    Tokenizer,
    align,
    doc_tokens,
    entities_and_leave_outs,
    is_whitespace_tokenized,
    mark_whitespace_tokenized,
    sentence_starts,
)

__all__ = [
    "OVERLAP", "Token", "build_document", "decode", "encode", "is_tag", "parse_tag", "pick_non_overlapping",
    "tag_document", "tag_names",
]

OVERLAP = "overlapping spans (IOB holds one label per token)"

Token = tuple[str, tuple[str, str]]
"""A token read from a file and its parsed tag (see :func:`parse_tag`)."""

#: O, or a prefix and a label: B-PER, I-PER; E-, S- (BIOES) and L-, U- (BILOU) too
_TAG = re.compile(r"(?:O|([BIESLU])-(\S(?:.*\S)?))")


def is_tag(tag: str) -> bool:
    """True for ``O`` and for a prefix and a label (``B-PER``)."""
    return _TAG.fullmatch(tag) is not None


def parse_tag(tag: str, path: str, line: int | None) -> tuple[str, str]:
    """``("O", "")`` or ``(prefix, label)`` of one tag; FormatError at ``path:line`` for anything else."""
    m = _TAG.fullmatch(tag)
    if m is None:
        raise FormatError(path, line, f"bad tag {tag!r}: expected O, or B- or I- and a label (B-PER)")
    return ("O", "") if m.group(1) is None else (m.group(1), m.group(2))


def decode(tags: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Token spans ``(first, last, label)`` (``last`` exclusive) of one sentence's parsed tags.

    Reads IOB2 and IOB1 alike: ``B-`` always starts a span; ``I-`` continues
    the span before it when the label is the same, and otherwise starts one
    (IOB1, and a stray ``I-`` after ``O``).  ``E-``/``L-`` end a span, and
    ``S-``/``U-`` are spans of one token.
    """
    out: list[tuple[int, int, str]] = []
    first, label = -1, ""

    def close(end: int) -> None:
        nonlocal first
        if first >= 0:
            out.append((first, end, label))
            first = -1

    for i, (prefix, lab) in enumerate(tags):
        if prefix == "O":
            close(i)
        elif prefix == "B" or (prefix == "I" and (first < 0 or lab != label)):
            close(i)
            first, label = i, lab
        elif prefix == "I":
            continue
        elif prefix in ("E", "L"):
            if first < 0 or lab != label:
                close(i)
                first, label = i, lab
            close(i + 1)
        else:  # S, U
            close(i)
            first, label = i, lab
            close(i + 1)
    close(len(tags))
    return out


def pick_non_overlapping(aligned: Sequence[Aligned]) -> tuple[list[Aligned], list[Aligned]]:
    """Split spans into ones that share no token, in text order, and the rest.

    Longer spans are kept first; between equally long ones, the earlier.
    """
    order = sorted(range(len(aligned)), key=lambda i: (-(aligned[i].last - aligned[i].first), aligned[i].first, i))
    taken: set[int] = set()
    kept: list[int] = []
    rest: list[int] = []
    for i in order:
        a = aligned[i]
        toks = range(a.first, a.last)
        if any(t in taken for t in toks):
            rest.append(i)
        else:
            taken.update(toks)
            kept.append(i)
    kept.sort(key=lambda i: (aligned[i].first, i))
    rest.sort()
    return [aligned[i] for i in kept], [aligned[i] for i in rest]


def encode(n_tokens: int, aligned: Sequence[Aligned], report: ExportReport) -> tuple[list[str], list[Aligned]]:
    """IOB2 tags for ``n_tokens`` tokens, and the spans they hold.

    Spans that share a token with a kept one (see :func:`pick_non_overlapping`)
    are counted in ``report`` as left out.
    """
    kept, rest = pick_non_overlapping(aligned)
    report.leave_out(OVERLAP, len(rest))
    tags = ["O"] * n_tokens
    for a in kept:
        tags[a.first] = f"B-{a.span.label}"
        for t in range(a.first + 1, a.last):
            tags[t] = f"I-{a.span.label}"
    return tags, kept


def tag_names(labels: Sequence[str] | set[str]) -> list[str]:
    """Every IOB2 tag of ``labels``: ``O`` first, then ``B-`` and ``I-`` of each label in sorted order."""
    out = ["O"]
    for label in sorted(set(labels)):
        out += [f"B-{label}", f"I-{label}"]
    return out


def tag_document(
    adoc: AnnotatedDocument, tokenize: Tokenizer, report: ExportReport, fmt: str
) -> list[list[tuple[str, str]]]:
    """The document as sentences of ``(token, IOB2 tag)``, for CoNLL and Hugging Face exports.

    Tokens are the text's space-separated runs for a document read from
    tokens, else ``tokenize``'s; spans are widened to whole tokens (listed in
    ``report``), and what IOB cannot hold is counted there (``fmt`` names the
    format).  Sentences end at line breaks, and in prose after sentence-final
    punctuation, but never inside a written span.
    """
    text = adoc.document.text
    entities = entities_and_leave_outs(adoc, report, fmt)
    leave_out_reviews(adoc, report, fmt)
    toks = doc_tokens(adoc, tokenize)
    aligned = align(text, entities, toks, report, adoc.document.id)
    tags, kept = encode(len(toks), aligned, report)
    starts = sentence_starts(
        text, toks, [(a.first, a.last) for a in kept], prose=not is_whitespace_tokenized(adoc)
    )
    bounds = [*starts, len(toks)]
    return [
        [(text[a:b], tags[i]) for i, (a, b) in enumerate(toks[bounds[k]:bounds[k + 1]], bounds[k])]
        for k in range(len(starts))
    ]


def build_document(doc_id: str, sentences: list[list[Token]], meta: dict[str, Any]) -> AnnotatedDocument:
    """A document from sentences of tokens and parsed tags: text joined by spaces and line breaks, spans."""
    lines: list[str] = []
    spans: list[Span] = []
    pos = 0
    for sentence in sentences:
        words = [tok for tok, _ in sentence]
        found = decode([tag for _, tag in sentence])
        if found:
            starts = []
            at = pos
            for w in words:
                starts.append(at)
                at += len(w) + 1
            for first, last, label in found:
                end = starts[last - 1] + len(words[last - 1])
                spans.append(Span(f"T{len(spans) + 1}", label, starts[first], end, kind=ENTITY))
        line = " ".join(words)
        lines.append(line)
        pos += len(line) + 1
    document = Document(id=doc_id, text="\n".join(lines), meta=mark_whitespace_tokenized(dict(meta)))
    return AnnotatedDocument(document=document, spans=spans)
