"""Reads one document's annotations in text order, a chunk at a time, through a read-only connection of its own.

For the GUI's loader thread (:mod:`annotator.qt.loader`): spans by start (the
longer first at one start), then events by their trigger's start, then
relations by the first start of their two ends, all from one read transaction
(one snapshot of the file).  Nothing is sorted or held whole in Python: each
chunk is ``fetchmany`` rows turned into model objects.

Empty ``attributes`` and ``normalizations`` are one shared read-only object
each (:data:`NO_ATTRIBUTES`, :data:`NO_NORMALIZATIONS`): equal to ``{}`` and
``[]``, and serialised the same, but a write into one raises ``TypeError``
instead of changing every annotation that shares it.  At brat's density this
saves two objects (about 120 bytes) per annotation.
"""
from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from .model import Argument, Event, Normalization, Relation, Span
from .projectfile import connect_read_only
from .rows import load_normalizations
from .store_ids import PREFIXES, highest_number
from .storeerrors import StoreError


class _ReadOnlyDict(dict):
    """An empty dict shared by every annotation without attributes; writes raise."""

    __slots__ = ()

    def _refuse(self, *_a: Any, **_k: Any) -> NoReturn:
        raise TypeError("shared empty attributes are read-only: give the annotation a dict of its own")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]


class _ReadOnlyList(list):
    """An empty list shared by every annotation without normalizations; writes raise."""

    __slots__ = ()

    def _refuse(self, *_a: Any, **_k: Any) -> NoReturn:
        raise TypeError("shared empty normalizations are read-only: give the annotation a list of its own")

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore[assignment]
    __iadd__ = __imul__ = _refuse  # type: ignore[assignment]


NO_ATTRIBUTES: dict[str, Any] = _ReadOnlyDict()
NO_NORMALIZATIONS: list[Normalization] = _ReadOnlyList()

CHUNK = 2000  # rows per chunk


def _norms(value: str | None) -> list[Normalization]:
    return load_normalizations(value) if value else NO_NORMALIZATIONS


def _attrs(value: str | None) -> dict[str, Any]:
    return json.loads(value) if value and value != "{}" else NO_ATTRIBUTES


def stream_annotations(
    path: str | Path, doc_id: str, chunk: int = CHUNK, layer: str = "", highest: dict[str, int] | None = None,
) -> Iterator[tuple[str, list[Any]]]:
    """Yield ``("spans", [Span, ...])`` chunks, then ``("events", ...)``, then ``("relations", ...)``, of ``layer``.

    With ``highest``, after the last chunk it gets the highest number after
    each id prefix (``T``, ``E``, ``R``) in the layer, from the same snapshot:
    a scan of the document's ids (83 ms at 208,000 spans) that the first new
    id would otherwise make on the GUI thread.  It stays empty if that read
    fails (the first new id reads them itself then).

    Raises :class:`StoreError` when the file has no document ``doc_id``.
    """
    conn = connect_read_only(Path(path))  # the store's read-only open (also in a folder it cannot write)
    conn.isolation_level = None  # transactions are ours: BEGIN below
    try:
        conn.execute("BEGIN")  # one snapshot for every query below
        row = conn.execute("SELECT pk FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"{path}: no document with id {doc_id!r}")
        pk = row[0]
        cur = conn.execute(
            'SELECT id, label, start, "end", kind, fragments, attributes, note, annotator, normalizations, '
            'review, reviewer, review_note '
            'FROM spans WHERE doc = ? AND layer = ? ORDER BY start, "end" DESC, seq', [pk, layer])
        loads, intern = json.loads, sys.intern  # one string object per label, kind, type and role
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            yield "spans", [
                Span(r[0], intern(r[1]), r[2], r[3], intern(r[4]), [tuple(f) for f in loads(r[5])] if r[5] else None,
                     _attrs(r[6]), r[7] or "", r[8] or "", _norms(r[9]), r[10], r[11], r[12])
                for r in rows
            ]
        args: dict[int, list[Argument]] = {}
        for r in conn.execute(
            "SELECT a.event, a.role, coalesce(s.id, f.id), a.annotator, a.review, a.reviewer, a.review_note "
            "FROM arguments a "
            "LEFT JOIN spans s ON s.pk = a.filler_span LEFT JOIN events f ON f.pk = a.filler_event "
            "WHERE a.doc = ? AND a.layer = ? ORDER BY a.event, a.position", [pk, layer]):
            args.setdefault(r[0], []).append(Argument(intern(r[1]), r[2], r[3] or "", r[4], r[5], r[6]))
        cur = conn.execute(
            "SELECT e.pk, e.id, e.type, t.id, e.attributes, e.note, e.annotator, e.normalizations, "
            "e.review, e.reviewer, e.review_note "
            "FROM events e JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND e.layer = ? ORDER BY t.start, e.seq",
            [pk, layer])
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            yield "events", [Event(r[1], intern(r[2]), r[3], args.pop(r[0], []), _attrs(r[4]), r[5] or "", r[6] or "",
                                   _norms(r[7]), r[8], r[9], r[10]) for r in rows]
        cur = conn.execute(
            "SELECT r.id, r.type, h.id, t.id, r.attributes, r.note, r.annotator, r.normalizations, "
            "r.review, r.reviewer, r.review_note "
            "FROM relations r JOIN spans h ON h.pk = r.head JOIN spans t ON t.pk = r.tail "
            "WHERE r.doc = ? AND r.layer = ? ORDER BY min(h.start, t.start), r.seq", [pk, layer])
        while True:
            rows = cur.fetchmany(chunk)
            if not rows:
                break
            yield "relations", [Relation(r[0], intern(r[1]), r[2], r[3], _attrs(r[4]), r[5] or "", r[6] or "",
                                         _norms(r[7]), r[8], r[9], r[10]) for r in rows]
        if highest is not None:
            try:
                highest.update({p: highest_number(conn.execute, pk, layer, p) for p in PREFIXES})
            except sqlite3.Error:
                highest.clear()
    finally:
        conn.close()

