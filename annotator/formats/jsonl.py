"""The native JSON Lines format: one annotated document per line.

A line holds one object; offsets are Python code points, end-exclusive::

    {"id": "iraq-attacks", "name": "iraq-attacks", "text": "...", "meta": "{\\"lang\\": \\"en\\"}", "status": "done",
     "entities": [{"id": "T1", "start": 0, "end": 4, "label": "GPE", "text": "Iraq", "fragments": [[0, 4]],
                   "attributes": "{}", "note": "", "annotator": "dana", "review": "accepted", "reviewer": "lee",
                   "review_note": "", "normalizations": "[{\\"resource\\": \\"Wikipedia\\", \\"entry\\": \\"7515\\", \\"text\\": \\"Iraq\\"}]"}],
     "events": [{"id": "E1", "type": "Conflict.Attack",
                 "trigger": {"start": 120, "end": 127, "text": "attacks", "fragments": [[120, 127]]},
                 "arguments": [{"role": "Attacker", "ref": "T5", "annotator": "dana", "review": "",
                                "reviewer": "", "review_note": ""}],
                 "attributes": "{}", "note": "", "annotator": "dana", "review": "", "reviewer": "",
                 "review_note": "", "normalizations": "[]"}],
     "relations": [{"id": "R1", "type": "PART-WHOLE", "head": "T9", "tail": "T1",
                    "attributes": "{}", "note": "", "annotator": "dana", "review": "rejected", "reviewer": "lee",
                    "review_note": "not a part", "normalizations": "[]"}]}

Every line written has every key, each always of one JSON type, so that a
reader which types columns from the first lines (``datasets.load_dataset("json")``
reads the first 10 MB to decide) sees one schema whatever comes later:

* ``name`` is the id when the document has no other name; ``annotator`` is
  ``""`` when nobody is recorded (a column of nulls would be typed null, and a
  later string could not be cast to it);
* ``review`` (``""``, ``accepted``, ``rejected`` or ``corrected``; ``""`` is
  not reviewed yet), ``reviewer`` and ``review_note`` (the reviewer's comment)
  are written on every annotation and every argument, ``""`` when nobody has
  reviewed it: a key that first appeared on line 5,990 would fail a reader
  that typed the columns from the first lines.  (So a file exported before
  review existed, read and written again, gains these three keys per
  annotation; nothing else in it changes.)
* ``fragments`` lists the pieces a span covers: ``[[start, end]]`` for a
  continuous span, several pairs for a discontinuous one;
* ``attributes``, ``meta`` and ``normalizations`` are written as JSON text (a
  string holding an object, or the array ``[{"resource", "entry", "text"}]``):
  their keys differ from line to line, and an empty object or array carries no
  type, so as JSON values they cannot have one schema.  ``"{}"`` and ``"[]"``
  when empty.

One case no JSON shape can cover: a list that is empty on every line of the
first 10 MB (no document there has an event, say) is typed as a list of
nulls, and a later line that fills it cannot be cast.  For that, pass
``features=`` :func:`annotator.formats.jsonl_features.jsonl_features`.

Canonical key order (what :func:`doc_to_json` writes):

* document: id, name, text, meta, status, entities, events, relations
* entity: id, start, end, label, text, fragments, attributes, note, annotator, review, reviewer, review_note,
  normalizations
* trigger: start, end, text, fragments
* event: id, type, trigger, arguments, attributes, note, annotator, review, reviewer, review_note, normalizations
* argument: role, ref, annotator, review, reviewer, review_note
* relation: id, type, head, tail, attributes, note, annotator, review, reviewer, review_note, normalizations

Reading accepts more than is written: only ``text`` is required; every other
key may be left out (old files, hand-written lines); ``attributes`` and
``meta`` may be plain objects and ``normalizations`` a plain array; a null
``annotator``, ``review``, ``reviewer``, ``review_note``, ``fragments`` or
``normalizations`` means none; a ``review`` that is not one of the states is
refused with its line; one fragment
equal to the extent is a continuous span.  Missing ids are made up
(``<file stem>-<line>`` for the document, ``T<n>``/``E<n>``/``R<n>`` for
annotations, never colliding with the ids given).  Event triggers become
spans of kind ``trigger`` whose ids continue the ``T`` numbering after the
highest entity; two events with the same type and trigger extent share one
trigger span.  Keys this module does not know are ignored, so files written
by newer versions or other tools still load.

The span ``text`` written is always ``text[start:end]`` (the outer extent,
also for discontinuous spans).  Reading a canonical line and writing it back
gives the same bytes.  Shape and offsets are checked here; whether labels and
roles exist in a schema is the job of the validator.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from annotator.formats.errors import FormatError
from annotator.formats.jsonl_record import doc_from_json
from annotator.formats.jsonl_write import doc_to_json, dumps_doc, write_jsonl
from annotator.formats.jsonlines import iter_jsonl_lines, iter_jsonl_stream
from annotator.formats.sniffing import has_suffix
from annotator.formats.spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from annotator.model import AnnotatedDocument
from annotator.quoting import show

__all__ = [
    "doc_from_json",
    "doc_to_json",
    "dumps_doc",
    "iter_jsonl_lines",
    "iter_jsonl_stream",
    "read_jsonl",
    "read_jsonl_stream",
    "write_jsonl",
]

# Reading files and streams lives here (their lines through formats/jsonlines.py, which
# other JSON formats share); one record to a document is in jsonl_record.py (its checks
# in jsonl_fields.py), writing in jsonl_write.py.


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[AnnotatedDocument]:
    """Stream the documents of a JSONL file, one per non-blank line.

    A document without ``"id"`` is named ``<file stem>-<line>``.  Raises
    :class:`FormatError` (with the 1-based line) for any bad line and for a
    document id already used earlier in the file.  Documents before the bad
    line have been yielded by then; callers that want all-or-nothing should
    import inside a transaction.
    """
    with open(path, "rb") as fh:
        yield from read_jsonl_stream(fh, str(path), Path(path).stem)


def read_jsonl_stream(fh: BinaryIO, where: str, stem: str) -> Iterator[AnnotatedDocument]:
    """:func:`read_jsonl` on an open binary stream (``io.BytesIO``, say); ``where`` names it in errors."""
    seen: dict[str, int] = {}
    for lineno, obj in iter_jsonl_stream(fh, where):
        doc = doc_from_json(obj, path=where, line=lineno, default_id=f"{stem}-{lineno}")
        doc_id = doc.document.id
        first = seen.setdefault(doc_id, lineno)
        if first != lineno:
            raise FormatError(where, lineno, f"duplicate document id {show(doc_id)} (first on line {first})")
        yield doc


# ---------------------------------------------------------------- the registry's view

def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    if path.is_dir():
        raise FormatError(str(path), None, "is a folder; JSONL import takes files")
    seen: dict[str, int] = {}
    where = str(path)
    for lineno, obj in iter_jsonl_lines(path):
        doc = doc_from_json(obj, path=where, line=lineno, default_id=f"{path.stem}-{lineno}")
        first = seen.setdefault(doc.document.id, lineno)
        if first != lineno:
            raise FormatError(where, lineno, f"duplicate document id {show(doc.document.id)} (first on line {first})")
        yield Sourced(doc, where, lineno)


def _write(docs: Iterable[AnnotatedDocument], fh: TextIO, options: ExportOptions, report: ExportReport) -> int:
    return write_jsonl(docs, fh)


FORMAT = FormatSpec(
    name="jsonl",
    title="JSON Lines (native)",
    carries="everything: text, entities, events with nested arguments, relations, discontinuous spans, "
    "attributes, notes, normalizations, annotators, review decisions (state, reviewer, comment), status, "
    "metadata; one layer per export (--layer); every key on every line, so "
    "datasets.load_dataset('json') reads an export of any size",
    cannot="nothing is left out (attributes, metadata and normalizations are written as JSON text)",
    read=_read,
    write_stream=_write,
    sniff=lambda path: has_suffix(path, ".jsonl", ".json", ".ndjson"),
    patterns=("*.jsonl", "*.json", "*.ndjson"),
)
