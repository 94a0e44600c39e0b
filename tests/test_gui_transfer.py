"""File › Import and File › Export, driven as a person drives them: the menu's keys, the format chooser,
the path typed in, Enter; then the files on disk and the project file as a user would see them.

Expected values come from the fixture documents written out here or from plain sqlite3 and file
reads, never from the code under test.  Screenshots of the dialogs go to $GUI_SHOTS (default /tmp).
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QWidget,
)
from shiboken6 import isValid

from annotator.formats import registry
from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Relation, Span
from annotator.qt.mainwindow import MainWindow
from annotator.qt.report_dialog import ReportDialog
from annotator.qt.export_dialog import ExportDialog
from annotator.qt.transfer_dialogs import ImportDialog
from annotator.store import Project
from test_mainwindow import show_window

DATA = Path(__file__).resolve().parent / "data"
SHOTS = Path(os.environ.get("GUI_SHOTS", "/tmp"))

TEXT1 = "Police in Dujail arrested two men on Monday."
TEXT2 = "Reuters reported it from Baghdad. Police confirmed it on Tuesday."


def documents() -> list[AnnotatedDocument]:
    """Two documents: one with an event (four arguments) and a relation, one with two entities, done."""
    d1 = AnnotatedDocument(
        Document(id="d1", name="arrest", text=TEXT1),
        spans=[Span("T1", "ORG", 0, 6), Span("T2", "GPE", 10, 16),
               Span("T3", "Justice.Arrest-Jail", 17, 25, kind=TRIGGER), Span("T4", "PER", 26, 33),
               Span("T5", "TIME", 37, 43)],
        events=[Event("E1", "Justice.Arrest-Jail", "T3",
                      [Argument("Agent", "T1"), Argument("Person", "T4"), Argument("Place", "T2"),
                       Argument("Time", "T5")])],
        relations=[Relation("R1", "PHYS", "T4", "T2")],
    )
    d2 = AnnotatedDocument(Document(id="d2", name="wire", text=TEXT2, status="done"),
                           spans=[Span("T1", "ORG", 0, 7), Span("T2", "GPE", 25, 32)])
    return [d1, d2]


def db_counts(path: Path) -> tuple[int, int, int]:
    """(documents, spans, events) in the project file, read by a separate sqlite3 connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("documents", "spans", "events"))
    finally:
        con.close()


@pytest.fixture
def settings(tmp_path):
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    yield s
    s.sync()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The user's home folder, where the dialogs start."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    return h


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "news.annotator.db"
    with Project.open(path) as p:
        p.import_documents(documents())
    return path


@pytest.fixture
def window(qtbot, project_path, settings, home):
    w = show_window(qtbot, MainWindow(project_path, settings=settings))
    yield w
    w.close()


def shot(widget, name: str) -> None:
    widget.grab().save(str(SHOTS / f"gui_transfer_{name}.png"))


def open_dialog(qtbot, w: MainWindow, key: Qt.Key) -> ImportDialog | ExportDialog:
    """Press Ctrl+key in the window; returns the dialog it opened, once active."""
    before = w.transfer.dialog
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(w.view, key, Qt.ControlModifier)
    dlg = w.transfer.dialog
    assert dlg is not None and dlg is not before, "the shortcut opened no dialog"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)
    return dlg


def activate(qtbot, widget) -> None:
    """Make ``widget``'s window the active one (after a box over it closed)."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def choose_format(qtbot, combo: QComboBox, name: str) -> None:
    """Move through the format list with the arrow keys, as a person does, until ``name`` is chosen."""
    combo.setFocus()
    target = combo.findData(name)
    assert target >= 0, f"{name} is not offered"
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key_Down if combo.currentIndex() < target else Qt.Key_Up)


def type_path(qtbot, dlg: ImportDialog | ExportDialog, path: Path | str) -> None:
    dlg.path_edit.setFocus()
    dlg.path_edit.selectAll()
    qtbot.keyClick(dlg.path_edit, Qt.Key_Delete)
    qtbot.keyClicks(dlg.path_edit, str(path))


def press_enter(qtbot, dlg) -> None:
    qtbot.keyClick(QApplication.focusWidget() or dlg, Qt.Key_Return)


def gone(widget) -> bool:
    """Closed (the dialogs delete themselves on close)."""
    return not isValid(widget) or not widget.isVisible()


def error_text(w: MainWindow) -> str:
    assert w.messages.last is not None, "no error was shown"
    return w.messages.last.text()


# ---------------------------------------------------------------------------------------------- import


def test_import_dialog_offers_every_readable_format_and_detection_first(qtbot, window):
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    combo = dlg.format_combo
    offered = [combo.itemData(i) for i in range(combo.count())]
    assert offered[0] == "auto" and combo.currentData() == "auto"
    assert combo.itemText(0) == "Detect automatically"
    assert sorted(offered[1:]) == sorted(registry.readable())
    for i in range(1, combo.count()):  # title and name
        spec = registry.get(combo.itemData(i))
        assert spec.title in combo.itemText(i) and f"({spec.name})" in combo.itemText(i)
    assert QApplication.focusWidget() is combo
    shot(dlg, "import")
    qtbot.keyClick(combo, Qt.Key_Escape)
    assert gone(dlg)


def test_import_dialog_offers_a_file_or_a_folder_as_the_format_reads(qtbot, window):
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    seen = {}
    for name in ["auto", *registry.readable()]:
        choose_format(qtbot, dlg.format_combo, name)
        seen[name] = (dlg.file_button.isVisibleTo(dlg), dlg.folder_button.isVisibleTo(dlg),
                      dlg.add_types.isEnabled())
    expected = {"file": (True, False), "folder": (False, True), "either": (True, True)}
    assert seen["auto"] == (True, True, True)
    for name in registry.readable():
        spec = registry.get(name)
        assert seen[name][:2] == expected[spec.input], name
        assert seen[name][2] is (not spec.carries_schema), name
    assert seen["jsonl"] == (True, False, True) and seen["text"] == (True, True, True)
    dlg.reject()


def test_choose_file_opens_a_file_dialog_filtered_by_the_format(qtbot, window, tmp_path):
    src = tmp_path / "picked.jsonl"
    src.write_text(json.dumps({"id": "p1", "text": "Picked."}) + "\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "jsonl")
    seen: dict[str, object] = {}

    def pick() -> None:
        # the file dialog itself, not whatever modal another test may have left behind
        boxes = [x for x in QApplication.topLevelWidgets() if isinstance(x, QFileDialog) and x.isVisible()]
        if not boxes:
            if "filters" not in seen:  # not open yet: look again soon
                QTimer.singleShot(10, pick)
            return
        box = boxes[-1]
        seen.setdefault("filters", box.nameFilters())
        # type the path as a user does: QFileDialog.selectFile() leaves the name box alone while it has
        # the focus, and the dialog then waited for ever (seen after test_gui_safety's tests)
        box.findChild(QLineEdit, "fileNameEdit").setText(str(src))
        box.accept()
        QTimer.singleShot(50, pick)

    QTimer.singleShot(0, pick)
    qtbot.keyClick(dlg.format_combo, Qt.Key_E, Qt.AltModifier)  # "Choose Fil&e…" (an animated click)
    qtbot.waitUntil(lambda: "filters" in seen)
    assert seen["filters"] == ["JSON Lines (native) (*.jsonl *.json *.ndjson)", "All files (*)"]
    assert dlg.path_edit.text() == str(src)
    dlg.reject()


def test_the_oneie_menu_entry_opens_the_export_dialog_on_oneie(qtbot, window):
    window.menus["export_oneie"].trigger()
    dlg = window.transfer.dialog
    assert isinstance(dlg, ExportDialog) and dlg.format_combo.currentData() == "oneie"
    assert dlg.windows.isVisibleTo(dlg)
    dlg.reject()


def test_import_jsonl_from_the_dialog_with_the_keyboard_only(qtbot, window, tmp_path, project_path):
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "x1", "text": "Police in Mosul.",
                               "entities": [{"start": 10, "end": 15, "label": "GPE"}]}) + "\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "jsonl")
    assert not dlg.ok.isEnabled()  # no file yet
    type_path(qtbot, dlg, src)
    assert dlg.ok.isEnabled()
    press_enter(qtbot, dlg)
    assert gone(dlg)
    assert db_counts(project_path) == (3, 8, 1)
    assert window.statusBar().currentMessage() == f"Imported 1 document from {src}"
    assert window.panels.doc_list.next_id("d2", 1) == "x1"  # the list shows it


def test_the_annotator_name_is_recorded_on_imported_annotations(qtbot, window, tmp_path, project_path):
    src = tmp_path / "bob.jsonl"
    src.write_text(json.dumps({"id": "b1", "text": "Police in Mosul.",
                               "entities": [{"start": 10, "end": 15, "label": "GPE"}]}) + "\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    type_path(qtbot, dlg, src)
    dlg.annotator.setFocus()
    dlg.annotator.selectAll()
    qtbot.keyClicks(dlg.annotator, "bob")
    press_enter(qtbot, dlg)
    con = sqlite3.connect(f"file:{project_path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT s.annotator FROM spans s JOIN documents d ON s.doc = d.pk "
                           "WHERE d.id = 'b1'").fetchall()
    finally:
        con.close()
    assert rows == [("bob",)]


def test_import_of_a_malformed_file_names_file_and_line_and_changes_nothing(qtbot, window, tmp_path,
                                                                           project_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "ok", "text": "Fine."}) + "\n"
                   + json.dumps({"id": "x2", "text": "Dujail",
                                 "entities": [{"start": 0, "end": 60, "label": "GPE"}]}) + "\n", encoding="utf-8")
    before = db_counts(project_path)
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    type_path(qtbot, dlg, bad)
    press_enter(qtbot, dlg)
    assert error_text(window).startswith(f"{bad}:2: ")
    assert "Nothing was imported" in error_text(window)
    shot(window.messages.last, "import_error")
    assert db_counts(project_path) == before


def test_a_missing_file_is_said_in_the_dialog_which_stays_open(qtbot, window, tmp_path):
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    type_path(qtbot, dlg, tmp_path / "nowhere.jsonl")
    press_enter(qtbot, dlg)
    assert dlg.isVisible()
    assert dlg.problem.isVisible() and "nowhere.jsonl: no such file or folder" in dlg.problem.text()
    shot(dlg, "import_missing")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    assert gone(dlg)


def test_an_unrecognised_file_asks_for_its_format_in_the_dialog(qtbot, window, tmp_path, project_path):
    odd = tmp_path / "notes.xyz"
    odd.write_text("what format is this?\n", encoding="utf-8")
    before = db_counts(project_path)
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    type_path(qtbot, dlg, odd)
    press_enter(qtbot, dlg)
    assert dlg.isVisible() and dlg.problem.text() == f"Cannot tell the format of {odd}; choose it under Format."
    choose_format(qtbot, dlg.format_combo, "text")  # then it imports as plain text
    press_enter(qtbot, dlg)
    assert gone(dlg)
    assert db_counts(project_path)[0] == before[0] + 1


def test_labels_the_schema_lacks_are_refused_then_added_with_the_checkbox(qtbot, window, tmp_path,
                                                                         project_path):
    src = DATA / "prodigy" / "news_headlines_ner.head-25.jsonl"
    before = db_counts(project_path)
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "prodigy")
    type_path(qtbot, dlg, src)
    press_enter(qtbot, dlg)
    message = error_text(window)
    assert "PERSON" in message and "LOCATION" in message and "Nothing was imported" in message
    assert db_counts(project_path) == before
    window.messages.last.close()

    dlg = open_dialog(qtbot, window, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "prodigy")
    type_path(qtbot, dlg, src)
    dlg.add_types.setFocus()
    qtbot.keyClick(dlg.add_types, Qt.Key_Space)
    assert dlg.add_types.isChecked()
    press_enter(qtbot, dlg)
    assert db_counts(window.session.project.path)[0] == before[0] + 25
    schema = window.session.project.schema
    assert "PERSON" in schema.entity_types and "LOCATION" in schema.entity_types
    # the window follows the new schema: its palette offers the new types
    assert window.panels.palette.index_of("PERSON").isValid()
    summary = window.transfer.summary
    assert summary is not None and summary.isVisible()
    assert any("LOCATION" in line and "PERSON" in line for line in summary.lines)
    shot(summary, "import_summary")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is summary)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)
    assert gone(summary)


def test_records_skipped_on_import_are_listed_in_the_summary(qtbot, window, tmp_path):
    src = tmp_path / "answers.jsonl"
    recs = [{"text": "Police in Mosul.", "spans": [{"start": 10, "end": 15, "label": "GPE"}], "answer": "accept"},
            {"text": "Nothing here.", "spans": [], "answer": "reject"},
            {"text": "Or here.", "spans": [], "answer": "ignore"}]
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_I)
    choose_format(qtbot, dlg.format_combo, "prodigy")
    type_path(qtbot, dlg, src)
    press_enter(qtbot, dlg)
    assert window.messages.last is None
    summary = window.transfer.summary
    assert summary is not None
    assert summary.headline.text() == f"Imported 1 document from {src}"
    text = "\n".join(summary.lines)
    assert "reject" in text and "ignore" in text
    summary.close()


def test_a_brat_folder_brings_its_schema_into_a_new_project(qtbot, tmp_path, settings, home):
    path = tmp_path / "empty.annotator.db"
    w = show_window(qtbot, MainWindow(path, settings=settings))
    try:
        dlg = open_dialog(qtbot, w, Qt.Key_I)
        choose_format(qtbot, dlg.format_combo, "brat")
        assert not dlg.add_types.isEnabled()
        type_path(qtbot, dlg, DATA / "brat" / "news")
        press_enter(qtbot, dlg)
        assert w.messages.last is None, w.messages.last and w.messages.last.text()
        n_txt = len(list((DATA / "brat" / "news").glob("*.txt")))
        assert db_counts(path)[0] == n_txt
        conf = (DATA / "brat" / "news" / "annotation.conf").read_text(encoding="utf-8")
        assert "Person" in conf and "Person" in w.session.project.schema.entity_types
        assert w.panels.palette.index_of("Person").isValid()
        assert w.session.current is not None  # a document is shown
    finally:
        w.close()


# ---------------------------------------------------------------------------------------------- export


def test_export_dialog_lists_writable_formats_with_what_each_leaves_out(qtbot, window, home):
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    combo = dlg.format_combo
    assert sorted(combo.itemData(i) for i in range(combo.count())) == sorted(registry.writable())
    for name in registry.writable():
        choose_format(qtbot, combo, name)
        spec = registry.get(name)
        assert spec.cannot.rstrip(".")[1:] in dlg.cannot_hint.text()
        assert dlg.target_label.text() == ("&To folder:" if spec.writes_folder else "&To file:")
        target = Path(dlg.path_edit.text())
        assert target.parent == home  # never the project's folder or a hidden data folder
        assert (target.suffix == "") is spec.writes_folder
        shot(dlg, f"export_{name}")
        assert_labels_fit(dlg)
    dlg.reject()


def assert_labels_fit(dlg) -> None:
    """Every wrapped label of the dialog is as tall as its text needs at its width (nothing cut)."""
    for label in dlg.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            label_h = label.height()
            label.setMinimumHeight(0)
            label.setMaximumHeight(16777215)
            need = label.heightForWidth(label.width())
            assert label_h >= need, f"{label.text()!r} is cut: {label_h} < {need}"
            label.setFixedHeight(label_h)


def test_options_are_shown_only_where_they_apply(qtbot, window):
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    for name in registry.writable():
        choose_format(qtbot, dlg.format_combo, name)
        assert dlg.split.isVisible() is (name in ("spacy", "hf")), name
        assert dlg.seed.isVisible() is (name in ("spacy", "hf")), name
        assert dlg.windows.isVisible() is (name == "oneie"), name
    dlg.reject()


def test_export_jsonl_with_the_keyboard_and_the_status_filter(qtbot, window, tmp_path):
    out = tmp_path / "out" / "done-only.jsonl"
    out.parent.mkdir()
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "jsonl")
    type_path(qtbot, dlg, out)
    for status in ("new", "in_progress", "reviewed"):  # only "done" stays checked
        box = dlg.status_boxes[status]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key_Space)
    assert [s for s, b in dlg.status_boxes.items() if b.isChecked()] == ["done"]
    press_enter(qtbot, dlg)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["d2"]
    assert window.statusBar().currentMessage() == f"Exported 1 document to {out}"
    assert window.transfer.summary is None  # JSONL leaves nothing out: no summary
    # the next export starts in the folder of this one
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    assert Path(dlg.path_edit.text()).parent == out.parent
    dlg.reject()


def test_no_status_checked_refuses_to_export(qtbot, window):
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    for box in dlg.status_boxes.values():
        box.setChecked(False)
    assert not dlg.ok.isEnabled() and "at least one status" in dlg.problem.text()
    dlg.reject()


def test_export_brat_writes_the_folder(qtbot, window, tmp_path):
    if not registry.get("brat").can_write:
        pytest.skip("brat is not written yet")
    out = tmp_path / "brat-out"
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "brat")
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    assert window.messages.last is None, window.messages.last and window.messages.last.text()
    assert sorted(p.name for p in out.iterdir()) == ["annotation.conf", "d1.ann", "d1.txt", "d2.ann", "d2.txt", "visual.conf"]
    assert (out / "d1.txt").read_text(encoding="utf-8") == TEXT1
    ann = (out / "d1.ann").read_text(encoding="utf-8")
    assert "ORG 0 6\tPolice" in ann and "GPE 10 16\tDujail" in ann and "Justice.Arrest-Jail 17 25\tarrested" in ann
    assert any(line.split("\t")[1].startswith("Justice.Arrest-Jail:T") and "Person:" in line
               for line in ann.splitlines() if line.startswith("E"))
    assert window.statusBar().currentMessage() == f"Exported 2 documents to {out}"


def test_export_conll_summary_says_what_was_left_out(qtbot, window, tmp_path):
    if not registry.get("conll").can_write:
        pytest.skip("CoNLL is not written yet")
    out = tmp_path / "news.conll"
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "conll")
    assert "event" in dlg.cannot_hint.text().lower()
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    assert out.exists()
    summary = window.transfer.summary
    assert isinstance(summary, ReportDialog) and summary.isVisible()
    assert summary.headline.text() == f"Exported 2 documents to {out}"
    text = "\n".join(summary.lines)
    assert "left out events (CoNLL has no events): 1" in text and "left out relations (CoNLL has no relations): 1" in text
    shot(summary, "export_conll_summary")
    summary.close()


def test_a_second_summary_replaces_the_first(qtbot, window, tmp_path):
    if not registry.get("conll").can_write:
        pytest.skip("CoNLL is not written yet")
    first = second = None
    for name in ("one.conll", "two.conll"):
        dlg = open_dialog(qtbot, window, Qt.Key_E)
        choose_format(qtbot, dlg.format_combo, "conll")
        type_path(qtbot, dlg, tmp_path / name)
        press_enter(qtbot, dlg)
        first, second = second, window.transfer.summary
    assert first is not None and gone(first)
    assert second is not None and second.isVisible()
    assert second.headline.text().endswith("two.conll")
    second.close()
    assert window.transfer.summary is None


def test_export_oneie_in_sentence_windows(qtbot, window, tmp_path):
    out = tmp_path / "windows.oneie.json"
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "oneie")
    type_path(qtbot, dlg, out)
    dlg.windows.setFocus()
    qtbot.keyClick(dlg.windows, Qt.Key_Space)
    press_enter(qtbot, dlg)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # one record per sentence: d1 has one, d2 two
    assert [r["doc_id"] for r in records] == ["d1", "d2", "d2"]
    assert len({r["wnd_id"] for r in records}) == 3
    assert [" ".join(r["tokens"]) for r in records[1:]] == ["Reuters reported it from Baghdad .",
                                                            "Police confirmed it on Tuesday ."]


def test_export_hf_with_a_dev_share_and_a_seed(qtbot, window, tmp_path):
    out = tmp_path / "hf-out"
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "hf")
    type_path(qtbot, dlg, out)
    for spin, text in ((dlg.split, "50"), (dlg.seed, "7")):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, text)
    assert (dlg.split.value(), dlg.seed.value()) == (50, 7)
    press_enter(qtbot, dlg)
    assert window.messages.last is None, window.messages.last and window.messages.last.text()
    parts = {}
    for name in ("train.jsonl", "dev.jsonl"):
        parts[name] = {json.loads(line)["document"] for line in (out / name).read_text(encoding="utf-8").splitlines()}
    assert sorted(parts.values(), key=sorted) == [{"d1"}, {"d2"}]  # one document each, both there
    labels = json.loads((out / "label_names.json").read_text(encoding="utf-8"))
    assert labels[0] == "O" and {"B-ORG", "I-PER", "B-GPE", "B-TIME"} <= set(labels)


def test_replacing_an_existing_file_is_asked_first(qtbot, window, tmp_path):
    out = tmp_path / "keep.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    box = dlg.question
    assert isinstance(box, QMessageBox) and "exists already" in box.text()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)  # No is the default
    assert out.read_text(encoding="utf-8") == "precious\n" and dlg.isVisible() and dlg.question is None
    activate(qtbot, dlg)
    press_enter(qtbot, dlg)
    box = dlg.question
    assert box is not None
    box.button(QMessageBox.Yes).click()
    qtbot.waitUntil(lambda: gone(dlg))  # the export runs once the question has closed
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["d1", "d2"]


def test_exporting_into_a_folder_that_holds_files_is_asked_first(qtbot, window, tmp_path):
    out = tmp_path / "texts"
    out.mkdir()
    (out / "d1.txt").write_text("older text\n", encoding="utf-8")
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "text")
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    box = dlg.question
    assert isinstance(box, QMessageBox) and "already holds 1 file" in box.text()
    box.button(QMessageBox.No).click()
    assert (out / "d1.txt").read_text(encoding="utf-8") == "older text\n" and dlg.isVisible()
    activate(qtbot, dlg)
    press_enter(qtbot, dlg)
    assert dlg.question is not None
    dlg.question.button(QMessageBox.Yes).click()
    qtbot.waitUntil(lambda: gone(dlg))
    assert (out / "d1.txt").read_text(encoding="utf-8") == TEXT1
    assert (out / "d2.txt").read_text(encoding="utf-8") == TEXT2


def test_spacy_missing_says_how_to_install_it(qtbot, window, tmp_path, monkeypatch):
    if not registry.get("spacy").can_write:
        pytest.skip("spaCy export is not written yet")
    monkeypatch.setitem(sys.modules, "spacy", None)  # `import spacy` fails as when it is not installed
    out = tmp_path / "spacy-out"
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    choose_format(qtbot, dlg.format_combo, "spacy")
    type_path(qtbot, dlg, out)
    press_enter(qtbot, dlg)
    assert "pip install" in error_text(window)
    shot(window.messages.last, "export_spacy_missing")


def test_an_export_can_be_cancelled_and_leaves_no_file(qtbot, tmp_path, settings, home):
    path = tmp_path / "many.annotator.db"
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id=f"m{i}", text=f"Report {i} from Mosul."))
                            for i in range(3000)])
    w = show_window(qtbot, MainWindow(path, settings=settings))
    try:
        out = tmp_path / "many.jsonl"
        dlg = open_dialog(qtbot, w, Qt.Key_E)
        type_path(qtbot, dlg, out)

        def press_cancel() -> None:
            found = w.findChildren(QProgressDialog)
            if not found:  # not open yet: look again soon
                QTimer.singleShot(5, press_cancel)
                return
            found[0].cancel()

        QTimer.singleShot(0, press_cancel)
        press_enter(qtbot, dlg)
        assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".many")] == []
        assert w.statusBar().currentMessage() == "Export cancelled; nothing was written"
    finally:
        w.close()


def test_escape_cancels_the_export_dialog_and_writes_nothing(qtbot, window, home):
    dlg = open_dialog(qtbot, window, Qt.Key_E)
    target = Path(dlg.path_edit.text())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
    assert gone(dlg) and not target.exists()
    assert list(home.iterdir()) == []


def mnemonics(dlg) -> list[str]:
    """The Alt+letter keys of the dialog's visible labels and buttons."""
    keys = []
    for w in dlg.findChildren(QWidget):
        if isinstance(w, (QLabel, QAbstractButton)) and w.isVisibleTo(dlg):
            text = w.text().replace("&&", "")
            if "&" in text:
                keys.append(text[text.index("&") + 1].lower())
    return keys


def test_each_alt_key_does_one_thing(qtbot, window):
    for key in (Qt.Key_I, Qt.Key_E):
        dlg = open_dialog(qtbot, window, key)
        for i in range(dlg.format_combo.count()):
            dlg.format_combo.setCurrentIndex(i)
            keys = mnemonics(dlg)
            assert len(keys) == len(set(keys)), (dlg.format_combo.currentData(), sorted(keys))
        dlg.reject()


def test_every_control_is_reachable_with_tab(qtbot, window):
    for key in (Qt.Key_I, Qt.Key_E):
        dlg = open_dialog(qtbot, window, key)
        if isinstance(dlg, ExportDialog):
            choose_format(qtbot, dlg.format_combo, "oneie")
        reached = set()
        for _ in range(40):
            reached.add(QApplication.focusWidget())
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        wanted = [dlg.format_combo, dlg.path_edit, dlg.buttons.button(dlg.buttons.StandardButton.Cancel)]
        if isinstance(dlg, ImportDialog):
            wanted += [dlg.file_button, dlg.folder_button, dlg.add_types, dlg.annotator]
        else:
            wanted += [dlg.choose_button, dlg.windows, *dlg.status_boxes.values()]
        assert all(w in reached for w in wanted), [w for w in wanted if w not in reached]
        dlg.reject()
