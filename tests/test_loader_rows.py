"""The Annotations panel's rows built from the loader's slices show the same text as rows built one by one.

Spans whose text needs cleaning (a newline, two spaces, a no-break space, a
leading space, over 60 characters, two pieces) are loaded in slices into a
real window; each row's text is compared with what the test works out from
the document text itself.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from annotator.model import AnnotatedDocument, Document, Event, Span
from annotator.qt.loader import DocumentLoader
from annotator.qt.mainwindow import MainWindow
from annotator.qt.session import Session
from annotator.store import Project
from test_progressive_open import load_fully


def expected_text(text: str, span: Span) -> str:
    pieces = span.fragments or [(span.start, span.end)]
    t = " ".join(" … ".join(text[a:b] for a, b in pieces).split())
    return t if len(t) <= 60 else t[:59] + "…"


def test_row_texts_of_a_sliced_load(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(Session, "FIRST_CHARS", 500)
    monkeypatch.setattr(DocumentLoader, "MAX_BATCH", 40)
    odd = ["two\nlines", "two  spaces", "no\u00a0break", " lead", "tab\there", "x" * 70, "plain words"]
    parts, spans, pos = [], [], 0
    for i in range(300):
        word = odd[i % len(odd)] if i % 2 else f"w{i}"
        parts.append(word)
        spans.append(Span(f"T{i + 1}", "PER", pos, pos + len(word)))
        pos += len(word) + 3
    text = " . ".join(parts)
    a, b = spans[-1].start, spans[-1].end
    spans.append(Span("T999", "ORG", spans[-3].start, b, fragments=[(spans[-3].start, spans[-3].end), (a, b)]))
    with Project.open(tmp_path / "p.db") as p:
        p.import_documents([AnnotatedDocument(Document(id="d", text=text, name="d"), spans)])
    w = open_sliced(qtbot, tmp_path / "p.db")
    model = w.panels.ann_list.model
    got = {r.id: model.text_of(r) for r in model.rows}
    assert got == {s.id: expected_text(text, s) for s in spans}
    # the filter and the Text column's sort see the same text (plain rows keep none of their own)
    lst = w.panels.ann_list
    lst.filter.setText("w13")
    assert sorted(lst.visible_ids()) == sorted(s.id for s in spans if "w13" in expected_text(text, s))
    lst.filter.setText("")
    lst.view.sortByColumn(model.COL_TEXT, Qt.SortOrder.AscendingOrder)
    shown = [model.text_of(model.rows[model.row_of(i)]) for i in lst.visible_ids()]
    assert shown == sorted((expected_text(text, s) for s in spans), key=str.casefold)
    w.close()


def open_sliced(qtbot, path: Path) -> MainWindow:
    """The window on ``path``, its document loaded in more than 5 slices (the test has made them small)."""
    w = MainWindow(path, settings=QSettings(str(path.parent / "s.ini"), QSettings.IniFormat))
    qtbot.addWidget(w)
    w.show()
    assert w.session.current.partial
    load_fully(w)
    assert not w.session.current.partial and w.session.loader.slices > 5
    return w


def natural(ann_id: str) -> tuple[str, int, str]:
    """The ID column's order worked out here: the letters before the number, the number, the rest."""
    i = 0
    while i < len(ann_id) and not ann_id[i].isdigit():
        i += 1
    j = i
    while j < len(ann_id) and ann_id[j].isdigit():
        j += 1
    return ann_id[:i], int(ann_id[i:j] or 0), ann_id[j:]


def test_event_rows_and_odd_ids_of_a_sliced_load(qtbot, tmp_path, monkeypatch):
    """Events show their trigger's cleaned text; ids outside the T123 form still sort by their number."""
    monkeypatch.setattr(Session, "FIRST_CHARS", 500)
    monkeypatch.setattr(DocumentLoader, "MAX_BATCH", 40)
    odd = ["two\nlines", "two  spaces", " lead", "y" * 70, "plain"]
    ids = ["T{}", "N{}", "Tx{}", "T{}a", "T00{}"]  # one of each form per five spans
    parts, spans, events, pos = [], [], [], 0
    for i in range(200):
        word = odd[i % len(odd)]
        parts.append(word)
        if i % 3 == 0:
            spans.append(Span(f"TR{i}", "Life.Marry", pos, pos + len(word), kind="trigger"))
            events.append(Event(f"E{i}", "Life.Marry", f"TR{i}"))
        else:
            spans.append(Span(ids[i % len(ids)].format(i), "PER", pos, pos + len(word)))
        pos += len(word) + 3
    text = " . ".join(parts)
    with Project.open(tmp_path / "p.db") as p:
        p.import_documents([AnnotatedDocument(Document(id="d", text=text, name="d"), spans, events)])
    w = open_sliced(qtbot, tmp_path / "p.db")
    model = w.panels.ann_list.model
    by_id = {s.id: s for s in spans}
    want = {s.id: expected_text(text, s) for s in spans if s.kind == "entity"}
    want.update({e.id: expected_text(text, by_id[e.trigger]) for e in events})
    shown = {model.data(model.index(n, model.COL_ID)): model.data(model.index(n, model.COL_TEXT))
             for n in range(model.rowCount())}
    assert shown == want
    assert {model.data(model.index(n, model.COL_ID)): model.data(model.index(n, model.COL_KIND))
            for n in range(model.rowCount())} == {i: ("event" if i[0] == "E" else "entity") for i in want}
    lst = w.panels.ann_list
    lst.view.sortByColumn(model.COL_ID, Qt.SortOrder.AscendingOrder)
    assert lst.visible_ids() == sorted(want, key=lambda i: (natural(i), i))
    start = {s.id: s.start for s in spans}
    start.update({e.id: start[e.trigger] for e in events})
    by_start = sorted(want, key=lambda i: (start[i], natural(i), i))
    for col in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            lst.view.sortByColumn(col, order)
            assert [model.row_of(r.id) for r in model.rows] == list(range(len(want)))  # each row is found
            if col == model.COL_START:
                assert lst.visible_ids() == (by_start if order == Qt.SortOrder.AscendingOrder else by_start[::-1])
    w.close()
