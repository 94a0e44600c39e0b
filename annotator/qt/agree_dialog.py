"""The Agreement dialog: two annotators' layers, the `annotator agree` tables, and a bar chart of F1 per label.

The figures' modules (agreement, agreement_report, the tokenizer) are imported
when the dialog first scores, not when the window builds its menu.  Scoring
reads and counts a document at a time, a few documents per turn of the event
loop, with a progress line and Cancel; the figures are shown when it ends.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..model import GOLD_LAYER
from ..model import layer_title as shown

if TYPE_CHECKING:
    from ..agreement import Scorer
    from ..agreement_report import Table
    from ..store import Project

__all__ = ["AgreementDialog", "F1Chart", "add_agreement_action", "open_agreement_dialog"]

EXACT = QColor("#3b6fb6")
OVERLAP = QColor("#9cc0ea")
EVENT = QColor("#c2703d")

#: seconds of scoring in one turn of the event loop (then the window paints and takes input)
TURN = 0.025


class F1Chart(QWidget):
    """Horizontal bars, one row per label: entity labels (exact and overlap F1), then event types (trigger F1)."""

    ROW = 22
    BAR = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, list[tuple[float | None, QColor]]]] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)

    def set_result(self, result: dict[str, Any] | None) -> None:
        """Show the per-label F1s of ``result`` (None: no bars)."""
        self.rows = []
        if result is not None:
            for label, f in sorted(result["per_label"]["entities"].items()):
                self.rows.append((label, [(f["exact"]["f1"], EXACT), (f["overlap"]["f1"], OVERLAP)]))
            for t, f in sorted(result["per_label"]["events"].items()):
                self.rows.append((t, [(f["trigger_classification"]["f1"], EVENT)]))
        self.updateGeometry()
        self.update()

    def values(self) -> list[tuple[str, list[float | None]]]:
        """What the bars show: (label, its F1s in drawing order)."""
        return [(label, [v for v, _ in bars]) for label, bars in self.rows]

    def _label_width(self) -> int:
        fm = self.fontMetrics()
        return min(220, max((fm.horizontalAdvance(label) for label, _ in self.rows), default=40) + 12)

    def _legend_height(self) -> int:
        return self.fontMetrics().height() + 10

    def sizeHint(self) -> QSize:
        return QSize(520, self._legend_height() + max(1, len(self.rows)) * self.ROW + 2 * self.fontMetrics().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def bar_rect(self, row: int, bar: int) -> QRectF:
        """Where bar ``bar`` of row ``row`` is drawn (its full length stands for F1 = 1)."""
        left = self._label_width()
        width = max(10, self.width() - left - 50)
        n = len(self.rows[row][1])
        top = self._legend_height() + row * self.ROW + (self.ROW - n * self.BAR) / 2 + bar * self.BAR
        return QRectF(left, top, width, self.BAR - 1)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: ARG002
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing, False)
        pal = self.palette()
        text = pal.windowText().color()
        fm = self.fontMetrics()
        p.fillRect(self.rect(), pal.base())
        if not self.rows:
            p.setPen(text)
            p.drawText(self.rect(), Qt.AlignCenter, "Nothing to chart")
            p.end()
            return
        x = self._label_width()
        for title, color in (("exact F1", EXACT), ("overlap F1", OVERLAP), ("trigger F1 (events)", EVENT)):
            p.fillRect(QRectF(x, 6, 12, fm.height() - 4), color)
            p.setPen(text)
            p.drawText(int(x + 16), 4 + fm.ascent(), title)
            x += 16 + fm.horizontalAdvance(title) + 18
        grid = QColor(text)
        grid.setAlpha(50)
        full = self.bar_rect(0, 0)
        bottom = self._legend_height() + len(self.rows) * self.ROW
        for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
            gx = full.left() + tick * full.width()
            p.setPen(QPen(grid, 1))
            p.drawLine(int(gx), self._legend_height(), int(gx), bottom)
            p.setPen(text)
            p.drawText(QRectF(gx - 20, bottom + 2, 40, fm.height()), Qt.AlignHCenter | Qt.AlignTop, f"{tick:g}")
        for i, (label, bars) in enumerate(self.rows):
            y = self._legend_height() + i * self.ROW
            p.setPen(text)
            shown_label = fm.elidedText(label, Qt.ElideRight, self._label_width() - 10)
            p.drawText(QRectF(4, y, self._label_width() - 10, self.ROW), Qt.AlignVCenter | Qt.AlignRight, shown_label)
            for j, (value, color) in enumerate(bars):
                r = self.bar_rect(i, j)
                if value is None:
                    continue
                p.fillRect(QRectF(r.left(), r.top(), r.width() * value, r.height()), color)
            first = bars[0][0]
            p.drawText(QRectF(full.right() + 4, y, 46, self.ROW), Qt.AlignVCenter | Qt.AlignLeft,
                       "-" if first is None else f"{first:.2f}")
        p.end()


class _Rows(QAbstractTableModel):
    """A :data:`Table` as a read-only model (a view of thousands of documents fills at once)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.head: list[str] = []
        self.rows: list[list[str]] = []

    def set_table(self, data: Table | None) -> None:
        self.beginResetModel()
        self.head, self.rows = data if data is not None else ([], [])
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.head)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.TextAlignmentRole and index.column():
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.head):
            return self.head[section]
        return None


class _Table(QTableView):
    """A read-only table of one :data:`Table`: rows selected whole, the name column stretched."""

    def __init__(self, name: str):
        super().__init__()
        self.setObjectName(name)
        self.rows_model = _Rows(self)
        self.setModel(self.rows_model)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setAlternatingRowColors(True)

    def fill(self, data: Table | None) -> None:
        """Show ``data`` (None: empty)."""
        self.rows_model.set_table(data)
        header = self.horizontalHeader()
        for j in range(self.rows_model.columnCount()):
            header.setSectionResizeMode(j, QHeaderView.Stretch if j == 0 else QHeaderView.ResizeToContents)

    def rowCount(self) -> int:  # noqa: N802
        return self.rows_model.rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.rows_model.columnCount()

    def cell(self, row: int, column: int) -> str:
        """The text of one cell."""
        return self.rows_model.rows[row][column]


@dataclass
class _Run:
    """One scoring under way: the two layers, the documents to read in order, how many are counted."""

    reference: str
    candidate: str
    ids: list[str]
    scorer: Scorer
    done: int = 0


class AgreementDialog(QDialog):
    """Choose the reference (A) and the candidate (B) layer; the figures follow each choice.

    ``scored`` is emitted when a scoring ends: "done", "cancelled" or "failed".
    """

    scored = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self._run: _Run | None = None
        self.turn = TURN  # seconds of scoring per turn of the event loop (0: one document a turn)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        self.setWindowTitle("Agreement")
        self.setObjectName("agreement_dialog")
        self.project = project
        self.result: dict[str, Any] | None = None
        self.layers = project.layers()
        lay = QVBoxLayout(self)
        pick = QHBoxLayout()
        self.reference = QComboBox(objectName="agree_reference")
        self.candidate = QComboBox(objectName="agree_candidate")
        for combo in (self.reference, self.candidate):
            for layer in self.layers:
                combo.addItem(shown(layer), layer)
        ref_label = QLabel("&Reference (A):")
        ref_label.setBuddy(self.reference)
        cand_label = QLabel("&Candidate (B):")
        cand_label.setBuddy(self.candidate)
        pick.addWidget(ref_label)
        pick.addWidget(self.reference, 1)
        pick.addSpacing(12)
        pick.addWidget(cand_label)
        pick.addWidget(self.candidate, 1)
        lay.addLayout(pick)
        self.headline = QLabel(objectName="agree_headline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.headline)
        line = QHBoxLayout()
        self.status = QLabel(objectName="agree_status")
        self.progress = QProgressBar(objectName="agree_progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel", objectName="agree_cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.setToolTip("Stop scoring (Esc); the figures shown stay as they are")
        self.cancel_button.clicked.connect(self.cancel)
        line.addWidget(self.status, 1)
        line.addWidget(self.progress)
        line.addWidget(self.cancel_button)
        lay.addLayout(line)
        self.progress.hide()
        self.cancel_button.hide()
        self.tabs = QTabWidget()
        self.overall = _Table("agree_overall")
        self.chart = F1Chart()
        self.chart.setObjectName("agree_chart")
        summary = QWidget()
        sl = QVBoxLayout(summary)
        sl.setContentsMargins(4, 4, 4, 4)
        sl.addWidget(self.overall, 1)
        sl.addWidget(self.chart)
        self.tabs.addTab(summary, "&Summary")
        labels = QWidget()
        ll = QVBoxLayout(labels)
        ll.setContentsMargins(4, 4, 4, 4)
        self.entity_labels = _Table("agree_entity_labels")
        self.event_types = _Table("agree_event_types")
        ll.addWidget(self.entity_labels)
        ll.addWidget(self.event_types)
        self.tabs.addTab(labels, "By &label")
        self.documents = _Table("agree_documents")
        self.documents.activated.connect(self._open_document)  # Enter or a double-click
        self.tabs.addTab(self.documents, "By &document")
        lay.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.Close)
        close.setAutoDefault(False)  # Enter in a table opens its row (By document), it does not close the figures
        close.setDefault(False)
        lay.addWidget(buttons)
        people = [x for x in self.layers if x != GOLD_LAYER]
        first, second = (people + [x for x in self.layers if x not in people] + ["", ""])[:2]
        self.reference.setCurrentIndex(max(0, self.reference.findData(first)))
        self.candidate.setCurrentIndex(max(0, self.candidate.findData(second)))
        self.reference.currentIndexChanged.connect(self.refresh)
        self.candidate.currentIndexChanged.connect(self.refresh)
        self.resize(760, 640)
        self.refresh()

    @property
    def scoring(self) -> bool:
        """True while the figures are being counted."""
        return self._run is not None

    def refresh(self) -> None:
        """Score the chosen layers (a stop to the scoring under way), then fill the tables and the chart."""
        ref, cand = self.reference.currentData(), self.candidate.currentData()
        self._end_run()
        self.status.clear()
        if len(self.layers) < 2 or ref == cand:
            self.result = None
            self.headline.setText(
                "This project holds one layer of annotations; import another annotator's work "
                "(annotator import PROJECT FILE --annotator NAME) to compare." if len(self.layers) < 2
                else "Choose two different annotators.")
            for t in (self.overall, self.entity_labels, self.event_types, self.documents):
                t.fill(None)
            self.chart.set_result(None)
            return
        from ..agreement import Scorer

        self._run = _Run(ref, cand, self.project.document_ids(), Scorer(reference=ref, candidate=cand))
        self.progress.setRange(0, max(1, len(self._run.ids)))
        self.progress.show()
        self.cancel_button.show()
        self._show_progress()
        self._timer.start()

    def cancel(self) -> None:
        """Stop the scoring under way; the figures shown stay (those of the last scoring that ended, or none)."""
        run = self._run
        if run is None:
            return
        self._end_run()
        kept = "the figures shown are the previous ones" if self.result is not None else "no figures are shown"
        self.status.setText(f"Scoring cancelled at {run.done:,} of {len(run.ids):,} documents; {kept}.")
        self.scored.emit("cancelled")

    def _end_run(self) -> None:
        self._timer.stop()
        self._run = None
        self.progress.hide()
        self.cancel_button.hide()

    def _show_progress(self) -> None:
        run = self._run
        assert run is not None
        self.status.setText(f"Scoring {run.done:,} of {len(run.ids):,} documents "
                            f"({shown(run.candidate)} against {shown(run.reference)})…")
        self.progress.setValue(run.done)  # after the text: a watcher of the value reads the line that goes with it

    def _step(self) -> None:
        """One turn of the event loop: count documents for about :data:`TURN` seconds (one at least)."""
        from ..agreement_report import document_pair

        run = self._run
        if run is None:
            self._timer.stop()
            return
        until = perf_counter() + self.turn
        try:
            while run.done < len(run.ids):
                run.scorer.add(*document_pair(self.project, run.ids[run.done], run.reference, run.candidate))
                run.done += 1
                if perf_counter() >= until:
                    break
        except Exception as exc:  # noqa: BLE001 - a project changed or closed under the scoring: one line, no traceback
            self._end_run()
            kept = "the figures shown are the previous ones" if self.result is not None else "no figures are shown"
            self.status.setText(f"Scoring stopped at document {run.ids[run.done]!r}: {exc}; {kept}.")
            self.scored.emit("failed")
            return
        self._show_progress()
        if run.done < len(run.ids):
            return
        self._end_run()
        self.status.clear()
        self._show(run.scorer.result())
        self.scored.emit("done")

    def _show(self, result: dict[str, Any]) -> None:
        """Fill the headline, the tables and the chart with ``result``."""
        from ..agreement_report import document_table, entity_label_table, event_type_table, notes, overall_table

        self.result = result
        ref, cand = result["reference"], result["candidate"]
        n = result["documents"]["compared"]
        lines = [f"{shown(cand)} against {shown(ref)} (the reference): {n:,} document{'s' if n != 1 else ''}"]
        lines += notes(result)
        self.headline.setText("\n".join(lines))
        self.overall.fill(overall_table(result))
        self.overall.resizeRowsToContents()
        rows = sum(self.overall.rowHeight(i) for i in range(self.overall.rowCount()))
        self.overall.setFixedHeight(rows + self.overall.horizontalHeader().height() + 2 * self.overall.frameWidth())
        self.entity_labels.fill(entity_label_table(result))
        self.event_types.fill(event_type_table(result))
        self.documents.fill(document_table(result))
        self.chart.set_result(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc while scoring cancels it (as in a progress dialog); otherwise it closes the dialog."""
        if event.key() == Qt.Key_Escape and self.scoring:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, r: int) -> None:
        """Closing stops the scoring."""
        self._end_run()
        super().done(r)

    def _open_document(self, index: QModelIndex) -> None:
        """A row of By document: open that document in the window (where people disagree, to look at it)."""
        opener = getattr(self.parent(), "open_document", None)
        if not index.isValid() or not callable(opener):
            return
        opener(self.documents.cell(index.row(), 0))


def open_agreement_dialog(parent: QWidget | None, project: Project) -> AgreementDialog:
    """Show the Agreement dialog on ``project`` (non-modal; deleted on close) and return it."""
    dlg = AgreementDialog(project, parent)
    dlg.setAttribute(Qt.WA_DeleteOnClose)
    if parent is not None and callable(getattr(parent, "open_document", None)):
        dlg.documents.setToolTip("Enter or a double-click opens the document in the window")
    dlg.show()
    dlg.activateWindow()  # the keyboard goes to the dialog (its Alt+R / Alt+C), not left behind in the window
    return dlg


def add_agreement_action(window: QWidget, menu: QMenu, project_of: Callable[[], Project | None]) -> QAction:
    """An "Agreement…" item at the end of ``menu`` that opens the dialog on ``project_of()`` (disabled without one)."""
    action = QAction("&Agreement…", window)
    action.setObjectName("action_agreement")
    action.setStatusTip("Precision, recall, F1 and kappa of one annotator against another, by label and document")

    def run() -> None:
        project = project_of()
        if project is not None:
            open_agreement_dialog(window, project)

    action.triggered.connect(run)
    menu.aboutToShow.connect(lambda: action.setEnabled(project_of() is not None))
    if menu.actions():
        menu.addSeparator()
    menu.addAction(action)
    return action
