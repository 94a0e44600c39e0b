"""Row-level helpers of the store: serialising values, bulk inserts, merged reads.

Kept apart from :mod:`annotator.store` so that the hot paths of import and
export are in one small module.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from .model import AnnotatedDocument


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def checksum(text: str) -> str:
    """SHA-256 of the text as UTF-8, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))



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
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.next}
        self.now = now()

    COLUMNS = {
        "documents": ("pk", "id", "name", "text", "meta", "status", "checksum", "created", "updated",
                      "n_errors", "n_incomplete"),
        "spans": ("pk", "doc", "id", "seq", "kind", "label", "start", "end", "fragments", "attributes", "note", "annotator"),
        "events": ("pk", "doc", "id", "seq", "type", "trigger", "attributes", "note", "annotator"),
        "arguments": ("pk", "doc", "event", "position", "role", "filler_span", "filler_event", "annotator"),
        "relations": ("pk", "doc", "id", "seq", "type", "head", "tail", "attributes", "note", "annotator"),
    }

    def add(self, adoc: AnnotatedDocument, annotator: str | None, counts: tuple[int, int] = (0, 0)) -> None:
        """Queue one document; ``counts`` is its ``(n_errors, n_incomplete)``."""
        d = adoc.document
        who = annotator or ""
        nxt = self.next
        dpk = nxt["documents"]
        self.rows["documents"].append((
            dpk, d.id, d.name or d.id, d.text, dumps(d.meta) if d.meta else "{}", d.status, checksum(d.text),
            d.created or self.now, d.updated or self.now, counts[0], counts[1],
        ))
        srows = self.rows["spans"]
        spk0 = nxt["spans"]
        spans = adoc.spans
        span_pk = {s.id: pk for pk, s in enumerate(spans, spk0)}
        srows.extend([
            (
                pk, dpk, s.id, pk - spk0 + 1, s.kind, s.label, s.start, s.end,
                dumps([list(f) for f in s.fragments]) if s.fragments else None,
                dumps(s.attributes) if s.attributes else "{}", s.note, s.annotator or who,
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
            ))
            for pos, a in enumerate(e.arguments):
                fs = span_pk.get(a.ref)
                arows.append((apk, dpk, epk, pos, a.role, fs, event_pk.get(a.ref) if fs is None else None,
                              a.annotator or who))
                apk += 1
        rrows = self.rows["relations"]
        rpk = nxt["relations"]
        for seq, r in enumerate(adoc.relations, 1):
            rrows.append((
                rpk, dpk, r.id, seq, r.type, span_pk[r.head], span_pk[r.tail],
                dumps(r.attributes) if r.attributes else "{}", r.note, r.annotator or who,
            ))
            rpk += 1
        nxt["documents"] = dpk + 1
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
        for table in ("documents", "spans", "events", "arguments", "relations"):
            rows = self.rows[table]
            if not rows:
                continue
            cols = self.COLUMNS[table]
            sql = 'INSERT INTO {} ({}) VALUES ({})'.format(
                table, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
            )
            self.db.conn.executemany(sql, rows)
            rows.clear()
