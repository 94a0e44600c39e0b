"""The validation panel: every problem of the current document, errors first.

It validates the current document when one is opened or loaded; after an
edit it re-checks only the annotations the edit can have affected
(:class:`~annotator.validate_incremental.IncrementalValidation`, at once, in
the same turn of the event loop: no whole-document pass per edit), records the
document's problem counts in the project (only when they changed) and tells
the rest of the window through :attr:`ValidationPanel.problems_changed`.  A
click on a problem (or Enter) emits :attr:`ValidationPanel.problem_activated`
with the id of the annotation concerned, for the window to jump to it.

The severity colours and the count badge (:mod:`annotator.qt.problemicons`) are shared with
the document list.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..store import StoreError, problem_counts
from ..validate import ERROR, INCOMPLETE, Problem
from ..validate_incremental import IncrementalValidation, display_order
from .problemicons import problem_badge, problem_summary, severity_color, severity_icon
from .session import Change, Session
from .undo import is_write_failure

__all__ = [
    "ValidationPanel",
    "problem_badge",
    "problem_summary",
    "severity_color",
    "severity_icon",
]

REF_ROLE = Qt.ItemDataRole.UserRole + 1
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2


def _short(p: Problem) -> str:
    """The message without its leading ``"<ref>: "`` (the id has its own column)."""
    prefix = f"{p.ref}: "
    return p.message[len(prefix):] if p.ref and p.message.startswith(prefix) else p.message


class _ProblemTree(QTreeWidget):
    """Enter (or Return) on the current row activates it, once; clicks go through ``itemClicked``."""

    enter_pressed = Signal(QTreeWidgetItem)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.enter_pressed.emit(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)


class ValidationPanel(QWidget):
    """Problems of the session's current document (see the module docstring)."""

    #: (doc id, n_errors, n_incomplete) after a validation that found other counts
    #: than last time (or the first validation of a newly opened document).
    problems_changed = Signal(str, int, int)
    #: the annotation id of the problem clicked or entered
    problem_activated = Signal(str)

    DEBOUNCE_MS = 150

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self._problems: list[Problem] = []
        self._emitted: tuple[str, int, int] | None = None
        self._checked_state: object | None = None  # the DocState last validated, while no edit followed
        self._inc: IncrementalValidation | None = None  # the current document's problems, kept by edits
        self._stored: tuple[str, int, int] | None = None  # the counts known to be in the project file
        self._steps: Iterator[int] | None = None  # a long document's first validation, in steps
        self._pending: set[str] = set()  # ids edited while those steps run

        self.summary = QLabel()
        self.summary.setObjectName("validation-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = _ProblemTree()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Annotation", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setIconSize(QSize(16, 16))
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self._run)
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._step)

        self.tree.itemClicked.connect(self._activate)
        self.tree.enter_pressed.connect(self._activate)
        session.document_opened.connect(self._on_opened)
        session.document_loaded.connect(self._on_loaded)
        session.changed.connect(self._on_changed)
        if session.current is not None and not session.current.partial:
            self._run()
        else:
            self._show([], "No document" if session.current is None else "Loading…")

    # ------------------------------------------------------------------ public

    def problems(self) -> list[Problem]:
        """The current document's problems as shown: errors first, then incomplete events."""
        return list(self._problems)

    def validate_now(self) -> list[Problem]:
        """Validate the current document at once (finishing its load if needed); returns the problems."""
        self._timer.stop()
        self.session.ensure_loaded()
        if self._steps is not None and self._inc is not None and self._inc.doc is self.session.current:
            self._step(budget=None)  # finish the validation in progress
            return self.problems()
        self._checked_state = None
        self._stored = None  # read the file's counts again
        self._run(at_once=True)
        return self.problems()

    def counts(self) -> tuple[int, int]:
        """``(n_errors, n_incomplete)`` of the problems shown."""
        return problem_counts(self._problems)

    # ------------------------------------------------------------------ signals in

    def _on_opened(self, _doc_id: str) -> None:
        # Validate at once, so the list never shows the previous document's
        # problems; a document opened in two steps is validated when loaded.
        self._timer.stop()
        cur = self.session.current
        if cur is None or cur.partial:
            self._checked_state = None
            self._show([], "Loading…")
            return
        self._run()

    def _on_loaded(self, _doc_id: str) -> None:
        if self.session.current is not self._checked_state:  # not already validated by _on_opened
            self._timer.stop()
            self._run()

    def _on_changed(self, change: Change) -> None:
        cur = self.session.current
        inc = self._inc
        if cur is None or cur.partial or inc is None or inc.doc is not cur or change.doc_id != cur.id:
            self._checked_state = None
            self._timer.start()  # not followed incrementally: validate the whole document, once, after a burst
            return
        if self._steps is not None:  # the first validation is still in steps: take this edit in after it
            self._pending |= change.ids
            return
        if inc.update(change.ids):
            self._publish(cur)

    # ------------------------------------------------------------------ validation

    #: Documents with more annotations than this are validated in steps of
    #: STEP_MS on the event loop when opened (about 60 ms per 10,000 at brat's
    #: density), so that opening never blocks the window for that long.
    AT_ONCE = 10_000
    STEP_MS = 8.0

    def _run(self, at_once: bool = False) -> None:
        cur = self.session.current
        self._steps = None
        self._step_timer.stop()
        if cur is None:
            self._checked_state = None
            self._inc = None
            self._show([], "No document")
            return
        if cur.partial:  # document_loaded will follow
            return
        self._checked_state = cur
        self._stored = None  # a whole validation compares with the file's counts
        if not at_once and len(cur.spans) + len(cur.events) + len(cur.relations) > self.AT_ONCE:
            self._inc = IncrementalValidation(self.session.project.schema, cur, build=False)
            self._steps = self._inc.build_steps(every=500)
            self._pending = set()
            self._show([], "Checking…")
            self._step_timer.start()
            return
        self._inc_rebuild()
        self._publish(cur)

    def _step(self, budget: float | None = STEP_MS) -> None:
        """Run the first validation's steps for about ``budget`` ms (None: to the end), then show it."""
        steps, inc, cur = self._steps, self._inc, self.session.current
        if steps is None or inc is None or cur is None or inc.doc is not cur:
            self._steps = None
            return
        end = None if budget is None else time.perf_counter() + budget / 1000
        for _ in steps:
            if end is not None and time.perf_counter() >= end:
                self._step_timer.start()
                return
        self._steps = None
        pending, self._pending = self._pending, set()
        if pending:
            inc.update(pending)
        self._publish(cur)

    def _inc_rebuild(self) -> None:
        """Validate the whole current document (on open and load; tests count these)."""
        self._inc = IncrementalValidation(self.session.project.schema, self.session.current)

    def _publish(self, cur) -> None:  # noqa: ANN001 (a DocState)
        """Show the problems held, record changed counts in the project and announce them."""
        assert self._inc is not None
        problems = display_order(self._inc.problems())
        n_errors, n_incomplete = problem_counts(problems)
        self._show(problems, problem_summary(n_errors, n_incomplete))
        project = self.session.project
        key = (cur.id, n_errors, n_incomplete)
        try:
            if self.session.read_only:  # the counts are a cache: a read-only file keeps its own
                pass
            elif self.session.layer is None:  # every layer overlaid: the counts are no one layer's
                pass
            elif key != self._stored:
                if project.problem_counts(cur.id) != (n_errors, n_incomplete):
                    project.set_problem_counts(cur.id, n_errors, n_incomplete)
                self._stored = key
        except StoreError as exc:  # the document was deleted under us
            self._stored = None
            if not is_write_failure(exc):  # a cache write that failed (locked) is retried next time
                self.session.error.emit(str(exc))
                return
        if key != self._emitted:
            self._emitted = key
            self.problems_changed.emit(*key)

    # ------------------------------------------------------------------ display

    def _show(self, problems: list[Problem], summary: str, *, rebuild: bool = False) -> None:
        """Show ``problems``: only the rows that differ from those shown are taken out and put in
        (the common head and tail stay), so an edit never resets the list; ``rebuild`` redraws all."""
        old = self._problems
        self._problems = problems
        palette = self.palette()
        self.summary.setText(summary)
        n_errors, n_incomplete = problem_counts(problems)
        if n_errors or n_incomplete:
            color = severity_color(ERROR if n_errors else INCOMPLETE, palette)
            self.summary.setStyleSheet(f"QLabel {{ color: {color.name()}; font-weight: bold; }}")
        else:
            self.summary.setStyleSheet("")
        tree = self.tree
        if rebuild or tree.topLevelItemCount() != len(old):
            old, head, tail = [], 0, 0
            tree.clear()
        else:
            head = 0
            limit = min(len(old), len(problems))
            while head < limit and old[head] == problems[head]:
                head += 1
            tail = 0
            while tail < limit - head and old[-1 - tail] == problems[-1 - tail]:
                tail += 1
        if head == len(old) == len(problems):
            return
        icons = {sev: severity_icon(sev, palette) for sev in (ERROR, INCOMPLETE)}
        tips = {ERROR: "Error", INCOMPLETE: "Incomplete: a required role is not filled yet"}
        tree.setUpdatesEnabled(False)
        try:
            for i in range(len(old) - tail - 1, head - 1, -1):
                tree.takeTopLevelItem(i)
            items = []
            for p in problems[head:len(problems) - tail]:
                item = QTreeWidgetItem([p.ref or "", _short(p)])
                item.setIcon(0, icons.get(p.severity, icons[INCOMPLETE]))
                item.setData(0, REF_ROLE, p.ref)
                item.setData(0, SEVERITY_ROLE, p.severity)
                item.setToolTip(0, tips.get(p.severity, p.severity))
                item.setToolTip(1, p.message)
                items.append(item)
            if items:
                tree.insertTopLevelItems(head, items)
        finally:
            tree.setUpdatesEnabled(True)

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ref = item.data(0, REF_ROLE)
        if ref:
            self.problem_activated.emit(ref)

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001
        """Redraw the severity icons and summary colour for a new palette (theme)."""
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._show(self._problems, self.summary.text(), rebuild=True)
