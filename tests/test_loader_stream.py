"""The loader's worker reads a document in chunks (annotator.docstream) and the window starts on the first chunk.

Real project files; the expected order and content come from the test's own
data, not from the code under test.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.docstream import stream_annotations
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.qt import loader as loader_mod
from annotator.qt.loader import DocumentLoader
from annotator.qt.mainwindow import MainWindow
from annotator.qt.session import Session
from annotator.store import Project, StoreError
from test_progressive_open import load_fully, long_window  # noqa: F401  (a fixture)


def small_doc() -> AnnotatedDocument:
    """Spans given out of text order, two at one start (the longer must come first), a discontinuous one,
    one with attributes and a normalization; events and relations out of order too."""
    text = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu"
    spans = [
        Span("T1", "PER", 31, 35),                       # zeta
        Span("T2", "ORG", 0, 5),                         # Alpha
        Span("T3", "ORG", 0, 10, attributes={"Negated": True},
             normalizations=[Normalization("Wiki", "Q1", "Alpha")]),  # Alpha beta
        Span("T4", "Conflict.Attack", 17, 22, kind="trigger"),  # delta
        Span("T5", "GPE", 6, 16, fragments=[(6, 10), (11, 16)]),  # beta gamma, in two pieces
        Span("T6", "Conflict.Attack", 61, 63, kind="trigger"),  # "mu", past the others
        Span("T7", "LOC", 40, 45),                       # theta
    ]
    events = [
        Event("E1", "Conflict.Attack", "T6", [Argument("Place", "T7")]),
        Event("E2", "Conflict.Attack", "T4", [Argument("Attacker", "T2"), Argument("Target", "T1")]),
    ]
    relations = [Relation("R1", "PHYS", "T7", "T1"), Relation("R2", "PHYS", "T3", "T5")]
    return AnnotatedDocument(Document(id="d", text=text, name="d"), spans, events, relations)


@pytest.fixture
def project_file(tmp_path) -> Path:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        p.import_documents([small_doc()], validate=False)  # an attribute the default schema lacks: stored all the same
    return path


def test_chunks_come_in_text_order_with_every_field(project_file):
    got = list(stream_annotations(project_file, "d", chunk=2))
    kinds = [k for k, _ in got]
    assert kinds == ["spans"] * 4 + ["events", "relations"]
    assert all(len(items) <= 2 for _, items in got)
    spans = [s for k, items in got if k == "spans" for s in items]
    # by start, the longer first at one start (worked out by hand from small_doc)
    assert [s.id for s in spans] == ["T3", "T2", "T5", "T4", "T1", "T7", "T6"]
    by_id = {s.id: s for s in small_doc().spans}
    for s in spans:
        want = by_id[s.id]
        assert (s.label, s.start, s.end, s.kind, s.fragments, s.attributes, s.normalizations) == (
            want.label, want.start, want.end, want.kind, want.fragments, want.attributes, want.normalizations)
    events = [e for k, items in got if k == "events" for e in items]
    assert [e.id for e in events] == ["E2", "E1"]  # by trigger start: delta (17) before mu (61)
    assert [(a.role, a.ref) for a in events[0].arguments] == [("Attacker", "T2"), ("Target", "T1")]
    rels = [r for k, items in got if k == "relations" for r in items]
    assert [(r.id, r.head, r.tail) for r in rels] == [("R2", "T3", "T5"), ("R1", "T7", "T1")]  # by first end: 0, then 31


def test_empty_attributes_are_shared_and_read_only(project_file):
    spans = [s for k, items in stream_annotations(project_file, "d") if k == "spans" for s in items]
    plain = [s for s in spans if s.id != "T3"]
    assert all(s.attributes == {} and s.normalizations == [] for s in plain)
    assert json.dumps(plain[0].attributes) == "{}" and json.dumps(plain[0].normalizations) == "[]"
    assert plain[0].attributes is plain[1].attributes  # one object, not one each
    with pytest.raises(TypeError):
        plain[0].attributes["Negated"] = True
    with pytest.raises(TypeError):
        plain[0].attributes.update(Negated=True)
    with pytest.raises(TypeError):
        plain[0].normalizations.append(Normalization("Wiki", "Q2"))
    assert all(s.attributes == {} and s.normalizations == [] for s in plain)
    t3 = next(s for s in spans if s.id == "T3")
    t3.attributes["Speculated"] = True  # a span with attributes has its own dict
    assert plain[0].attributes == {}


def test_one_snapshot_for_the_whole_read(project_file):
    """A span written by another connection after the first chunk is not in the rest of the stream."""
    it = stream_annotations(project_file, "d", chunk=2)
    first = next(it)
    assert first[0] == "spans"
    with Project.open(project_file) as other:
        new = other.add_span("d", Span("", "LOC", 50, 55))  # kappa: would come late in text order
        ev = other.add_event("d", Event("", "Conflict.Attack", ""), Span("", "Conflict.Attack", 6, 10, kind="trigger"))
    rest = list(it)
    spans = [s.id for k, items in rest if k == "spans" for s in items]
    assert new.id not in spans and ev.trigger not in spans
    assert len(first[1]) + len(spans) == len(small_doc().spans)
    events = [e.id for k, items in rest if k == "events" for e in items]
    assert sorted(events) == ["E1", "E2"]  # not the event written after the read began (its own query runs later)


def test_a_missing_document_is_one_error_naming_the_file(project_file):
    with pytest.raises(StoreError, match=r"p\.db.*'nope'"):
        list(stream_annotations(project_file, "nope"))


# ---------------------------------------------------------------------- the window starts on the first chunk

def long_doc() -> AnnotatedDocument:
    words = [f"w{i}" for i in range(6000)]
    text = " ".join(words)
    spans, pos = [], 0
    for i, w in enumerate(words):
        if i % 3 == 0:
            spans.append(Span(f"T{len(spans) + 1}", "PER", pos, pos + len(w)))
        pos += len(w) + 1
    return AnnotatedDocument(Document(id="long", text=text, name="long"), spans)


def test_slices_start_while_the_worker_still_reads(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(Session, "FIRST_CHARS", 1000)
    monkeypatch.setattr(DocumentLoader, "MAX_BATCH", 100)
    monkeypatch.setattr("annotator.docstream.CHUNK", 300)
    adoc = long_doc()
    path = tmp_path / "long.db"
    with Project.open(path) as p:
        p.import_documents([adoc])
    release = threading.Event()
    real = loader_mod.stream_annotations

    def held_after_first_chunk(path, doc_id, **more):  # noqa: ANN001, ANN003, ANN202
        it = real(path, doc_id, chunk=300, **more)
        yield next(it)
        release.wait(30)
        yield from it
    monkeypatch.setattr(loader_mod, "stream_annotations", held_after_first_chunk)
    w = MainWindow(path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.show()
    cur = w.session.current
    assert cur.partial
    first_chunk = {s.id for s in sorted(adoc.spans, key=lambda s: s.start)[:300]}
    for _ in range(2000):
        QApplication.processEvents()
        if first_chunk <= set(w.view.spans()):
            break
    reader = w.session.loader._reader
    assert reader is not None and reader.is_alive() and not reader.done
    assert first_chunk <= set(w.view.spans()), "the first chunk must be drawn while the worker still reads"
    assert cur.partial
    # every span starting before loaded_upto is in; the rest are not read yet
    missing = [s for s in adoc.spans if s.id not in cur.spans]
    assert missing and cur.loaded_upto <= min(s.start for s in missing)
    release.set()
    load_fully(w)
    assert not cur.partial
    assert sorted(w.view.spans()) == sorted(s.id for s in adoc.spans)
    w.close()


def test_a_worker_that_fails_midway_is_finished_on_the_gui_thread(qtbot, tmp_path, monkeypatch):
    """The worker's read breaks after its first chunk: the loader reads the document itself; each span is
    handed out once and drawn once."""
    monkeypatch.setattr(Session, "FIRST_CHARS", 1000)
    monkeypatch.setattr(DocumentLoader, "MAX_BATCH", 100)
    adoc = long_doc()
    path = tmp_path / "long.db"
    with Project.open(path) as p:
        p.import_documents([adoc])
    real = loader_mod.stream_annotations

    def breaks_after_first_chunk(path, doc_id, **more):  # noqa: ANN001, ANN003, ANN202
        it = real(path, doc_id, chunk=300, **more)
        yield next(it)
        raise OSError("disk I/O error")
    monkeypatch.setattr(loader_mod, "stream_annotations", breaks_after_first_chunk)
    w = MainWindow(path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.show()
    seen: list[loader_mod.LoadSlice] = []
    w.session.document_progress.connect(seen.append)
    load_fully(w)
    assert not w.session.current.partial
    drawn = [sp.id for sl in seen for sp in sl.spans]
    assert len(drawn) == len(set(drawn))  # each span handed out once
    assert sorted(w.view.spans()) == sorted(s.id for s in adoc.spans)
    assert sorted(w.session.current.spans) == sorted(s.id for s in adoc.spans)
    w.close()


def test_the_role_count_kept_for_drags_takes_in_each_slice(long_window):
    """A count of the open document taken while it loads is not kept past the next slice: after
    each turn it is what the document holds then, and once loaded every event's argument is
    counted (each of the test's events has one PER Attacker)."""
    from test_progressive_open import long_document

    w, _adoc, _where, _path = long_window
    adoc, _ = long_document()
    counts = w.linker.role_counts
    key = ("Conflict.Attack", "PER", "Attacker")
    app = QApplication.instance()
    seen = []
    for _ in range(20_000):
        cur = w.session.current
        held = sum(1 for e in cur.events.values() if e.arguments and e.arguments[0].ref in cur.spans)
        seen.append(held)
        assert counts.counts(w.session.project, cur, "Conflict.Attack")[key] == held
        if not cur.partial:
            break
        app.processEvents()
    assert seen[0] < len(adoc.events) == seen[-1] and len(set(seen)) > 2  # it grew over several slices
