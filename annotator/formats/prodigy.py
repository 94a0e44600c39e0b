"""Prodigy JSONL (``ner_manual``, ``spans_manual`` and ``rel.manual`` answers), read here; written by prodigy_write.

One task per line::

    {"text": "Uber's Lesson", "meta": {"source": "NYT"}, "_input_hash": 1886699658, "_task_hash": -1952856502,
     "tokens": [{"text": "Uber", "start": 0, "end": 4, "id": 0, "ws": false}, ...],
     "spans": [{"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "ORG"}],
     "relations": [{"head": 0, "child": 3, "head_span": {...}, "child_span": {...}, "label": "LOCATED_IN"}],
     "answer": "accept"}

- Character offsets win; ``token_start``/``token_end`` (inclusive) must agree
  with the tokens when both are there, or the import stops with the line.
- A relation names its ends by token (``head``/``child``, the last token of a
  span in Prodigy's data) and by ``head_span``/``child_span``; the span is
  found by its offsets (created when the record's ``spans`` lack it), else by
  the span that holds the token.
- Tasks answered ``reject`` or ``ignore`` are skipped and counted.
- Documents are named ``<file stem>-<line>``.  The task's ``meta`` becomes the
  document's metadata; every other key Prodigy uses (``_input_hash``,
  ``_task_hash``, ``_view_id``, ``_session_id``, ...) and the token boundaries
  go into ``Document.meta["_prodigy"]`` so that an export writes them back.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.formats.errors import FormatError
from annotator.formats.json_records import first_record, read_records
from annotator.formats.prodigy_write import META_KEY, write_stream
from annotator.formats.record_checks import check_extent, js as _js, json_type as _json_type
from annotator.formats.spec import FormatSpec, ImportOptions, ImportReport, Sourced
from annotator.model import AnnotatedDocument, Document, Relation, Span

__all__ = ["META_KEY", "record_to_doc"]

OWN_KEYS = ("text", "tokens", "spans", "relations", "answer", "meta")
SPAN_KEYS = frozenset({"start", "end", "token_start", "token_end", "label", "text"})
RELATION_KEYS = frozenset({"head", "child", "head_span", "child_span", "label"})
TOKEN_KEYS = frozenset({"text", "start", "end", "id", "ws"})
ANSWERS = ("accept", "reject", "ignore")


class _Record:
    """One task being read: its text, tokens and the error helper naming file and line."""

    def __init__(self, text: str, where: str, line: int | None, report: ImportReport) -> None:
        self.text = text
        self.where = where
        self.line = line
        self.report = report
        self.tokens: list[tuple[int, int]] | None = None

    def err(self, message: str) -> FormatError:
        return FormatError(self.where, self.line, message)

    def read_tokens(self, raw: Any) -> None:
        if raw is None:
            return
        if type(raw) is not list:
            raise self.err(f'"tokens" must be an array, got {_json_type(raw)}')
        toks: list[tuple[int, int]] = []
        extra: set[str] = set()
        prev_end = 0
        for i, tok in enumerate(raw):
            what = f"token {i}"
            if type(tok) is not dict:
                raise self.err(f"{what} must be an object, got {_json_type(tok)}")
            start, end = check_extent(tok.get("start"), tok.get("end"), len(self.text), what, self.where, self.line)
            if start < prev_end:
                raise self.err(f"{what} ({start}-{end}) starts before the end of the token before it ({prev_end})")
            if "text" in tok and tok["text"] != self.text[start:end]:
                found = _js(self.text[start:end])
                raise self.err(f"{what}: text {_js(tok['text'])} but the document has {found} there")
            if "id" in tok and tok["id"] != i:
                raise self.err(f"{what} has id {_js(tok['id'])}; Prodigy's token ids are their positions")
            extra.update(k for k in tok if k not in TOKEN_KEYS)
            toks.append((start, end))
            prev_end = end
        if extra:
            self.report.note(f"token keys not kept: {', '.join(sorted(extra))}")
        self.tokens = toks

    def extent(self, raw: dict[str, Any], what: str) -> tuple[int, int, tuple[int, int] | None]:
        """``(start, end, token range or None)`` of a span object; checks tokens against offsets."""
        ts, te = raw.get("token_start"), raw.get("token_end")
        has_tokens = ts is not None or te is not None
        token_range = None
        if has_tokens:
            if type(ts) is not int or type(te) is not int:
                raise self.err(f"{what}: token_start and token_end must be integers, got {_js(ts)} and {_js(te)}")
            if ts > te:
                raise self.err(f"{what}: token_start {ts} is after token_end {te}")
            token_range = (ts, te)
        if "start" not in raw and "end" not in raw:
            if token_range is None or self.tokens is None:
                raise self.err(f'{what}: no "start"/"end", and no tokens to find them by')
            self._check_tokens(token_range, what)
            return self.tokens[token_range[0]][0], self.tokens[token_range[1]][1], token_range
        start, end = check_extent(raw.get("start"), raw.get("end"), len(self.text), what, self.where, self.line)
        if "text" in raw and raw["text"] != self.text[start:end]:
            found = _js(self.text[start:end])
            raise self.err(f"{what}: text {_js(raw['text'])} but the document has {found} at {start}-{end}")
        if token_range is not None and self.tokens is not None:
            self._check_tokens(token_range, what)
            a, b = self.tokens[token_range[0]][0], self.tokens[token_range[1]][1]
            if (a, b) != (start, end):
                raise self.err(
                    f"{what}: offsets {start}-{end} {_js(self.text[start:end])} but tokens {token_range[0]}-"
                    f"{token_range[1]} cover {a}-{b} {_js(self.text[a:b])}"
                )
        return start, end, token_range

    def _check_tokens(self, token_range: tuple[int, int], what: str) -> None:
        assert self.tokens is not None
        if token_range[0] < 0 or token_range[1] >= len(self.tokens):
            raise self.err(
                f"{what}: tokens {token_range[0]}-{token_range[1]} are outside the {len(self.tokens)} tokens "
                "of the task"
            )


def record_to_doc(
    obj: dict[str, Any], where: str, line: int | None, default_id: str, report: ImportReport,
) -> AnnotatedDocument | None:
    """One Prodigy task as a document, or None for a task answered ``reject``/``ignore`` (counted in ``report``)."""
    answer = obj.get("answer")
    if answer is not None and answer not in ANSWERS:
        raise FormatError(where, line, f'"answer" must be one of {", ".join(ANSWERS)}, got {_js(answer)}')
    if answer in ("reject", "ignore"):
        report.skip(f"records answered {answer!r}")
        return None
    text = obj.get("text")
    if type(text) is not str:
        raise FormatError(where, line, f'"text" must be a string, got {_json_type(text)}' if "text" in obj
                          else 'no "text" key; a Prodigy task holds its text in "text"')
    rec = _Record(text, where, line, report)
    rec.read_tokens(obj.get("tokens"))
    spans: list[Span] = []
    raw_spans = obj.get("spans")
    if raw_spans is not None and type(raw_spans) is not list:
        raise rec.err(f'"spans" must be an array, got {_json_type(raw_spans)}')
    extra_keys: set[str] = set()
    for i, raw in enumerate(raw_spans or [], 1):
        what = f"span #{i}"
        if type(raw) is not dict:
            raise rec.err(f"{what} must be an object, got {_json_type(raw)}")
        label = raw.get("label")
        if type(label) is not str or not label:
            raise rec.err(f'{what}: "label" must be a non-empty string, got {_js(label)}')
        start, end, _ = rec.extent(raw, what)
        extra_keys.update(k for k in raw if k not in SPAN_KEYS)
        spans.append(Span(f"T{i}", label, start, end))
    if extra_keys:
        report.note(f"span keys not kept: {', '.join(sorted(extra_keys))}")
    relations = _relations(rec, obj.get("relations"), spans)
    meta = obj.get("meta")
    if meta is None:
        meta = {}
    elif type(meta) is not dict:
        raise rec.err(f'"meta" must be an object, got {_json_type(meta)}')
    else:
        meta = dict(meta)
    if META_KEY in meta:
        raise rec.err(f"meta key {META_KEY!r} is reserved for Prodigy's own fields")
    kept = {k: v for k, v in obj.items() if k not in OWN_KEYS}
    if rec.tokens is not None:
        kept["tokens"] = [[a, b] for a, b in rec.tokens]
    if kept:
        meta[META_KEY] = kept
    return AnnotatedDocument(Document(id=default_id, text=text, meta=meta), spans, [], relations)


def _relations(rec: _Record, raw: Any, spans: list[Span]) -> list[Relation]:
    if raw is None:
        return []
    if type(raw) is not list:
        raise rec.err(f'"relations" must be an array, got {_json_type(raw)}')
    out = []
    extra: set[str] = set()
    for i, item in enumerate(raw, 1):
        what = f"relation #{i}"
        if type(item) is not dict:
            raise rec.err(f"{what} must be an object, got {_json_type(item)}")
        extra.update(k for k in item if k not in RELATION_KEYS)
        label = item.get("label")
        if type(label) is not str or not label:
            raise rec.err(f'{what}: "label" must be a non-empty string, got {_js(label)}')
        head = _relation_end(rec, item, "head", what, spans)
        child = _relation_end(rec, item, "child", what, spans)
        out.append(Relation(f"R{i}", label, head, child))
    if extra:
        rec.report.note(f"relation keys not kept: {', '.join(sorted(extra))}")
    return out


def _relation_end(rec: _Record, item: dict[str, Any], end: str, what: str, spans: list[Span]) -> str:
    """The id of the span at one end of a relation (``end`` is "head" or "child"); may add a span."""
    token = item.get(end)
    if token is not None and type(token) is not int:
        raise rec.err(f'{what}: "{end}" must be a token index, got {_js(token)}')
    if token is not None and rec.tokens is not None and not 0 <= token < len(rec.tokens):
        raise rec.err(f"{what}: {end} token {token} is outside the {len(rec.tokens)} tokens of the task")
    raw = item.get(f"{end}_span")
    if raw is not None:
        if type(raw) is not dict:
            raise rec.err(f'{what}: "{end}_span" must be an object, got {_json_type(raw)}')
        start, stop, token_range = rec.extent(raw, f"{what} {end}_span")
        if token is not None and token_range is not None and not token_range[0] <= token <= token_range[1]:
            raise rec.err(
                f"{what}: {end} token {token} is outside its {end}_span (tokens {token_range[0]}-{token_range[1]})"
            )
        if token is not None and token_range is None and rec.tokens is not None:
            a, b = rec.tokens[token]
            if not (start <= a and b <= stop):
                raise rec.err(f"{what}: {end} token {token} ({a}-{b}) is outside its {end}_span ({start}-{stop})")
        label = raw.get("label")
        for s in spans:
            if (s.start, s.end) == (start, stop) and (label is None or s.label == label):
                return s.id
        if type(label) is not str or not label:
            raise rec.err(f"{what}: {end}_span {start}-{stop} is no span of the task and has no label")
        span = Span(f"T{len(spans) + 1}", label, start, stop)
        spans.append(span)
        return span.id
    if token is None:
        raise rec.err(f'{what}: neither "{end}" nor "{end}_span"')
    if rec.tokens is None:
        raise rec.err(f'{what}: "{end}" names token {token}, but the task has no tokens')
    a, b = rec.tokens[token]
    holding = [s for s in spans if s.start <= a and b <= s.end]
    if not holding:
        raise rec.err(f"{what}: {end} token {token} {_js(rec.text[a:b])} is inside no span")
    ending = [s for s in holding if s.end == b]
    return (ending or holding)[0].id


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    where = str(path)
    for lineno, obj in read_records(path, report, "Prodigy"):
        adoc = record_to_doc(obj, where, lineno, f"{path.stem}-{lineno}", report)
        if adoc is not None:
            yield Sourced(adoc, where, lineno)


def sniff(path: Path) -> bool:
    """A first task with ``spans`` carrying ``token_start``, tokens with ``ws``/``id``, or ``_input_hash``."""
    obj = first_record(path)
    if obj is None or type(obj.get("text")) is not str:
        return False
    if "_input_hash" in obj:
        return True
    spans, toks = obj.get("spans"), obj.get("tokens")
    if type(spans) is list and any(type(s) is dict and "token_start" in s for s in spans):
        return True
    return type(toks) is list and bool(toks) and all(type(t) is dict and ("ws" in t or "id" in t) for t in toks)


FORMAT = FormatSpec(
    name="prodigy",
    title="Prodigy JSONL",
    carries="text, tokens (a task's own are kept and written back), spans with token_start/token_end, relations "
    "(head/child by token and by span), meta, _input_hash/_task_hash and other task keys; reject/ignore answers "
    "are skipped on import and counted",
    cannot="events, discontinuous pieces (the outer extent is written), attributes, notes, normalizations, "
    "annotator names, review decisions, document status and ids (a re-import names documents <file>-<line>); each counted in the "
    "export report",
    read=_read,
    write_stream=write_stream,
    sniff=sniff,
    patterns=("*.jsonl", "*.json"),
)
