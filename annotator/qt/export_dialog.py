"""File › Export's dialog: a format and what it leaves out, a file or folder, the statuses, the format's options."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..formats import registry
from ..formats.spec import FormatSpec
from ..importer import TRAINING_FORMATS
from ..model import DEFAULT_LAYER, GOLD_LAYER, STATUSES, layer_title
from .transfer_dialogs import NON_NATIVE, TransferDialog, format_combo, name_filters, with_hint

#: what the user reads for each document status
STATUS_TITLES = {"new": "&New", "in_progress": "&In progress", "done": "&Done", "reviewed": "&Reviewed"}
#: formats that split their output into a train and a dev set, and formats that can write sentence windows
SPLIT_FORMATS = ("spacy", "hf")
WINDOW_FORMATS = ("oneie",)


@dataclass
class ExportChoice:
    """What the Export dialog asks for (``statuses`` None: every document)."""

    fmt: str
    path: str
    statuses: list[str] | None
    split: float | None
    seed: int
    windows: bool
    layer: str = DEFAULT_LAYER


def documents_folder() -> str:
    """Where a first export goes: the user's Documents folder, or the home folder when there is none."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


class ExportDialog(TransferDialog):
    """File › Export: a format and what it cannot carry, a file or folder, the statuses, the format's options."""

    def __init__(self, parent: QWidget | None = None, *, stem: str = "export", folder: str | None = None,
                 counts: dict[str, int] | None = None, fmt: str = "jsonl", layers: list[str] | None = None,
                 working: str = DEFAULT_LAYER):
        super().__init__("Export documents", "&Export", parent)
        self.stem = stem
        self.folder = folder if folder and Path(folder).is_dir() else documents_folder()
        self.specs = {n: registry.get(n) for n in registry.writable()}
        self.format_combo = format_combo(list(self.specs.values()), auto=False)
        self.cannot_hint = QLabel()
        self.cannot_hint.setWordWrap(True)
        self.cannot_hint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self._add_row("&Format:", with_hint(self.format_combo, self.cannot_hint), self.format_combo)
        self.choose_button = QPushButton("C&hoose…")
        self.choose_button.clicked.connect(self.choose_target)
        self.target_label = self._add_path_row("&To file:", self.choose_button)
        # whose annotations: shown when the project has more than the default layer
        self.working = working
        names = list(layers or [])
        # the default layer only when it holds annotations, is the one shown, or is all there is: in a team
        # project it is empty, and exporting it would write documents without a single annotation
        for name in (working,) if names else (DEFAULT_LAYER, working):
            if name not in names:
                names.insert(0, name)
        self.layer_combo = QComboBox()
        for name in names:
            self.layer_combo.addItem(layer_title(name), name)
        self.layer_hint = QLabel()
        self.layer_hint.setWordWrap(True)
        self.layer_row = with_hint(self.layer_combo, self.layer_hint)
        self._add_row("&Layer:", self.layer_row, self.layer_combo)
        self.form.setRowVisible(self.layer_row, len(names) > 1)
        self._layer_chosen = False  # the user picked a layer: a change of format no longer picks one
        self.layer_combo.activated.connect(self._layer_picked)
        self.status_boxes: dict[str, QCheckBox] = {}
        status_row = QWidget()
        lay = QHBoxLayout(status_row)
        lay.setContentsMargins(0, 0, 0, 0)
        for status in STATUSES:
            n = (counts or {}).get(status)
            box = QCheckBox(STATUS_TITLES.get(status, status) + (f" ({n:,})" if n is not None else ""))
            box.setChecked(True)
            box.toggled.connect(self._refresh)
            self.status_boxes[status] = box
            lay.addWidget(box)
        lay.addStretch(1)
        self.form.addRow("Documents:", status_row)
        self.split = QSpinBox()
        self.split.setRange(0, 90)
        self.split.setSingleStep(5)
        self.split.setSuffix(" %")
        self.split.setSpecialValueText("none (one set)")
        self.split.setValue(0)
        self.form.addRow("Dev &share:", self.split)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.form.addRow("Rando&m seed:", self.seed)
        self.windows = QCheckBox("One record per sentence &window (wnd_id)")
        self.form.addRow("", self.windows)
        self._auto_path: str | None = None
        self._confirmed: str | None = None  # a path whose replacement the save dialog confirmed
        self.question: QMessageBox | None = None
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.select_format(fmt if fmt in self.specs else "jsonl")
        self._format_changed()
        self.format_combo.setFocus()

    def spec(self) -> FormatSpec:
        """The chosen format."""
        return self.specs[self.format_combo.currentData()]

    def select_format(self, name: str) -> None:
        """Choose the format called ``name``."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    def default_path(self, spec: FormatSpec, folder: str | None = None) -> str:
        """``<folder>/<project stem>.<ext>`` for a file, ``<folder>/<project stem>-<format>`` for a folder."""
        base = Path(folder or self.folder)
        if spec.writes_folder:
            return str(base / f"{self.stem}-{spec.name}")
        ext = spec.patterns[0].lstrip("*") if spec.patterns else f".{spec.name}"
        if spec.name != "jsonl" and spec.name not in ext:  # demo.oneie.json beside demo.jsonl
            ext = f".{spec.name}{ext}"
        return str(base / f"{self.stem}{ext}")

    def _format_changed(self) -> None:
        spec = self.spec()
        cannot = spec.cannot.strip()
        if not cannot:
            self.cannot_hint.setText("Nothing is left out.")
        elif cannot.lower().startswith("nothing"):
            self.cannot_hint.setText(cannot[0].upper() + cannot[1:].rstrip(".") + ".")
        else:
            self.cannot_hint.setText(f"Left out: {cannot}.")
        self.target_label.setText("&To folder:" if spec.writes_folder else "&To file:")
        text = self.path_edit.text().strip()
        if not text or text == self._auto_path:
            folder = str(Path(text).parent) if text else None
            self._auto_path = self.default_path(spec, folder)
            self.path_edit.setText(self._auto_path)
        for row in (self.split, self.seed):
            self.form.setRowVisible(row, spec.name in SPLIT_FORMATS)
        self.form.setRowVisible(self.windows, spec.name in WINDOW_FORMATS)
        if not self._layer_chosen:
            self.layer_combo.setCurrentIndex(self.layer_combo.findData(self.default_layer(spec.name)))
        self._layer_hint()
        self._refresh()
        self.fit()

    def default_layer(self, fmt: str) -> str:
        """The layer an export of ``fmt`` takes unless the user picks one: as ``annotator export`` without
        ``--layer`` (gold for the training formats once there is a gold layer, else the working layer)."""
        if fmt in TRAINING_FORMATS and self.layer_combo.findData(GOLD_LAYER) >= 0:
            return GOLD_LAYER
        return self.working

    def _layer_picked(self, _index: int) -> None:
        self._layer_chosen = True
        self._layer_hint()

    def _layer_hint(self) -> None:
        layer = self.layer_combo.currentData()
        if layer == GOLD_LAYER and self.spec().name in TRAINING_FORMATS:
            self.layer_hint.setText("The adjudicated annotations: what a model is trained on.")
        elif layer == DEFAULT_LAYER:
            self.layer_hint.setText("The annotations made without an annotator's layer.")
        else:
            self.layer_hint.setText(f"Only {layer_title(layer)}'s annotations.")

    def statuses(self) -> list[str] | None:
        """The checked statuses, or None when every one is checked."""
        chosen = [s for s, box in self.status_boxes.items() if box.isChecked()]
        return None if len(chosen) == len(self.status_boxes) else chosen

    def _ready(self) -> bool:
        if not any(box.isChecked() for box in self.status_boxes.values()):
            self.show_problem("Check at least one status: no document would be exported.")
            return False
        return super()._ready()

    def choose_target(self) -> None:
        spec = self.spec()
        current = Path(self.path_edit.text().strip() or self.default_path(spec)).expanduser()
        if spec.writes_folder:
            start = current if current.is_dir() else current.parent
            path = QFileDialog.getExistingDirectory(self, f"Export {spec.title} into a folder", str(start),
                                                    QFileDialog.ShowDirsOnly | NON_NATIVE)
        else:
            path, _ = QFileDialog.getSaveFileName(self, f"Export {spec.title}", str(current),
                                                  name_filters([spec]), options=NON_NATIVE)
            self._confirmed = path or None  # the save dialog asked before replacing a file
        if path:
            self.path_edit.setText(path)

    def _try_accept(self) -> None:
        if not self._ready():
            return
        spec = self.spec()
        target = Path(self.path_edit.text().strip()).expanduser()
        if spec.writes_folder:
            if target.exists() and not target.is_dir():
                return self.show_problem(f"{target} is a file; {spec.title} is written into a folder")
            if not target.parent.is_dir():
                return self.show_problem(f"{target.parent}: no such folder")
            held = sum(1 for _ in target.iterdir()) if target.is_dir() else 0
            if held:
                return self._ask(f"The folder {target} already holds {held:,} file(s).\n"
                                 "Files of the same names are replaced. Export into it?")
        else:
            if target.is_dir():
                return self.show_problem(f"{target} is a folder; give a file name for {spec.title}")
            if not target.parent.is_dir():
                return self.show_problem(f"{target.parent}: no such folder")
            if target.exists() and str(target) != self._confirmed:
                return self._ask(f"{target} exists already. Replace it?")
        self.accept()

    def _ask(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Question, "Export", text, QMessageBox.Yes | QMessageBox.No, self)
        box.setDefaultButton(QMessageBox.No)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.finished.connect(self._answered)
        self.question = box
        box.open()

    def _answered(self, result: int) -> None:
        self.question = None
        if result == QMessageBox.Yes:
            # after the box has finished closing: the export that follows runs the event loop,
            # which must not delete the box while it is still inside its own done()
            QTimer.singleShot(0, self.accept)
        else:
            self.path_edit.setFocus()

    def choice(self) -> ExportChoice:
        """What the user chose."""
        spec = self.spec()
        split = self.split.value() / 100 if spec.name in SPLIT_FORMATS and self.split.value() else None
        return ExportChoice(
            fmt=spec.name,
            path=str(Path(self.path_edit.text().strip()).expanduser()),
            statuses=self.statuses(),
            split=split,
            seed=self.seed.value() if spec.name in SPLIT_FORMATS else 0,
            windows=spec.name in WINDOW_FORMATS and self.windows.isChecked(),
            layer=self.layer_combo.currentData(),
        )
