"""Word tokens (annotator.text.tokens) close to spaCy's English tokenizer, and the exporters' tokenizer choice."""
from __future__ import annotations

import pytest

from annotator.formats.spec import ExportOptions, ExportReport
from annotator.formats.tokenize import align, tokenizer_for
from annotator.model import Span
from annotator.schema import Schema
from annotator.text import snap_to_tokens, tokens


def words(text: str) -> list[str]:
    return [text[a:b] for a, b in tokens(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30,000 troops", ["30,000", "troops"]),
        ("paid 1,000.50 or 3.5", ["paid", "1,000.50", "or", "3.5"]),
        ("a,b and 1,b", ["a", ",", "b", "and", "1", ",", "b"]),
        ("the U.N. said", ["the", "U.N.", "said"]),
        ("in the U.S.A.", ["in", "the", "U.S.A."]),
        ("tools, e.g., pliers", ["tools", ",", "e.g.", ",", "pliers"]),
        ("at 5 p.m. today", ["at", "5", "p.m.", "today"]),
        ("Mr. Smith and Dr. J. Doe", ["Mr.", "Smith", "and", "Dr.", "J.", "Doe"]),
        ("the end.", ["the", "end", "."]),
        ("etc. and 3.5.", ["etc", ".", "and", "3.5", "."]),
        ("www.example.com.", ["www.example.com", "."]),
        ("I don't", ["I", "do", "n't"]),
        ("can't won't isn't", ["ca", "n't", "wo", "n't", "is", "n't"]),
        ("John's car", ["John", "'s", "car"]),
        ("I'm they're we've I'll he'd", ["I", "'m", "they", "'re", "we", "'ve", "I", "'ll", "he", "'d"]),
        ("DON'T", ["DO", "N'T"]),
        ("was n’t , ’s", ["was", "n’t", ",", "’s"]),
        ("O'Neil's rock'n'roll", ["O'Neil", "'s", "rock'n'roll"]),
        ("forces' leader", ["forces", "'", "leader"]),
        ("Anti-ISIS self-driving", ["Anti-ISIS", "self-driving"]),
        ("$30 (50%)", ["$", "30", "(", "50", "%", ")"]),
        ("“quoted”", ["“", "quoted", "”"]),
    ],
)
def test_tokens(text, expected):
    assert words(text) == expected


SPACY_AGREES = [
    "He paid 30,000 dollars and 1,000.50 in the U.N. and U.S.A. e.g. this.",
    "I don't think John's car can't go; I'm sure they're here, we've seen it.",
    "Mr. Smith met Dr. J. K. Rowling at 5 p.m. in St. Louis, she said.",
    "She lives in the U.S.",
    "Prices rose 3.5% to $30 (a record), “he said”.",
]


@pytest.mark.parametrize("text", SPACY_AGREES)
def test_agrees_with_spacy_on_numbers_abbreviations_and_clitics(text):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    assert words(text) == [t.text for t in nlp(text)]


def test_snapping_takes_the_whole_number_and_abbreviation():
    text = "The U.N. sent 30,000 troops."
    assert snap_to_tokens(text, 4, 6) == (4, 8)      # "U.N" -> "U.N."
    assert snap_to_tokens(text, 14, 16) == (14, 20)  # "30" -> "30,000"


def test_text_is_split_at_every_non_space_character():
    text = "a.b. x--y ... 'em (1)"
    toks = tokens(text)
    covered = "".join(text[a:b] for a, b in toks)
    assert covered == text.replace(" ", "")
    assert all(b > a for a, b in toks)
    assert all(toks[i][1] <= toks[i + 1][0] for i in range(len(toks) - 1))


# ---------------------------------------------------------------- tokenize.py: choice and alignment

def options() -> ExportOptions:
    return ExportOptions(schema=Schema.default())


def test_plain_tokenizer_without_spacy_preference():
    tok = tokenizer_for(options(), prefer_spacy=False)
    text = "The U.N. sent 30,000 troops."
    assert [text[a:b] for a, b in tok(text)] == ["The", "U.N.", "sent", "30,000", "troops", "."]


def test_spacy_tokenizer_when_preferred():
    pytest.importorskip("spacy")
    tok = tokenizer_for(options(), prefer_spacy=True)
    text = "a self-driving car\n\n  here"
    # spaCy splits the hyphen (text.tokens does not) and never yields whitespace tokens here
    assert [text[a:b] for a, b in tok(text)] == ["a", "self", "-", "driving", "car", "here"]


def test_align_widens_and_reports_never_drops():
    text = "The U.N. sent 30,000 troops."
    toks = tokens(text)
    spans = [
        Span("T1", "ORG", 4, 7),      # "U.N" without its period
        Span("T2", "NUM", 14, 16),    # "30" of "30,000"
        Span("T3", "X", 21, 27),      # "troops": aligned already
        Span("T4", "X", 8, 9),        # only a space
    ]
    report = ExportReport()
    out = align(text, spans, toks, report, "d1")
    got = {a.span.id: (a.start, a.end, a.first, a.last) for a in out}
    assert got["T1"] == (4, 8, 1, 2)
    assert got["T2"] == (14, 20, 3, 4)
    assert got["T3"] == (21, 27, 4, 5)
    assert got["T4"][2:] in ((1, 2), (2, 3))   # kept: the nearest token
    assert len(out) == 4
    assert report.expanded[:2] == ["d1: T1 'U.N' -> 'U.N.'", "d1: T2 '30' -> '30,000'"]
    assert len(report.expanded) == 3


def test_without_spacy_the_preferred_tokenizer_falls_back_to_word_tokens(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` raises ImportError
    assert tokenizer_for(options(), prefer_spacy=True) is tokens


def test_sentences_end_at_line_breaks_and_sentence_punctuation_but_not_inside_a_span():
    from annotator.formats.tokenize import sentence_starts

    text = "Mr. Smith left. He said “no.” Then\nNew\nYork. end. x"
    toks = tokens(text)
    assert [text[a:b] for a, b in toks] == [
        "Mr.", "Smith", "left", ".", "He", "said", "“", "no", ".", "”", "Then", "New", "York", ".", "end", ".", "x"]
    assert sentence_starts(text, toks) == [0, 4, 10, 11, 12]   # after the closing quote
    assert sentence_starts(text, toks, [(11, 13)]) == [0, 4, 10, 11]       # "New\nYork" is one span
    assert sentence_starts(text, toks, prose=False) == [0, 11, 12]
