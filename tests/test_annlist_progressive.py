"""The Annotations panel fills from the loader's slices: rows inserted over many turns, never a reset at the end.

Real window, real project file; the expected rows and their order come from
sqlite3 queries on the project file written here, not from the panel's code.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt import loader as loader_mod
from annotator.qt.annlist import AnnotationTableModel
from annotator.qt.mainwindow import MainWindow
from annotator.store import Project
from test_progressive_open import sliced_window

LABELS = ("PER", "GPE", "ORG")


def long_document() -> AnnotatedDocument:
    """Paragraphs of numbered words: every third word an entity, every tenth a trigger with an event,
    every fifth entity, if a PER, in a relation with the GPE before it (the head after the tail)."""
    parts: list[str] = []
    spans: list[Span] = []
    events: list[Event] = []
    relations: list[Relation] = []
    pos = word_no = 0
    entities: list[str] = []
    last_gpe = ""
    for _para in range(400):
        words: list[str] = []
        for _k in range(12):
            w = f"w{word_no}"
            start = pos + sum(len(x) + 1 for x in words)
            words.append(w)
            end = start + len(w)
            sid = f"T{len(spans) + 1}"
            if word_no % 3 == 0:
                label = LABELS[word_no % 9 // 3]
                spans.append(Span(sid, label, start, end))
                entities.append(sid)
                if label == "GPE":
                    last_gpe = sid
                elif label == "PER" and last_gpe and len(entities) % 5 == 0:
                    relations.append(Relation(f"R{len(relations) + 1}", "PHYS", sid, last_gpe))
            elif word_no % 10 == 1 and entities:
                spans.append(Span(sid, "Conflict.Attack", start, end, kind="trigger"))
                events.append(Event(f"E{len(events) + 1}", "Conflict.Attack", sid, [Argument("Attacker", entities[-1])]))
            word_no += 1
        line = " ".join(words)
        parts.append(line)
        pos += len(line) + 1
    return AnnotatedDocument(Document(id="long", text="\n".join(parts), name="long"), spans, events, relations)


def stored_rows(path: Path) -> list[tuple[str, str, int]]:
    """(id, type, start) of every row the panel should show, straight from the file: entity spans,
    events at their trigger's start, relations at the smaller start of their two ends."""
    db = sqlite3.connect(path)
    try:
        doc = db.execute("SELECT pk FROM documents WHERE id = 'long'").fetchone()[0]
        rows = db.execute("SELECT id, label, start FROM spans WHERE doc = ? AND kind = 'entity'", (doc,)).fetchall()
        rows += db.execute("SELECT e.id, e.type, t.start FROM events e JOIN spans t ON t.pk = e.trigger "
                           "WHERE e.doc = ?", (doc,)).fetchall()
        rows += db.execute("SELECT r.id, r.type, min(h.start, t.start) FROM relations r "
                           "JOIN spans h ON h.pk = r.head JOIN spans t ON t.pk = r.tail WHERE r.doc = ?",
                           (doc,)).fetchall()
    finally:
        db.close()
    return rows


def id_key(ann_id: str) -> tuple[str, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ann_id)
    assert m, ann_id
    return m.group(1), int(m.group(2))


class Recorder:
    """Structural signals of the panel's model, and in how many event-loop turns rows came in."""

    def __init__(self, model) -> None:  # noqa: ANN001
        self.inserted = 0
        self.resets = 0
        self.layouts = 0
        model.rowsInserted.connect(self._ins)
        model.modelReset.connect(self._reset)
        model.layoutChanged.connect(self._layout)

    def _ins(self, *_a) -> None:  # noqa: ANN002
        self.inserted += 1

    def _reset(self) -> None:
        self.resets += 1

    def _layout(self, *_a) -> None:  # noqa: ANN002
        self.layouts += 1


def load_fully(w: MainWindow, rec: Recorder, on_turn=None) -> list[int]:  # noqa: ANN001
    """Process events one turn at a time until loaded; rowsInserted signals of each turn that had some."""
    app = QApplication.instance()
    per_turn: list[int] = []
    turn = 0
    for turn in range(20_000):
        if not w.session.current.partial:
            break
        before = rec.inserted
        app.processEvents()
        if rec.inserted > before:
            per_turn.append(rec.inserted - before)
        if on_turn is not None:
            on_turn(turn)
    assert not w.session.current.partial, "the document never finished loading"
    app.processEvents()
    return per_turn


@pytest.fixture
def long_window(qtbot, tmp_path, monkeypatch):
    adoc = long_document()
    w, path = sliced_window(qtbot, tmp_path, monkeypatch, adoc)
    yield w, adoc, path
    w.close()


def test_rows_come_with_the_slices_in_position_order(long_window):
    w, adoc, path = long_window
    lst = w.panels.ann_list
    assert w.session.current.partial
    first_rows = lst.model.rowCount()
    picked = lst.visible_ids()[first_rows // 2]  # a row the events' rows will go around
    lst.select(picked)
    rec = Recorder(lst.model)
    per_turn = load_fully(w, rec)
    assert lst.selected_id() == picked, "the selection must survive the load"
    expected = sorted(stored_rows(path), key=lambda r: (r[2], *id_key(r[0])))
    assert len(expected) == sum(1 for s in adoc.spans if s.kind == "entity") + len(adoc.events) + len(adoc.relations)
    assert first_rows < len(expected) // 5, "the first part alone is in the list at open"
    assert lst.visible_ids() == [r[0] for r in expected]
    model = lst.model
    shown = [(model.index(i, AnnotationTableModel.COL_TYPE).data(), model.index(i, AnnotationTableModel.COL_START).data())
             for i in range(model.rowCount())]
    assert shown == [(r[1], r[2]) for r in expected]
    assert rec.resets == 0, "the end of the load must not reset the list"
    assert len(per_turn) >= 5, f"rows came in {len(per_turn)} turns only"
    # events and relations are interleaved with the spans by position: several inserts per slice,
    # yet a slice of spans in text order goes in as one run
    assert rec.inserted >= len(per_turn)


def test_sorting_and_filter_changed_during_the_load(long_window):
    w, _adoc, path = long_window
    lst = w.panels.ann_list
    rec = Recorder(lst.model)

    def on_turn(turn: int) -> None:
        if turn == 3:
            lst.view.sortByColumn(AnnotationTableModel.COL_TYPE, Qt.SortOrder.DescendingOrder)
        if turn == 6:
            lst.filter.setText("gp")  # the type GPE only: no text of this document holds "gp"

    load_fully(w, rec, on_turn)
    rows = stored_rows(path)
    by_type = sorted(rows, key=lambda r: (r[1], r[2], *id_key(r[0])), reverse=True)
    assert lst.visible_ids() == [r[0] for r in by_type if r[1] == "GPE"]
    lst.filter.setText("")
    assert lst.visible_ids() == [r[0] for r in by_type]
    assert rec.resets == 0
    lst.view.sortByColumn(AnnotationTableModel.COL_START, Qt.SortOrder.AscendingOrder)
    assert lst.visible_ids() == [r[0] for r in sorted(rows, key=lambda r: (r[2], *id_key(r[0])))]


def test_a_tag_made_during_the_load_shows_once(long_window, monkeypatch):
    """The worker's snapshot is read after the tag (so it holds the new span too): one row all the same."""
    w, adoc, path = long_window
    held: list[threading.Thread] = []
    monkeypatch.setattr(loader_mod._Reader, "start", lambda self: held.append(self))
    w.open_document("long")
    cur = w.session.current
    assert cur.partial and len(held) == 1
    text = adoc.document.text
    start = text.index(" w2 ") + 1  # word 2: neither an entity nor a trigger
    w.view.set_selection(start, start + 2)
    w.tagger.apply_label("LOC")
    new_id = next(s.id for s in cur.spans.values() if (s.start, s.end) == (start, start + 2))
    lst = w.panels.ann_list
    assert lst.visible_ids().count(new_id) == 1
    threading.Thread.start(held[0])
    held[0].join()
    assert any(s.id == new_id for s in held[0].result.spans)
    rec = Recorder(lst.model)
    load_fully(w, rec)
    ids = lst.visible_ids()
    assert ids.count(new_id) == 1
    expected = sorted(stored_rows(path), key=lambda r: (r[2], *id_key(r[0])))
    assert ids == [r[0] for r in expected]
    assert rec.resets == 0
    # the list still follows edits in place once loaded: select it, relabel, delete
    lst.select(new_id)
    assert lst.selected_id() == new_id
    w.session.undo_stack.undo()
    QApplication.processEvents()
    assert new_id not in lst.visible_ids()
    assert len(lst.visible_ids()) == len(expected) - 1


def test_no_cyclic_gc_pass_during_the_load_and_gc_back_after(long_window):
    """A full GC pass over the slices' new objects stalls the GUI at 4 MB: off while loading, on after
    the load and after a load given up for another document."""
    import gc

    w, _adoc, _path = long_window
    assert gc.isenabled() is False and w.session.current.partial
    load_fully(w, Recorder(w.panels.ann_list.model))
    assert gc.isenabled()
    w.open_document("long")
    assert w.session.current.partial and not gc.isenabled()
    with Project.open(_path) as p:
        p.import_documents([AnnotatedDocument(Document(id="short", text="Short text.", name="short"), [])])
    w.open_document("short")  # the long one's load is given up
    for t in threading.enumerate():
        if t.name == "load long":  # its reader, still running, keeps GC off until it is done
            t.join()
    assert gc.isenabled()
