"""The main window: view in the centre, docks around it, menus, shortcuts, status bar."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..formats.errors import FormatError
from ..importer import export_to_path, import_paths
from ..model import ENTITY
from ..store import Project, StoreError
from ..text import tokens
from .annlist import AnnotationList
from .doclist import DocumentList
from .helpdialog import HelpDialog
from .inspector import Inspector
from .linking import Linker
from .palette import LabelPalette
from .safety import WindowSafety
from .session import Change, Session
from .textview import AnnotationView
from .typelist import fill_type_menu
from .validation import ValidationPanel

MAX_RECENT = 8


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class _Cancelled(Exception):
    """Raised from a progress callback when the user presses Cancel."""


class FindBar(QWidget):
    """Ctrl+F: find text in the document (Enter: next, Shift+Enter: previous, Esc: close)."""

    def __init__(self, view: AnnotationView, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(placeholderText="Text to find in this document")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(lambda: self.find(True))
        lay.addWidget(self.edit, 1)
        self.status = QLabel("")
        lay.addWidget(self.status)
        close = QToolButton(text="✕", autoRaise=True)
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.hide)
        lay.addWidget(close)

    def find(self, forward: bool = True) -> bool:
        needle = self.edit.text()
        if not needle:
            return False
        ok = self.view.find(needle, forward)
        self.status.setText("" if ok else "not found")
        return ok

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() == Qt.Key_Escape:
            self.hide()
            self.view.setFocus()
            return
        if e.key() in (Qt.Key_Return, Qt.Key_Enter) and e.modifiers() & Qt.ShiftModifier:
            self.find(False)
            return
        super().keyPressEvent(e)


class MainWindow(QMainWindow):
    """The annotation window on one project at a time."""

    def __init__(self, project_path: str | Path | None = None, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("annotator", "annotator")
        self.session: Session | None = None
        self.sticky_label: str | None = None
        self._tokens: list[tuple[int, int]] | None = None
        self._token_starts: list[int] = []
        self._token_ends: list[int] = []
        self.last_message: QMessageBox | None = None
        self.setWindowTitle("Annotator")
        self.resize(1280, 820)

        self.view = AnnotationView()
        self.find_bar = FindBar(self.view)
        self.find_bar.hide()
        centre = QWidget()
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.find_bar)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(centre)
        self.view.selection_made.connect(self._on_selection_made)
        self.view.span_clicked.connect(self._on_span_clicked)
        self.view.context_menu_requested.connect(self._context_menu)
        self.linker = Linker(self)
        self.view.link_drag_finished.connect(lambda a, b, pos: self.linker.link(a, b, pos))
        self.view.link_clicked.connect(self._on_link_clicked)

        self._build_status_bar()
        self._build_actions()
        self.docks: dict[str, QDockWidget] = {}
        self.safety = WindowSafety(self)  # banners, read-only mode, Save As, other writers
        if project_path is not None:
            self.open_project(project_path)
        self._restore_geometry()

    # ------------------------------------------------------------------ project

    def open_project(self, path: str | Path, *, read_only: bool = False) -> bool:
        """Open a project file (created if missing) and show its first or last-seen document."""
        try:
            project = Project.open(path, read_only=read_only)
        except StoreError as exc:
            self.show_error("Cannot open project", str(exc))
            return False
        if self.session is not None:
            self._save_doc_position()
            self.session.close()
        project.annotator = str(self.settings.value("annotator", "") or "")
        self.session = Session(project, self)
        self.session.document_opened.connect(self._on_document_opened)
        self.session.document_loaded.connect(self._on_document_loaded)
        self.session.changed.connect(self._on_changed)
        self.session.error.connect(self._on_session_error)
        self.session.saved.connect(self._on_saved)
        self.session.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._build_docks()
        self._rebind_undo()
        self._rebuild_label_actions()
        self.safety.attach(self.session)
        self._remember_recent(str(Path(path).resolve()))
        self.settings.setValue("last_project", str(Path(path).resolve()))
        ids = project.document_ids()
        last = self.settings.value(f"last_doc/{Path(path).resolve()}", "")
        if ids:
            self.open_document(last if last in ids else ids[0])
        else:
            self.view.set_document("", [], {})
            self._update_status()
        self._update_title()
        return True

    def open_document(self, doc_id: str) -> None:
        if self.session is None:
            return
        try:
            self.session.open_document(doc_id)
        except StoreError as exc:
            self.show_error("Cannot open document", str(exc))

    def _on_document_opened(self, doc_id: str) -> None:
        cur = self.session.current
        schema = self.session.project.schema
        colors = {name: schema.color(name) for name in (*schema.entity_types, *schema.event_types)}
        self.view.set_document(cur.text, list(cur.spans.values()), colors)
        self.view.set_links(self.linker.all_links(cur))
        self.linker.cancel_pick()
        self._tokens = None
        self.doc_list.set_current(doc_id)
        self.inspector.show_annotation(None)
        self._update_status()
        self._update_title()
        self._save_doc_position()

    def _on_document_loaded(self, doc_id: str) -> None:
        """The rest of a long document arrived after its first frame: show all its spans."""
        cur = self.session.current
        shown = self.view.spans()
        if len(shown) == len(cur.spans) and len(self.view.links()) == len(self.linker.all_links(cur)):
            return
        for span in cur.spans.values():
            if span.id not in shown:
                self.view.add_span(span)
        self.view.set_links(self.linker.all_links(cur))
        self._update_status()

    def _save_doc_position(self) -> None:
        if self.session is not None and self.session.current is not None and self.session.project.path:
            self.settings.setValue(f"last_doc/{self.session.project.path.resolve()}", self.session.current.id)

    # ------------------------------------------------------------------ docks

    def _build_docks(self) -> None:
        for dock in self.docks.values():
            self.removeDockWidget(dock)
            dock.deleteLater()
        self.docks = {}
        s = self.session
        self.doc_list = DocumentList(s)
        self.doc_list.document_activated.connect(self.open_document)
        self.palette_widget = LabelPalette(s.project.schema)
        self.palette_widget.label_chosen.connect(self.apply_label)
        self.ann_list = AnnotationList(s)
        self.ann_list.annotation_activated.connect(self._on_annotation_activated)
        self.inspector = Inspector(s)
        self.inspector.jump_requested.connect(self.jump)
        self.inspector.pick_filler_requested.connect(
            lambda ev, pos: self.linker.start_pick(ev, position=pos))
        self.inspector.add_argument_requested.connect(lambda ev, role: self.linker.start_pick(ev, role=role))
        self.problems_panel = ValidationPanel(s)
        self.problems_panel.problem_activated.connect(self.jump)
        self.problems_panel.problems_changed.connect(self.doc_list.set_problem_counts)
        for key, title, widget, area in (
            ("documents", "Documents", self.doc_list, Qt.LeftDockWidgetArea),
            ("labels", "Labels", self.palette_widget, Qt.RightDockWidgetArea),
            ("annotations", "Annotations", self.ann_list, Qt.LeftDockWidgetArea),
            ("inspector", "Inspector", self.inspector, Qt.RightDockWidgetArea),
            ("problems", "Problems", self.problems_panel, Qt.LeftDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[key] = dock
        self.resizeDocks([self.docks["documents"], self.docks["labels"]], [340, 300], Qt.Horizontal)
        self.view_menu_docks.clear()
        for dock in self.docks.values():
            self.view_menu_docks.addAction(dock.toggleViewAction())
        self.doc_list.refresh()

    # ------------------------------------------------------------------ actions and menus

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                a.setShortcuts([QKeySequence(k) for k in shortcut])
            else:
                a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        f = mb.addMenu("&File")
        self.act_new = self._action("&New Project…", self.new_project_dialog, QKeySequence.New)
        self.act_open = self._action("&Open Project…", self.open_project_dialog, QKeySequence.Open)
        f.addAction(self.act_new)
        f.addAction(self.act_open)
        self.recent_menu = f.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        f.addSeparator()
        self.act_import = self._action("&Import…", self.import_dialog, "Ctrl+I", "Import JSONL or text files")
        self.act_export = self._action("&Export JSONL…", self.export_dialog, "Ctrl+E", "Export annotations as JSONL")
        self.act_export_oneie = self._action("Export for &Event Extraction (OneIE)…", self.export_oneie_dialog,
                                             None, "Tokens, entity and event mentions for training code")
        f.addAction(self.act_import)
        f.addAction(self.act_export)
        f.addAction(self.act_export_oneie)
        f.addSeparator()
        self.act_save = self._action("&Save", self.confirm_saved, QKeySequence.Save,
                                     "Every change is saved at once; this only confirms it")
        f.addAction(self.act_save)
        f.addSeparator()
        self.act_quit = self._action("&Quit", self.close, QKeySequence.Quit)
        f.addAction(self.act_quit)

        e = mb.addMenu("&Edit")
        self.edit_menu = e
        self.act_undo = self._action("&Undo", self.undo, QKeySequence.Undo)
        self.act_redo = self._action("&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        e.addAction(self.act_undo)
        e.addAction(self.act_redo)
        e.addSeparator()
        self.act_delete = self._action("&Delete Annotation", self.delete_selected, QKeySequence.Delete)
        self.act_clear = self._action("Clear Selection and Label", self.clear_selection_and_label, "Esc")
        e.addAction(self.act_delete)
        e.addAction(self.act_clear)
        self.act_link = self._action("&Link to… (Argument or Relation)", self.start_link, "Ctrl+L",
                                     "With an event selected, pick a filler; with an entity, the other end")
        e.addAction(self.act_link)
        e.addSeparator()
        self.act_find = self._action("&Find…", self.show_find, QKeySequence.Find)
        self.act_find_next = self._action("Find &Next", lambda: self.find_bar.find(True), QKeySequence.FindNext)
        self.act_find_prev = self._action("Find &Previous", lambda: self.find_bar.find(False),
                                          QKeySequence.FindPrevious)
        for a in (self.act_find, self.act_find_next, self.act_find_prev):
            e.addAction(a)
        e.addSeparator()
        self.act_annotator = self._action("Set Annotator &Name…", self.annotator_dialog)
        e.addAction(self.act_annotator)

        v = mb.addMenu("&View")
        self.act_zoom_in = self._action("Zoom &In", self.view.zoom_in, [QKeySequence.ZoomIn, "Ctrl+="])
        self.act_zoom_out = self._action("Zoom &Out", self.view.zoom_out, QKeySequence.ZoomOut)
        self.act_zoom_reset = self._action("&Reset Zoom", lambda: self.view.set_zoom(0), "Ctrl+0")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset):
            v.addAction(a)
        v.addSeparator()
        self.act_arcs_selected = self._action("Arcs of the &Selection Only", lambda: None, "Ctrl+Shift+A",
                                              "Hide every arc except those of the selected annotation")
        self.act_arcs_selected.setCheckable(True)
        self.act_arcs_selected.toggled.connect(self.toggle_arcs_mode)
        v.addAction(self.act_arcs_selected)
        v.addSeparator()
        self.view_menu_docks = v.addMenu("&Panels")

        d = mb.addMenu("&Document")
        self.act_prev = self._action("&Previous Document", lambda: self.step_document(-1), ["Ctrl+PgUp", "Alt+Up"])
        self.act_next = self._action("&Next Document", lambda: self.step_document(1), ["Ctrl+PgDown", "Alt+Down"])
        self.act_done = self._action("Mark &Done", lambda: self.mark("done"), ["Ctrl+Return", "Ctrl+Enter"])
        self.act_reviewed = self._action("Mark &Reviewed", lambda: self.mark("reviewed"),
                                         ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"])
        self.act_in_progress = self._action("Mark &In Progress", lambda: self.mark("in_progress"))
        for a in (self.act_prev, self.act_next, None, self.act_done, self.act_reviewed, self.act_in_progress):
            d.addSeparator() if a is None else d.addAction(a)

        self.labels_menu = mb.addMenu("&Labels")

        h = mb.addMenu("&Help")
        self.act_help = self._action("&Keyboard Shortcuts", self.show_help, QKeySequence.HelpContents)
        self.act_about = self._action("&About Annotator", self.show_about)
        h.addAction(self.act_help)
        h.addAction(self.act_about)

        tb = self.addToolBar("Main")
        tb.setObjectName("toolbar_main")
        for a in (self.act_open, self.act_import, self.act_export, None, self.act_undo, self.act_redo, None,
                  self.act_prev, self.act_next, self.act_done, None, self.act_zoom_out, self.act_zoom_in,
                  self.act_find, self.act_help):
            tb.addSeparator() if a is None else tb.addAction(a)
        self.label_actions: list[QAction] = []

    def _rebind_undo(self) -> None:
        """Point the stable Undo/Redo actions at the new session's stack."""
        stack = self.session.undo_stack
        stack.canUndoChanged.connect(self.act_undo.setEnabled)
        stack.canRedoChanged.connect(self.act_redo.setEnabled)
        stack.undoTextChanged.connect(self._on_undo_text)
        stack.redoTextChanged.connect(self._on_redo_text)
        self.act_undo.setEnabled(stack.canUndo())
        self.act_redo.setEnabled(stack.canRedo())

    # bound methods, not lambdas: Qt drops these connections when the window goes
    def _on_undo_text(self, text: str) -> None:
        self.act_undo.setText(f"&Undo {text}".strip())

    def _on_redo_text(self, text: str) -> None:
        self.act_redo.setText(f"&Redo {text}".strip())

    def _on_session_error(self, message: str) -> None:
        self.show_error("Not allowed", message)

    def _on_clean_changed(self, _clean: bool) -> None:
        self._update_status()

    def undo(self) -> None:
        if self.session is not None:
            self.session.undo_stack.undo()

    def redo(self) -> None:
        if self.session is not None:
            self.session.undo_stack.redo()

    def _rebuild_label_actions(self) -> None:
        for a in self.label_actions:
            self.removeAction(a)
        self.labels_menu.clear()
        self.label_actions = []
        schema = self.session.project.schema
        # A window action only for each hotkey; the menus list at most MENU_CAP types and
        # offer "More…" for the rest, so a schema of 10,000 types builds no 10,000 actions.
        by_name: dict[str, QAction] = {}
        for key, name in schema.hotkeys().items():
            a = QAction(name, self)
            a.setShortcut(QKeySequence(key))
            a.triggered.connect(lambda _c=False, n=name: self.apply_label(n))
            self.addAction(a)
            self.label_actions.append(a)
            by_name[name] = a
        for title, types in (("Entities", schema.entity_types), ("Events", schema.event_types)):
            sub = self.labels_menu.addMenu(title)
            fill_type_menu(sub, schema, list(types), self.apply_label, title=f"Label: {title}", actions=by_name)

    def all_actions(self) -> list[QAction]:
        return [a for a in self.actions() if not a.shortcut().isEmpty() or a.text()]

    # ------------------------------------------------------------------ tagging

    def apply_label(self, label: str) -> None:
        """A hotkey, palette click or menu choice of ``label``.

        With a text selection: tag it.  With a selected annotation: change its
        type.  With neither: make ``label`` the sticky current label, so the
        next selection gets it at once (choosing it again turns that off).
        """
        if self.session is None or self.session.current is None:
            return
        sel = self.view.selection()
        if sel is not None:
            self._tag(sel[0], sel[1], label)
            return
        span_id = self.view.selected_span()
        if span_id:
            self._relabel(span_id, label)
            return
        self.set_sticky_label(None if self.sticky_label == label else label)

    def _tag(self, start: int, end: int, label: str) -> None:
        new_id = self.session.add_annotation(start, end, label)
        self.view.clear_selection()
        if new_id and self.linker.pick is not None and new_id in self.session.current.spans:
            self.linker.picked(new_id)  # created and attached in one flow
        if new_id:
            span_id = self._span_of(new_id)
            self.view.select_span(span_id, scroll=False)
            self.inspector.show_annotation(new_id)
            self.ann_list.select(new_id)

    def _relabel(self, span_id: str, label: str) -> None:
        cur = self.session.current
        span = cur.spans.get(span_id)
        if span is None:
            return
        kind = self.session.project.schema.label_kind(label)
        if (span.kind == ENTITY) != (kind == "entity"):
            what = "an entity" if span.kind == ENTITY else "an event trigger"
            self.show_error("Not allowed", f"{span_id} is {what}; {label} is "
                            f"{'an entity type' if kind == 'entity' else 'an event type'}. "
                            "Delete it and tag the text again to change its kind.")
            return
        if span.label != label:
            self.session.set_label(span_id, label)

    def set_sticky_label(self, label: str | None) -> None:
        self.sticky_label = label
        self.palette_widget.set_current(label)
        self._update_status()

    def _on_selection_made(self, start: int, end: int) -> None:
        if self.sticky_label and start < end:
            self._tag(start, end, self.sticky_label)

    def _span_of(self, ann_id: str) -> str | None:
        cur = self.session.current
        if ann_id in cur.spans:
            return ann_id
        if ann_id in cur.events:
            return cur.events[ann_id].trigger
        return None

    def _ann_of_span(self, span_id: str) -> str:
        """The annotation a span stands for: the span, or the event a trigger belongs to."""
        return self.session.current.event_of_trigger(span_id) or span_id

    def _on_span_clicked(self, span_id: str) -> None:
        if self.session is None or self.session.current is None:
            return
        if span_id and self.linker.picked(span_id):
            return
        ann = self._ann_of_span(span_id) if span_id else None
        self.inspector.show_annotation(ann)
        self.linker.highlight(ann)
        if ann:
            self.ann_list.select(ann)

    def _on_link_clicked(self, link_id: str) -> None:
        link = self.view.links().get(link_id)
        if link is not None:
            self.jump(link.owner)

    def jump(self, ann_id: str) -> None:
        """Show an annotation: scroll to it, select it, inspect it, highlight its arcs."""
        if self.session is None or self.session.current is None or not ann_id:
            return
        self.session.ensure_loaded()
        span_id = self._span_of(ann_id)
        if span_id is None and ann_id in self.session.current.relations:
            span_id = self.session.current.relations[ann_id].head
        if span_id:
            self.view.select_span(span_id, scroll=True)
        self.inspector.show_annotation(ann_id)
        self.ann_list.select(ann_id)
        self.linker.highlight(ann_id)

    def start_link(self) -> None:
        """Ctrl+L: the selected event takes the next picked span as an argument (an entity: relation)."""
        if self.session is None or self.session.current is None:
            return
        span_id = self.view.selected_span()
        if not span_id:
            self.statusBar().showMessage("Select an event trigger (or an entity) first, then press Ctrl+L", 4000)
            return
        self.linker.start_pick(self._ann_of_span(span_id))

    def toggle_arcs_mode(self, selected_only: bool) -> None:
        self.view.set_arcs_mode("selected" if selected_only else "all")
        self.settings.setValue("arcs_selected_only", selected_only)

    def _on_annotation_activated(self, ann_id: str) -> None:
        span_id = self._span_of(ann_id)
        if span_id:
            self.view.select_span(span_id, scroll=True)
        self.inspector.show_annotation(ann_id)

    def delete_selected(self) -> None:
        if self.session is None or self.session.current is None:
            return
        span_id = self.view.selected_span()
        if not span_id:
            self.statusBar().showMessage("Select an annotation to delete it", 3000)
            return
        if self.session.remove_annotation(self._ann_of_span(span_id)):
            self.view.select_span(None, scroll=False)
            self.inspector.show_annotation(None)

    def clear_selection_and_label(self) -> None:
        """Esc: close the find bar first (keeping the match selected, ready for a hotkey);
        otherwise clear the selection, the selected annotation and the sticky label."""
        if self.find_bar.isVisible():
            self.find_bar.hide()
            self.view.setFocus()
            return
        if self.linker.cancel_pick():
            return
        self.view.clear_selection()
        self.linker.highlight(None)
        self.view.select_span(None, scroll=False)
        self.inspector.show_annotation(None)
        self.set_sticky_label(None)

    # ------------------------------------------------------------------ boundaries by token

    def _ensure_tokens(self) -> None:
        if self._tokens is None:
            self._tokens = tokens(self.session.current.text)
            self._token_starts = [t[0] for t in self._tokens]
            self._token_ends = [t[1] for t in self._tokens]

    def move_boundary(self, which: str, direction: int) -> bool:
        """Move the selected span's ``which`` ('start' or 'end') by one token left (-1) or right (+1)."""
        if self.session is None or self.session.current is None:
            return False
        span_id = self.view.selected_span()
        span = self.session.current.spans.get(span_id or "")
        if span is None:
            return False
        self._ensure_tokens()
        start, end = span.start, span.end
        if which == "end":
            if direction > 0:
                i = bisect_right(self._token_ends, end)
                if i >= len(self._tokens):
                    return False
                end = self._token_ends[i]
            else:
                i = bisect_left(self._token_ends, end) - 1
                if i < 0 or self._token_ends[i] <= start:
                    return False
                end = self._token_ends[i]
        else:
            if direction < 0:
                i = bisect_left(self._token_starts, start) - 1
                if i < 0:
                    return False
                start = self._token_starts[i]
            else:
                i = bisect_right(self._token_starts, start)
                if i >= len(self._tokens) or self._token_starts[i] >= end:
                    return False
                start = self._token_starts[i]
        ok = self.session.set_offsets(span_id, start, end)
        if ok:
            self.view.select_span(span_id, scroll=False)
        return ok

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """Keys the view passes up: Shift(+Ctrl)+Left/Right edit the selected span's boundaries."""
        mods = e.modifiers() & (Qt.ShiftModifier | Qt.ControlModifier | Qt.AltModifier)
        if e.key() in (Qt.Key_Left, Qt.Key_Right) and self.view.selected_span():
            direction = -1 if e.key() == Qt.Key_Left else 1
            if mods == Qt.ShiftModifier:
                self.move_boundary("end", direction)
                return
            if mods == (Qt.ShiftModifier | Qt.ControlModifier):
                self.move_boundary("start", direction)
                return
        super().keyPressEvent(e)

    # ------------------------------------------------------------------ context menu

    def _context_menu(self, global_pos, span_id: str) -> None:
        if self.session is None or self.session.current is None:
            return
        menu = self.build_context_menu(span_id)
        menu.popup(global_pos)
        self._last_menu = menu

    def build_context_menu(self, span_id: str) -> QMenu:
        schema = self.session.project.schema
        menu = QMenu(self)
        sel = self.view.selection()
        if sel is not None:
            text = self.session.current.text[sel[0]:sel[1]]
            short = text if len(text) <= 24 else text[:23] + "…"
            ent = menu.addMenu(f"Tag “{short}” as entity")
            fill_type_menu(ent, schema, list(schema.entity_types), self.apply_label, title="Tag as entity")
            ev = menu.addMenu(f"Tag “{short}” as event trigger")
            fill_type_menu(ev, schema, list(schema.event_types), self.apply_label, title="Tag as event trigger")
        if span_id:
            self.view.select_span(span_id, scroll=False)
            self._on_span_clicked(span_id)
            span = self.session.current.spans.get(span_id)
            if span is not None:
                types = schema.entity_types if span.kind == ENTITY else schema.event_types
                change = menu.addMenu("Change type to")
                fill_type_menu(change, schema, list(types), lambda n, s=span_id: self._relabel(s, n),
                               title="Change type to", disabled=span.label)
                menu.addAction(self.act_link)
                menu.addAction(self.act_delete)
        if menu.isEmpty():
            hint = menu.addAction("Select text to tag it")
            hint.setEnabled(False)
        return menu

    # ------------------------------------------------------------------ changes from the session

    def _on_changed(self, change: Change) -> None:
        cur = self.session.current
        if cur is None or change.doc_id != cur.id:
            return
        shown = self.view.spans()
        for ann_id in change.ids:
            span = cur.spans.get(ann_id)
            if span is not None:
                if ann_id in shown:
                    self.view.update_span(span)
                else:
                    self.view.add_span(span)
            elif ann_id in shown:
                self.view.remove_span(ann_id)
        self.linker.update(change.ids)
        sel = self.view.selected_span()
        if sel and sel not in cur.spans:
            self.view.select_span(None, scroll=False)
        self.linker.highlight(self.inspector.annotation_id if sel else None)
        self._update_status()

    def _on_saved(self) -> None:
        from datetime import datetime

        self.saved_label.setText(f"✔ Saved {datetime.now():%H:%M:%S}")
        self.saved_label.setToolTip(f"Written to {self.session.project.path}")

    # ------------------------------------------------------------------ documents

    def step_document(self, step: int) -> None:
        if self.session is None or self.session.current is None:
            return
        nxt = self.doc_list.next_id(self.session.current.id, step)
        if nxt:
            self.open_document(nxt)
        else:
            self.statusBar().showMessage("No more documents in that direction", 3000)

    def mark(self, status: str) -> None:
        """Set the document's status; done or reviewed with problems asks first, naming them."""
        if self.session is None or self.session.current is None:
            return
        if status in ("done", "reviewed"):
            problems = self.problems_panel.validate_now()  # up to date even inside its debounce
            if problems:
                lines = [f"• {p.message}" for p in problems[:12]]
                if len(problems) > 12:
                    lines.append(f"… and {len(problems) - 12} more")
                box = QMessageBox(QMessageBox.Question, f"Mark {status}?",
                                  f"{self.session.current.document.name} has {len(problems)} problem(s):\n\n"
                                  + "\n".join(lines) + f"\n\nMark it {status} anyway?",
                                  QMessageBox.Yes | QMessageBox.No, self)
                box.setDefaultButton(QMessageBox.No)
                box.setAttribute(Qt.WA_DeleteOnClose)
                box.finished.connect(lambda result: self._set_status(status) if result == QMessageBox.Yes else None)
                self.last_message = box
                box.open()
                return
        self._set_status(status)

    def _set_status(self, status: str) -> None:
        if self.session is not None and self.session.current is not None and self.session.set_status(status):
            self.statusBar().showMessage(f"Marked {self.session.current.document.name} {status.replace('_', ' ')}", 4000)

    # ------------------------------------------------------------------ dialogs

    def show_error(self, title: str, message: str) -> None:
        """A non-blocking message box (and the same text in the status bar)."""
        self.statusBar().showMessage(message.splitlines()[0], 8000)
        box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.last_message = box
        box.open()

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", str(Path.home() / "project.annotator.db"),
                                              "Annotator projects (*.db);;All files (*)")
        if path:
            if Path(path).exists():
                self.show_error("Cannot create project", f"{path} exists already; open it instead")
                return
            self.open_project(path)

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", str(Path.home()),
                                              "Annotator projects (*.db);;All files (*)")
        if path:
            self.open_project(path)

    def _remember_recent(self, path: str) -> None:
        recent = [p for p in (self.settings.value("recent_projects", []) or []) if p != path]
        self.settings.setValue("recent_projects", [path, *recent][:MAX_RECENT])

    def recent_projects(self) -> list[str]:
        value = self.settings.value("recent_projects", []) or []
        return [value] if isinstance(value, str) else list(value)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_projects():
            self.recent_menu.addAction(p, lambda p=p: self.open_project(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def import_files(self, paths: list[str], replace: bool = False) -> int | None:
        """Import with a progress dialog and Cancel; all or nothing.  Returns the count, or None."""
        if self.session is None:
            return None
        dlg = QProgressDialog("Importing…", "Cancel", 0, 0, self)
        dlg.setWindowTitle("Import")
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)

        def progress(done: int, total: int) -> None:
            if total:
                dlg.setMaximum(total)
                dlg.setValue(min(done, total))
            dlg.setLabelText(f"Importing… {done:,} of {total:,}" if total else f"Importing… {done:,}")
            QApplication.processEvents()
            if dlg.wasCanceled():
                raise _Cancelled()

        try:
            n = import_paths(self.session.project, paths, replace=replace, progress=progress,
                             annotator=self.session.project.annotator or None)
        except _Cancelled:
            dlg.close()
            self.statusBar().showMessage("Import cancelled; nothing was imported", 5000)
            return None
        except (FormatError, StoreError, OSError) as exc:
            dlg.close()
            self.show_error("Import failed", f"{exc}\n\nNothing was imported.")
            return None
        dlg.close()
        self.session.documents_changed.emit()
        self.statusBar().showMessage(f"Imported {n} document(s)", 5000)
        if self.session.current is None:
            ids = self.session.project.document_ids()
            if ids:
                self.open_document(ids[0])
        return n

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()),
                                                "JSONL or text (*.jsonl *.json *.txt);;All files (*)")
        if paths:
            self.import_files(paths)

    def export_file(self, path: str, statuses: list[str] | None = None, fmt: str = "jsonl") -> int | None:
        """Export JSONL with a progress dialog and Cancel (the target is untouched on cancel)."""
        if self.session is None:
            return None
        dlg = QProgressDialog("Exporting…", "Cancel", 0, self.session.project.document_count(), self)
        dlg.setWindowTitle("Export")
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        dlg.setWindowModality(Qt.WindowModal)
        dlg.setMinimumDuration(300)

        def progress(done: int, total: int) -> None:
            dlg.setValue(done)
            QApplication.processEvents()

        try:
            n = export_to_path(self.session.project, path, fmt, statuses=statuses, progress=progress,
                               cancelled=dlg.wasCanceled)
        except InterruptedError:
            dlg.close()
            self.statusBar().showMessage("Export cancelled", 5000)
            return None
        except (OSError, StoreError, ValueError) as exc:
            dlg.close()
            self.show_error("Export failed", str(exc))
            return None
        dlg.close()
        self.statusBar().showMessage(f"Exported {n} document(s) to {path}", 6000)
        return n

    def export_dialog(self) -> None:
        if self.session is None:
            return
        default = str((self.session.project.path or Path.home()).with_suffix(".jsonl"))
        path, _ = QFileDialog.getSaveFileName(self, "Export JSONL", default, "JSONL (*.jsonl);;All files (*)")
        if path:
            self.export_file(path)

    def export_oneie_dialog(self) -> None:
        if self.session is None:
            return
        default = str((self.session.project.path or Path.home()).with_suffix(".oneie.jsonl"))
        path, _ = QFileDialog.getSaveFileName(self, "Export for event extraction", default,
                                              "JSONL (*.jsonl);;All files (*)")
        if path:
            self.export_file(path, fmt="oneie")

    def annotator_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "Annotator name", "Your name, recorded on every annotation you make:",
                                        text=str(self.settings.value("annotator", "") or ""))
        if ok:
            self.settings.setValue("annotator", name.strip())
            if self.session is not None:
                self.session.project.annotator = name.strip()
            self._update_status()

    def confirm_saved(self) -> None:
        self.safety.confirm_saved()

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.edit.setFocus()
        self.find_bar.edit.selectAll()

    def show_help(self) -> None:
        hotkeys = self.session.project.schema.hotkeys() if self.session else {}
        dlg = HelpDialog(self.all_actions(), hotkeys, self)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        self.help_dialog = dlg
        dlg.show()

    def show_about(self) -> None:
        from .about import show_about

        show_about(self)

    # ------------------------------------------------------------------ status bar and title

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.counts_label = QLabel("")
        self.label_label = QLabel("")
        self.saved_label = QLabel("✔ Saved")
        for w in (self.counts_label, self.label_label, self.saved_label):
            w.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(w)

    def _update_status(self) -> None:
        cur = self.session.current if self.session else None
        if cur is None:
            self.counts_label.setText("No document")
        else:
            n_ent, n_ev, n_rel = cur.counts()
            status = cur.document.status.replace("_", " ")
            self.counts_label.setText(
                f"{_n(n_ent, 'entity', 'entities')} · {_n(n_ev, 'event', 'events')} · "
                f"{_n(n_rel, 'relation', 'relations')} · {status}")
        if getattr(self, "linker", None) is not None and self.linker.pick is not None:
            self.label_label.setText("<b>Linking</b>: pick a span (Esc cancels)")
        elif self.sticky_label:
            self.label_label.setText(f"Label: <b>{self.sticky_label}</b> (sticky; Esc to clear)")
        else:
            self.label_label.setText("Label: none")

    update_status = _update_status

    def _update_title(self) -> None:
        parts = ["Annotator"]
        if self.session is not None:
            cur = self.session.current
            if cur is not None:
                parts.insert(0, cur.document.name)
            if self.session.project.path:
                parts.insert(len(parts) - 1, self.session.project.path.name)
        self.setWindowTitle(" — ".join(parts))

    # ------------------------------------------------------------------ settings

    def _restore_geometry(self) -> None:
        geo = self.settings.value("geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        state = self.settings.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        arcs_sel = self.settings.value("arcs_selected_only", False)
        self.act_arcs_selected.setChecked(arcs_sel in (True, "true", "1", 1))
        zoom = self.settings.value("zoom", 0)
        try:
            self.view.set_zoom(int(zoom))
        except (TypeError, ValueError):
            pass

    def closeEvent(self, e) -> None:  # noqa: N802
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.setValue("zoom", self.view.zoom())
        self._save_doc_position()
        self.settings.sync()
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(e)
