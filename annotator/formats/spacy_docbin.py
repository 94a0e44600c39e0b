"""spaCy DocBin (``.spacy``) files for ``spacy train``: entities in ``doc.ents``, overlapping ones in ``spans["sc"]``.

Export writes ``train.spacy`` (and ``dev.spacy`` with a split share, a
seeded shuffle of whole documents) into a folder.  Each document becomes one
spaCy ``Doc`` with the exact text, tokenized by spaCy's blank pipeline for
the export language (a document read from tokens, such as CoNLL, keeps its
tokens).  A span that does not fall on token boundaries is widened to the
tokens it touches and listed in the report.  ``doc.ents`` cannot hold
overlapping spans: the longest are kept there and the others go to
``doc.spans["sc"]`` (the span group spaCy's span categorizer reads).  The
document id is kept in ``doc.user_data["id"]``.

Import reads such files back (a ``.spacy`` file, or every one in a folder):
the text, ``doc.ents`` and every span group as entity spans.

spaCy is optional (``pip install 'annotator[spacy]'``) and imported only
when this format is used.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import ENTITY, AnnotatedDocument, Document, Span
from .errors import FormatError
from .iob import pick_non_overlapping
from .output import FolderOutput
from .review_loss import leave_out_reviews
from .spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from .tokenize import (
    align,
    blank_nlp,
    entities_and_leave_outs,
    is_whitespace_tokenized,
    whitespace_tokens,
)
from .trainsplit import split_train_dev

__all__ = ["FORMAT", "MISSING", "SPAN_KEY"]

MISSING = "spaCy is not installed; install it with pip install 'annotator[spacy]'"
SPAN_KEY = "sc"
ID_KEY = "id"


def _require_spacy(where: str) -> Any:
    """The spaCy module; FormatError naming ``where`` and how to install spaCy when it is missing."""
    try:
        import spacy
        import spacy.tokens  # noqa: F401  (DocBin, Doc)
    except ImportError:
        raise FormatError(where, None, MISSING) from None
    return spacy


# ---------------------------------------------------------------- export

def _words(text: str, toks: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy words and trailing-space flags that spell ``text`` exactly, with ``toks`` as the words.

    A single space after a word is its trailing space; any other gap becomes
    a whitespace token, as spaCy's own tokenizer makes them.
    """
    words: list[str] = []
    spaces: list[bool] = []

    def gap(g: str, after_word: bool) -> None:
        if after_word and g.startswith(" "):
            spaces[-1] = True
            g = g[1:]
        if g:
            words.append(g)
            spaces.append(False)

    pos = 0
    for a, b in toks:
        if a > pos:
            gap(text[pos:a], bool(words))
        words.append(text[a:b])
        spaces.append(False)
        pos = b
    if pos < len(text):
        gap(text[pos:], bool(words))
    return words, spaces


def _spacy_doc(nlp: Any, adoc: AnnotatedDocument) -> Any:
    from spacy.tokens import Doc

    text = adoc.document.text
    if is_whitespace_tokenized(adoc):
        words, spaces = _words(text, whitespace_tokens(text))
        sdoc = Doc(nlp.vocab, words=words, spaces=spaces)
    else:
        sdoc = nlp.make_doc(text)
    return sdoc


def _convert(nlp: Any, adoc: AnnotatedDocument, report: ExportReport) -> tuple[Any, int]:
    """The spaCy Doc of one document, and how many overlapping spans went to ``doc.spans["sc"]``."""
    text = adoc.document.text
    entities = entities_and_leave_outs(adoc, report, "spaCy")
    leave_out_reviews(adoc, report, "spaCy")
    sdoc = _spacy_doc(nlp, adoc)
    toks = [(t.idx, t.idx + len(t.text)) for t in sdoc if not t.is_space]
    aligned = align(text, entities, toks, report, adoc.document.id)
    kept, rest = pick_non_overlapping(aligned)

    def spacy_span(a: Any) -> Any:
        return sdoc.char_span(a.start, a.end, label=a.span.label, alignment_mode="expand")

    sdoc.ents = [spacy_span(a) for a in kept]
    if rest:
        sdoc.spans[SPAN_KEY] = [spacy_span(a) for a in rest]
    sdoc.user_data[ID_KEY] = adoc.document.id
    return sdoc, len(rest)


def _write(docs: Iterable[AnnotatedDocument], out: FolderOutput, options: ExportOptions, report: ExportReport) -> int:
    _require_spacy(str(out.folder))
    from spacy.tokens import DocBin

    nlp = blank_nlp(options.lang)
    train, dev = split_train_dev(docs, options.split, options.seed)
    overlapping = 0
    n = 0
    for name, part in (("train.spacy", train), ("dev.spacy", dev)):
        if name == "dev.spacy" and options.split is None:
            continue
        db = DocBin(store_user_data=True)
        for adoc in part:
            sdoc, extra = _convert(nlp, adoc, report)
            overlapping += extra
            db.add(sdoc)
            n += 1
        out.write_bytes(name, db.to_bytes())
    if overlapping:
        report.note(
            f"{overlapping:,} overlapping entity span(s) written to doc.spans[{SPAN_KEY!r}]: "
            "doc.ents holds no overlapping spans"
        )
    if options.split is not None:
        report.note(
            f"split (seed {options.seed}): {len(train):,} document(s) in train.spacy, {len(dev):,} in dev.spacy"
        )
    return n


# ---------------------------------------------------------------- import

def _spans(sdoc: Any) -> list[Span]:
    seen: set[tuple[int, int, str]] = set()
    out: list[Span] = []
    groups = [sdoc.ents, *(sdoc.spans[k] for k in sorted(sdoc.spans.keys()))]
    for group in groups:
        for s in group:
            key = (s.start_char, s.end_char, s.label_)
            if key in seen or not s.label_ or s.start_char >= s.end_char:
                continue
            seen.add(key)
            out.append(Span(f"T{len(out) + 1}", s.label_, s.start_char, s.end_char, kind=ENTITY))
    out.sort(key=lambda sp: (sp.start, sp.end))
    for i, sp in enumerate(out, 1):
        sp.id = f"T{i}"
    return out


def _read_file(path: Path, seen: dict[str, str]) -> Iterator[Sourced]:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    where = str(path)
    try:
        db = DocBin().from_bytes(path.read_bytes())
        sdocs = list(db.get_docs(Vocab()))
    except OSError as exc:
        raise FormatError(where, None, f"cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - msgpack, zlib and spaCy raise many types for a damaged file
        raise FormatError(where, None, f"not a spaCy DocBin file ({type(exc).__name__})") from None
    for n, sdoc in enumerate(sdocs, 1):
        doc_id = sdoc.user_data.get(ID_KEY) if isinstance(sdoc.user_data, dict) else None
        doc_id = doc_id if isinstance(doc_id, str) and doc_id else f"{path.stem}-{n}"
        if doc_id in seen:
            raise FormatError(where, None, f"document {doc_id!r} (Doc {n}) again (first in {seen[doc_id]})")
        seen[doc_id] = where
        document = Document(id=doc_id, text=sdoc.text, meta={"source": path.name})
        yield Sourced(AnnotatedDocument(document, spans=_spans(sdoc)), where, None)


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    _require_spacy(str(path))
    if path.is_dir():
        files = sorted(p for p in path.glob("*.spacy") if p.is_file())
        files.sort(key=lambda p: ({"train.spacy": 0, "dev.spacy": 1}.get(p.name, 2), p.name))
        if not files:
            raise FormatError(str(path), None, "no .spacy files in this folder")
    else:
        files = [path]
    seen: dict[str, str] = {}
    for file in files:
        yield from _read_file(file, seen)


def _sniff(path: Path) -> bool:
    if path.is_dir():
        return (path / "train.spacy").is_file()
    return path.is_file() and path.suffix.lower() == ".spacy"


FORMAT = FormatSpec(
    name="spacy",
    title="spaCy DocBin",
    carries="the exact text and spaCy's tokens, entity spans in doc.ents (overlapping ones in doc.spans['sc']), "
    "document ids, train/dev split by a seeded shuffle; files that spacy train reads",
    cannot="discontinuous pieces after the first, events, relations, attributes, notes, normalizations, "
    "review decisions, status, metadata; spans inside a token are widened to whole tokens; needs the spacy extra",
    read=_read,
    write_folder=_write,
    sniff=_sniff,
    input="either",
    patterns=("*.spacy",),
    extra="spacy",
)
