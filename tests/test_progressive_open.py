"""A long document opens in slices after its first frame: every span drawn once, in place; tagging while it loads."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Argument, Document, Event, Span
from annotator.qt import loader as loader_mod
from annotator.qt.loader import DocumentLoader
from annotator.qt.mainwindow import MainWindow
from annotator.qt.session import Session
from annotator.store import Project

FIRST = 2_000  # Session.FIRST_CHARS in these tests: the document is ~25x longer


def long_document() -> tuple[AnnotatedDocument, dict[str, tuple[int, int, int, str]]]:
    """Paragraphs of numbered words; every third word an entity, every tenth an event with one argument.

    Returns the document and, for each span id, what the test itself computed:
    (start, end, paragraph, word).
    """
    parts: list[str] = []
    spans: list[Span] = []
    events: list[Event] = []
    where: dict[str, tuple[int, int, int, str]] = {}
    pos = 0
    word_no = 0
    last_entity: str | None = None
    for para in range(400):
        words = []
        for _k in range(12):
            w = f"w{word_no}"
            words.append(w)
            start = pos + sum(len(x) + 1 for x in words[:-1])
            end = start + len(w)
            if word_no % 3 == 0:
                sid = f"T{len(spans) + 1}"
                spans.append(Span(sid, "PER", start, end))
                where[sid] = (start, end, para, w)
                last_entity = sid
            elif word_no % 10 == 1 and last_entity is not None:
                sid = f"T{len(spans) + 1}"
                spans.append(Span(sid, "Conflict.Attack", start, end, kind="trigger"))
                where[sid] = (start, end, para, w)
                events.append(Event(f"E{len(events) + 1}", "Conflict.Attack", sid, [Argument("Attacker", last_entity)]))
            word_no += 1
        line = " ".join(words)
        parts.append(line)
        pos += len(line) + 1
    text = "\n".join(parts)
    return AnnotatedDocument(Document(id="long", text=text, name="long"), spans, events, []), where


def untagged_word(text: str, word: str, where: dict) -> tuple[int, int]:
    start = text.index(f" {word} ") + 1
    end = start + len(word)
    assert all((s, e) != (start, end) for s, e, _p, _w in where.values())
    return start, end


def sliced_window(qtbot, tmp_path: Path, monkeypatch, adoc: AnnotatedDocument) -> tuple[MainWindow, Path]:  # noqa: ANN001
    """A 1200x800 window on a project of ``adoc`` alone, with a first part of FIRST characters and small slices."""
    monkeypatch.setattr(Session, "FIRST_CHARS", FIRST)
    monkeypatch.setattr(DocumentLoader, "MAX_BATCH", 150)  # many slices even on a fast machine
    assert len(adoc.document.text) > 12 * FIRST
    path = tmp_path / "long.db"
    with Project.open(path) as p:
        p.import_documents([adoc])
    w = MainWindow(path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w, path


@pytest.fixture
def long_window(qtbot, tmp_path, monkeypatch):
    adoc, where = long_document()
    w, path = sliced_window(qtbot, tmp_path, monkeypatch, adoc)
    yield w, adoc, where, path
    w.close()


def load_fully(w: MainWindow) -> list[int]:
    """Process events one turn at a time until loaded; the number of slices each turn brought."""
    per_turn: list[int] = []
    seen: list[object] = []
    w.session.document_progress.connect(seen.append)
    app = QApplication.instance()
    for _ in range(20_000):
        if not w.session.current.partial:
            break
        before = len(seen)
        app.processEvents()
        if len(seen) > before:
            per_turn.append(len(seen) - before)
    w.session.document_progress.disconnect(seen.append)
    assert not w.session.current.partial, "the document never finished loading"
    return per_turn


def test_opens_partial_then_loads_in_many_turns(long_window):
    w, adoc, _where, _path = long_window
    cur = w.session.current
    assert cur.partial, "a long document must open with its first part only"
    assert len(w.view.spans()) < len(adoc.spans) // 5
    per_turn = load_fully(w)
    # a load done in one synchronous call would bring every slice in one turn
    assert len(per_turn) >= 5
    assert max(per_turn) == 1
    assert w.session.loader.slices >= 5


def test_every_span_drawn_once_where_it_belongs(long_window):
    w, adoc, where, _path = long_window
    load_fully(w)
    view = w.view
    assert set(view.spans()) == set(where)
    assert set(w.session.current.spans) == set(where)
    # tags and boxes from the laid-out paragraphs, against offsets computed from the text here
    text = adoc.document.text
    para_start = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            para_start.append(i + 1)
    tags: dict[str, list[int]] = {}
    for p in range(len(view.stack.paras)):
        pl = view.stack.layout(p)
        for tag in pl.tags:
            tags.setdefault(tag.sid, []).append(p)
        for rect, sid, _label in pl.boxes:
            start, _end, para, _word = where[sid]
            assert para == p, f"{sid} boxed in paragraph {p}, belongs in {para}"
            local = start - para_start[para]
            line = pl.layout.lineForTextPosition(local)
            assert abs(rect.left() - line.cursorToX(local)[0]) < 3, f"{sid} boxed away from its word"
    assert set(tags) == set(where)
    for sid, paras in tags.items():
        assert paras == [where[sid][2]], f"{sid} tagged in paragraphs {paras}"
    for sid, (start, end, _para, word) in where.items():
        assert text[start:end] == word
        sp = view.spans()[sid]
        assert (sp.start, sp.end) == (start, end)
    # every argument is an arc, once
    assert sorted(lk.owner for lk in view.links().values()) == sorted(e.id for e in adoc.events)


def test_tag_in_the_first_slice_while_loading(long_window):
    w, adoc, where, path = long_window
    cur = w.session.current
    assert cur.partial
    start, end = untagged_word(adoc.document.text, "w2", where)
    assert end < FIRST
    w.view.set_selection(start, end)
    w.tagger.apply_label("ORG")
    assert w.session.current is cur and cur.partial, "a tag in the loaded part must not wait for the rest"
    new = [s for s in cur.spans.values() if (s.start, s.end) == (start, end)]
    assert len(new) == 1 and new[0].label == "ORG"
    assert new[0].id in w.view.spans()
    load_fully(w)
    with Project.open(path, read_only=True) as p:
        stored = p.get_annotated("long").spans
    assert len(stored) == len(adoc.spans) + 1
    assert [s.id for s in w.view.spans().values() if (s.start, s.end) == (start, end)] == [new[0].id]
    assert set(w.view.spans()) == {s.id for s in stored}


def test_tag_beyond_the_loaded_part_loads_it_first(long_window):
    w, adoc, where, path = long_window
    cur = w.session.current
    assert cur.partial
    start, end = untagged_word(adoc.document.text, "w4798", where)
    assert start > cur.loaded_upto
    w.view.set_selection(start, end)
    w.tagger.apply_label("GPE")
    assert not w.session.current.partial, "a tag outside the loaded part waits for the rest"
    ids = [s.id for s in w.view.spans().values() if (s.start, s.end) == (start, end)]
    assert len(ids) == 1
    assert len(w.view.spans()) == len(adoc.spans) + 1
    QApplication.processEvents()
    assert len(w.view.spans()) == len(adoc.spans) + 1


def test_an_edit_made_while_loading_wins_over_the_older_snapshot(long_window, monkeypatch):
    """The worker reads after a tag and before its undo: the undone span must not come back from the snapshot."""
    w, adoc, where, path = long_window
    # the window already started a reader; open again with the reader held until we say
    held: list[threading.Thread] = []
    monkeypatch.setattr(loader_mod._Reader, "start", lambda self: held.append(self))
    w.open_document("long")
    cur = w.session.current
    assert cur.partial and len(held) == 1
    start, end = untagged_word(adoc.document.text, "w2", where)
    w.view.set_selection(start, end)
    w.tagger.apply_label("ORG")
    new_id = next(s.id for s in cur.spans.values() if (s.start, s.end) == (start, end))
    threading.Thread.start(held[0])
    held[0].join()  # the snapshot holds the new span
    assert any(s.id == new_id for s in held[0].result.spans)
    w.session.undo_stack.undo()
    assert new_id not in cur.spans
    load_fully(w)
    assert new_id not in w.session.current.spans
    assert new_id not in w.view.spans()
    assert set(w.view.spans()) == set(where)


def test_jump_to_an_annotation_not_loaded_yet_loads_it(long_window):
    w, adoc, where, _path = long_window
    assert w.session.current.partial
    far = max(where, key=lambda sid: where[sid][0])
    w.selection.jump(far)
    assert not w.session.current.partial
    assert w.view.selected_span() == far
    assert far in w.view.spans()


def test_opening_another_document_while_loading_drops_the_old_slices(long_window, tmp_path):
    w, adoc, where, path = long_window
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="short", text="Short text here.", name="short"),
                                              [Span("S1", "PER", 0, 5)])])
    w.panels.doc_list.refresh()
    assert w.session.current.partial
    w.open_document("short")
    for _ in range(200):
        QApplication.processEvents()
    assert w.session.current.id == "short"
    assert set(w.view.spans()) == {"S1"}


def test_document_deleted_elsewhere_while_loading(long_window, monkeypatch):
    """Another program deletes the document being loaded: the window moves to one that is left, no retry loop."""
    w, adoc, where, path = long_window
    held: list[threading.Thread] = []
    monkeypatch.setattr(loader_mod._Reader, "start", lambda self: held.append(self))
    w.open_document("long")
    assert w.session.current.partial
    with Project.open(path) as other:
        other.import_documents([AnnotatedDocument(Document(id="short", text="Short text here.", name="short"),
                                                  [Span("S1", "PER", 0, 5)])])
        other.delete_document("long")
    threading.Thread.start(held[0])
    held[0].join()
    assert held[0].result is None  # the worker found no document
    for _ in range(50):
        QApplication.processEvents()
    assert w.session.sync_external()
    assert w.session.current.id == "short"
    assert set(w.view.spans()) == {"S1"}


def test_a_change_elsewhere_during_the_load_is_taken_in_after_it(long_window):
    """Another program adds a span while the document loads from an older snapshot: it shows once loading ends."""
    w, adoc, where, path = long_window
    assert w.session.current.partial
    start, end = untagged_word(adoc.document.text, "w4798", where)
    w.session.loader._take_result(wait=True)  # the worker's snapshot is read; nothing applied yet
    with Project.open(path) as other:
        other.add_span("long", Span("", "LOC", start, end))
    assert w.session.sync_external()  # while partial: noted for later
    load_fully(w)
    w.session.sync_external()
    got = [s for s in w.view.spans().values() if (s.start, s.end) == (start, end)]
    assert [s.label for s in got] == ["LOC"]
