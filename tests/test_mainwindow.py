"""The annotation window, driven as a person drives it: real mouse events and key presses."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QApplication, QProgressDialog

from annotator.demo import seed_documents
from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.mainwindow import MainWindow
from annotator.store import Project
from conftest import drag, left_of, right_of

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "_shots"

EMOJI_TEXT = "Fans 😀😀 cheered.\nThen police in Dujail arrested two men."
ARABIC_TEXT = "Reuters reported.\nقتل مسلحون ثلاثة في بغداد اليوم"


def make_project(path: Path, docs: list[AnnotatedDocument] | None = None) -> Path:
    with Project.open(path) as p:
        p.import_documents(docs if docs is not None else list(seed_documents()))
    return path


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    yield s
    s.sync()


@pytest.fixture
def window(qtbot, tmp_path, settings):
    path = make_project(tmp_path / "demo.db")
    w = show_window(qtbot, MainWindow(path, settings=settings))
    yield w
    w.close()


def show_window(qtbot, w: MainWindow, width: int = 1400, height: int = 900) -> MainWindow:
    """Show and activate a window (window shortcuts only fire in the active window)."""
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def word_span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return i, i + len(word)


def drag_over(qtbot, w: MainWindow, start: int, end: int, inside: bool = True) -> None:
    """Drag from inside the first character to inside the last one (snapping completes the words)."""
    view = w.view
    view.select_span(None, scroll=False)
    view.set_selection(start, end)  # scrolls it into view
    view.clear_selection()
    r0, r1 = view.char_rect(start), view.char_rect(end - 1)
    p0 = QPoint(r0.center().x(), r0.center().y()) if inside else left_of(r0)
    drag(qtbot, view.viewport(), p0, QPoint(r1.center().x(), r1.center().y()))


def stored(w: MainWindow) -> AnnotatedDocument:
    return w.session.project.get_annotated(w.session.current.id)


def unstamped(adoc: AnnotatedDocument) -> AnnotatedDocument:
    """``adoc`` without the document's ``updated`` time: an undo is a write of its own and stamps it
    (two writes fall in different seconds now and then, and a test comparing it failed in CI)."""
    return dataclasses.replace(adoc, document=dataclasses.replace(adoc.document, updated=""))


def press(qtbot, w: MainWindow, key, mods=Qt.NoModifier) -> None:
    qtbot.keyClick(w.view, key, mods)


def test_drag_and_hotkey_tags_dujail_as_gpe(qtbot, window):
    text = window.session.current.text
    s, e = word_span(text, "Dujail")
    drag_over(qtbot, window, s + 1, e - 1)  # starts and ends inside the word
    assert window.view.selection() == (s, e)
    press(qtbot, window, Qt.Key_G)
    spans = stored(window).spans
    assert [(x.label, text[x.start:x.end]) for x in spans] == [("GPE", "Dujail")]
    assert window.status.counts_label.text().startswith("1 entity · 0 events · 0 relations · in progress")
    assert window.status.saved_label.text().startswith("✔ Saved")


@pytest.mark.parametrize("text,word", [(EMOJI_TEXT, "Dujail"), (ARABIC_TEXT, "بغداد")])
def test_drag_offsets_after_emoji_and_in_arabic(qtbot, tmp_path, settings, text, word):
    path = make_project(tmp_path / "p.db", [AnnotatedDocument(Document(id="d", text=text))])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    s, e = word_span(text, word)
    drag_over(qtbot, w, s, e)
    press(qtbot, w, Qt.Key_G)
    (span,) = stored(w).spans
    assert (span.start, span.end) == (s, e) and text[span.start:span.end] == word
    w.close()


CRLF_ASTRAL_TEXT = "Intro 😀 line\r\n\r\n𝕏𝕏 then🎉🎉 the target word here\r\nlast line"


def qt_line_for(view, para: str):
    """Lay out ``para`` ourselves with QTextLayout in the view's font, on one unwrapped line."""
    from PySide6.QtGui import QTextLayout, QTextOption

    layout = QTextLayout(para, view.vstyle.font)  # noqa: SLF001 - the font the view paints with
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.NoWrap)
    layout.setTextOption(opt)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100_000.0)
    layout.endLayout()
    return layout, line


def test_drag_at_points_from_qt_layout_stores_exact_offsets(qtbot, tmp_path, settings):
    """Click points that do not come from the offset conversion: Qt's own layout of the raw paragraph.

    The paragraph holds astral characters and follows two CRLF line ends; the x of
    each boundary comes from ``cursorToX`` at a UTF-16 index counted by encoding,
    so an error in :class:`~annotator.text.OffsetMap` shows in the store.
    """
    from annotator.qt.span_layout import MARGIN

    text = CRLF_ASTRAL_TEXT
    path = make_project(tmp_path / "p.db", [AnnotatedDocument(Document(id="d", text=text))])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    view = w.view
    a = text.rindex("\n", 0, text.index("target")) + 1
    b = text.index("\r\n", a)
    para = text[a:b]
    p = text.count("\n", 0, a)  # paragraph index in the view: one per line end
    _layout, line = qt_line_for(view, para)

    def x_at(cp: int) -> float:
        """Viewport x of the boundary before code point ``cp`` of the document."""
        r = line.cursorToX(len(para[: cp - a].encode("utf-16-le")) // 2)
        return MARGIN + float(r[0] if isinstance(r, tuple) else r)

    pl = view.stack.layout(p)  # noqa: SLF001 - the paragraph's vertical place (no offsets involved)
    y = round(view.stack.para_y(p) + pl.text_tops[0] + pl.line_heights[0] / 2)  # noqa: SLF001

    # exact (Alt) drag from the left edge of the first 🎉 to the right edge of "target"
    s = text.index("🎉")
    e = text.index("target") + len("target")
    drag(qtbot, view.viewport(), QPoint(round(x_at(s)) + 1, y), QPoint(round(x_at(e)) - 1, y),
         Qt.KeyboardModifier.AltModifier)
    assert view.selected_text() == "🎉🎉 the target"
    press(qtbot, w, Qt.Key_P)
    # snapped drag from inside "target" to inside "word"
    t0, t1 = word_span(text, "target word")
    drag(qtbot, view.viewport(), QPoint(round((x_at(t0 + 2) + x_at(t0 + 3)) / 2), y),
         QPoint(round((x_at(t1 - 2) + x_at(t1 - 1)) / 2), y))
    press(qtbot, w, Qt.Key_O)
    got = sorted((x.label, x.start, x.end) for x in stored(w).spans)
    assert got == [("ORG", t0, t1), ("PER", s, e)]
    assert text[s:e] == "🎉🎉 the target"
    w.close()


def test_sticky_label_tags_each_following_selection(qtbot, window):
    text = window.session.current.text
    press(qtbot, window, Qt.Key_G)  # no selection: G becomes the current label
    assert window.tagger.sticky_label == "GPE"
    assert "GPE" in window.status.label_label.text()
    for word in ("Najaf", "Tikrit", "Baghdad"):
        drag_over(qtbot, window, *word_span(text, word))
    got = sorted(text[x.start:x.end] for x in stored(window).spans)
    assert got == ["Baghdad", "Najaf", "Tikrit"]
    press(qtbot, window, Qt.Key_Escape)
    assert window.tagger.sticky_label is None


def test_palette_click_applies_label(qtbot, window):
    text = window.session.current.text
    drag_over(qtbot, window, *word_span(text, "Reuters"))
    palette = window.panels.palette  # a list view over the schema's types
    rect = palette.list.visualRect(palette.index_of("ORG"))
    qtbot.mouseClick(palette.list.viewport(), Qt.LeftButton, pos=rect.center())
    (span,) = stored(window).spans
    assert (span.label, text[span.start:span.end]) == ("ORG", "Reuters")


def test_event_type_hotkey_creates_trigger_and_event(qtbot, window):
    text = window.session.current.text
    schema = window.session.project.schema
    key = next(k for k, name in schema.hotkeys().items() if name == "Life.Die")
    s, e = word_span(text, "killed", 1)  # "ISIS fighters killed three ..."
    drag_over(qtbot, window, s, e)
    combo = QKeySequence(key)[0]
    qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())
    adoc = stored(window)
    (ev,) = adoc.events
    trig = adoc.span_by_id()[ev.trigger]
    assert ev.type == "Life.Die" and text[trig.start:trig.end] == "killed"


def test_overlapping_spans_both_shown_and_selectable(qtbot, window):
    text = window.session.current.text
    outer = word_span(text, "Iraqi Imam Ali Brigade")
    inner = word_span(text, "Imam Ali", 0)
    window.session.add_annotation(*outer, "ORG")
    window.session.add_annotation(*inner, "PER")
    ids = {text[s.start:s.end]: s.id for s in stored(window).spans}
    view = window.view
    view.select_span(ids["Iraqi Imam Ali Brigade"], scroll=True)
    for phrase in ("Iraqi Imam Ali Brigade", "Imam Ali"):
        rect = view.label_rect(ids[phrase])
        assert rect is not None and rect.isValid()
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())
        assert view.selected_span() == ids[phrase]
    r_outer = view.label_rect(ids["Iraqi Imam Ali Brigade"])
    r_inner = view.label_rect(ids["Imam Ali"])
    assert not r_outer.intersects(r_inner)


def test_delete_undo_redo(qtbot, window):
    text = window.session.current.text
    drag_over(qtbot, window, *word_span(text, "Mosul"))
    press(qtbot, window, Qt.Key_G)
    (span,) = stored(window).spans
    window.view.select_span(span.id, scroll=True)
    press(qtbot, window, Qt.Key_Delete)
    assert stored(window).spans == []
    assert span.id not in window.view.spans()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert [s.id for s in stored(window).spans] == [span.id]
    assert span.id in window.view.spans()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert stored(window).spans == []
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)  # undo the delete
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)  # undo the add
    assert stored(window).spans == []


def test_deleting_an_argument_filler_removes_the_argument_and_undo_restores_both(qtbot, window):
    s = window.session
    text = s.current.text
    doc = s.current.id
    agent = s.project.add_span(doc, Span("", "ORG", *word_span(text, "ISIS fighters")))
    victim = s.project.add_span(doc, Span("", "PER", *word_span(text, "three military security personnel")))
    s.project.add_event(doc, Event("", "Life.Die", "", arguments=[Argument("Agent", agent.id),
                                                                  Argument("Victim", victim.id)]),
                        trigger=Span("", "Life.Die", *word_span(text, "killed", 1)))
    window.open_document(doc)
    before = stored(window)
    window.view.select_span(victim.id, scroll=True)
    press(qtbot, window, Qt.Key_Delete)
    after = stored(window)
    assert victim.id not in after.span_by_id()
    assert [a.role for a in after.events[0].arguments] == ["Agent"]
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert unstamped(stored(window)) == unstamped(before)
    assert victim.id in window.view.spans()


def test_window_refuses_offsets_past_the_end_and_unknown_labels(qtbot, window):
    """Through the window's session (the path of the hotkeys and the Inspector), the store's checks hold.

    A second path beside tests/test_store.py: the end may be at most the text's
    length, by one character exactly; a type must be in the schema.
    """
    s = window.session
    text = s.current.text
    n = len(text)
    errors: list[str] = []
    s.error.connect(errors.append)
    before = stored(window)
    assert s.add_annotation(n - 3, n + 1, "GPE") is None
    assert "outside the text" in errors[-1]
    sid = s.add_annotation(n - 3, n, "GPE")             # up to the very end is fine
    assert sid
    assert not s.set_offsets(sid, n - 3, n + 1)
    assert "outside the text" in errors[-1]
    assert not s.set_label(sid, "PERSON")
    assert "unknown entity type 'PERSON'" in errors[-1]
    (span,) = stored(window).spans
    assert (span.label, span.start, span.end) == ("GPE", n - 3, n)
    assert s.undo_stack.count() == 1                    # only the add; nothing refused was pushed
    s.undo_stack.undo()
    assert stored(window).spans == before.spans == []


def test_deleting_a_related_entity_with_the_key_and_undo_restores_the_relation(qtbot, window):
    """Delete removes the entity and its relation (a cascade); Ctrl+Z puts both back, as they were."""
    s = window.session
    text = s.current.text
    doc = s.current.id
    rel_type = s.project.schema.allowed_relations("GPE", "GPE")[0]
    head = s.project.add_span(doc, Span("", "GPE", *word_span(text, "Dujail")))
    tail = s.project.add_span(doc, Span("", "GPE", *word_span(text, "Baghdad")))
    rel = s.project.add_relation(doc, Relation("", rel_type, head.id, tail.id))
    window.open_document(doc)
    before = stored(window)
    assert [r.id for r in before.relations] == [rel.id]
    window.view.select_span(tail.id, scroll=True)
    press(qtbot, window, Qt.Key_Delete)
    after = stored(window)
    assert after.relations == [] and tail.id not in after.span_by_id()
    assert head.id in after.span_by_id()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    assert unstamped(stored(window)) == unstamped(before)
    assert tail.id in window.view.spans()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)   # redo: gone again
    assert stored(window).relations == []


def test_relabel_by_hotkey_and_boundary_keys(qtbot, window):
    text = window.session.current.text
    drag_over(qtbot, window, *word_span(text, "Kola"))
    press(qtbot, window, Qt.Key_G)
    (span,) = stored(window).spans
    window.view.select_span(span.id, scroll=True)
    press(qtbot, window, Qt.Key_L)  # selected span + another label: change its type
    assert stored(window).spans[0].label == "LOC"
    press(qtbot, window, Qt.Key_Right, Qt.ShiftModifier)  # end one token right: "Kola Jawi"
    got = stored(window).spans[0]
    assert text[got.start:got.end] == "Kola Jawi"
    press(qtbot, window, Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier)  # start one token left
    got = stored(window).spans[0]
    assert text[got.start:got.end] == "of Kola Jawi"
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    got = stored(window).spans[0]
    assert text[got.start:got.end] == "Kola Jawi"


def test_entity_hotkey_on_a_trigger_is_refused_with_a_message(qtbot, window):
    text = window.session.current.text
    eid = window.session.add_annotation(*word_span(text, "attacks"), "Conflict.Attack")
    trig = window.session.current.events[eid].trigger
    window.view.select_span(trig, scroll=True)
    press(qtbot, window, Qt.Key_P)
    assert stored(window).events[0].type == "Conflict.Attack"
    # refused in the status bar, never a dialog that takes the keyboard
    assert window.messages.last is None and QApplication.activeModalWidget() is None
    assert "“attacks”" in window.messages.last_refusal and "event trigger" in window.messages.last_refusal


def test_mark_done_next_and_document_list(qtbot, tmp_path, settings):
    docs = [AnnotatedDocument(Document(id=f"d{i}", text=f"Article {i} about Baghdad.")) for i in range(3)]
    path = make_project(tmp_path / "p.db", docs)
    w = show_window(qtbot, MainWindow(path, settings=settings))
    assert w.session.current.id == "d0"
    qtbot.keyClick(w.view, Qt.Key_Return, Qt.ControlModifier)
    assert w.session.project.get_document("d0").status == "done"
    assert w.panels.doc_list.done_counts() == (1, 3)
    qtbot.keyClick(w.view, Qt.Key_PageDown, Qt.ControlModifier)
    assert w.session.current.id == "d1"
    qtbot.keyClick(w.view, Qt.Key_Z, Qt.ControlModifier)  # undo goes back to d0 and un-marks it
    assert w.session.current.id == "d0"
    assert w.session.project.get_document("d0").status == "new"
    w.close()


def test_restart_shows_the_same_annotations(qtbot, tmp_path, settings):
    path = make_project(tmp_path / "p.db")
    w = show_window(qtbot, MainWindow(path, settings=settings))
    text = w.session.current.text
    drag_over(qtbot, w, *word_span(text, "Dujail"))
    press(qtbot, w, Qt.Key_G)
    before = stored(w)
    w.close()
    w2 = show_window(qtbot, MainWindow(path, settings=settings))
    assert stored(w2) == before
    assert set(w2.view.spans()) == {s.id for s in before.spans}
    w2.close()


def test_window_state_and_last_project_remembered(qtbot, tmp_path, settings):
    path = make_project(tmp_path / "p.db")
    w = show_window(qtbot, MainWindow(path, settings=settings))
    w.panels.docks["annotations"].hide()
    w.view.zoom_in()
    w.close()
    assert settings.value("last_project") == str(path.resolve())
    assert str(path.resolve()) in w.recent.projects()
    w2 = show_window(qtbot, MainWindow(path, settings=settings))
    assert not w2.panels.docks["annotations"].isVisible()
    assert w2.view.zoom() == 1
    w2.close()


def test_import_error_shows_dialog_and_writes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "text": "fine"}\n{"id": "x2", "text": "Dujail", '
                   '"entities": [{"id": "T1", "start": 0, "end": 6, "label": "CITY"}]}\n', encoding="utf-8")
    n_before = window.session.project.document_count()
    assert window.transfer.import_files([str(bad)]) is None
    assert window.messages.last is not None
    assert f"{bad}:2:" in window.messages.last.text() and "CITY" in window.messages.last.text()
    assert window.session.project.document_count() == n_before


def test_import_then_export_from_the_gui(qtbot, window, tmp_path):
    good = tmp_path / "more.jsonl"
    good.write_text(json.dumps({"id": "extra", "text": "Police in Mosul."}) + "\n", encoding="utf-8")
    assert window.transfer.import_files([str(good)]) == 1
    text = window.session.current.text
    drag_over(qtbot, window, *word_span(text, "Dujail"))
    press(qtbot, window, Qt.Key_G)
    out = tmp_path / "out.jsonl"
    assert window.transfer.export_file(str(out)) == 2
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert docs[1]["id"] == "extra"
    assert [(e["label"], e["text"]) for e in docs[0]["entities"]] == [("GPE", "Dujail")]


def test_context_menu_offers_types_for_a_selection(qtbot, window):
    text = window.session.current.text
    drag_over(qtbot, window, *word_span(text, "Dujail"))
    menu = window.context_menu.build("")
    titles = [a.text() for a in menu.actions()]
    assert any("as entity" in t for t in titles) and any("as event trigger" in t for t in titles)
    ent_menu = next(a.menu() for a in menu.actions() if "as entity" in a.text())
    gpe = next(a for a in ent_menu.actions() if a.text() == "GPE")
    gpe.trigger()
    assert [s.label for s in stored(window).spans] == ["GPE"]


def test_find_and_zoom_shortcuts(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key_F, Qt.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "Kirkuk")
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Return)
    s, e = window.view.selection()
    assert window.session.current.text[s:e] == "Kirkuk"
    # Esc closes the find bar and keeps the match selected: a hotkey tags it
    qtbot.keyClick(window.find_bar.edit, Qt.Key_Escape)
    assert not window.find_bar.isVisible()
    assert window.view.selection() == (s, e)
    press(qtbot, window, Qt.Key_G)
    assert [(x.label, window.session.current.text[x.start:x.end]) for x in stored(window).spans] == [("GPE", "Kirkuk")]
    z = window.view.zoom()
    qtbot.keyClick(window.view, Qt.Key_Plus, Qt.ControlModifier)
    assert window.view.zoom() == z + 1
    qtbot.keyClick(window.view, Qt.Key_Minus, Qt.ControlModifier)
    assert window.view.zoom() == z


def test_help_lists_shortcuts(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key_F1)
    dlg = window.help_dialog
    assert dlg.isVisible()
    assert "Ctrl+Return" in dlg.keys_for("Mark Done")
    assert any(keys == "G" and "GPE" in what for what, keys, _group in dlg.rows())


def test_screenshot_of_annotated_seed_has_label_colours(qtbot, window):
    """Paint the seed article with annotations and check colours at the span rectangles."""
    s = window.session
    text = s.current.text
    for phrase, label in (("Dujail", "GPE"), ("Baghdad", "GPE"), ("ISIS fighters", "ORG"),
                          ("Salahuddin district", "LOC"), ("three military security personnel", "PER")):
        s.add_annotation(*word_span(text, phrase), label)
    s.add_annotation(*word_span(text, "killed", 1), "Life.Die")
    ids = {text[x.start:x.end]: x.id for x in s.current.spans.values()}
    window.view.select_span(None, scroll=False)
    window.view.set_selection(*word_span(text, "Dujail"))
    window.view.clear_selection()
    QApplication.processEvents()
    img = window.grab().toImage()
    SHOTS.mkdir(exist_ok=True)
    img.save(str(SHOTS / "mainwindow_seed.png"))
    view_img = window.view.viewport().grab().toImage()
    schema = s.project.schema
    for phrase, label in (("Dujail", "GPE"), ("ISIS fighters", "ORG"), ("killed", "Life.Die")):
        rect = window.view.label_rect(ids[phrase])
        assert rect is not None, phrase
        want = QColor(schema.color(label))
        # the label tag is filled with the type's colour: find it among the tag's pixels
        found = any(
            _close(QColor(view_img.pixel(x, y)), want)
            for x in range(rect.left() + 1, rect.right(), 2)
            for y in range(rect.top() + 1, rect.bottom(), 2)
        )
        assert found, f"{phrase}: no pixel of {want.name()} in its label"


def _close(a: QColor, b: QColor, tol: int = 12) -> bool:
    return abs(a.red() - b.red()) <= tol and abs(a.green() - b.green()) <= tol and abs(a.blue() - b.blue()) <= tol


def test_the_command_opens_the_window_on_the_demo_project(tmp_path):
    """`python -m annotator` with no project builds the demo from seeds/ and runs the window."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), ANNOTATOR_QUIT_AFTER_START="300")
    r = subprocess.run([sys.executable, "-m", "annotator"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    demo = tmp_path / "data" / "annotator" / "demo.annotator.db"
    with Project.open(demo, create=False) as p:
        (doc_id,) = p.document_ids()
        assert p.get_document(doc_id).name.startswith("Iraq: Islamic State Militants")
    # the next start without a project reopens the last one
    other = make_project(tmp_path / "other.db", [AnnotatedDocument(Document(id="x", text="Mosul."))])
    r = subprocess.run([sys.executable, "-m", "annotator", str(other)], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    settings_file = next((tmp_path / "config").rglob("annotator.conf"))
    assert str(other.resolve()) in settings_file.read_text()
    code = "from annotator.qt.app import last_project; print(last_project())"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == str(other.resolve())


def test_dark_palette_keeps_text_readable(qtbot, window):
    """With a dark system palette the text is drawn light on dark, and labels stay legible."""
    from PySide6.QtGui import QPalette

    app = QApplication.instance()
    old = app.palette()
    dark = QPalette()
    for role, color in ((QPalette.Window, "#2b2b2b"), (QPalette.Base, "#1e1e1e"), (QPalette.Text, "#e8e8e8"),
                        (QPalette.WindowText, "#e8e8e8"), (QPalette.Button, "#353535"),
                        (QPalette.ButtonText, "#e8e8e8"), (QPalette.Highlight, "#2a82da")):
        dark.setColor(role, QColor(color))
    try:
        app.setPalette(dark)
        text = window.session.current.text
        window.session.add_annotation(*word_span(text, "Dujail"), "GPE")
        QApplication.processEvents()
        img = window.view.viewport().grab().toImage()
        SHOTS.mkdir(exist_ok=True)
        window.grab().save(str(SHOTS / "mainwindow_dark.png"))
        bg = QColor(img.pixel(3, 3))
        assert bg.lightness() < 80, bg.name()  # the page follows the dark palette
        r = window.view.char_rect(text.index("Militants"))
        inks = [QColor(img.pixel(x, y)).lightness() for x in range(r.left(), r.right()) for y in range(r.top(), r.bottom())]
        assert max(inks) > 180  # light glyphs on the dark page
    finally:
        app.setPalette(old)


def test_import_can_be_cancelled_and_writes_nothing(qtbot, window, tmp_path):
    from PySide6.QtCore import QTimer

    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"id": f"m{i}", "text": f"Report {i} from Mosul."}) + "\n"
                            for i in range(2000)), encoding="utf-8")
    n_before = window.session.project.document_count()

    def press_cancel() -> None:
        (dlg,) = window.findChildren(QProgressDialog)
        dlg.cancel()

    QTimer.singleShot(0, press_cancel)
    assert window.transfer.import_files([str(many)]) is None
    assert window.session.project.document_count() == n_before
    assert "cancelled" in window.statusBar().currentMessage()
