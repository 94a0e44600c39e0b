"""Type lists that stay fast with thousands of types: one model, lazy menus, a searchable chooser.

A schema may hold 10,000 types.  A widget or QAction per type costs seconds
to build, so the palette, the label menus, the context menu and the
inspector's type box share these pieces instead:

* :class:`TypeListModel`, one row per type (optionally under "Entities" /
  "Events" header rows) that draws nothing until a view asks for a row;
  swatches are cached per colour (:func:`cached_swatch`);
* :class:`TypeFilter`, a proxy that keeps the rows whose name contains a text;
* :func:`fill_type_menu`, which puts at most :data:`MENU_CAP` types in a menu
  and a "More…" entry that opens
* :class:`TypeChooser`, a small dialog with a filter box and a list.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListView,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from ..schema import Schema

MENU_CAP = 60
"""The most types a menu lists itself; the rest are a "More…" entry away."""

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
"""The type name of a row (None for a header row)."""

_SWATCHES: dict[tuple[str, int], QIcon] = {}


def cached_swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of ``color`` (made once per colour and size)."""
    key = (color, size)
    icon = _SWATCHES.get(key)
    if icon is None:
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor(color).darker(150))
        p.setBrush(QColor(color))
        p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
        p.end()
        icon = _SWATCHES[key] = QIcon(pm)
    return icon


class TypeListModel(QAbstractListModel):
    """Types of a schema as rows; ``sections`` adds a header row before each group.

    ``groups`` is a list of ``(title, names)``.  A view asks only for the rows
    it shows, so building the model costs one list, whatever the schema size.
    """

    def __init__(self, schema: Schema, groups: Sequence[tuple[str, Sequence[str]]], *, sections: bool = True,
                 icon_size: int = 14, hotkeys: bool = True, parent: Any = None) -> None:
        super().__init__(parent)
        self.schema = schema
        self.icon_size = icon_size
        self._hotkey_of = {name: key for key, name in schema.hotkeys().items()} if hotkeys else {}
        self._rows: list[tuple[str | None, str]] = []  # (type name or None for a header, text)
        for title, names in groups:
            if sections:
                self._rows.append((None, title))
            self._rows.extend((name, name) for name in names)
        self._row_of = {name: i for i, (name, _t) in enumerate(self._rows) if name is not None}
        self.current: str | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def row_of(self, name: str) -> int:
        """The row of type ``name`` (-1 if it is not listed)."""
        return self._row_of.get(name, -1)

    def name_at(self, row: int) -> str | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def names(self) -> list[str]:
        return [name for name, _t in self._rows if name is not None]

    def set_current(self, name: str | None) -> None:
        """Show ``name`` in bold (the sticky label); None: no current type."""
        old, self.current = self.current, name
        for n in (old, name):
            row = self._row_of.get(n) if n is not None else None
            if row is not None:
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.FontRole])

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid() or self._rows[index.row()][0] is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        name, text = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if name is None:
                return text
            key = self._hotkey_of.get(name)
            return f"{name}    {key}" if key else name
        if role == NAME_ROLE or role == Qt.ItemDataRole.EditRole:
            return name
        if name is None:
            return self._bold if role == Qt.ItemDataRole.FontRole else None
        if role == Qt.ItemDataRole.DecorationRole:
            return cached_swatch(self.schema.color(name), self.icon_size)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if name == self.current else None
        if role == Qt.ItemDataRole.ToolTipRole:
            t = self.schema.entity_types.get(name) or self.schema.event_types.get(name) \
                or self.schema.relation_types.get(name)
            desc = getattr(t, "description", "") if t is not None else ""
            key = self._hotkey_of.get(name)
            return (f"{name}: {desc}" if desc else name) + (f"\nHotkey: {key}" if key else "")
        return None


class TypeFilter(QSortFilterProxyModel):
    """Keeps the type rows whose name contains the filter text (any case); header rows stay."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10 (invalidateFilter is deprecated there)
            self.beginFilterChange()
            self._needle = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._needle = text.strip().casefold()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        name = self.sourceModel().name_at(source_row)
        return name is None or self._needle in name.casefold()


class TypeListView(QWidget):
    """A filter box over a list of types; a click (or Enter) on a type emits :attr:`type_chosen`."""

    type_chosen = Signal(str)

    def __init__(self, model: TypeListModel, placeholder: str = "Filter types", parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.filter = QLineEdit(placeholderText=placeholder)
        self.filter.setClearButtonEnabled(True)
        lay.addWidget(self.filter)
        self.model = model
        self.proxy = TypeFilter(self)
        self.proxy.setSourceModel(model)
        self.list = QListView()
        self.list.setUniformItemSizes(True)  # no per-row size query: fast with 10,000 rows
        self.list.setModel(self.proxy)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        lay.addWidget(self.list, 1)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.filter.returnPressed.connect(self._choose_first)
        # clicked, not activated: a style that activates on single click would fire both.
        self.list.clicked.connect(self._on_clicked)
        self.list.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter on the list chooses its current row."""
        if obj is self.list and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_clicked(self.list.currentIndex())
            return True
        return super().eventFilter(obj, event)

    def index_of(self, name: str) -> QModelIndex:
        """The view's index of type ``name`` (invalid when it is filtered out or not listed)."""
        row = self.model.row_of(name)
        return self.proxy.mapFromSource(self.model.index(row)) if row >= 0 else QModelIndex()

    def _on_clicked(self, index: QModelIndex) -> None:
        name = index.data(NAME_ROLE) if index.isValid() else None
        if name:
            self.type_chosen.emit(name)

    def _choose_first(self) -> None:
        for row in range(self.proxy.rowCount()):
            name = self.proxy.index(row, 0).data(NAME_ROLE)
            if name:
                self.type_chosen.emit(name)
                return


class TypeChooser(QDialog):
    """A searchable list of types: type to filter, click or Enter to choose (:attr:`chosen`)."""

    chosen = Signal(str)

    def __init__(self, schema: Schema, names: Sequence[str], title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        lay = QVBoxLayout(self)
        self.types = TypeListView(TypeListModel(schema, [("", names)], sections=False, parent=self),
                                  f"Filter {len(names):,} types", self)
        lay.addWidget(self.types, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.types.type_chosen.connect(self._choose)
        self.resize(360, 480)
        self.types.filter.setFocus()

    def _choose(self, name: str) -> None:
        self.accept()
        self.chosen.emit(name)


last_chooser: TypeChooser | None = None
"""The chooser a "More…" entry opened last (for tests and the window)."""


def fill_type_menu(menu: QMenu, schema: Schema, names: Sequence[str], act: Callable[[str], None], *,
                   title: str = "Choose a type", actions: dict[str, Any] | None = None,
                   disabled: str | None = None) -> None:
    """Add the first :data:`MENU_CAP` of ``names`` to ``menu``, then "More…" when there are more.

    ``act(name)`` runs on a choice.  ``actions`` maps names to existing
    QActions to reuse (the label actions that carry the hotkeys);
    ``disabled`` names a type shown greyed (the current one).  "More…" opens
    a :class:`TypeChooser` over every type, so no menu holds thousands of
    entries, whatever the schema.
    """
    for name in names[:MENU_CAP]:
        existing = actions.get(name) if actions else None
        if existing is not None and name != disabled:
            menu.addAction(existing)
            continue
        a = menu.addAction(cached_swatch(schema.color(name), 12), name)
        a.triggered.connect(lambda _c=False, n=name: act(n))
        a.setEnabled(name != disabled)
    rest = len(names) - MENU_CAP
    if rest > 0:
        menu.addSeparator()
        more = menu.addAction(f"More… ({rest:,} more types)")
        more.setObjectName("more_types")
        choices = [n for n in names if n != disabled]

        def open_chooser() -> None:
            global last_chooser
            parent = menu.parentWidget()
            while isinstance(parent, QMenu):
                parent = parent.parentWidget()
            dlg = TypeChooser(schema, choices, title, parent.window() if parent is not None else None)
            dlg.chosen.connect(act)
            dlg.open()
            last_chooser = dlg

        more.triggered.connect(open_chooser)
