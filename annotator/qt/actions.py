"""The window's commands: one table of QActions, laid out into the menus and the toolbar."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Union

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMenu

from ..schema import Schema
from ..shortcuts import APP_SHORTCUTS
from .typelist import fill_type_menu

#: A Qt standard key (differs by platform), or the name of an entry of ``APP_SHORTCUTS``
#: (whose keys are written there, beside every other key the application reserves).
Keys = Union[QKeySequence.StandardKey, str, tuple[Union[QKeySequence.StandardKey, str], ...], None]
SK = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    """One command: its handler's name, menu text, keys and status tip."""

    name: str
    text: str
    keys: Keys = None
    tip: str = ""


#: Every command, in the order the window holds them (the help table lists them in this order).
ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New Project…", SK.New),
    ActionSpec("open", "&Open Project…", SK.Open),
    ActionSpec("import_", "&Import…", "Import", "Import documents: brat, doccano, Prodigy, CoNLL, JSONL, text…"),
    ActionSpec("export", "&Export…", "Export", "Export documents: brat, CoNLL, spaCy, Hugging Face, JSONL…"),
    ActionSpec("export_oneie", "Export for &Event Extraction (OneIE)…", None,
               "Tokens, entity and event mentions for training code"),
    ActionSpec("save", "&Save", SK.Save, "Every change is saved at once; this only confirms it"),
    ActionSpec("quit", "&Quit", SK.Quit),
    ActionSpec("undo", "&Undo", SK.Undo),
    ActionSpec("redo", "&Redo", "Redo"),
    ActionSpec("delete", "&Delete Annotation", SK.Delete),
    ActionSpec("clear", "Clear Selection and Label", "Clear Selection and Label"),
    ActionSpec("link", "&Link to… (Argument or Relation)", "Link to (Argument or Relation)",
               "With an event selected, pick a filler; with an entity, the other end"),
    ActionSpec("find", "&Find…", SK.Find),
    ActionSpec("find_next", "Find &Next", SK.FindNext),
    ActionSpec("find_prev", "Find &Previous", SK.FindPrevious),
    ActionSpec("preferences", "&Preferences…", "Preferences", "Your name, recorded on every annotation you make"),
    ActionSpec("zoom_in", "Zoom &In", (SK.ZoomIn, "Ctrl+=")),
    ActionSpec("zoom_out", "Zoom &Out", SK.ZoomOut),
    ActionSpec("zoom_reset", "&Reset Zoom", "Reset Zoom"),
    ActionSpec("arcs_selected", "Arcs of the &Selection Only", "Arcs of the Selection Only",
               "Hide every arc except those of the selected annotation"),
    ActionSpec("prev", "&Previous Document", "Previous Document"),
    ActionSpec("next", "&Next Document", "Next Document"),
    ActionSpec("done", "Mark &Done", "Mark Done"),
    ActionSpec("reviewed", "Mark &Reviewed", "Mark Reviewed"),
    ActionSpec("in_progress", "Mark &In Progress"),
    ActionSpec("next_layer", "&Next Layer", "Next Layer",
               "Show the next layer: mine, another annotator's, gold, all overlaid"),
    ActionSpec("help", "&Keyboard Shortcuts", SK.HelpContents),
    ActionSpec("about", "&About Annotator"),
    # made last, after the menus were first laid out, so it comes last in the help table
    ActionSpec("save_as", "Save &As…", SK.SaveAs,
               "Write a copy of the project to a new file and continue in the copy"),
)

#: The menu bar: (title, action names; "-" a separator, "@recent" / "@panels" a submenu, "@labels"
#: the Labels menu filled per project; "@layers" the separator below which the layer choices end).
MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("&File", ("new", "open", "@recent", "-", "import_", "export", "export_oneie", "-", "save", "save_as",
               "-", "quit")),
    ("&Edit", ("undo", "redo", "-", "delete", "clear", "link", "-", "find", "find_next", "find_prev", "-",
               "preferences")),
    ("&View", ("zoom_in", "zoom_out", "zoom_reset", "-", "arcs_selected", "-", "@panels")),
    ("&Document", ("prev", "next", "-", "done", "reviewed", "in_progress")),
    ("La&yers", ("@layers", "next_layer")),
    ("&Labels", ()),
    ("&Help", ("help", "about")),
)

#: The toolbar, in order: what overflows first on a narrow window is last (the zoom, also on Ctrl+-/+).
TOOLBAR: tuple[str, ...] = ("open", "import_", "export", "-", "undo", "redo", "-", "prev", "next", "done", "-",
                            "find", "help", "-", "zoom_out", "zoom_in")

#: Short words on the toolbar's buttons (the menus keep the full text; the tooltip gives both and the keys),
#: so that the whole toolbar fits a window 1000 px wide.
TOOLBAR_TEXT: dict[str, str] = {
    "open": "Open", "import_": "Import", "export": "Export", "undo": "Undo", "redo": "Redo",
    "prev": "Previous", "next": "Next", "done": "Done", "find": "Find", "help": "Shortcuts",
    "zoom_out": "A−", "zoom_in": "A+",
}

#: The commands that change the project: off in a read-only project.
EDITING = ("delete", "link", "done", "reviewed", "in_progress", "import_")


def _sequences(keys: Keys) -> list[QKeySequence]:
    if keys is None:
        return []
    if isinstance(keys, str):  # a name in APP_SHORTCUTS
        return [QKeySequence(k) for k in APP_SHORTCUTS[keys]]
    if isinstance(keys, tuple):
        return [QKeySequence(k) for k in keys]
    return [QKeySequence(keys)]


class WindowActions(QObject):
    """The window's QActions, its menus and its toolbar.

    ``actions["undo"]``, ``actions["link"]``: each action by its name in
    :data:`ACTIONS`; ``handlers`` maps those names to what they run.
    """

    def __init__(self, window: QMainWindow, handlers: Mapping[str, Callable[[], object]]):
        super().__init__(window)  # a QObject child, made before the actions: Qt drops the undo stack's
        self.window = window      # connections to it before the actions go

        self.by_name: dict[str, QAction] = {}
        for spec in ACTIONS:
            a = QAction(spec.text, window)
            seqs = _sequences(spec.keys)
            if len(seqs) == 1:
                a.setShortcut(seqs[0])
            elif seqs:
                a.setShortcuts(seqs)
            if spec.tip:
                a.setStatusTip(spec.tip)
            slot = handlers.get(spec.name)  # none for a toggle: the window connects its toggled signal
            if slot is not None:
                a.triggered.connect(lambda _checked=False, slot=slot: slot())
            a.setObjectName(f"action_{spec.name}")
            if spec.name in TOOLBAR_TEXT:
                a.setIconText(TOOLBAR_TEXT[spec.name])
                keys = ", ".join(q.toString(QKeySequence.SequenceFormat.NativeText) for q in seqs)
                a.setToolTip(f"{spec.text.replace('&', '').rstrip('…')}" + (f" ({keys})" if keys else ""))
            if spec.name != "save_as":
                window.addAction(a)
            self.by_name[spec.name] = a
        for name in ("undo", "redo", "save_as"):
            self.by_name[name].setEnabled(False)
        self.by_name["arcs_selected"].setCheckable(True)
        self.menus: dict[str, QMenu] = {}
        self.recent_menu: QMenu | None = None
        self.panels_menu: QMenu | None = None
        self.layers_anchor: QAction | None = None  # the Layers menu's separator: the layer choices go above it
        self._lay_out_menus(window)
        window.addAction(self.by_name["save_as"])
        self.labels_menu = self.menus["&Labels"]
        #: The Layers menu: the layer choices, Next Layer, then what other parts add (review, compare, agreement)
        self.layers_menu = self.menus["La&yers"]
        self.toolbar = window.addToolBar("Main")
        self.toolbar.setObjectName("toolbar_main")
        for name in TOOLBAR:
            self.toolbar.addSeparator() if name == "-" else self.toolbar.addAction(self.by_name[name])
        self.label_actions: list[QAction] = []

    def _lay_out_menus(self, window: QMainWindow) -> None:
        bar = window.menuBar()
        for title, names in MENUS:
            menu = bar.addMenu(title)
            self.menus[title] = menu
            for name in names:
                if name == "-":
                    menu.addSeparator()
                elif name == "@recent":
                    self.recent_menu = menu.addMenu("Open &Recent")
                elif name == "@panels":
                    self.panels_menu = menu.addMenu("&Panels")
                elif name == "@layers":
                    self.layers_anchor = menu.addSeparator()
                else:
                    menu.addAction(self.by_name[name])

    def __getitem__(self, name: str) -> QAction:
        """The action named ``name`` in :data:`ACTIONS`."""
        return self.by_name[name]

    def editing(self) -> list[QAction]:
        """The actions that write to the project."""
        return [self.by_name[n] for n in EDITING]

    def all_actions(self) -> list[QAction]:
        """Every window action with a shortcut or a text (for the help table)."""
        return [a for a in self.window.actions() if not a.shortcut().isEmpty() or a.text()]

    # ------------------------------------------------------------------ per project

    def bind_undo_stack(self, stack: QUndoStack) -> None:
        """Point the stable Undo/Redo actions at a new session's stack."""
        stack.canUndoChanged.connect(self.by_name["undo"].setEnabled)
        stack.canRedoChanged.connect(self.by_name["redo"].setEnabled)
        stack.undoTextChanged.connect(self._on_undo_text)
        stack.redoTextChanged.connect(self._on_redo_text)
        self.by_name["undo"].setEnabled(stack.canUndo())
        self.by_name["redo"].setEnabled(stack.canRedo())

    # bound methods, not lambdas: Qt drops these connections when the actions go
    def _on_undo_text(self, text: str) -> None:
        self.by_name["undo"].setText(f"&Undo {text}".strip())
        self.by_name["undo"].setToolTip(f"Undo {text}".strip())

    def _on_redo_text(self, text: str) -> None:
        self.by_name["redo"].setText(f"&Redo {text}".strip())
        self.by_name["redo"].setToolTip(f"Redo {text}".strip())

    def set_dock_toggles(self, toggles: list[QAction]) -> None:
        """View › Panels: one checkable entry per dock."""
        assert self.panels_menu is not None
        self.panels_menu.clear()
        for a in toggles:
            self.panels_menu.addAction(a)

    def rebuild_label_actions(self, schema: Schema, apply_label: Callable[[str], None]) -> None:
        """The Labels menu and one window action per label hotkey, for a newly opened schema."""
        for a in self.label_actions:
            self.window.removeAction(a)
        self.labels_menu.clear()
        self.label_actions = []
        # A window action only for each hotkey; the menus list at most MENU_CAP types and
        # offer "More…" for the rest, so a schema of 10,000 types builds no 10,000 actions.
        by_name: dict[str, QAction] = {}
        for key, name in schema.hotkeys().items():
            a = QAction(name, self.window)
            a.setShortcut(QKeySequence(key))
            a.triggered.connect(lambda _c=False, n=name: apply_label(n))
            self.window.addAction(a)
            self.label_actions.append(a)
            by_name[name] = a
        for title, types in (("Entities", schema.entity_types), ("Events", schema.event_types)):
            sub = self.labels_menu.addMenu(title)
            fill_type_menu(sub, schema, list(types), apply_label, title=f"Label: {title}", actions=by_name)
