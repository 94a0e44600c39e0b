"""The UTF-16 <-> code point conversion (annotator.text.OffsetMap), checked against a reference computed another way.

The reference never uses OffsetMap's marks or bisects: a view position is the
length, in UTF-16 units (counted by encoding), of the text before the code
point, with every CRLF pair counted as one break; and a code point is found by
walking the text one character at a time.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text import OffsetMap, snap_to_tokens, strip_range, tokens


def units(s: str) -> int:
    """UTF-16 code units of ``s``, counted by encoding."""
    return len(s.encode("utf-16-le")) // 2


def ref_to_view(text: str, cp: int) -> int:
    """View position of code point ``cp``: UTF-16 units before it, CRLF counted once.

    The ``\\n`` of a CRLF pair sits at the same view position as its ``\\r``
    (both are the one paragraph break the view shows).
    """
    before = text[:cp]
    if before.endswith("\r") and text[cp : cp + 1] == "\n":
        before = before[:-1]
    return units(before.replace("\r\n", "\n"))


def ref_to_codepoint(text: str, pos: int) -> int:
    """Code point at view position ``pos``, walking the text character by character.

    A ``\\r`` followed by ``\\n`` is 0 units wide (its ``\\n`` carries the
    break); an astral character is 2; any other is 1.  The answer is the first
    character that starts at or after ``pos``, or the one ``pos`` falls inside.
    """
    v = 0
    for i, ch in enumerate(text):
        if v >= pos:
            return i
        width = 0 if ch == "\r" and text[i + 1 : i + 2] == "\n" else units(ch)
        if v + width > pos:
            return i
        v += width
    return len(text)


# ---------------------------------------------------------------- fixed cases, worked by hand
@pytest.mark.parametrize(
    "text, expected",
    [
        ("abc", [0, 1, 2, 3]),
        ("😀a", [0, 2, 3]),                # the emoji takes two units
        ("a😀b", [0, 1, 3, 4]),
        ("😀😀", [0, 2, 4]),
        ("a\r\nb", [0, 1, 1, 2, 3]),       # \r and \n both sit at the break
        ("\r\n\r\n", [0, 0, 1, 1, 2]),
        ("x\ry", [0, 1, 2, 3]),            # a lone \r is a character
        ("\r\r\n", [0, 1, 1, 2]),
        ("😀\r\n𝕏z", [0, 2, 2, 3, 5, 6]),
        ("e\u0301t", [0, 1, 2, 3]),         # a combining mark is its own code point
    ],
)
def test_to_view_by_hand(text, expected):
    m = OffsetMap(text)
    assert [m.to_view(i) for i in range(len(text) + 1)] == expected
    assert [ref_to_view(text, i) for i in range(len(text) + 1)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("😀a", [0, 0, 1, 2]),              # position 1 is inside the pair: back to the emoji
        ("a😀b", [0, 1, 1, 2, 3]),
        ("a\r\nb", [0, 1, 3, 4]),           # the break (view 1) is the \r; view 2 is "b"
        ("\r\n\r\n", [0, 2, 4]),
        ("😀\r\n𝕏z", [0, 0, 1, 3, 3, 4, 5]),
    ],
)
def test_to_codepoint_by_hand(text, expected):
    m = OffsetMap(text)
    assert [m.to_codepoint(p) for p in range(len(expected))] == expected
    assert [ref_to_codepoint(text, p) for p in range(len(expected))] == expected


def test_positions_outside_the_view_clamp():
    for text in ("abc", "😀\r\nb"):
        m = OffsetMap(text)
        assert m.to_codepoint(-5) == 0
        assert m.to_codepoint(units(OffsetMap.view_text(text)) + 7) == len(text)


def test_view_text_is_the_text_with_crlf_as_one_break():
    assert OffsetMap.view_text("a\r\nb\rc\n\r\n") == "a\nb\rc\n\n"


# ---------------------------------------------------------------- random text
PIECES = ["a", "b", " ", "\t", "\n", "\r", "\r\n", "\r\n\r\n", "é", "e\u0301", "😀", "🎉", "𝕏", "\U0010ffff",
          "قتل", "中", "\u200d", "👩\u200d💻"]
TEXTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(alphabet=st.sampled_from("ab \r\n😀𝕏"), max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_to_view_matches_the_reference(text):
    m = OffsetMap(text)
    assert [m.to_view(i) for i in range(len(text) + 1)] == [ref_to_view(text, i) for i in range(len(text) + 1)]
    # the end of the text is the end of the view, in UTF-16 units
    assert m.to_view(len(text)) == units(OffsetMap.view_text(text))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_to_codepoint_matches_the_reference(text):
    m = OffsetMap(text)
    n = units(OffsetMap.view_text(text))
    assert [m.to_codepoint(p) for p in range(-2, n + 3)] == [ref_to_codepoint(text, p) for p in range(-2, n + 3)]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_round_trip_lands_on_the_same_character(text):
    m = OffsetMap(text)
    for i in range(len(text) + 1):
        inside_crlf = text[i : i + 1] == "\n" and text[i - 1 : i] == "\r" and i > 0
        # the \n of a CRLF shares its view position with the \r, which wins
        assert m.to_codepoint(m.to_view(i)) == (i - 1 if inside_crlf else i)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_view_slice_shows_the_same_characters(text):
    """Slicing the view text (as UTF-16) between mapped positions gives the stored characters."""
    m = OffsetMap(text)
    view16 = OffsetMap.view_text(text).encode("utf-16-le")
    for i in range(len(text)):
        if text[i] in "\r\n":
            continue
        a, b = m.to_view(i), m.to_view(i + 1)
        assert view16[2 * a : 2 * b].decode("utf-16-le") == text[i]


# ---------------------------------------------------------------- tokens and snapping
def test_tokens_words_and_punctuation():
    text = "Anti-ISIS forces' leader, O'Neil said: 3.5 km."
    assert [text[a:b] for a, b in tokens(text)] == [
        "Anti-ISIS", "forces", "'", "leader", ",", "O'Neil", "said", ":", "3.5", "km", "."]


def test_snap_widens_to_words_and_strips_spaces():
    text = "alpha   beta gamma   delta"
    b, g = text.index("beta"), text.index("gamma")
    assert snap_to_tokens(text, b + 2, g + 1) == (b, g + 5)
    assert snap_to_tokens(text, b - 2, g + 7) == (b, g + 5)
    assert snap_to_tokens(text, g + 7, b - 2) == (b, g + 5)      # reversed
    s, e = snap_to_tokens(text, 5, 8)                           # only spaces: empty
    assert s == e
    assert strip_range(text, 5, 13) == (8, 12)
