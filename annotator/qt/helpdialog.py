"""Keyboard and mouse help: a searchable table of every shortcut the window knows."""
from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .review_keys import help_rows as review_help_rows

#: Mouse gestures and keys of the annotation view that are not menu actions.
GESTURES: tuple[tuple[str, str], ...] = (
    ("Select text (snapped to whole words)", "Drag"),
    ("Select exact characters", "Alt+Drag"),
    ("Select a word", "Double-click"),
    ("Select an annotation", "Click"),
    ("Context menu", "Right-click"),
    ("Move the selection's end by a token", "Shift+Left / Shift+Right"),
    ("Move the selection's start by a token", "Ctrl+Shift+Left / Ctrl+Shift+Right"),
    ("Clear the selection / the sticky label", "Escape"),
    ("Delete the selected annotation", "Delete"),
    ("Add an argument: from the trigger's label to the filler (role menu)", "Drag"),
    ("Add an argument with the pre-selected role, no menu", "Ctrl or Shift held at the release"),
    ("Take the role menu's pre-selected (bold) role", "Enter"),
)


def action_rows(actions: list[QAction]) -> list[tuple[str, str, str]]:
    """(what, keys, group) for each action that has text, '&' mnemonics stripped."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for a in actions:
        text = a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
        if not text or a.isSeparator():
            continue
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText) for s in a.shortcuts() if not s.isEmpty()
        )
        if (text, keys) in seen:
            continue
        seen.add((text, keys))
        rows.append((text, keys, "Command"))
    return rows


class HelpDialog(QDialog):
    """Every shortcut: the window's actions, the label hotkeys and the mouse gestures.

    Type in the search box to keep only the rows whose action, keys or group
    contain the text (case-insensitive).
    """

    COLUMNS = ("Action", "Keys", "Group")

    def __init__(self, actions: list[QAction], hotkeys: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard and mouse")
        self.model = QStandardItemModel(0, len(self.COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(self.COLUMNS))
        rows = action_rows(actions)
        for key, label in sorted(hotkeys.items(), key=lambda kv: kv[1].casefold()):
            native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key
            rows.append((f"Label: {label}", native, "Label hotkey"))
        rows.extend((what, keys, "Mouse and view") for what, keys in GESTURES)
        rows.extend((what, keys, "Review mode") for what, keys in review_help_rows())
        for row in rows:
            items = [QStandardItem(v) for v in row]
            for it in items:
                it.setEditable(False)
            self.model.appendRow(items)

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)

        self.search = QLineEdit(placeholderText="Search shortcuts")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 520)
        self.search.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        """The rows shown now (after the search filter), as (action, keys, group)."""
        return [
            tuple(self.proxy.index(r, c).data() for c in range(len(self.COLUMNS)))
            for r in range(self.proxy.rowCount())
        ]

    def keys_for(self, action_text: str) -> str | None:
        """The keys shown for the row named ``action_text`` ('&' mnemonics ignored), or None."""
        want = action_text.replace("&", "").strip()
        for what, keys, _group in self.rows():
            if what == want:
                return keys
        return None
