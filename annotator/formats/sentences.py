"""A small sentence splitter shared by the formats that need sentences: punctuation, abbreviations, lines.

Used for OneIE/TextEE windows and for the sentences of the token formats
(CoNLL, Hugging Face, spaCy).  It is deliberately simple, and says what it does:

* a blank line (a line break, optional spaces, another line break) always
  ends a sentence, and so does a line break after sentence punctuation;
  with ``every_line`` every line break does (text rebuilt from CoNLL puts one
  sentence on each line);
* ``.``, ``!`` or ``?`` (repeated, or followed by closing quotes and
  brackets) ends a sentence when whitespace follows and the next word does
  not start with a lower-case letter;
* a period does not end a sentence after a known abbreviation (``Mr.``,
  ``Gen.``, ``Inc.``, ``Jan.``), a single letter (an initial, ``J.``), or a
  word with periods inside (``U.S.``, ``U.N.``, ``e.g.``).  So "He met the
  U.N. Secretary" stays one sentence; the price is that a sentence ending in
  such a word ("... at the U.N. Then ...") is not split there.

Sentences are ``(start, end)`` code-point ranges of the text, without the
whitespace around them; text that is only whitespace has none.
"""
from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "sentences"]

#: words that a period follows without ending the sentence (compared without the period, case as
#: written: "No." is an abbreviation, "no." ends a sentence)
ABBREVIATIONS: frozenset[str] = frozenset(
    "Mr Mrs Ms Dr Prof Sr Jr St Mt Ft Gen Gov Sen Rep Lt Col Capt Sgt Cpl Maj Adm Cmdr Rev Hon Pres "
    "Inc Ltd Co Corp Bros Dept Univ Assn No Nos Vol Fig Art Sec Ch pp vs etc al approx est "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun".split()
)

# A run of terminators with the closing quotes and brackets after it, then whitespace.
_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"[\r\n]+")


def _ends_sentence(text: str, term_start: int, end: int) -> bool:
    """Whether the terminator run ``text[term_start:end]`` (followed by whitespace) ends a sentence."""
    j = end
    n = len(text)
    while j < n and text[j].isspace():
        j += 1
    if j == n:
        return True
    if "\n" in text[end:j] and text[term_start] in ".!?":
        return True  # a line break after sentence punctuation
    if text[j].islower():
        return False
    if text[term_start:end].rstrip("\"'”’»)]") != ".":
        return True  # "!", "?", "...": the next word starts a new sentence
    k = term_start
    while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_.'’-"):
        k -= 1
    before = text[k:term_start]
    if not before:
        return True
    if "." in before:  # U.S., e.g., p.m.
        return False
    if len(before) == 1 and before.isalpha():  # an initial: J. Smith
        return False
    return before not in ABBREVIATIONS and before.capitalize() not in ABBREVIATIONS - {"No", "Nos"}


def sentences(text: str, *, every_line: bool = False, punctuation: bool = True) -> list[tuple[int, int]]:
    """The sentences of ``text`` as ``(start, end)`` ranges, in order, covering every non-space character.

    ``every_line``: every line break ends a sentence.  ``punctuation=False``:
    only line breaks do (for text that is not prose).
    """
    cuts: set[int] = set()
    for m in (_LINE if every_line else _BLANK_LINE).finditer(text):
        cuts.add(m.start())
    if punctuation:
        for m in _END.finditer(text):
            if _ends_sentence(text, m.start(), m.end()):
                cuts.add(m.end())
    out: list[tuple[int, int]] = []
    prev = 0
    for cut in sorted(cuts) + [len(text)]:
        start, end = prev, cut
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
        prev = cut
    return out
