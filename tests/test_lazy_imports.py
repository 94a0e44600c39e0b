"""The window's start imports only what its first frame needs; the panels, dialogs and formats come after.

Each test starts a fresh Python process (sys.modules is per process) on a
real project file, runs the application's own start (``annotator.cli.main``,
offscreen) and records ``sys.modules`` at the view's first paint, then
waits for the panels that are built after it and checks they work.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Project

#: Modules the first frame does not need: imported later, on first use or after the first paint.
LAZY = (
    "annotator.importer", "annotator.importlabels", "annotator.formats.output",
    "annotator.qt.docks", "annotator.qt.annlist", "annotator.qt.doclist", "annotator.qt.doclist_model",
    "annotator.qt.inspector", "annotator.qt.inspector_fields", "annotator.qt.argslots",
    "annotator.qt.validation", "annotator.validate_incremental", "annotator.qt.palette",
    "annotator.qt.transfer", "annotator.qt.transfer_dialogs", "annotator.qt.export_dialog",
    "annotator.qt.report_dialog", "annotator.qt.helpdialog",
    # the identity (version from the package metadata, icon) and the CLI's other commands: after the first frame
    "annotator.bundled", "annotator.qt.about", "annotator.formats.registry", "annotator.formats.spec",
)

CHILD = textwrap.dedent('''
    import json, sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    import annotator.cli
    after_cli = sorted(m for m in sys.modules if m.startswith("annotator"))
    app = QApplication(sys.argv[:1])
    seen = {}

    def window():
        from annotator.qt.mainwindow import MainWindow
        return next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))

    def finish():
        w = window()
        if w.panels is None:  # not yet: the panels are built in the turn after the first paint
            QTimer.singleShot(20, finish)
            return
        seen["panels_rows"] = w.panels.ann_list.model.rowCount()
        seen["doc_rows"] = w.panels.doc_list.model.rowCount()
        seen["doc_current"] = w.panels.doc_list.current_id()
        seen["dock_titles"] = sorted(d.windowTitle() for d in w.panels.docks.values())
        seen["docks_in_window"] = len(w.findChildren(type(next(iter(w.panels.docks.values())))))
        w.close()

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.Paint and "at_first_paint" not in seen
                    and type(obj.parent()).__name__ == "AnnotationView"):
                seen["at_first_paint"] = sorted(m for m in sys.modules if m.startswith("annotator"))
                seen["panels_then"] = window().panels is not None
                seen["docks_then"] = sorted(d.windowTitle() for d in window().findChildren(
                    __import__("PySide6.QtWidgets", fromlist=["QDockWidget"]).QDockWidget))
                QTimer.singleShot(0, finish)
            return False

    f = FirstPaint()
    app.installEventFilter(f)
    code = annotator.cli.main([sys.argv[1]])
    seen["after_cli"] = after_cli
    seen["code"] = code
    print(json.dumps(seen))
''')


def _project(path: Path) -> Path:
    text = "Militants attacked Dujail on Wednesday. Officials in Baghdad said seven people died.\n" * 200  # under 20,000 characters: loaded at once, before the panels exist
    spans = [Span(f"T{i + 1}", "GPE", 19 + 85 * i, 25 + 85 * i) for i in range(150)]
    with Project.open(path) as p:
        p.import_documents([AnnotatedDocument(Document(id="d1", text=text, name="d1"), spans)])
    return path


def _run_child(tmp_path: Path) -> dict:
    project = _project(tmp_path / "p.db")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", CHILD, str(project)], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_first_frame_imports_no_panel_dialog_or_format_module_and_the_panels_follow(tmp_path):
    seen = _run_child(tmp_path)
    assert seen["code"] == 0
    early = set(seen["after_cli"]) | set(seen["at_first_paint"])
    assert sorted(early & set(LAZY)) == []
    assert "annotator.qt.textview" in seen["at_first_paint"]  # the probe caught the real first frame
    # The first frame already has the final layout: the five docks, still empty.
    assert seen["panels_then"] is False
    assert seen["docks_then"] == ["Annotations", "Documents", "Inspector", "Labels", "Problems"]
    # Then the panels fill those same docks and catch up with the document shown.
    assert seen["dock_titles"] == ["Annotations", "Documents", "Inspector", "Labels", "Problems"]
    assert seen["docks_in_window"] == 5
    assert seen["doc_rows"] == 1
    assert seen["doc_current"] == "d1"  # the list caught up with the document opened before it existed
    assert seen["panels_rows"] == 150


def test_importing_the_cli_loads_no_import_or_export_machinery():
    code = ("import sys, annotator.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('annotator.importer') "
            "or m.startswith('PySide6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_quick_pyside_scan_gives_pysides_answer(tmp_path):
    """The replacement of PySide6's per-module source scan answers as the original does."""
    code = textwrap.dedent('''
        import sys
        from annotator.qt.faststart import quicken_pyside_import_scan
        import PySide6.QtCore
        feature = sys.modules["shibokensupport.feature"]
        slow = feature._mod_uses_pyside
        assert quicken_pyside_import_scan()
        quick = feature._mod_uses_pyside
        assert quick is not slow and not quicken_pyside_import_scan()  # once only
        import annotator.qt.textview, annotator.store, json, sqlite3, math
        names = ["annotator.qt.textview", "annotator.store", "json", "sqlite3", "math", "PySide6", "sys"]
        print([(n, slow(sys.modules[n]), quick(sys.modules[n])) for n in names])
    ''')
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = eval(out.stdout.strip())  # noqa: S307 - our own child's repr of a list of tuples
    assert all(slow == quick for _name, slow, quick in rows), rows
    assert dict((n, q) for n, _s, q in rows)["annotator.qt.textview"] is True
    assert dict((n, q) for n, _s, q in rows)["annotator.store"] is False
