"""Validation of only what an edit touched: per-annotation problems kept up to date by annotation ids.

:class:`IncrementalValidation` holds the problems of one document by the
annotation they concern and, after an edit, re-checks just the annotations
whose result can have changed.  Which are those?  A check reads:

- a span's: the span alone (its offsets, fragments, label, attributes);
- an event's: the event, its trigger span, and each argument's filler (a
  span or an event: its kind and label or type);
- a relation's: the relation and the annotations its head and tail name;
- the cycle check: the graph of events that fill one another's roles.

So when annotation ``x`` changed (was added, removed or edited), the results
that can change are those of ``x`` itself, of the events whose trigger is
``x``, of the events with an argument naming ``x``, of the relations whose head
or tail is ``x`` and, when an event with an event filler is among them, the
cycles.  Reverse indexes (by the id referred to, so that they also cover ids
that name nothing yet) answer those three questions; they are kept in step
from what each event and relation referred to when last indexed.

Ids used by two kinds of annotation at once (a span and an event called
``X``) make the full validator's first-one-wins lookups differ from the
document's: while any such id exists, each update validates the whole
document instead.  The union of the problems always equals
:func:`annotator.validate.validate_document` of the same document, as a
multiset (tests/test_incremental_validation.py checks this after random edit
sequences); the order differs, so callers sort (see :func:`display_order`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from .model import AnnotatedDocument, Document, Event, Relation, Span
from .quoting import ident
from .schema import Schema
from .validate import (ERROR, Problem, _Checker, _tables, cycle_messages, event_clean, event_successors,
                       relation_clean, span_clean)

__all__ = ["IncrementalValidation", "display_order"]

_NUM = re.compile(r"(\d+)")


class DocLike(Protocol):
    """What the validator reads: the GUI's DocState has exactly this."""

    document: Document
    spans: dict[str, Span]
    events: dict[str, Event]
    relations: dict[str, Relation]


def _natural(ref: str | None) -> tuple:
    if ref is None:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in _NUM.split(ref))


def display_order(problems: Iterable[Problem]) -> list[Problem]:
    """Errors first, then by annotation id in natural order (T2 before T10); stable within one id."""
    return sorted(problems, key=lambda p: (0 if p.severity == ERROR else 1, _natural(p.ref)))


# The reverse indexes map an id to the one id that refers to it, as a plain string (the usual case),
# or to a set of them when there are several: a set costs 216 bytes, and at brat's density there is
# one entry per argument (70,000 at 4 MB).
def _add(index: dict[str, str | set[str]], key: str, value: str) -> None:
    s = index.get(key)
    if s is None:
        index[key] = value
    elif type(s) is str:
        if s != value:
            index[key] = {s, value}
    else:
        s.add(value)  # type: ignore[union-attr]


def _discard(index: dict[str, str | set[str]], key: str, value: str) -> None:
    s = index.get(key)
    if s is None:
        return
    if type(s) is str:
        if s == value:
            del index[key]
        return
    s.discard(value)  # type: ignore[union-attr]
    if len(s) == 1:
        index[key] = next(iter(s))  # type: ignore[arg-type]
    elif not s:
        del index[key]


def _take(into: set[str], index: dict[str, str | set[str]], key: str) -> None:
    """Add the ids ``index`` holds for ``key`` to ``into``."""
    s = index.get(key)
    if s is None:
        return
    if type(s) is str:
        into.add(s)  # type: ignore[arg-type]
    else:
        into |= s  # type: ignore[arg-type]


class IncrementalValidation:
    """The problems of ``doc`` (a DocState, read live) against ``schema``, updated by :meth:`update`."""

    def __init__(self, schema: Schema, doc: DocLike, *, build: bool = True) -> None:
        """Validate ``doc`` at once; with ``build=False`` the caller runs :meth:`build_steps` itself."""
        self.schema = schema
        self.doc = doc
        if build:
            self.rebuild()

    # ------------------------------------------------------------------ whole document

    def rebuild(self) -> None:
        """Validate the whole document and index it (on open; and while duplicate ids exist)."""
        for _ in self.build_steps():
            pass

    def build_steps(self, every: int = 2000) -> Iterator[int]:
        """:meth:`rebuild` in steps: yields after each ``every`` annotations (the number done so far).

        Between two steps the document may change: the caller keeps the ids of
        those changes and passes them to :meth:`update` once the steps are done
        (what was checked before a change is checked again then).
        """
        doc = self.doc
        self.by_span: dict[str, list[Problem]] = {}
        self.by_event: dict[str, list[Problem]] = {}
        self.by_relation: dict[str, list[Problem]] = {}
        self.cycles: list[Problem] = []
        self.graph: dict[str, list[str]] = {}
        self.triggered: dict[str, str | set[str]] = {}   # span id -> events it triggers (see _add)
        self.filled: dict[str, str | set[str]] = {}      # id -> events with an argument naming it
        self.related: dict[str, str | set[str]] = {}     # id -> relations whose head or tail it is
        self._event_refs: dict[str, tuple[str, ...]] = {}  # event id -> (trigger, *argument refs) last indexed
        self._relation_refs: dict[str, tuple[str, str]] = {}
        self._full: list[Problem] | None = None
        spans, events, relations = doc.spans, doc.events, doc.relations
        self.dups: set[str] = (spans.keys() & events.keys()) | (spans.keys() & relations.keys()) \
            | (events.keys() & relations.keys())
        if self.dups:
            for ev in events.values():
                self._index_event(ev)
            for rel in relations.values():
                self._index_relation(rel)
            self._full = self._validate_all()
            return
        c = self._checker()
        text_len = len(doc.document.text)
        t = _tables(self.schema)
        done = 0
        for sid in list(spans):
            s = spans.get(sid)
            if s is not None and not span_clean(t, s, text_len):
                self._store(self.by_span, sid, self._span_problems(c, s, text_len))
            done += 1
            if done % every == 0:
                yield done
        for eid in list(events):
            ev = events.get(eid)
            if ev is None:
                continue
            self._index_event(ev)
            succ = event_successors(ev, events)
            if succ:
                self.graph[eid] = succ
            if succ or not event_clean(t, ev, spans):
                self._store(self.by_event, eid, self._event_problems(c, ev))
            done += 1
            if done % every == 0:
                yield done
        for rid in list(relations):
            rel = relations.get(rid)
            if rel is None:
                continue
            self._index_relation(rel)
            if not relation_clean(self.schema, t, rel, spans):
                self._store(self.by_relation, rid, self._relation_problems(c, rel))
            done += 1
            if done % every == 0:
                yield done
        self._recompute_cycles()

    def _annotated(self) -> AnnotatedDocument:
        d = self.doc
        return AnnotatedDocument(d.document, list(d.spans.values()), list(d.events.values()),
                                 list(d.relations.values()))

    def _validate_all(self) -> list[Problem]:
        from .validate import validate_document

        return validate_document(self.schema, self._annotated())

    # ------------------------------------------------------------------ indexes

    def _index_event(self, ev: Event) -> None:
        self._event_refs[ev.id] = (ev.trigger, *(a.ref for a in ev.arguments))
        _add(self.triggered, ev.trigger, ev.id)
        for a in ev.arguments:
            _add(self.filled, a.ref, ev.id)

    def _unindex_event(self, eid: str) -> None:
        old = self._event_refs.pop(eid, None)
        if old is not None:
            _discard(self.triggered, old[0], eid)
            for r in old[1:]:
                _discard(self.filled, r, eid)

    def _index_relation(self, rel: Relation) -> None:
        self._relation_refs[rel.id] = (rel.head, rel.tail)
        _add(self.related, rel.head, rel.id)
        _add(self.related, rel.tail, rel.id)

    def _unindex_relation(self, rid: str) -> None:
        old = self._relation_refs.pop(rid, None)
        if old is not None:
            _discard(self.related, old[0], rid)
            _discard(self.related, old[1], rid)

    # ------------------------------------------------------------------ checks of one annotation

    def _checker(self) -> _Checker:
        d = self.doc
        c = _Checker(self.schema, None)  # type: ignore[arg-type]  # no document: the lookups are the live dicts
        c.spans = d.spans
        c.events = d.events
        return c

    @staticmethod
    def _span_problems(c: _Checker, span: Span, text_len: int) -> list[Problem]:
        c.problems = []
        c.check_span(span, text_len)
        return c.problems

    @staticmethod
    def _event_problems(c: _Checker, ev: Event) -> list[Problem]:
        c.problems = []
        c.check_event(ev)
        return c.problems

    @staticmethod
    def _relation_problems(c: _Checker, rel: Relation) -> list[Problem]:
        c.problems = []
        c.check_relation(rel)
        return c.problems

    @staticmethod
    def _store(table: dict[str, list[Problem]], ann_id: str, problems: list[Problem]) -> bool:
        """Keep ``problems`` for ``ann_id``; True if they differ from what was kept."""
        old = table.get(ann_id)
        if problems:
            table[ann_id] = problems
            return old != problems
        if old is not None:
            del table[ann_id]
            return True
        return False

    def _recompute_cycles(self) -> bool:
        cycles = [Problem(ERROR, f"{ident(ref)}: {msg}", ref)
                  for ref, msg in cycle_messages({k: self.graph[k] for k in self.graph})]
        changed = cycles != self.cycles
        self.cycles = cycles
        return changed

    # ------------------------------------------------------------------ an edit

    def update(self, ids: Iterable[str]) -> bool:
        """Take in that the annotations ``ids`` were added, removed or changed; True if the problems changed."""
        doc = self.doc
        spans, events, relations = doc.spans, doc.events, doc.relations
        ids = set(ids)
        for x in ids:
            if (x in spans) + (x in events) + (x in relations) > 1:
                self.dups.add(x)
            else:
                self.dups.discard(x)
        if self.dups or self._full is not None:
            before = self.problems()
            self.rebuild()
            return sorted(map(repr, before)) != sorted(map(repr, self.problems()))
        # 1. the indexes follow the changed events and relations
        for x in ids:
            self._unindex_event(x)
            ev = events.get(x)
            if ev is not None:
                self._index_event(ev)
            self._unindex_relation(x)
            rel = relations.get(x)
            if rel is not None:
                self._index_relation(rel)
        # 2. what can have another result now
        re_spans: set[str] = set()
        re_events: set[str] = set()
        re_relations: set[str] = set()
        triggered, filled, related = self.triggered, self.filled, self.related
        for x in ids:
            re_spans.add(x)
            re_events.add(x)
            re_relations.add(x)
            _take(re_events, triggered, x)
            _take(re_events, filled, x)
            _take(re_relations, related, x)
        # 3. re-check them
        changed = False
        c = self._checker()
        text_len = len(doc.document.text)
        for x in re_spans:
            s = spans.get(x)
            if s is not None:
                changed |= self._store(self.by_span, x, self._span_problems(c, s, text_len))
            elif x in self.by_span:
                del self.by_span[x]
                changed = True
        graph_changed = False
        graph = self.graph
        for x in re_events:
            ev = events.get(x)
            if ev is not None:
                changed |= self._store(self.by_event, x, self._event_problems(c, ev))
                succ = event_successors(ev, events)
            else:
                if x in self.by_event:
                    del self.by_event[x]
                    changed = True
                succ = []
            if succ:
                if graph.get(x) != succ:
                    graph[x] = succ
                    graph_changed = True
            elif x in graph:
                del graph[x]
                graph_changed = True
        if graph_changed:
            changed |= self._recompute_cycles()
        for x in re_relations:
            r = relations.get(x)
            if r is not None:
                changed |= self._store(self.by_relation, x, self._relation_problems(c, r))
            elif x in self.by_relation:
                del self.by_relation[x]
                changed = True
        return changed

    # ------------------------------------------------------------------ results

    def problems(self) -> list[Problem]:
        """Every problem of the document (the order is not the full validator's: see display_order)."""
        if self._full is not None:
            return list(self._full)
        out: list[Problem] = []
        for table in (self.by_span, self.by_event):
            for ps in table.values():
                out.extend(ps)
        out.extend(self.cycles)
        for ps in self.by_relation.values():
            out.extend(ps)
        return out
