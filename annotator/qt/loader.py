"""Loads the rest of a long document after its first frame: read off the GUI thread, applied in slices as it comes.

The session shows a long document's text and the spans of its first
``Session.FIRST_CHARS`` characters at once.  :class:`DocumentLoader` then reads
the whole document on a worker thread (:func:`annotator.docstream.stream_annotations`,
a read-only connection of its own: SQLite wants one per thread), which hands
over chunks as it reads them: spans in text order, then events (by their
trigger's place), then relations (by their first end's place).  The GUI thread
takes them in slices, one per turn of the event loop, each within about
``SLICE_MS``, starting with the first chunk while the worker still reads the
rest.  Each slice goes out as :class:`LoadSlice` (``Session.document_progress``)
so the view draws it; ``DocState.loaded_upto`` says up to which code point every
span is in.  The worker's snapshot may be older than an edit the user made
while it loaded: every id the session refreshed meanwhile is in
``DocState.touched`` and keeps its live value (the snapshot's copy is skipped).
A chunk is dropped once taken: the loaded annotations live in the document
state only (and in what the view and panels build from them).
"""
from __future__ import annotations

import gc
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, QTimer

from ..docstream import CHUNK, stream_annotations
from ..storeerrors import StoreError
from ..model import AnnotatedDocument, Event, Relation, Span
from ..store import Project

if TYPE_CHECKING:
    from .docstate import DocState

KINDS = ("spans", "events", "relations")
_ID = attrgetter("id")


@dataclass
class LoadSlice:
    """What one turn of the loader added to the current document."""

    doc_id: str
    spans: list[Span] = field(default_factory=list)
    events: list[str] = field(default_factory=list)      # ids of the events added
    relations: list[str] = field(default_factory=list)   # ids of the relations added
    loaded_upto: int = 0                                  # every span starting before this is in
    last: bool = False                                    # the document is complete after this slice


class _Reader(threading.Thread):
    """Reads one document's annotations through a connection of its own, chunk by chunk into ``chunks``."""

    def __init__(self, path: Path, doc_id: str, layer: str = "") -> None:
        super().__init__(name=f"load {doc_id}", daemon=True)
        self.path, self.doc_id, self.layer = path, doc_id, layer
        self.chunks: deque[tuple[str, list[Any]]] = deque()  # appended here, taken by the GUI thread
        self.done = False            # every chunk is in ``chunks`` (or ``error`` is set)
        self.error: BaseException | None = None
        self.stop = False            # set by the GUI thread: the load was cancelled
        self.highest: dict[str, int] = {}  # the highest id numbers by prefix, filled after the last chunk

    def run(self) -> None:
        _quiet(True)
        try:
            for chunk in stream_annotations(self.path, self.doc_id, layer=self.layer, highest=self.highest):
                if self.stop:
                    return
                self.chunks.append(chunk)
        except BaseException as exc:  # noqa: BLE001 (reported on the GUI thread, which reads itself then)
            self.error = exc
        finally:
            self.done = True
            _quiet(False)

    @property
    def result(self) -> AnnotatedDocument | None:
        """The chunks not taken yet, as one partial document (tests: what the snapshot holds); None after an error."""
        if self.error is not None or not self.done:
            return None
        parts: dict[str, list[Any]] = {k: [] for k in KINDS}
        for kind, items in list(self.chunks):
            parts[kind] += items
        return AnnotatedDocument(None, parts["spans"], parts["events"], parts["relations"])  # type: ignore[arg-type]


_QUIET = {"readers": 0, "gc": True, "switch": 0.005}
_QUIET_LOCK = threading.Lock()


def _quiet(on: bool) -> None:
    """While a reader runs, and while the GUI thread takes its slices: no cyclic GC passes (a full one over the objects it makes stalls every
    thread for 0.1-0.2 s; after, they are frozen out of later passes) and a shorter GIL switch interval, so the GUI thread gets the GIL back
    within about a millisecond.  Counted, so overlapping readers restore the settings once."""
    with _QUIET_LOCK:
        if on:
            _QUIET["readers"] += 1
            if _QUIET["readers"] == 1:
                _QUIET["gc"], _QUIET["switch"] = gc.isenabled(), sys.getswitchinterval()
                gc.disable()
                sys.setswitchinterval(0.001)
        else:
            _QUIET["readers"] -= 1
            if _QUIET["readers"] == 0:
                sys.setswitchinterval(float(_QUIET["switch"]))
                gc.freeze()  # the snapshot is long-lived and holds no cycles: later passes skip it
                if _QUIET["gc"]:
                    gc.enable()


def _chunks_of(adoc: AnnotatedDocument) -> deque[tuple[str, list[Any]]]:
    """A whole document read on the GUI thread (an in-memory project, or the worker failed), in the worker's order."""
    adoc.spans.sort(key=lambda s: (s.start, -s.end))
    start = {s.id: s.start for s in adoc.spans}
    get = start.get
    adoc.events.sort(key=lambda e: get(e.trigger, 0))
    adoc.relations.sort(key=lambda r: min(get(r.head, 0), get(r.tail, 0)))
    out: deque[tuple[str, list[Any]]] = deque()
    for kind, items in zip(KINDS, (adoc.spans, adoc.events, adoc.relations)):
        for i in range(0, len(items), CHUNK):
            out.append((kind, items[i:i + CHUNK]))
    return out


class DocumentLoader(QObject):
    """Completes the session's current document in slices; see the module docstring."""

    SLICE_MS = 16.0       # work per turn of the event loop (the GUI thread's budget), drawing included
    FIRST_BATCH = (512, 64, 64)  # annotations in the first slice of each kind (spans, events, relations)
    MIN_BATCH = 16        # at least this many annotations per slice
    MAX_BATCH = 5000      # at most this many (a test may lower it to see many slices)
    POLL_MS = 4           # how often the GUI thread looks for the worker's next chunk

    def __init__(self, project: Project, emit: Callable[[LoadSlice], None], parent: QObject | None = None):
        super().__init__(parent)
        self._project = project
        self._emit = emit
        self._cur: DocState | None = None
        self._reader: _Reader | None = None
        self._chunks: deque[tuple[str, list[Any]]] | None = None  # where the chunks come from
        self._pos = 0  # annotations of the head chunk already taken
        self._taken = 0  # annotations the last slice took
        self._batch = dict(zip(KINDS, self.FIRST_BATCH))
        self.slices = 0  # slices applied for the current document (benchmarks, tests)
        self._quieted = False  # _quiet(True) is in force for the current load
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._turn)

    # ------------------------------------------------------------------ control

    def start(self, cur: DocState) -> None:
        """Begin completing ``cur`` (partial): start the worker, then apply slices as it delivers."""
        self.cancel()
        _quiet(True)  # no cyclic GC pass until the load is complete (see _quiet): one over the
        self._quieted = True  # slices' new objects and the window's stalls the GUI for 50-120 ms at 4 MB
        self._cur = cur
        self.slices = 0
        self._pos = 0
        self._batch = {k: min(b, self.MAX_BATCH) for k, b in zip(KINDS, self.FIRST_BATCH)}
        path = self._project.path
        if path is not None and Path(path).exists():
            self._reader = _Reader(Path(path), cur.id, self._project.layer)
            self._chunks = self._reader.chunks
            self._reader.start()
        self._timer.start(self.POLL_MS)

    def cancel(self) -> None:
        """Stop completing (another document was opened, or the project closed)."""
        self._timer.stop()
        self._unquiet()
        self._cur = None
        if self._reader is not None:
            self._reader.stop = True  # a running worker stops at its next chunk; what it read is dropped
        self._reader = None
        self._chunks = None

    def _unquiet(self) -> None:
        if self._quieted:
            self._quieted = False
            _quiet(False)

    def active(self) -> bool:
        return self._cur is not None

    def finish_now(self) -> None:
        """Complete the current document at once (waits for the worker): for an action that needs all of it."""
        while self._cur is not None:
            if not self._take_result(wait=True):
                return
            self._apply(budget_ms=None)

    # ------------------------------------------------------------------ work

    def _prime_ids(self, cur: DocState) -> None:
        """Hand the worker's highest id numbers to the store, so the first new annotation reads none."""
        rd = self._reader
        if rd is not None and rd.highest:
            try:
                self._project.prime_ids(cur.id, rd.highest, layer=rd.layer)
            except StoreError:  # the document went meanwhile: the first id reads them itself
                pass

    def _take_result(self, wait: bool) -> bool:
        """Whether a chunk is here, or the worker is done (reading here if it could not)."""
        cur = self._cur
        assert cur is not None
        rd = self._reader
        if rd is not None:
            if wait:
                rd.join()
            if rd.chunks or (rd.done and rd.error is None):
                return True
            if not rd.done:
                return False
            rd.join()
            self._reader = None  # it failed: read here, below
        elif self._chunks is not None:
            return True
        # no file to read from (an in-memory project), or the worker failed: read here (raises if the
        # document is gone); what was taken already is skipped by id
        self._chunks = _chunks_of(self._project.get_annotated(cur.id))
        self._pos = 0
        return True

    def _turn(self) -> None:
        if self._cur is None:
            return
        try:
            ready = self._take_result(wait=False)
        except Exception:  # noqa: BLE001 (the store failed under us, e.g. the document was deleted elsewhere:
            return          # no retry loop; the next ensure_loaded tries again and raises, as a direct read would)
        if not ready:
            self._timer.start(self.POLL_MS)
            return
        self._apply(budget_ms=self.SLICE_MS)
        if self._cur is not None:
            self._timer.start(0)

    def _finished_reading(self) -> bool:
        rd = self._reader
        return rd is None or (rd.done and rd.error is None)

    def _apply(self, budget_ms: float | None) -> None:
        """Apply one slice (``budget_ms`` None: everything read so far, slice after slice, at once).

        A slice's size is set from how long the last one of the same kind
        took, its drawing included, so a turn stays within ``budget_ms``.
        """
        cur = self._cur
        assert cur is not None
        while True:
            chunks = self._chunks
            assert chunks is not None
            kind = chunks[0][0] if chunks else ""
            n = self._batch.get(kind, self.MAX_BATCH) if budget_ms is not None else self.MAX_BATCH
            t0 = time.perf_counter()
            sl = self._next_slice(cur, n)
            self.slices += 1
            if sl.last:
                self._cur = None
                self._reader = None
                self._chunks = None
                self._unquiet()
            self._emit(sl)
            took = (time.perf_counter() - t0) * 1000
            if budget_ms is not None and kind:
                # at most twice the last size: an item's cost varies along the document (an event slice
                # whose rows land among many others costs several times the first one's per event)
                taken = max(self._taken, 1)  # fewer than n at a chunk's end
                per_item = max(took, 0.05) / taken
                fit = min(budget_ms / per_item, 2 * taken)
                self._batch[kind] = int(max(self.MIN_BATCH, min(self.MAX_BATCH, fit)))
            if sl.last or budget_ms is not None or (self._cur is not None and not self._chunks):
                return

    def _next_slice(self, cur: DocState, n: int) -> LoadSlice:
        """Take up to ``n`` more annotations of the head chunk into ``cur`` (those edited meanwhile are skipped);
        the last slice when every chunk is taken and the worker is done."""
        sl = LoadSlice(cur.id, loaded_upto=cur.loaded_upto)
        finished = self._finished_reading()  # read before the chunks: the worker appends its last one, then says done
        chunks = self._chunks
        assert chunks is not None
        self._taken = 0
        if not chunks:
            if not finished:  # finish_now's wait, or a turn between two chunks
                return sl
            sl.loaded_upto = cur.loaded_upto = len(cur.text)
            cur.partial = False
            cur.touched = set()
            self._prime_ids(cur)
            sl.last = True
            return sl
        kind, items = chunks[0]
        i = self._pos
        j = min(i + n, len(items))
        self._taken = j - i
        chunk = items[i:j] if (i, j) != (0, len(items)) else items
        if j == len(items):
            chunks.popleft()
            self._pos = 0
        else:
            self._pos = j
        skip = cur.touched
        if kind == "spans":
            have = cur.spans
            if skip or not have.keys().isdisjoint(map(_ID, chunk)):  # the first part's spans, or edited ones
                new = [s for s in chunk if s.id not in have and s.id not in skip]
            else:  # the usual case past the first part: no Python step per span
                new = chunk
            cur.add_loaded_spans(new)
            sl.spans = new
            if self._pos:
                upto = items[self._pos].start
            elif chunks and chunks[0][0] == "spans":
                upto = chunks[0][1][0].start
            elif chunks or finished:  # the spans are all in
                upto = len(cur.text)
            else:  # the next span is not read yet: every span starting before this one's start is in
                upto = chunk[-1].start
            cur.loaded_upto = max(cur.loaded_upto, upto)
        else:
            if cur.loaded_upto < len(cur.text):  # events come after every span
                cur.loaded_upto = len(cur.text)
            spans = cur.spans
            if kind == "events":
                evs: list[Event] = [e for e in chunk if e.id not in cur.events and e.id not in skip]
                for e in evs:  # refs as the span's own id string (one object per id, not one per row)
                    t = spans.get(e.trigger)
                    if t is not None:
                        e.trigger = t.id
                    for a in e.arguments:
                        f = spans.get(a.ref)
                        if f is not None:
                            a.ref = f.id
                cur.events.update((e.id, e) for e in evs)
                sl.events = [e.id for e in evs]
            else:
                rels: list[Relation] = [r for r in chunk if r.id not in cur.relations and r.id not in skip]
                for r in rels:
                    h, t = spans.get(r.head), spans.get(r.tail)
                    if h is not None:
                        r.head = h.id
                    if t is not None:
                        r.tail = t.id
                cur.relations.update((r.id, r) for r in rels)
                sl.relations = [r.id for r in rels]
        sl.loaded_upto = cur.loaded_upto
        return sl
