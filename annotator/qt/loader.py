"""Loads the rest of a long document after its first frame: read off the GUI thread, applied in slices.

The session shows a long document's text and the spans of its first
``Session.FIRST_CHARS`` characters at once.  :class:`DocumentLoader` then reads
the whole document on a worker thread through its own read-only connection to
the project file (SQLite: one connection per thread), and the GUI thread takes
the result in slices, one per turn of the event loop, each within about
``SLICE_MS``: first the spans in text order, then the events (by their
trigger's place), then the relations (by their first end's place).  Each slice goes out as :class:`LoadSlice` (``Session.document_progress``)
so the view draws it; ``DocState.loaded_upto`` says up to which code point every
span is in.  The worker's snapshot may be older than an edit the user made
while it loaded: every id the session refreshed meanwhile is in
``DocState.touched`` and keeps its live value (the snapshot's copy is skipped).
"""
from __future__ import annotations

import gc
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QTimer

from ..model import AnnotatedDocument, Event, Relation, Span
from ..store import Project

if TYPE_CHECKING:
    from .docstate import DocState


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
    """Reads one document with all its annotations through a connection of its own."""

    def __init__(self, path: Path, doc_id: str) -> None:
        super().__init__(name=f"load {doc_id}", daemon=True)
        self.path, self.doc_id = path, doc_id
        self.result: AnnotatedDocument | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        _quiet(True)
        try:
            project = Project.open(self.path, create=False, read_only=True)
            try:
                adoc = project.get_annotated(self.doc_id)
            finally:
                project.close()
            adoc.spans.sort(key=_span_key)
            _sort_links(adoc)
            _share_strings(adoc)
            self.result = adoc
        except BaseException as exc:  # noqa: BLE001 (reported on the GUI thread, which reads itself then)
            self.error = exc
        finally:
            _quiet(False)


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


def _share_strings(adoc: AnnotatedDocument) -> None:
    """One string object per label, kind and role, and argument refs that are their span's own id
    string: each row of the store brings its own copies (about 50 bytes each, 4 per span)."""
    intern = sys.intern
    ids: dict[str, str] = {}
    for s in adoc.spans:
        s.label, s.kind = intern(s.label), intern(s.kind)
        ids[s.id] = s.id
    for e in adoc.events:
        e.type = intern(e.type)
        e.trigger = ids.get(e.trigger, e.trigger)
        for a in e.arguments:
            a.role = intern(a.role)
            a.ref = ids.get(a.ref, a.ref)
    for r in adoc.relations:
        r.type = intern(r.type)
        r.head, r.tail = ids.get(r.head, r.head), ids.get(r.tail, r.tail)


def _sort_links(adoc: AnnotatedDocument) -> None:
    """Events by their trigger's start, relations by the first start of their two ends (stable): each
    slice then covers one stretch of text, so the annotation list puts its rows in as one range."""
    start = {s.id: s.start for s in adoc.spans}
    get = start.get
    adoc.events.sort(key=lambda e: get(e.trigger, 0))
    adoc.relations.sort(key=lambda r: min(get(r.head, 0), get(r.tail, 0)))


def _span_key(s: Span) -> tuple[int, int]:
    return s.start, -s.end


class DocumentLoader(QObject):
    """Completes the session's current document in slices; see the module docstring."""

    SLICE_MS = 16.0       # work per turn of the event loop (the GUI thread's budget), drawing included
    FIRST_BATCH = (512, 64, 64)  # annotations in the first slice of each phase (spans, events, relations)
    MIN_BATCH = 16        # at least this many annotations per slice
    MAX_BATCH = 5000      # at most this many (a test may lower it to see many slices)
    POLL_MS = 4           # how often the GUI thread looks whether the worker is done

    def __init__(self, project: Project, emit: Callable[[LoadSlice], None], parent: QObject | None = None):
        super().__init__(parent)
        self._project = project
        self._emit = emit
        self._cur: DocState | None = None
        self._reader: _Reader | None = None
        self._adoc: AnnotatedDocument | None = None
        self._phase = 0  # 0 spans, 1 events, 2 relations
        self._pos = 0
        self._batch = list(self.FIRST_BATCH)
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
        self._phase, self._pos = 0, 0
        self._batch = [min(b, self.MAX_BATCH) for b in self.FIRST_BATCH]
        path = self._project.path
        if path is not None and Path(path).exists():
            self._reader = _Reader(Path(path), cur.id)
            self._reader.start()
        self._timer.start(self.POLL_MS)

    def cancel(self) -> None:
        """Stop completing (another document was opened, or the project closed)."""
        self._timer.stop()
        self._unquiet()
        self._cur = None
        self._reader = None  # a running worker finishes on its own; its result is dropped
        self._adoc = None

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

    def _take_result(self, wait: bool) -> bool:
        """Whether the snapshot is here (reading it on this thread if the worker could not)."""
        if self._adoc is not None:
            return True
        cur = self._cur
        assert cur is not None
        rd = self._reader
        if rd is not None:
            if rd.is_alive() and not wait:
                return False
            rd.join()
            self._reader = None
            if rd.result is not None:
                self._adoc = rd.result
                return True
        # no file to read from (an in-memory project), or the worker failed: read here
        adoc = self._project.get_annotated(cur.id)
        adoc.spans.sort(key=_span_key)
        _sort_links(adoc)
        _share_strings(adoc)
        self._adoc = adoc
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

    def _apply(self, budget_ms: float | None) -> None:
        """Apply one slice (``budget_ms`` None: everything that is left, slice after slice, at once).

        A slice's size is set from how long the last one of the same phase
        took, its drawing included, so a turn stays within ``budget_ms``.
        """
        cur, adoc = self._cur, self._adoc
        assert cur is not None and adoc is not None
        while True:
            phase = self._phase
            n = self._batch[phase] if budget_ms is not None else self.MAX_BATCH
            t0 = time.perf_counter()
            sl = self._next_slice(cur, adoc, n)
            self.slices += 1
            if sl.last:
                self._cur = None
                self._adoc = None
                self._unquiet()
            self._emit(sl)
            took = (time.perf_counter() - t0) * 1000
            if budget_ms is not None and phase < 3:
                per_item = max(took, 0.05) / n
                self._batch[phase] = int(max(self.MIN_BATCH, min(self.MAX_BATCH, budget_ms / per_item)))
            if sl.last or budget_ms is not None:
                return

    def _next_slice(self, cur: DocState, adoc: AnnotatedDocument, n: int) -> LoadSlice:
        """Take up to ``n`` more annotations of the snapshot into ``cur`` (those edited meanwhile are skipped)."""
        sl = LoadSlice(cur.id, loaded_upto=cur.loaded_upto)
        skip = cur.touched
        while self._phase < 3:
            items = (adoc.spans, adoc.events, adoc.relations)[self._phase]
            if self._pos < len(items):
                j = min(self._pos + n, len(items))
                chunk = items[self._pos:j]
                self._pos = j
                if self._phase == 0:
                    new = [s for s in chunk if s.id not in cur.spans and s.id not in skip]
                    cur.add_loaded_spans(new)
                    sl.spans = new
                    cur.loaded_upto = items[j].start if j < len(items) else len(cur.text)
                    sl.loaded_upto = cur.loaded_upto
                elif self._phase == 1:
                    evs: list[Event] = [e for e in chunk if e.id not in cur.events and e.id not in skip]
                    cur.events.update((e.id, e) for e in evs)
                    sl.events = [e.id for e in evs]
                else:
                    rels: list[Relation] = [r for r in chunk if r.id not in cur.relations and r.id not in skip]
                    cur.relations.update((r.id, r) for r in rels)
                    sl.relations = [r.id for r in rels]
                if j < len(items) or self._phase < 2:
                    if j == len(items):
                        self._phase, self._pos = self._phase + 1, 0
                    return sl
            self._phase += 1
            self._pos = 0
        sl.loaded_upto = cur.loaded_upto = len(cur.text)
        cur.partial = False
        cur.touched = set()
        sl.last = True
        return sl
