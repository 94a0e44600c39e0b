"""CoNLL-2003 token-per-line files: IOB1 or IOB2 in, IOB2 out, ``-DOCSTART-`` documents, sentences.

Each non-blank line is a token and its tag, the tag in the last column, the
columns separated by tabs or spaces; middle columns (CoNLL-2003's part of
speech and chunk tags, ``EU NNP B-NP B-ORG``) are allowed and ignored.  A
``-DOCSTART-`` line starts a new document; a file without one is one
document.  Documents are named ``<file stem>-<n>`` (n from 1).

CoNLL keeps no spacing, so import rebuilds each document's text: its tokens
joined by single spaces, one sentence per line (a file without blank lines
between sentences gives one long line).  The document is marked as read from
tokens (:data:`~annotator.formats.tokenize.TOKENIZATION_KEY`), so an export
gives back exactly the tokens that were read.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..model import AnnotatedDocument
from . import safety
from .errors import FormatError
from .iob import Token, build_document, is_tag, parse_tag, tag_document
from .sniffing import first_lines
from .spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from .tokenize import tokenizer_for

__all__ = ["FORMAT", "looks_tagged", "read_conll"]

DOCSTART = "-DOCSTART-"
REBUILT = "text rebuilt from the tokens: single spaces between tokens, one sentence per line"
SUFFIXES = (".conll", ".conll03", ".conllx", ".iob", ".iob1", ".iob2", ".bio", ".bioes")


def _columns(line: str) -> list[str]:
    if "\t" in line:
        cols = [c.strip() for c in line.split("\t")]
        return [c for c in cols if c]
    return line.split()


def read_conll(path: Path, report: ImportReport) -> Iterator[Sourced]:
    """The documents of one CoNLL file; FormatError at ``file:line`` for a line without a good tag."""
    where = str(path)
    stem = path.stem
    meta = {"source": path.name}
    sentences: list[list[Token]] = []
    sentence: list[Token] = []
    count = 0
    doc_line: int | None = None   # where the current document began
    open_doc = False              # a -DOCSTART- began a document (maybe still empty)
    tags: dict[str, tuple[str, str]] = {}   # tags parsed so far
    limit = safety.MAX_LINE_BYTES

    def finish() -> Sourced | None:
        nonlocal count, sentences, sentence, open_doc
        if sentence:
            sentences.append(sentence)
            sentence = []
        if not sentences and not open_doc:
            return None
        count += 1
        adoc = build_document(f"{stem}-{count}", sentences, meta)
        sentences, open_doc = [], False
        report.note(REBUILT)
        return Sourced(adoc, where, doc_line)

    with open(path, "rb") as fh:
        lineno = 0
        while True:
            raw = fh.readline(limit + 1)
            if not raw:
                break
            if len(raw) > limit and not raw.endswith(b"\n"):
                raise FormatError(where, lineno + 1, f"line longer than {safety.describe_size(limit)}; refused")
            lineno += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(where, lineno, f"invalid UTF-8 at byte {exc.start + 1} of the line") from None
            if lineno == 1:
                line = line.lstrip("\ufeff")
            cols = _columns(line)
            if not cols:
                if sentence:
                    sentences.append(sentence)
                    sentence = []
                continue
            if cols[0] == DOCSTART:
                done = finish()
                if done is not None:
                    yield done
                open_doc, doc_line = True, lineno
                continue
            if len(cols) < 2:
                raise FormatError(
                    where, lineno, f"expected a token and a tag, separated by a tab or spaces; got {line.strip()!r}"
                )
            token, tag = cols[0], cols[-1]
            if "\t" in line and len(token.split()) != 1:
                raise FormatError(where, lineno, f"token {token!r} contains a space")
            if not sentence and not sentences and not open_doc:
                doc_line = lineno
            parsed = tags.get(tag)
            if parsed is None:
                parsed = tags[tag] = parse_tag(tag, where, lineno)
            sentence.append((token, parsed))
    done = finish()
    if done is not None:
        yield done


# ---------------------------------------------------------------- the registry's view

def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    if path.is_dir():
        raise FormatError(str(path), None, "is a folder; CoNLL import takes files")
    yield from read_conll(path, report)


def _write(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    tokenize = tokenizer_for(options, prefer_spacy=False)
    n = 0
    for adoc in docs:
        fh.write(f"{DOCSTART} -X- O O\n\n")
        for sentence in tag_document(adoc, tokenize, report, "CoNLL"):
            fh.write("".join(f"{tok}\t{tag}\n" for tok, tag in sentence))
            fh.write("\n")
        n += 1
    return n


def looks_tagged(lines: list[str]) -> bool:
    """True when every line (``-DOCSTART-`` aside) has a token and ends in an IOB tag column."""
    seen = 0
    for line in lines:
        cols = _columns(line)
        if cols and cols[0] == DOCSTART:
            continue
        if len(cols) < 2 or not is_tag(cols[-1]):
            return False
        seen += 1
    return seen > 0


def _sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return True
    return suffix in (".txt", ".tsv", "") and looks_tagged(first_lines(path, 20))


FORMAT = FormatSpec(
    name="conll",
    title="CoNLL-2003 (IOB2)",
    carries="entity spans as IOB2 tags on tokens, one token per line, blank lines between sentences, "
    "-DOCSTART- between documents; reads IOB1, IOB2 and BIOES, extra middle columns ignored",
    cannot="the original spacing (import rebuilds the text with single spaces, one sentence per line), "
    "document ids (re-read as <file>-<n>), overlapping spans (the longest is kept), discontinuous pieces "
    "after the first, events, relations, attributes, notes, normalizations, review decisions, status, metadata; "
    "spans inside a token are widened to whole tokens",
    read=_read,
    write_stream=_write,
    sniff=_sniff,
    patterns=tuple(f"*{s}" for s in SUFFIXES),
)
