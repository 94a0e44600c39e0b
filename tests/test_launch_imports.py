"""The window's start does without sqlite-utils and the format machinery; the store still writes through sqlite-utils.

Each test runs a fresh Python process (``sys.modules`` is per process) on a
real project file.  The window's test runs the application's own start
(``annotator.cli.main``, offscreen), records ``sys.modules`` at the view's
first paint, then tags a word with a real key press and checks the row in
the file.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project

#: Not imported before the first frame: sqlite-utils and what it brings, the package metadata, the formats.
NOT_AT_FIRST_PAINT = (
    "sqlite_utils", "sqlite_utils.db", "sqlite_utils.migrations", "click", "dateutil", "pluggy",
    "importlib.metadata", "annotator.bundled", "annotator.qt.about",
    "annotator.formats.registry", "annotator.formats.spec",
)

TEXT = "Militants attacked Dujail on Wednesday. Officials in Baghdad said seven people died.\n" * 40


def _project(path: Path) -> Path:
    spans = [Span(f"T{i + 1}", "GPE", 19 + 85 * i, 25 + 85 * i) for i in range(30)]
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=TEXT, name="d1"), spans)])
    return path


def _run(code: str, *args: str, cwd: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(cwd / "cfg"), HOME=str(cwd))
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                         timeout=120, cwd=cwd)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


WINDOW = textwrap.dedent('''
    import json, sys, threading
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    import annotator.cli
    WATCH = json.loads(sys.argv[2])
    app = QApplication(sys.argv[:1])
    seen = {}

    def window():
        from annotator.qt.mainwindow import MainWindow
        return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

    def tag():
        w = window()
        warming = any(t.name == "annotator-warm-imports" for t in threading.enumerate())
        if w.panels is None or warming or "sqlite_utils.migrations" not in sys.modules:
            QTimer.singleShot(20, tag)
            return
        seen["after_warm_up"] = sorted(m for m in WATCH if m in sys.modules)
        w.view.setFocus()
        w.view.set_selection(0, 9)  # "Militants", not a span yet
        QTest.keyClick(w.view, Qt.Key_P)  # PER, the default schema's hotkey
        seen["spans"] = len(w.session.current.spans)
        w.close()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.Paint and "at_first_paint" not in seen
                    and type(obj.parent()).__name__ == "AnnotationView"):
                seen["at_first_paint"] = sorted(m for m in WATCH if m in sys.modules)
                seen["view_drawn"] = "annotator.qt.textview" in sys.modules
                QTimer.singleShot(0, tag)
            return False

    f = FirstPaint()
    app.installEventFilter(f)
    seen["code"] = annotator.cli.main([sys.argv[1]])
    print(json.dumps(seen))
''')


def test_first_frame_needs_no_sqlite_utils_and_a_key_press_then_writes_through_it(tmp_path):
    project = _project(tmp_path / "p.db")
    seen = _run(WINDOW, str(project), json.dumps(NOT_AT_FIRST_PAINT), cwd=tmp_path)
    assert seen["code"] == 0
    assert seen["view_drawn"] is True  # the probe caught the real first frame
    assert seen["at_first_paint"] == []
    # After the first frame, sqlite-utils is imported (on a worker thread), and so is the identity's metadata.
    assert {"sqlite_utils", "sqlite_utils.migrations", "annotator.bundled"} <= set(seen["after_warm_up"])
    assert seen["spans"] == 31
    conn = sqlite3.connect(project)
    try:
        rows = conn.execute("SELECT label, start, \"end\" FROM spans WHERE start < 19").fetchall()
    finally:
        conn.close()
    assert rows == [("PER", 0, 9)]


STORE = textwrap.dedent('''
    import json, sys
    from annotator.model import Span
    from annotator.store import Project
    seen = {}
    mode = sys.argv[2]
    p = Project.open(sys.argv[1], create=False, read_only=(mode == "read_only"))
    doc = p.get_document("d1")
    seen["text"] = doc.text[:9]
    seen["first"] = [s.id for s in p.spans_in_range("d1", 0, 100)]
    seen["ids"] = p.document_ids()
    seen["schema"] = p.schema.label_kind("PER")
    seen["before_write"] = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlite_utils", "click", "pluggy"))
    if mode == "write":
        seen["new"] = p.add_span("d1", Span("", "PER", 0, 9)).id
        seen["after_write"] = "sqlite_utils" in sys.modules
    p.close()
    print(json.dumps(seen))
''')


def test_opening_and_reading_a_project_imports_no_sqlite_utils_and_a_write_goes_through_it(tmp_path):
    project = _project(tmp_path / "p.db")
    seen = _run(STORE, str(project), "write", cwd=tmp_path)
    assert seen["text"] == "Militants"
    assert seen["first"] == ["T1"]
    assert seen["ids"] == ["d1"]
    assert seen["schema"] == "entity"
    assert seen["before_write"] == []
    assert seen["after_write"] is True
    with Project.open(project, create=False) as p:
        assert [(s.label, s.start, s.end) for s in p.get_annotated("d1").spans if s.id == seen["new"]] == [
            ("PER", 0, 9)]


def test_a_read_only_open_imports_no_sqlite_utils(tmp_path):
    project = _project(tmp_path / "p.db")
    seen = _run(STORE, str(project), "read_only", cwd=tmp_path)
    assert seen["before_write"] == []
    assert seen["first"] == ["T1"]


def test_an_older_project_is_still_upgraded_at_open(tmp_path):
    """A project with a pending migration needs sqlite-utils' Migrations at open, and gets them."""
    from annotator.migrations import MIGRATIONS, NAMES

    path = tmp_path / "old.db"
    from sqlite_utils import Database

    db = Database(path)
    MIGRATIONS.apply(db, stop_before=NAMES[-1])
    db.close()
    with Project.open(path) as p:
        assert p.schema_version == list(NAMES)
        assert p.backup_path is not None and p.backup_path.exists()


def test_migration_names_are_the_registered_migrations():
    from annotator.migrations import MIGRATIONS, NAMES, STEPS

    assert [m.name for m in MIGRATIONS._migrations] == list(NAMES) == [f.__name__ for f in STEPS]
    assert NAMES[0] == "m001_initial" and len(set(NAMES)) == len(NAMES)
