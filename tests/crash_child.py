"""Child process for tests/test_crash.py: writes to a project in a loop, acknowledging each committed change.

Usage: ``python tests/crash_child.py PROJECT SEED MODE`` where MODE is ``store`` (the
:class:`annotator.store.Project` API) or ``session`` (the GUI's ``Session``, offscreen).
After every change that returned, prints ``ACK <kind> <id> <start> <end> <label>`` (or
``ACK status <doc> <status>``) and flushes, so the parent knows it is committed.
"""
from __future__ import annotations

import os
import random
import sys

DOC = "d1"
LABELS = ("PER", "ORG", "GPE", "LOC")


def _ack(line: str) -> None:
    sys.stdout.write(f"ACK {line}\n")
    sys.stdout.flush()


def run_store(path: str, rng: random.Random) -> None:
    from annotator.model import Span
    from annotator.store import Project

    project = Project.open(path, create=False)
    n = len(project.get_document(DOC).text)
    print("READY", flush=True)
    while True:
        op = rng.random()
        if op < 0.85:
            start = rng.randrange(0, n - 10)
            end = start + rng.randrange(1, 10)
            label = rng.choice(LABELS)
            span = project.add_span(DOC, Span("", label, start, end))
            _ack(f"span {span.id} {start} {end} {label}")
        else:
            status = rng.choice(("in_progress", "done", "reviewed"))
            project.set_status(DOC, status)
            _ack(f"status {DOC} {status}")


def run_session(path: str, rng: random.Random) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from annotator.qt.session import Session
    from annotator.store import Project

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841 - keeps Qt objects alive
    project = Project.open(path, create=False)
    session = Session(project)
    session.open_document(DOC)
    n = len(project.get_document(DOC).text)
    print("READY", flush=True)
    while True:
        start = rng.randrange(0, n - 10)
        end = start + rng.randrange(1, 10)
        label = rng.choice(LABELS)
        ann_id = session.add_annotation(start, end, label)
        if ann_id is None:
            continue  # refused (e.g. snapped to nothing): nothing to acknowledge
        span = project.fetch(DOC, {ann_id})[0][0]
        _ack(f"span {span.id} {span.start} {span.end} {span.label}")


def main() -> None:
    path, seed, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    (run_session if mode == "session" else run_store)(path, rng)


if __name__ == "__main__":
    main()
