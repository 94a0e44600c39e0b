"""Hugging Face token classification: JSON Lines of ``tokens`` and IOB2 ``ner_tags``, plus ``label_names.json``.

Export writes a folder::

    train.jsonl        {"id": "doc1-1", "document": "doc1", "tokens": ["EU", ...], "ner_tags": ["B-ORG", ...]}
    dev.jsonl          (with a split share: a seeded shuffle of whole documents)
    label_names.json   ["O", "B-ORG", "I-ORG", ...]: O, then B- and I- of each label, by label

One record per sentence (sentences end at line breaks, and in prose after
sentence-final punctuation), so that a sequence fits a model's window;
``document`` names the document it came from.  Every file loads with
``datasets.load_dataset("json", data_files=...)``; ``label_names.json`` gives
the class names (``ClassLabel(names=...)``) for the tags.

Import reads such a file (or such a folder: every ``*.jsonl`` in it):
``ner_tags`` as strings (IOB2, IOB1 or BIOES) or as integers with a
``label_names.json`` beside the file.  Consecutive records of one
``document`` become one document, one sentence per line; without
``document`` each record is a document (id from ``id``, else
``<file stem>-<line>``).  The text is rebuilt with single spaces between tokens.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..model import AnnotatedDocument
from .errors import FormatError
from .iob import Token, build_document, parse_tag, tag_document, tag_names
from .jsonlines import iter_jsonl_lines
from .output import FolderOutput
from .sniffing import first_record, has_suffix
from .spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from .tokenize import tokenizer_for
from .trainsplit import split_train_dev

__all__ = ["FORMAT", "LABEL_NAMES", "read_hf"]

LABEL_NAMES = "label_names.json"
REBUILT = "text rebuilt from the tokens: single spaces between tokens, one sentence (record) per line"
FMT = "Hugging Face token classification"


# ---------------------------------------------------------------- export

def _records(adoc: AnnotatedDocument, tokenize: Any, report: ExportReport, labels: set[str]) -> list[dict[str, Any]]:
    doc_id = adoc.document.id
    out = []
    for k, sentence in enumerate(tag_document(adoc, tokenize, report, FMT), 1):
        tags = [tag for _, tag in sentence]
        labels.update(tag[2:] for tag in tags if tag != "O")
        out.append({"id": f"{doc_id}-{k}", "document": doc_id, "tokens": [t for t, _ in sentence], "ner_tags": tags})
    return out


def _write(docs: Iterable[AnnotatedDocument], out: FolderOutput, options: ExportOptions, report: ExportReport) -> int:
    tokenize = tokenizer_for(options, prefer_spacy=False)
    labels: set[str] = set(options.schema.entity_types)
    train, dev = split_train_dev(docs, options.split, options.seed)
    n = 0
    for name, part in (("train.jsonl", train), ("dev.jsonl", dev)):
        if name == "dev.jsonl" and options.split is None:
            continue
        with out.text(name) as fh:
            for adoc in part:
                records = _records(adoc, tokenize, report, labels)
                if not records:
                    report.leave_out(f"documents without any token ({FMT} has no record for them)")
                for rec in records:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    out.write_text(LABEL_NAMES, json.dumps(tag_names(labels), ensure_ascii=False, indent=1) + "\n")
    if options.split is not None:
        report.note(
            f"split (seed {options.seed}): {len(train):,} document(s) in train.jsonl, {len(dev):,} in dev.jsonl"
        )
    return n


# ---------------------------------------------------------------- import

def _label_names(folder: Path) -> list[str] | None:
    path = folder / LABEL_NAMES
    if not path.is_file():
        return None
    try:
        names = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FormatError(str(path), None, f"cannot read the label names: {exc}") from None
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise FormatError(str(path), None, "expected a JSON list of tag names")
    return names


def _tags(obj: dict[str, Any], names: list[str] | None, where: str, lineno: int) -> list[tuple[str, str]]:
    tokens, tags = obj.get("tokens"), obj.get("ner_tags")
    if not isinstance(tokens, list) or not isinstance(tags, list):
        raise FormatError(where, lineno, 'expected "tokens" and "ner_tags" lists')
    if len(tokens) != len(tags):
        raise FormatError(where, lineno, f"{len(tokens)} tokens but {len(tags)} ner_tags")
    out = []
    for i, (tok, tag) in enumerate(zip(tokens, tags)):
        if not isinstance(tok, str) or not tok or tok.split() != [tok]:
            raise FormatError(where, lineno, f"token {i} ({tok!r}) is not a word without spaces")
        if isinstance(tag, int) and not isinstance(tag, bool):
            if names is None:
                raise FormatError(
                    where, lineno, f"ner_tags are numbers but there is no {LABEL_NAMES} beside the file"
                )
            if not 0 <= tag < len(names):
                raise FormatError(where, lineno, f"tag number {tag} is not in {LABEL_NAMES} ({len(names)} names)")
            tag = names[tag]
        if not isinstance(tag, str):
            raise FormatError(where, lineno, f"tag {i} is {tag!r}, expected a string or a number")
        out.append(parse_tag(tag, where, lineno))
    return out


def read_hf(path: Path, report: ImportReport, seen: dict[str, str]) -> Iterator[Sourced]:
    """The documents of one token-classification JSONL file; ``seen`` maps ids taken to where."""
    where = str(path)
    names = _label_names(path.parent)
    meta = {"source": path.name}
    group: str | None = None
    sentences: list[list[Token]] = []
    first_line = 0

    def finish() -> Sourced:
        report.note(REBUILT)
        return Sourced(build_document(str(group), sentences, meta), where, first_line)

    for lineno, obj in iter_jsonl_lines(path):
        key = obj.get("document", obj.get("id"))
        key = f"{path.stem}-{lineno}" if key is None else str(key)
        tags = _tags(obj, names, where, lineno)
        if key != group:
            if group is not None:
                yield finish()
            if key in seen:
                raise FormatError(where, lineno, f"document {key!r} again (first at {seen[key]})")
            seen[key] = f"{where}:{lineno}"
            group, sentences, first_line = key, [], lineno
        sentences.append(list(zip(obj["tokens"], tags)))
    if group is not None:
        yield finish()


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        order = {"train.jsonl": 0, "dev.jsonl": 1, "validation.jsonl": 1, "test.jsonl": 2}
        files.sort(key=lambda p: (order.get(p.name, 3), p.name))
        if not files:
            raise FormatError(str(path), None, "no .jsonl files in this folder")
        return files
    return [path]


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    seen: dict[str, str] = {}
    for file in _files(path):
        yield from read_hf(file, report, seen)


def _is_record(rec: dict[str, Any] | None) -> bool:
    return isinstance(rec, dict) and isinstance(rec.get("tokens"), list) and isinstance(rec.get("ner_tags"), list)


def _sniff(path: Path) -> bool:
    if path.is_dir():
        return (path / LABEL_NAMES).is_file() and _is_record(first_record(path / "train.jsonl"))
    return has_suffix(path, ".jsonl", ".json", ".ndjson") and _is_record(first_record(path))


FORMAT = FormatSpec(
    name="hf",
    title=FMT,
    carries="entity spans as IOB2 ner_tags on tokens, one record per sentence with its document id, "
    "train/dev split by a seeded shuffle, label_names.json; reads string or numbered tags",
    cannot="the original spacing (import rebuilds the text with single spaces, one sentence per line), "
    "overlapping spans (the longest is kept), discontinuous pieces after the first, events, relations, "
    "attributes, notes, normalizations, review decisions, status, metadata; "
    "spans inside a token are widened to whole tokens",
    read=_read,
    write_folder=_write,
    sniff=_sniff,
    input="either",
    patterns=("*.jsonl", "*.json"),
)
