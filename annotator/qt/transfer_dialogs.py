"""The Import dialog, and what it shares with the Export dialog: a format chooser, a path, a problem line."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..formats import registry
from ..formats.errors import FormatError
from ..formats.spec import FormatSpec
from .fitlabels import fit_to_wrapped_labels

AUTO = "auto"
NON_NATIVE = QFileDialog.Option.DontUseNativeDialog


@dataclass
class ImportChoice:
    """What the Import dialog asks for."""

    fmt: str
    paths: list[str]
    add_types: bool
    annotator: str | None
    #: where the annotations go: "" (the default layer), or the annotator's own layer
    layer: str = ""


def split_paths(text: str) -> list[str]:
    """The paths typed in a source field: one path, or several each in double quotes."""
    text = text.strip()
    if text.startswith('"'):
        return [p for p in re.findall(r'"([^"]*)"', text) if p.strip()]
    return [text] if text else []


def join_paths(paths: list[str]) -> str:
    """The inverse of :func:`split_paths`."""
    return paths[0] if len(paths) == 1 else " ".join(f'"{p}"' for p in paths)


def name_filters(specs: list[FormatSpec]) -> str:
    """File dialog filters: one per format (or one for all of them), then all files."""
    if len(specs) == 1:
        spec = specs[0]
        return f"{spec.title} ({' '.join(spec.patterns)});;All files (*)" if spec.patterns else "All files (*)"
    patterns = sorted({p for s in specs for p in s.patterns})
    return f"Known formats ({' '.join(patterns)});;All files (*)"


def _hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.PlaceholderText)  # muted, in light and dark themes
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def with_hint(field: QWidget, hint: QLabel) -> QWidget:
    """``field`` with ``hint`` close under it, the hint as wide as the form allows."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(3)
    lay.addWidget(field, 0, Qt.AlignLeft)
    lay.addWidget(hint)
    box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
    return box


def _problem_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #d32f2f;")
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.hide()
    return label


def format_combo(specs: list[FormatSpec], auto: bool) -> QComboBox:
    combo = QComboBox()
    if auto:
        combo.addItem("Detect automatically", AUTO)
    for spec in specs:
        combo.addItem(f"{spec.title}  ({spec.name})", spec.name)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
    return combo


class TransferDialog(QDialog):
    """What both dialogs share: a form, an inline problem line and OK/Cancel (Enter, Esc)."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        # not deleted on close: the import or export runs from its accepted signal and
        # processes events, which must not delete the dialog under that signal (Transfer
        # deletes the previous dialog when it opens the next one)
        self.outer = QVBoxLayout(self)
        self.outer.setSpacing(10)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        self.form.setVerticalSpacing(8)
        self.outer.addLayout(self.form)
        self.problem = _problem_label()
        self.outer.addWidget(self.problem)
        self.outer.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.Ok)
        self.ok.setText(ok_text)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.outer.addWidget(self.buttons)
        self.path_edit = QLineEdit()
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.setMinimumWidth(380)
        self.setMinimumWidth(660)
        self.path_edit.textChanged.connect(self._refresh)

    def _add_path_row(self, text: str, *buttons: QPushButton) -> QLabel:
        """A form row: the path field, then ``buttons``; its label's mnemonic goes to the field."""
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.path_edit, 1)
        for b in buttons:
            b.setAutoDefault(False)
            lay.addWidget(b)
        return self._add_row(text, row, self.path_edit)

    def _add_row(self, text: str, field: QWidget, buddy: QWidget) -> QLabel:
        """A form row whose label's mnemonic focuses ``buddy``."""
        label = QLabel(text)
        label.setBuddy(buddy)
        self.form.addRow(label, field)
        return label

    def show_problem(self, text: str) -> None:
        """Say what is wrong under the form; the dialog stays open."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        self.fit()

    def fit(self) -> None:
        """Be as tall as the wrapped hints need at their width."""
        fit_to_wrapped_labels(self)

    def showEvent(self, e: QShowEvent) -> None:  # noqa: N802
        super().showEvent(e)
        self.fit()

    def _refresh(self) -> None:
        self.show_problem("")
        self.ok.setEnabled(self._ready())

    def _ready(self) -> bool:
        return bool(self.path_edit.text().strip())

    def _try_accept(self) -> None:
        raise NotImplementedError


class ImportDialog(TransferDialog):
    """File › Import: a format (or detection), files or a folder, new types, the annotator's name."""

    def __init__(self, parent: QWidget | None = None, *, annotator: str = "", start: str | None = None):
        super().__init__("Import documents", "&Import", parent)
        self.start = start or str(Path.home())
        self.specs = {n: registry.get(n) for n in registry.readable()}
        self.format_combo = format_combo(list(self.specs.values()), auto=True)
        self.format_hint = _hint()
        self._add_row("&Format:", with_hint(self.format_combo, self.format_hint), self.format_combo)
        self.file_button = QPushButton("Choose Fil&e…")
        self.folder_button = QPushButton("Choose F&older…")
        self.file_button.clicked.connect(self.choose_files)
        self.folder_button.clicked.connect(self.choose_folder)
        self._add_path_row("F&rom:", self.file_button, self.folder_button)
        self.add_types = QCheckBox("&Add labels that the schema lacks as new types")
        self.add_types_hint = _hint()
        self.form.addRow("", with_hint(self.add_types, self.add_types_hint))
        self.annotator = QLineEdit(annotator)
        self.annotator.setPlaceholderText("recorded on the imported annotations that name no annotator")
        self.form.addRow("Annotator &name:", self.annotator)
        self.as_layer = QCheckBox("Import as this annotator's &layer")
        self.as_layer_hint = _hint("Documents the project has already, with the same text, gain this annotator's "
                                   "annotations beside the others'; a text that differs is refused.")
        self.form.addRow("", with_hint(self.as_layer, self.as_layer_hint))
        self.as_layer.toggled.connect(self._refresh)
        self.annotator.textChanged.connect(self._refresh)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.format_combo.setFocus()

    def spec(self) -> FormatSpec | None:
        """The chosen format, or None for detection."""
        return self.specs.get(self.format_combo.currentData())

    def select_format(self, name: str) -> None:
        """Choose the format called ``name`` (or ``auto``)."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    def _format_changed(self) -> None:
        spec = self.spec()
        takes = spec.input if spec else "either"
        self.file_button.setVisible(takes in ("file", "either"))
        self.folder_button.setVisible(takes in ("folder", "either"))
        if spec is None:
            self.format_hint.setText("Each file or folder is recognised by its name and contents.")
        else:
            self.format_hint.setText(f"Carries: {spec.carries}" if spec.carries else "")
        self.format_hint.setVisible(bool(self.format_hint.text()))
        self.fit()
        schema_of_its_own = spec is not None and spec.carries_schema
        self.add_types.setEnabled(not schema_of_its_own)
        if schema_of_its_own:
            self.add_types.setChecked(False)
            self.add_types_hint.setText(f"{spec.title} brings its own schema.")
        else:
            self.add_types_hint.setText("Otherwise an unknown label stops the import and nothing is imported.")
        self._refresh()

    def choose_files(self) -> None:
        spec = self.spec()
        specs = [spec] if spec else list(self.specs.values())
        paths, _ = QFileDialog.getOpenFileNames(self, "Import files", self._start_folder(), name_filters(specs),
                                                options=NON_NATIVE)
        if paths:
            self.path_edit.setText(join_paths(paths))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder", self._start_folder(),
                                                QFileDialog.ShowDirsOnly | NON_NATIVE)
        if path:
            self.path_edit.setText(path)

    def _start_folder(self) -> str:
        paths = split_paths(self.path_edit.text())
        if paths:
            p = Path(paths[0]).expanduser()
            folder = p if p.is_dir() else p.parent
            if folder.is_dir():
                return str(folder)
        return self.start

    def _try_accept(self) -> None:
        paths = split_paths(self.path_edit.text())
        if not paths:
            return
        if self.as_layer.isChecked() and self.annotator.text().strip() in ("", "default"):
            self.annotator.setFocus()
            return self.show_problem("Give the annotator's name: their annotations become the layer of that name.")
        spec = self.spec()
        for p in paths:
            path = Path(p).expanduser()
            if not path.exists():
                return self.show_problem(f"{p}: no such file or folder")
            if spec is not None and spec.input == "file" and path.is_dir():
                return self.show_problem(f"{p} is a folder; {spec.title} is read from files")
            if spec is not None and spec.input == "folder" and not path.is_dir():
                return self.show_problem(f"{p} is a file; {spec.title} is read from a folder")
            if spec is None:
                try:
                    registry.detect(path)
                except FormatError:
                    return self.show_problem(f"Cannot tell the format of {p}; choose it under Format.")
        self.accept()

    def choice(self) -> ImportChoice:
        """What the user chose."""
        return ImportChoice(
            fmt=self.format_combo.currentData(),
            paths=[str(Path(p).expanduser()) for p in split_paths(self.path_edit.text())],
            add_types=self.add_types.isEnabled() and self.add_types.isChecked(),
            annotator=self.annotator.text().strip() or None,
            layer=self.annotator.text().strip() if self.as_layer.isChecked() else "",
        )
