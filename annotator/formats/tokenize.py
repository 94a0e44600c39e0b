"""Tokens for the token-based exports (CoNLL, Hugging Face, spaCy): tokenizer, spans widened to tokens, sentences."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import ENTITY, AnnotatedDocument, Span
from ..text import tokens as word_tokens
from .sentences import sentences
from .spec import ExportOptions, ExportReport

__all__ = [
    "TOKENIZATION_KEY",
    "WHITESPACE",
    "Aligned",
    "Tokenizer",
    "align",
    "blank_nlp",
    "doc_tokens",
    "entities_and_leave_outs",
    "is_whitespace_tokenized",
    "mark_whitespace_tokenized",
    "sentence_starts",
    "tokenizer_for",
    "whitespace_tokens",
]

Tokenizer = Callable[[str], list[tuple[int, int]]]
"""text -> token ranges ``(start, end)`` in code points, in order, never overlapping, never empty."""

#: Document.meta key set by readers that rebuild the text from tokens (CoNLL, Hugging Face):
#: its value WHITESPACE says the tokens are exactly the text's runs of non-space characters,
#: so a token-based export gives back the tokens that were read.
TOKENIZATION_KEY = "tokenization"
WHITESPACE = "whitespace"

_NON_SPACE = re.compile(r"\S+")
_SHOWN = 60


def whitespace_tokens(text: str) -> list[tuple[int, int]]:
    """The runs of non-space characters of ``text``."""
    return [m.span() for m in _NON_SPACE.finditer(text)]


def mark_whitespace_tokenized(meta: dict[str, Any]) -> dict[str, Any]:
    """``meta`` saying that the document's tokens are its space-separated runs; returns it."""
    meta[TOKENIZATION_KEY] = WHITESPACE
    return meta


def is_whitespace_tokenized(adoc: AnnotatedDocument) -> bool:
    """True when a reader rebuilt this document's text from tokens joined by spaces."""
    return adoc.document.meta.get(TOKENIZATION_KEY) == WHITESPACE


def blank_nlp(lang: str) -> Any:
    """spaCy's blank pipeline for ``lang`` (its multi-language one for an unknown code); None without spaCy."""
    try:
        import spacy
    except ImportError:
        return None
    try:
        return spacy.blank(lang or "xx")
    except (ImportError, KeyError, ValueError, OSError):
        return spacy.blank("xx")


def tokenizer_for(options: ExportOptions, prefer_spacy: bool) -> Tokenizer:
    """spaCy's tokenizer for ``options.lang`` when preferred and installed, else :func:`annotator.text.tokens`.

    spaCy's whitespace tokens (line breaks, runs of spaces) are not returned.
    """
    nlp = blank_nlp(options.lang) if prefer_spacy else None
    if nlp is None:
        return word_tokens
    make_doc = nlp.make_doc

    def spacy_tokens(text: str) -> list[tuple[int, int]]:
        return [(t.idx, t.idx + len(t.text)) for t in make_doc(text) if not t.is_space and t.text]

    return spacy_tokens


def split_tokens(toks: Iterable[tuple[int, int]], cuts: Sequence[int]) -> list[tuple[int, int]]:
    """``toks`` in order, each split at the offsets of ``cuts`` (sorted) that fall strictly inside it."""
    out: list[tuple[int, int]] = []
    for a, b in toks:
        i = bisect_right(cuts, a)
        prev = a
        while i < len(cuts) and cuts[i] < b:
            out.append((prev, cuts[i]))
            prev = cuts[i]
            i += 1
        out.append((prev, b))
    return out


def doc_tokens(adoc: AnnotatedDocument, tokenize: Tokenizer) -> list[tuple[int, int]]:
    """The document's tokens: its space-separated runs if read from tokens, else ``tokenize(text)``."""
    if is_whitespace_tokenized(adoc):
        return whitespace_tokens(adoc.document.text)
    return tokenize(adoc.document.text)


@dataclass(slots=True)
class Aligned:
    """A span on whole tokens: its (possibly widened) character range and tokens ``[first, last)``."""

    span: Span
    start: int
    end: int
    first: int
    last: int


def _show(text: str) -> str:
    if len(text) > _SHOWN:
        text = text[: _SHOWN // 2] + "…" + text[-_SHOWN // 2:]
    return repr(text)


def align(
    text: str, spans: Iterable[Span], toks: Sequence[tuple[int, int]], report: ExportReport, doc_id: str
) -> list[Aligned]:
    """Each span on the tokens it touches, widened where it starts or ends inside one; never drops a span.

    A discontinuous span is aligned by its first piece (the formats that call
    this cannot hold pieces; they count the rest).  A span that touches no
    token (only spaces) goes to the nearest token.  Every span whose range
    changed is listed with ``report.expand("doc: T3 'U.N' -> 'U.N.'")``.
    Only a text without any token leaves a span out, counted in the report.
    """
    starts = [a for a, _ in toks]
    ends = [b for _, b in toks]
    out: list[Aligned] = []
    for span in spans:
        s, e = span.pieces()[0]
        first = bisect_right(ends, s)      # first token ending after s
        last = bisect_left(starts, e)      # tokens starting before e
        if first >= last:
            if not toks:
                report.leave_out("spans on a text without tokens", 1)
                continue
            first = min(first, len(toks) - 1)
            last = first + 1
        ns, ne = toks[first][0], toks[last - 1][1]
        if (ns, ne) != (s, e):
            report.expand(f"{doc_id}: {span.id} {_show(text[s:e])} -> {_show(text[ns:ne])}")
        out.append(Aligned(span, ns, ne, first, last))
    return out


def sentence_starts(
    text: str, toks: Sequence[tuple[int, int]], entities: Iterable[tuple[int, int]] = (), *, prose: bool = True
) -> list[int]:
    """Indices of the tokens that begin a sentence (0 first, when there are tokens).

    Sentences are :func:`annotator.formats.sentences.sentences` with every
    line break ending one; with ``prose``, punctuation ends them too.  No
    sentence ends inside one of ``entities`` (token ranges ``[first, last)``),
    so an entity is never cut in two.
    """
    n = len(toks)
    if not n:
        return []
    starts = [a for a, _ in toks]
    breaks: set[int] = set()
    for s_start, _ in sentences(text, every_line=True, punctuation=prose)[1:]:
        i = bisect_left(starts, s_start)
        if 0 < i < n:
            breaks.add(i)
    for first, last in entities:
        breaks.difference_update(range(first + 1, last))
    return [0, *sorted(breaks)]


def entities_and_leave_outs(adoc: AnnotatedDocument, report: ExportReport, fmt: str) -> list[Span]:
    """The document's entity spans; everything else it holds is counted in ``report`` as left out.

    Events (with their trigger spans) and relations, and the entities'
    attributes, notes, normalizations and the pieces of a discontinuous
    span after its first: ``fmt`` ("CoNLL") names the format in the report.
    """
    entities = [s for s in adoc.spans if s.kind == ENTITY]
    report.leave_out(f"events ({fmt} has no events)", len(adoc.events))
    report.leave_out(f"event triggers ({fmt} has no events)", len(adoc.spans) - len(entities))
    report.leave_out(f"relations ({fmt} has no relations)", len(adoc.relations))
    report.leave_out(f"attributes ({fmt} has no attributes)", sum(len(s.attributes) for s in entities))
    report.leave_out(f"notes ({fmt} has no notes)", sum(1 for s in entities if s.note))
    report.leave_out(f"normalizations ({fmt} has no normalizations)", sum(len(s.normalizations) for s in entities))
    report.leave_out(
        f"pieces of discontinuous spans after the first ({fmt} spans are continuous)",
        sum(len(s.fragments) - 1 for s in entities if s.fragments and len(s.fragments) > 1),
    )
    return entities
