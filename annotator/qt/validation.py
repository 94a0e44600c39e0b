"""The validation panel: every problem of the current document, errors first.

It re-validates the current document when one is opened or loaded and after
edits (debounced, so that a burst of edits validates once), records the
document's problem counts in the project (only when they changed) and tells
the rest of the window through :attr:`ValidationPanel.problems_changed`.  A
click on a problem (or Enter) emits :attr:`ValidationPanel.problem_activated`
with the id of the annotation concerned, for the window to jump to it.

The severity colours and the count badge are shared with the document list.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap
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
from ..validate import ERROR, INCOMPLETE, Problem, validate_document
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

# (on a light base, on a dark base): saturated enough to read as a warning,
# light enough on dark themes not to sink into the background.
_COLORS: dict[str, tuple[str, str]] = {
    ERROR: ("#d13438", "#ff6b6b"),
    INCOMPLETE: ("#d97706", "#f5a524"),
}


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def severity_color(severity: str, palette: QPalette | None = None) -> QColor:
    """The colour for ``"error"`` or ``"incomplete"``, chosen for the palette's base (light or dark)."""
    light, dark = _COLORS.get(severity, _COLORS[INCOMPLETE])
    return QColor(dark if palette is not None and _is_dark(palette) else light)


def severity_icon(severity: str, palette: QPalette | None = None, size: int = 16) -> QIcon:
    """A disc with "!" for an error, a ring with a dot for an incomplete event."""
    color = severity_color(severity, palette)
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = QRectF(1.5, 1.5, size - 3, size - 3)
    if severity == ERROR:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(r)
        p.setPen(QPen(QColor("white"), max(1.6, size / 8), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        cx = size / 2
        p.drawLine(int(round(cx)), int(size * 0.28), int(round(cx)), int(size * 0.58))
        p.setBrush(QColor("white"))
        p.setPen(Qt.PenStyle.NoPen)
        d = max(2.0, size / 7)
        p.drawEllipse(QRectF(cx - d / 2, size * 0.70, d, d))
    else:
        p.setPen(QPen(color, max(1.8, size / 7)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(r.adjusted(0.8, 0.8, -0.8, -0.8))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        d = size * 0.32
        p.drawEllipse(QRectF((size - d) / 2, (size - d) / 2, d, d))
    p.end()
    return QIcon(pm)


def _text_on(color: QColor) -> QColor:
    """White or near-black, whichever reads better on ``color`` (WCAG relative luminance)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(color.redF()) + 0.7152 * lin(color.greenF()) + 0.0722 * lin(color.blueF())
    return QColor("#1a1a1a") if lum > 0.3 else QColor("white")


def problem_summary(n_errors: int, n_incomplete: int) -> str:
    """``"2 errors, 1 incomplete event"``, ``"1 error"``, ``"No problems"``."""
    parts = []
    if n_errors:
        parts.append(f"{n_errors} error{'s' if n_errors != 1 else ''}")
    if n_incomplete:
        parts.append(f"{n_incomplete} incomplete event{'s' if n_incomplete != 1 else ''}")
    return ", ".join(parts) if parts else "No problems"


def problem_badge(n_errors: int, n_incomplete: int, font: QFont, palette: QPalette | None = None,
                  height: int = 16, ratio: float = 1.0) -> QPixmap | None:
    """A small rounded badge: the error count in red, the incomplete count in orange (None if both 0).

    ``ratio`` is the device pixel ratio to draw at (sharp on high-DPI screens).
    """
    pills = [(n, severity_color(sev, palette)) for n, sev in ((n_errors, ERROR), (n_incomplete, INCOMPLETE)) if n]
    if not pills:
        return None
    f = QFont(font)
    f.setBold(True)
    f.setPixelSize(max(8, height - 5))
    fm = QFontMetrics(f)
    pad, gap = 4, 2
    widths = [max(height, fm.horizontalAdvance(str(n)) + 2 * pad) for n, _ in pills]
    total = sum(widths) + gap * (len(pills) - 1)
    pm = QPixmap(round(total * ratio), round(height * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(f)
    x = 0.0
    for (n, color), w in zip(pills, widths):
        rect = QRectF(x, 1, w, height - 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawRoundedRect(rect, (height - 2) / 2, (height - 2) / 2)
        p.setPen(_text_on(color))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n))
        x += w + gap
    p.end()
    return pm


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Errors first, then incomplete events; stable within each (the validator's order)."""
    return sorted(problems, key=lambda p: 0 if p.severity == ERROR else 1)


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
        self._checked_state = None
        self._run()
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

    def _on_changed(self, _change: Change) -> None:
        self._checked_state = None
        self._timer.start()  # restarts: a burst of edits validates once, after the last

    # ------------------------------------------------------------------ validation

    def _run(self) -> None:
        cur = self.session.current
        if cur is None:
            self._checked_state = None
            self._show([], "No document")
            return
        if cur.partial:  # document_loaded will follow
            return
        problems = _sorted(validate_document(self.session.project.schema, cur.annotated()))
        self._checked_state = cur
        n_errors, n_incomplete = problem_counts(problems)
        self._show(problems, problem_summary(n_errors, n_incomplete))
        project = self.session.project
        try:
            if self.session.read_only:  # the counts are a cache: a read-only file keeps its own
                pass
            elif project.problem_counts(cur.id) != (n_errors, n_incomplete):
                project.set_problem_counts(cur.id, n_errors, n_incomplete)
        except StoreError as exc:  # the document was deleted under us
            if not is_write_failure(exc):  # a cache write that failed (locked) is retried next time
                self.session.error.emit(str(exc))
                return
        key = (cur.id, n_errors, n_incomplete)
        if key != self._emitted:
            self._emitted = key
            self.problems_changed.emit(*key)

    # ------------------------------------------------------------------ display

    def _show(self, problems: list[Problem], summary: str) -> None:
        self._problems = problems
        palette = self.palette()
        self.summary.setText(summary)
        n_errors, n_incomplete = problem_counts(problems)
        if n_errors or n_incomplete:
            color = severity_color(ERROR if n_errors else INCOMPLETE, palette)
            self.summary.setStyleSheet(f"QLabel {{ color: {color.name()}; font-weight: bold; }}")
        else:
            self.summary.setStyleSheet("")
        icons = {sev: severity_icon(sev, palette) for sev in (ERROR, INCOMPLETE)}
        tips = {ERROR: "Error", INCOMPLETE: "Incomplete: a required role is not filled yet"}
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.clear()
            items = []
            for p in problems:
                item = QTreeWidgetItem([p.ref or "", _short(p)])
                item.setIcon(0, icons.get(p.severity, icons[INCOMPLETE]))
                item.setData(0, REF_ROLE, p.ref)
                item.setData(0, SEVERITY_ROLE, p.severity)
                item.setToolTip(0, tips.get(p.severity, p.severity))
                item.setToolTip(1, p.message)
                items.append(item)
            self.tree.addTopLevelItems(items)
        finally:
            self.tree.setUpdatesEnabled(True)

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ref = item.data(0, REF_ROLE)
        if ref:
            self.problem_activated.emit(ref)

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001
        """Redraw the severity icons and summary colour for a new palette (theme)."""
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._show(self._problems, self.summary.text())
