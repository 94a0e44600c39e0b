"""Row-level helpers of the store: serialising values, bulk inserts, merged streaming reads.

Kept apart from :mod:`annotator.store` so that the hot paths of import and
export are in one small module, which works on a bare ``Database``.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sized
from typing import TYPE_CHECKING, Any

from .model import ENTITY, AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def checksum(text: str) -> str:
    """SHA-256 of the text as UTF-8, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dump_normalizations(norms: Iterable[Normalization] | None) -> str | None:
    """The ``normalizations`` column value: a JSON list of ``{resource, entry, text}``, None when empty.

    Raises :class:`ValueError` for an item that is not a :class:`Normalization`
    whose resource and entry are non-empty strings and whose text is a string.
    """
    if not norms:
        return None
    out = []
    for n in norms:
        if not (isinstance(n, Normalization) and isinstance(n.resource, str) and n.resource
                and isinstance(n.entry, str) and n.entry and isinstance(n.text, str)):
            raise ValueError(f"a normalization needs a non-empty resource and entry and a text (strings), not {n!r}")
        out.append({"resource": n.resource, "entry": n.entry, "text": n.text})
    return dumps(out)


def n_annotations(spans: Iterable[Span], events: Sized, relations: Sized) -> int:
    """What ``documents.n_annotations`` counts (m006): entity spans (not triggers), events and relations."""
    return sum(1 for s in spans if s.kind == ENTITY) + len(events) + len(relations)


def load_normalizations(value: str | None) -> list[Normalization]:
    """The :class:`Normalization` list of a ``normalizations`` column value (NULL: none)."""
    if not value:
        return []
    return [Normalization(n["resource"], n["entry"], n.get("text") or "") for n in json.loads(value)]


def span_from_row(r: Mapping[str, Any]) -> Span:
    """A :class:`Span` from a ``SELECT *`` row of the spans table (as a dict)."""
    return Span(
        id=r["id"],
        label=r["label"],
        start=r["start"],
        end=r["end"],
        kind=r["kind"],
        fragments=[tuple(f) for f in json.loads(r["fragments"])] if r["fragments"] else None,
        attributes=json.loads(r["attributes"]) if r["attributes"] else {},
        note=r["note"] or "",
        annotator=r["annotator"] or "",
        normalizations=load_normalizations(r.get("normalizations")),
        review=r.get("review") or "",
        reviewer=r.get("reviewer") or "",
        review_note=r.get("review_note") or "",
    )


class RowsByDocument:
    """Takes, from a cursor ordered by document pk, the rows of one document at a time."""

    __slots__ = ("_it", "_row")

    def __init__(self, cursor: Iterable[tuple]):
        self._it = iter(cursor)
        self._row: tuple | None = next(self._it, None)

    def take(self, doc_pk: int) -> list[tuple]:
        # A list, not a generator: most documents have a handful of rows, and
        # a generator per document per cursor cost more than the rows.
        it = self._it
        row = self._row
        while row is not None and row[0] < doc_pk:
            row = next(it, None)
        rows: list[tuple] = []
        while row is not None and row[0] == doc_pk:
            rows.append(row)
            row = next(it, None)
        self._row = row
        return rows


class BulkWriter:
    """Inserts many documents fast: pks assigned here, rows sent in batches."""

    BATCH = 5000

    def __init__(self, db: Database):
        # The next pks are read here: the caller must already hold the write
        # lock (BEGIN IMMEDIATE), so that no other connection takes them.
        assert db.conn.in_transaction, "BulkWriter is made inside the write transaction"
        self.db = db
        self.next = {
            t: (db.execute(f"SELECT coalesce(max(pk), 0) FROM {t}").fetchone()[0] + 1)
            for t in ("documents", "spans", "events", "arguments", "relations")
        }
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.COLUMNS}
        self.layer_names: set[str] = set()
        self.now = now()

    COLUMNS = {
        "documents": ("pk", "id", "name", "meta", "status", "checksum", "created", "updated",
                      "n_errors", "n_incomplete", "n_annotations"),
        "texts": ("doc", "text"),
        "spans": ("pk", "doc", "id", "seq", "kind", "label", "start", "end", "fragments", "attributes", "note", "annotator",
                  "normalizations", "layer", "review", "reviewer", "review_note"),
        "events": ("pk", "doc", "id", "seq", "type", "trigger", "attributes", "note", "annotator", "normalizations",
                   "layer", "review", "reviewer", "review_note"),
        "arguments": ("pk", "doc", "event", "position", "role", "filler_span", "filler_event", "annotator",
                      "layer", "review", "reviewer", "review_note"),
        "relations": ("pk", "doc", "id", "seq", "type", "head", "tail", "attributes", "note", "annotator",
                      "normalizations", "layer", "review", "reviewer", "review_note"),
        "layers": ("doc", "name", "n_errors", "n_incomplete"),
    }

    def add(
        self, adoc: AnnotatedDocument, annotator: str | None, counts: tuple[int, int] = (0, 0), *,
        layer: str = "", doc_pk: int | None = None,
    ) -> None:
        """Queue one document; ``counts`` is its ``(n_errors, n_incomplete)``.

        Its annotations go into ``layer``.  With ``doc_pk``, the document is
        already stored (row ``doc_pk``, its text the same): only the
        annotations are added, as another layer of it; the caller keeps its
        counts current.
        """
        d = adoc.document
        who = annotator or ""
        nxt = self.next
        if doc_pk is None:
            dpk = nxt["documents"]
            self.rows["documents"].append((
                dpk, d.id, d.name or d.id, dumps(d.meta) if d.meta else "{}", d.status, checksum(d.text),
                d.created or self.now, d.updated or self.now, counts[0], counts[1],
                n_annotations(adoc.spans, adoc.events, adoc.relations),
            ))
            self.rows["texts"].append((dpk, d.text))
            nxt["documents"] = dpk + 1
        else:
            dpk = doc_pk
        if adoc.spans or adoc.relations:
            self.rows["layers"].append((dpk, layer, counts[0], counts[1]))
            self.layer_names.add(layer)
        srows = self.rows["spans"]
        spk0 = nxt["spans"]
        spans = adoc.spans
        span_pk = {s.id: pk for pk, s in enumerate(spans, spk0)}
        srows.extend([
            (
                pk, dpk, s.id, pk - spk0 + 1, s.kind, s.label, s.start, s.end,
                dumps([list(f) for f in s.fragments]) if s.fragments else None,
                dumps(s.attributes) if s.attributes else "{}", s.note, s.annotator or who,
                dump_normalizations(s.normalizations) if s.normalizations else None,
                layer, s.review, s.reviewer, s.review_note,
            )
            for pk, s in enumerate(spans, spk0)
        ])
        spk = spk0 + len(spans)
        epk0 = nxt["events"]
        event_pk = {e.id: epk0 + i for i, e in enumerate(adoc.events)}
        erows = self.rows["events"]
        arows = self.rows["arguments"]
        apk = nxt["arguments"]
        for seq, e in enumerate(adoc.events, 1):
            epk = event_pk[e.id]
            erows.append((
                epk, dpk, e.id, seq, e.type, span_pk[e.trigger],
                dumps(e.attributes) if e.attributes else "{}", e.note, e.annotator or who,
                dump_normalizations(e.normalizations) if e.normalizations else None,
                layer, e.review, e.reviewer, e.review_note,
            ))
            for pos, a in enumerate(e.arguments):
                fs = span_pk.get(a.ref)
                arows.append((apk, dpk, epk, pos, a.role, fs, event_pk.get(a.ref) if fs is None else None,
                              a.annotator or who, layer, a.review, a.reviewer, a.review_note))
                apk += 1
        rrows = self.rows["relations"]
        rpk = nxt["relations"]
        for seq, r in enumerate(adoc.relations, 1):
            rrows.append((
                rpk, dpk, r.id, seq, r.type, span_pk[r.head], span_pk[r.tail],
                dumps(r.attributes) if r.attributes else "{}", r.note, r.annotator or who,
                dump_normalizations(r.normalizations) if r.normalizations else None,
                layer, r.review, r.reviewer, r.review_note,
            ))
            rpk += 1
        nxt["spans"] = spk
        nxt["events"] = epk0 + len(adoc.events)
        nxt["arguments"] = apk
        nxt["relations"] = rpk
        if len(srows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        # Parents before children, for the foreign keys.  This is the one place
        # that bypasses Table.insert_all: sqlite-utils has no executemany, and
        # insert_all re-inspects every value (jsonify_if_needed), which took
        # three quarters of an import's time.  The rows here are already
        # serialised tuples in column order, and the caller holds db.atomic().
        assert self.db.conn.in_transaction, "bulk writes run inside db.atomic()"
        for table in ("documents", "texts", "spans", "events", "arguments", "relations", "layers"):
            rows = self.rows[table]
            if not rows:
                continue
            cols = self.COLUMNS[table]
            sql = '{} INTO {} ({}) VALUES ({})'.format(
                "INSERT OR IGNORE" if table == "layers" else "INSERT",
                table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
            )
            self.db.conn.executemany(sql, rows)
            rows.clear()
        if self.layer_names:
            self.db.conn.executemany("INSERT OR IGNORE INTO layer_names (name) VALUES (?)",
                                     [(n,) for n in sorted(self.layer_names)])
            self.layer_names.clear()


def iter_annotated_rows(
    db: Database | sqlite3.Connection, where: str, params: list[Any], *, layer: str = "",
) -> Iterator[AnnotatedDocument]:
    """Stream the documents selected by ``where`` (over ``documents d``) with their annotations in ``layer``,
    in import order.

    Runs five queries in all, each ordered by document, and merges them as it
    goes, so memory holds one document at a time whatever the project size.
    """
    run = db.execute
    # m002 reads documents before m003 adds the column: read NULL in its place then.
    has_norms = run("SELECT count(*) FROM pragma_table_info('spans') WHERE name = 'normalizations'").fetchone()[0]
    norms = "x.normalizations" if has_norms else "NULL"
    # Before m007 there are no layers (all is the default layer) and no review columns.
    has_layers = run("SELECT count(*) FROM pragma_table_info('spans') WHERE name = 'layer'").fetchone()[0]
    review = "x.review, x.reviewer, x.review_note" if has_layers else "'', '', ''"
    # Before m005 (m002 reads them), the texts are still in the documents rows.
    old_texts = run("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'texts'").fetchone()[0] == 0
    text, texts = ("d.text", "") if old_texts else ("t.text", "JOIN texts t ON t.doc = d.pk")
    dsel = (f"SELECT d.pk, d.id, d.name, {text}, d.meta, d.status, d.checksum, d.created, d.updated "
            f"FROM documents d {texts} {where} ORDER BY d.pk")
    join = f"JOIN documents d ON d.pk = x.doc {where}" if where else ""
    if has_layers:
        join += " AND x.layer = ?" if where else " WHERE x.layer = ?"
        xparams = [*params, layer]
    elif layer:
        xparams = None  # no layers yet: only the default layer has annotations
    else:
        xparams = params
    if xparams is None:
        for d in run(dsel, params):
            yield AnnotatedDocument(_document(d), layer=layer)
        return
    spans_c = run(
        f"SELECT x.doc, x.pk, x.id, x.kind, x.label, x.start, x.end, x.fragments, x.attributes, x.note, x.annotator, "
        f"{norms}, {review} "
        f"FROM spans x {join} ORDER BY x.doc, x.seq, x.pk", xparams
    )
    events_c = run(
        f"SELECT x.doc, x.pk, x.id, x.type, x.trigger, x.attributes, x.note, x.annotator, {norms}, {review} "
        f"FROM events x {join} ORDER BY x.doc, x.seq, x.pk", xparams
    )
    args_c = run(
        f"SELECT x.doc, x.event, x.role, x.filler_span, x.filler_event, x.annotator, {review} "
        f"FROM arguments x {join} ORDER BY x.doc, x.event, x.position, x.pk", xparams
    )
    rels_c = run(
        f"SELECT x.doc, x.id, x.type, x.head, x.tail, x.attributes, x.note, x.annotator, {norms}, {review} "
        f"FROM relations x {join} ORDER BY x.doc, x.seq, x.pk", xparams
    )
    spans_it = RowsByDocument(spans_c)
    events_it = RowsByDocument(events_c)
    args_it = RowsByDocument(args_c)
    rels_it = RowsByDocument(rels_c)
    loads = json.loads
    for d in run(dsel, params):
        dpk = d[0]
        doc = _document(d)
        span_ids: dict[int, str] = {}
        spans: list[Span] = []
        for r in spans_it.take(dpk):
            span_ids[r[1]] = r[2]
            # Positional, in field order: id, label, start, end, kind, fragments, attributes, note, annotator,
            # normalizations, review, reviewer, review_note.
            spans.append(Span(
                r[2], r[4], r[5], r[6], r[3],
                [tuple(f) for f in loads(r[7])] if r[7] else None,
                loads(r[8]) if r[8] and r[8] != "{}" else {},
                r[9] or "", r[10] or "",
                load_normalizations(r[11]) if r[11] else [],
                r[12], r[13], r[14],
            ))
        event_rows = events_it.take(dpk)
        event_ids = {r[1]: r[2] for r in event_rows}
        args_by_event: dict[int, list[Argument]] = {}
        for r in args_it.take(dpk):
            ref = span_ids[r[3]] if r[3] is not None else event_ids[r[4]]
            args_by_event.setdefault(r[1], []).append(Argument(r[2], ref, r[5] or "", r[6], r[7], r[8]))
        events = [
            Event(
                id=r[2], type=r[3], trigger=span_ids[r[4]],
                arguments=args_by_event.get(r[1], []),
                attributes=loads(r[5]) if r[5] and r[5] != "{}" else {},
                note=r[6] or "", annotator=r[7] or "",
                normalizations=load_normalizations(r[8]) if r[8] else [],
                review=r[9], reviewer=r[10], review_note=r[11],
            )
            for r in event_rows
        ]
        relations = [
            Relation(
                id=r[1], type=r[2], head=span_ids[r[3]], tail=span_ids[r[4]],
                attributes=loads(r[5]) if r[5] and r[5] != "{}" else {},
                note=r[6] or "", annotator=r[7] or "",
                normalizations=load_normalizations(r[8]) if r[8] else [],
                review=r[9], reviewer=r[10], review_note=r[11],
            )
            for r in rels_it.take(dpk)
        ]
        yield AnnotatedDocument(doc, spans, events, relations, layer)


def iter_annotated_layers(
    db: Database | sqlite3.Connection, where: str = "", params: list[Any] | None = None,
) -> Iterator[AnnotatedDocument]:
    """Every layer of the documents selected by ``where`` (over ``documents d``): one layer after another
    (each in import order), each document once per layer it has.  Before m007, the default layer alone."""
    params = params or []
    if not db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'layer_names'").fetchone()[0]:
        yield from iter_annotated_rows(db, where, params)
        return
    names = [r[0] for r in db.execute("SELECT name FROM layer_names ORDER BY name")]
    in_layer = "d.pk IN (SELECT doc FROM layers WHERE name = ?)"
    where = f"{where} AND {in_layer}" if where else f"WHERE {in_layer}"
    for name in names:
        yield from iter_annotated_rows(db, where, [*params, name], layer=name)


def _document(d: tuple) -> Document:
    """A document row of :func:`iter_annotated_rows` (pk, id, name, text, meta, status, checksum, created,
    updated) as a :class:`Document`."""
    meta = json.loads(d[4]) if d[4] and d[4] != "{}" else {}
    return Document(
        id=d[1], name=d[2] or d[1], text=d[3], meta=meta, status=d[5],
        checksum=d[6] or "", created=d[7] or "", updated=d[8] or "",
    )
