"""The window on a schema of 10,000 types, against the default schema in the same run.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_big_schema.py [N_TYPES]

Each project holds the same seed article.  Figures, from the moment
``MainWindow(project)`` is called to the first frame of the annotation view
painted by the event loop (a paint event seen by an event filter, then the
loop's next turn), split into parsing the project's schema (TOML, pure Python
tomllib: it grows with the schema whatever the window does) and the rest; and
the time to build the label menu, the context menu and the inspector's type
list.  Target: the big schema within about 2x of the default one.  A
benchmark, not a test: nothing here fails on a slow machine.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.formats.plaintext import read_text_paths  # noqa: E402
from annotator.qt.mainwindow import MainWindow  # noqa: E402
from annotator.schema import Schema  # noqa: E402
from annotator.store import Project  # noqa: E402


def big_schema_toml(n_types: int) -> str:
    """``n_types`` types: 60% entity types, 40% event types with two roles each; a few hotkeys."""
    n_entities = n_types * 6 // 10
    out = ['name = "big"\n']
    for i in range(n_entities):
        out.append(f'[entities.E{i:05d}]\n')
        if i < 20:
            out.append(f'hotkey = "Alt+{chr(65 + i)}"\n')
    for i in range(n_types - n_entities):
        out.append(f'[events.V{i:05d}]\nroles.Agent = ["E{i % n_entities:05d}"]\nroles.Place = ["E{(i * 7) % n_entities:05d}"]\n')
    return "".join(out)


class FirstPaint(QObject):
    """Records when the watched widget is first painted."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
        return False


def open_window(app: QApplication, project_path: Path, settings_path: Path) -> tuple[float, MainWindow]:
    """Seconds from ``MainWindow(project)`` to the first painted frame of the view, and the window."""
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    watcher = FirstPaint()
    app.installEventFilter(watcher)
    t0 = time.perf_counter()
    w = MainWindow(project_path, settings=settings)
    w.show()
    done: list[float] = []
    while watcher.at is None or not done:
        if watcher.at is not None and not done:
            QTimer.singleShot(0, lambda: done.append(time.perf_counter()))
        app.processEvents()
        if watcher.at is not None and done:
            break
        if time.perf_counter() - t0 > 120:
            raise SystemExit("no frame after 120 s")
    app.removeEventFilter(watcher)
    return done[0] - t0, w


def timed(action) -> float:  # noqa: ANN001
    t = time.perf_counter()
    action()
    QApplication.processEvents()
    return time.perf_counter() - t


def measure(app: QApplication, folder: Path, name: str, schema: Schema) -> dict[str, float]:
    path = folder / f"{name}.annotator.db"
    with Project.open(path, schema=schema) as p:
        p.import_documents(read_text_paths([next((ROOT / "seeds").glob("*.txt"))]))
    first, w = open_window(app, path, folder / f"{name}.ini")
    parse = min(timed(lambda: Schema.from_toml(schema.source, "project schema")) for _ in range(3))
    out = {"first frame": first, "  of which schema parse": parse, "  the rest (widgets)": max(first - parse, 0.0)}
    menu = w.menus.labels_menu
    out["Labels menu"] = timed(lambda: (menu.aboutToShow.emit(), [m.aboutToShow.emit() for m in
                                                                   (a.menu() for a in menu.actions()) if m]))
    w.view.set_selection(0, 4) if hasattr(w.view, "set_selection") else None
    out["context menu"] = timed(lambda: w.context_menu.build(""))
    span_id = w.session.add_annotation(0, 4, next(iter(schema.entity_types)))
    out["inspector on a span"] = timed(lambda: w.panels.inspector.show_annotation(span_id))
    w.close()
    w.deleteLater()
    app.processEvents()
    return out


def main() -> None:
    n_types = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        big = Schema.from_toml(big_schema_toml(n_types), "big.toml")
        load = time.perf_counter() - t
        base = measure(app, folder, "default", Schema.default())
        large = measure(app, folder, "big", big)
    print(f"schema: {len(big.entity_types):,} entity + {len(big.event_types):,} event types "
          f"(default: {len(Schema.default().entity_types)} + {len(Schema.default().event_types)}); "
          f"loading the big TOML {load:.3f} s")
    for key in base:
        ratio = large[key] / base[key] if base[key] else float("inf")
        timed_target = key in ("first frame", "  the rest (widgets)")
        verdict = ("OK" if ratio <= 2.0 else "over") if timed_target else ""
        target = "target <= ~2x " if timed_target else ""
        print(f"{key:22s} big {large[key]:8.3f} s   default {base[key]:8.3f} s   ratio {ratio:6.2f}   {target}{verdict}")


if __name__ == "__main__":
    main()
