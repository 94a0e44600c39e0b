"""doccano JSONL: sequence labelling (``label`` triples) and relation extraction (``entities``/``relations``).

Import reads both shapes doccano exports, one record per line (doccano 1.x
named the triples ``labels``, which is read the same way)::

    {"id": 7, "text": "EU rejects German call", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []}
    {"text": "Google was founded ...", "entities": [{"id": 0, "start_offset": 0, "end_offset": 6, "label": "ORG"}],
     "relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "foundedAt"}]}

Offsets are code points, end-exclusive.  Overlapping and repeated spans are
kept.  The document id is the record's ``id`` (as text) or ``<file stem>-<line>``;
every key besides ``text``, ``label``, ``entities`` and ``relations`` (``id``,
``meta``, ``Comments``, custom columns) is kept in ``Document.meta`` as it is.
A file of records pretty-printed over several lines, or a JSON array of
records, is read too (see :mod:`annotator.formats.json_records`) and the
import says so.  doccano's token-per-line CoNLL import is the ``conll`` format.

Export writes the ``entities``/``relations`` shape, because it is the one that
holds relations.  doccano reads it into a relation-extraction project (its
"JSONL(relation)" import); a sequence-labelling project there expects
``label`` triples instead, which this module reads but does not write.  Every
record has ``id``, ``text``, ``entities`` and ``relations`` (``[]`` when empty),
then the document's metadata keys.  Entity ids are the numbers of the span ids
(``T3`` -> 3), relation ids those of the relation ids (``R2`` -> 2).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from annotator.formats.errors import FormatError
from annotator.formats.json_records import first_record, read_records
from annotator.formats.record_checks import check_extent, count_losses, js as _js, json_type as _json_type
from annotator.formats.review_loss import leave_out_reviews
from annotator.formats.spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from annotator.model import ENTITY, AnnotatedDocument, Document, Relation, Span
from annotator.quoting import show

__all__ = ["doc_to_record", "record_to_doc"]

#: the keys doccano gives a meaning; all others are metadata
OWN_KEYS = ("text", "label", "labels", "entities", "relations")
#: the keys that may hold [start, end, label] triples: "labels" in doccano 1.x, "label" since
TRIPLE_KEYS = ("label", "labels")


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_id(value: Any) -> bool:
    return type(value) is int or (type(value) is str and value != "")


# ---------------------------------------------------------------- reading


def record_to_doc(obj: dict[str, Any], where: str, line: int | None, default_id: str) -> AnnotatedDocument:
    """One doccano record as a document; FormatError (naming ``where`` and ``line``) for bad input."""
    text = obj.get("text")
    if type(text) is not str:
        if "text" not in obj:
            keys = ", ".join(show(k) for k in list(obj)[:8]) or "none"
            hint = "" if any(k in obj for k in (*TRIPLE_KEYS, "entities")) else (
                ' (and its spans in "label" or "entities"): rename the columns')
            raise FormatError(
                where, line, f'no "text" key (keys: {keys}); a doccano record holds its text in "text"{hint}')
        raise FormatError(where, line, f'"text" must be a string, got {_json_type(text)}')
    given = [k for k in (*TRIPLE_KEYS, "entities") if k in obj]
    if len(given) > 1:
        raise FormatError(where, line, f'both "{given[0]}" and "{given[1]}"; a doccano record has one of them')
    relations: list[Relation] = []
    if "entities" in obj:
        spans, by_id = _entities(obj["entities"], text, where, line)
        relations = _relations(obj.get("relations"), by_id, where, line)
    else:
        key = "labels" if "labels" in obj else "label"
        spans = _label_triples(obj.get(key), key, text, where, line)
        if obj.get("relations"):
            raise FormatError(where, line, '"relations" without "entities": relations need entity ids')
    raw_id = obj.get("id")
    if raw_id is None:
        doc_id = default_id
    elif _is_id(raw_id):
        doc_id = str(raw_id)
    else:
        raise FormatError(where, line, f'"id" must be a number or a non-empty string, got {_js(raw_id)}')
    meta = {k: v for k, v in obj.items() if k not in OWN_KEYS}
    return AnnotatedDocument(Document(id=doc_id, text=text, meta=meta), spans, [], relations)


def _label_triples(raw: Any, key: str, text: str, where: str, line: int | None) -> list[Span]:
    if raw is None:
        return []
    if type(raw) is not list:
        raise FormatError(where, line, f'"{key}" must be an array of [start, end, label], got {_json_type(raw)}')
    spans = []
    for i, item in enumerate(raw, 1):
        what = f"{key} #{i}"
        if type(item) is str:
            raise FormatError(
                where, line,
                f"{what} is {show(item)}, a class name: this is doccano's text classification export, "
                "which has no spans",
            )
        if type(item) is not list or len(item) != 3 or type(item[2]) is not str or not item[2]:
            raise FormatError(where, line, f"{what}: {_js(item)} is not [start, end, label]")
        start, end = check_extent(item[0], item[1], len(text), what, where, line)
        spans.append(Span(f"T{i}", item[2], start, end))
    return spans


def _entities(raw: Any, text: str, where: str, line: int | None) -> tuple[list[Span], dict[Any, str]]:
    if type(raw) is not list:
        raise FormatError(where, line, f'"entities" must be an array, got {_json_type(raw)}')
    spans: list[Span] = []
    by_id: dict[Any, str] = {}
    for i, item in enumerate(raw, 1):
        what = f"entity #{i}"
        if type(item) is not dict:
            raise FormatError(where, line, f"{what} must be an object, got {_json_type(item)}")
        label = item.get("label")
        if type(label) is not str or not label:
            raise FormatError(where, line, f'{what}: "label" must be a non-empty string, got {_js(label)}')
        start, end = check_extent(item.get("start_offset"), item.get("end_offset"), len(text), what, where, line)
        span_id = f"T{i}"
        if "id" in item:
            ent_id = item["id"]
            if not _is_id(ent_id):
                raise FormatError(
                    where, line, f'{what}: "id" must be a number or a non-empty string, got {_js(ent_id)}')
            key = (type(ent_id), ent_id)
            if key in by_id:
                raise FormatError(where, line, f"{what}: id {_js(ent_id)} is used twice")
            by_id[key] = span_id
        spans.append(Span(span_id, label, start, end))
    return spans, by_id


def _relations(raw: Any, by_id: dict[Any, str], where: str, line: int | None) -> list[Relation]:
    if raw is None:
        return []
    if type(raw) is not list:
        raise FormatError(where, line, f'"relations" must be an array, got {_json_type(raw)}')
    out = []
    for i, item in enumerate(raw, 1):
        what = f"relation #{i}"
        if type(item) is not dict:
            raise FormatError(where, line, f"{what} must be an object, got {_json_type(item)}")
        rtype = item.get("type")
        if type(rtype) is not str or not rtype:
            raise FormatError(where, line, f'{what}: "type" must be a non-empty string, got {_js(rtype)}')
        ends = []
        for key in ("from_id", "to_id"):
            ref = item.get(key)
            span_id = by_id.get((type(ref), ref)) if _is_id(ref) else None
            if span_id is None:
                raise FormatError(where, line, f"{what}: {key} {_js(ref)} names no entity of this record")
            ends.append(span_id)
        out.append(Relation(f"R{i}", rtype, ends[0], ends[1]))
    return out


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    where = str(path)
    seen: dict[str, int] = {}
    for lineno, obj in read_records(path, report, "doccano"):
        adoc = record_to_doc(obj, where, lineno, f"{path.stem}-{lineno}")
        first = seen.setdefault(adoc.document.id, lineno)
        if first != lineno:
            raise FormatError(where, lineno, f"duplicate document id {show(adoc.document.id)} (first on line {first})")
        yield Sourced(adoc, where, lineno)


# ---------------------------------------------------------------- writing

_NUMBER = re.compile(r"[A-Za-z]*(\d+)")


def _numbers(ids: list[str]) -> dict[str, int]:
    """``T3`` -> 3 for each id; ids without a number (or repeating one) get numbers after the highest."""
    out: dict[str, int] = {}
    used: set[int] = set()
    for i in ids:
        m = _NUMBER.fullmatch(i)
        if m and int(m.group(1)) not in used:
            out[i] = int(m.group(1))
            used.add(out[i])
    nxt = max(used, default=0) + 1
    for i in ids:
        if i not in out:
            out[i] = nxt
            nxt += 1
    return out


def doc_to_record(adoc: AnnotatedDocument, report: ExportReport) -> dict[str, Any]:
    """The doccano record of one document; what doccano cannot hold is counted in ``report``."""
    doc = adoc.document
    ents = [s for s in adoc.spans if s.kind == ENTITY]
    ent_no = _numbers([s.id for s in ents])
    rel_no = _numbers([r.id for r in adoc.relations])
    meta = dict(doc.meta)
    given = meta.pop("id", None)
    record: dict[str, Any] = {"id": given if given is not None and str(given) == doc.id else doc.id, "text": doc.text}
    if given is not None and str(given) != doc.id:
        report.leave_out('metadata "id" values that differ from the document id (doccano has one id)')
    record["entities"] = [
        {"id": ent_no[s.id], "start_offset": s.start, "end_offset": s.end, "label": s.label} for s in ents
    ]
    record["relations"] = [
        {"id": rel_no[r.id], "from_id": ent_no[r.head], "to_id": ent_no[r.tail], "type": r.type}
        for r in adoc.relations if r.head in ent_no and r.tail in ent_no
    ]
    for key, value in meta.items():
        if key in OWN_KEYS:
            report.leave_out(f"metadata keys named like doccano's own ({', '.join(OWN_KEYS)})")
        else:
            record[key] = value
    count_losses(adoc, report, "doccano")
    leave_out_reviews(adoc, report, "doccano")
    return record


def _write(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    n = 0
    for adoc in docs:
        fh.write(json.dumps(doc_to_record(adoc, report), ensure_ascii=False))
        fh.write("\n")
        n += 1
    return n


# ---------------------------------------------------------------- recognising


def _is_triple(item: Any) -> bool:
    return type(item) is list and len(item) == 3 and _is_int(item[0]) and _is_int(item[1]) and type(item[2]) is str


def sniff(path: Path) -> bool:
    """A first record with ``label`` as [start, end, label] triples, or ``entities`` with ``start_offset``."""
    obj = first_record(path)
    if obj is None or type(obj.get("text")) is not str:
        return False
    ents = obj.get("entities")
    for key in TRIPLE_KEYS:
        label = obj.get(key)
        if type(label) is list and all(_is_triple(x) for x in label):
            return True
    return type(ents) is list and bool(ents) and all(type(e) is dict and "start_offset" in e for e in ents)


FORMAT = FormatSpec(
    name="doccano",
    title="doccano JSONL",
    carries="text, entity spans (overlapping too), relations, document id and other record keys as metadata; reads "
    "label/labels triples and entities/relations, also pretty-printed or as a JSON array; writes entities/relations",
    cannot="events, discontinuous pieces (the outer extent is written), attributes, notes, normalizations, "
    "annotator names, review decisions, document status; each counted in the export report",
    read=_read,
    write_stream=_write,
    sniff=sniff,
    patterns=("*.jsonl", "*.json"),
)
