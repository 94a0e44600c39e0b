"""The main window: owns the view, the panels and the controllers, and wires them together."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from ..store import Project, StoreError
from ..validate import Problem
from .about import show_about
from .actions import WindowActions
from .contextmenu import ContextMenu
from .docks import PanelHandlers, Panels
from .findbar import FindBar
from .helpdialog import HelpDialog
from .linking import Linker
from .messages import Messages
from .navigation import Navigator, RecentProjects
from .safety import WindowSafety
from .session import Change, Session
from .selection import SelectionSync
from .settings import WindowSettings
from .statusline import StatusLine, window_title
from .tagging import Tagger
from .textview import AnnotationView
from .transfer import Transfer, new_project_dialog, open_project_dialog
from .viewsync import ViewSync


class MainWindow(QMainWindow):
    """The annotation window on one project at a time.

    Its parts: ``view`` and ``find_bar`` in the centre; ``panels`` (docks, per
    project); ``menus`` (every QAction, the menus and the toolbar); and the
    controllers ``tagger``, ``selection``, ``linker``, ``sync`` (the view),
    ``navigator``, ``recent``, ``transfer``, ``safety``, ``context_menu``,
    ``messages``, ``status`` and ``prefs``.
    """

    def __init__(self, project_path: str | Path | None = None, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings("annotator", "annotator")
        self.session: Session | None = None
        self.panels: Panels | None = None
        self.help_dialog: HelpDialog | None = None
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
        bar = self.statusBar()
        self.messages = Messages(self, bar)
        session_of = self._session
        self.linker = Linker(self, self.view, session_of, bar, self.messages.error, self.update_status)
        self.sync = ViewSync(self.view, self.linker)
        self.tagger = Tagger(self.view, session_of, self.linker, self.messages.error,
                             lambda ann_id: self.selection.tagged(ann_id), self._on_sticky_changed)
        self.selection = SelectionSync(self.view, self.find_bar, session_of, lambda: self.panels, self.linker,
                                       self.tagger, bar)
        self.navigator = Navigator(session_of, self.open_document, self._next_document_id, self._problems_now,
                                   self.messages, bar)
        self.transfer = Transfer(self, session_of, bar, self.messages.error, self.open_document)
        self.prefs = WindowSettings(self.settings, self, self.view)
        self.view.selection_made.connect(self.tagger.on_selection_made)
        self.view.span_clicked.connect(self.selection.span_clicked)
        self.view.link_drag_finished.connect(lambda a, b, pos: self.linker.link(a, b, pos))
        self.view.link_clicked.connect(self.selection.link_clicked)

        self.status = StatusLine(bar)
        self.menus = WindowActions(self, self._handlers())
        self.menus["arcs_selected"].toggled.connect(self.prefs.set_arcs_selected_only)
        self.recent = RecentProjects(self.settings, self.menus.recent_menu, self.open_project)
        self.context_menu = ContextMenu(self, self.view, session_of, self.tagger, self.selection.span_clicked,
                                        [self.menus["link"], self.menus["delete"]])
        self.view.context_menu_requested.connect(self.context_menu.popup)
        self.safety = WindowSafety(self, lay, self.menus["save_as"], self.menus.editing(), bar,
                                   self.status.saved_label, session_of, self.messages.error, self.open_project)
        if project_path is not None:
            self.open_project(project_path)
        self.prefs.restore(self.menus["arcs_selected"])

    def _session(self) -> Session | None:
        return self.session

    def _handlers(self) -> dict[str, Callable[[], object]]:
        """What each action of :data:`annotator.qt.actions.ACTIONS` runs."""
        v, nav, tr, sel = self.view, self.navigator, self.transfer, self.selection
        return {
            "new": lambda: new_project_dialog(self, self.messages.error, self.open_project),
            "open": lambda: open_project_dialog(self, self.open_project),
            "import_": tr.import_dialog, "export": tr.export_dialog,
            "export_oneie": lambda: tr.export_dialog("oneie"),
            "save": lambda: self.safety.confirm_saved(), "save_as": lambda: self.safety.save_as_dialog(),
            "quit": self.close,
            "undo": lambda: self.session and self.session.undo_stack.undo(),
            "redo": lambda: self.session and self.session.undo_stack.redo(),
            "delete": sel.delete_selected, "clear": sel.clear, "link": sel.start_link,
            "find": self.show_find, "find_next": lambda: self.find_bar.find(True),
            "find_prev": lambda: self.find_bar.find(False), "annotator": self.annotator_dialog,
            "zoom_in": v.zoom_in, "zoom_out": v.zoom_out, "zoom_reset": lambda: v.set_zoom(0),
            "prev": lambda: nav.step_document(-1), "next": lambda: nav.step_document(1),
            "done": lambda: nav.mark("done"), "reviewed": lambda: nav.mark("reviewed"),
            "in_progress": lambda: nav.mark("in_progress"),
            "help": self.show_help, "about": lambda: show_about(self),
        }

    # ------------------------------------------------------------------ project and documents

    def open_project(self, path: str | Path, *, read_only: bool = False) -> bool:
        """Open a project file (created if missing) and show its first or last-seen document."""
        try:
            project = Project.open(path, read_only=read_only)
        except StoreError as exc:
            self.messages.error("Cannot open project", str(exc))
            return False
        if self.session is not None:
            self.recent.save_position(self.session)
            self.session.close()
        project.annotator = self.prefs.annotator()
        self.session = s = Session(project, self)
        s.document_opened.connect(self._on_document_opened)
        s.document_loaded.connect(self._on_document_loaded)
        s.changed.connect(self._on_changed)
        s.error.connect(self._on_session_error)
        s.saved.connect(self._on_saved)
        s.undo_stack.cleanChanged.connect(self._on_clean_changed)
        if self.panels is not None:
            self.panels.remove()
        lk = self.linker
        self.panels = panels = Panels(self, s, PanelHandlers(
            self.open_document, self.tagger.apply_label, self.selection.annotation_activated, self.selection.jump,
            lambda ev, pos: lk.start_pick(ev, position=pos), lambda ev, role: lk.start_pick(ev, role=role)))
        self.menus.set_dock_toggles([d.toggleViewAction() for d in panels.docks.values()])
        panels.doc_list.refresh()
        self.menus.bind_undo_stack(s.undo_stack)
        self.menus.rebuild_label_actions(project.schema, self.tagger.apply_label)
        self.safety.attach(s, panels.palette, panels.inspector)
        self.recent.remember(str(Path(path).resolve()))
        ids = project.document_ids()
        last = self.recent.last_document(Path(path))
        if ids:
            self.open_document(last if last in ids else ids[0])
        else:
            self.view.set_document("", [], {})
            self.update_status()
        self.setWindowTitle(window_title(self.session))
        return True

    def open_document(self, doc_id: str) -> None:
        if self.session is None:
            return
        try:
            self.session.open_document(doc_id)
        except StoreError as exc:
            self.messages.error("Cannot open document", str(exc))

    def _on_document_opened(self, doc_id: str) -> None:
        assert self.session is not None and self.session.current is not None and self.panels is not None
        schema = self.session.project.schema
        colors = {name: schema.color(name) for name in (*schema.entity_types, *schema.event_types)}
        self.sync.show_document(self.session.current, colors)
        self.tagger.document_changed()
        self.panels.doc_list.set_current(doc_id)
        self.panels.inspector.show_annotation(None)
        self.update_status()
        self.setWindowTitle(window_title(self.session))
        self.recent.save_position(self.session)

    def _on_document_loaded(self, doc_id: str) -> None:
        assert self.session is not None and self.session.current is not None
        if self.sync.fill_loaded(self.session.current):
            self.update_status()

    def _on_changed(self, change: Change) -> None:
        cur = self.session.current if self.session else None
        if cur is None or change.doc_id != cur.id or self.panels is None:
            return
        sel = self.sync.apply(cur, change)
        self.linker.highlight(self.panels.inspector.annotation_id if sel else None)
        self.update_status()

    def _on_saved(self) -> None:
        self.status.show_saved(self.session.project.path if self.session else None)

    def _on_session_error(self, message: str) -> None:
        self.messages.error("Not allowed", message)

    def _on_clean_changed(self, _clean: bool) -> None:
        self.update_status()

    def _next_document_id(self, doc_id: str, step: int) -> str | None:
        return self.panels.doc_list.next_id(doc_id, step) if self.panels else None

    def _problems_now(self) -> list[Problem]:
        return self.panels.problems.validate_now() if self.panels else []

    def update_status(self) -> None:
        """The status bar's counts and current label (or pick mode)."""
        cur = self.session.current if self.session else None
        self.status.show(cur, self.tagger.sticky_label, self.linker.pick is not None)

    # ------------------------------------------------------------------ the sticky label

    def _on_sticky_changed(self, label: str | None) -> None:
        if self.panels is not None:
            self.panels.palette.set_current(label)
        self.update_status()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """Keys the view passes up: Shift(+Ctrl)+Left/Right edit the selected span's boundaries."""
        mods = e.modifiers() & (Qt.ShiftModifier | Qt.ControlModifier | Qt.AltModifier)
        if e.key() in (Qt.Key_Left, Qt.Key_Right) and self.view.selected_span():
            direction = -1 if e.key() == Qt.Key_Left else 1
            if mods == Qt.ShiftModifier:
                self.tagger.move_boundary("end", direction)
                return
            if mods == (Qt.ShiftModifier | Qt.ControlModifier):
                self.tagger.move_boundary("start", direction)
                return
        super().keyPressEvent(e)

    # ------------------------------------------------------------------ small dialogs

    def annotator_dialog(self) -> None:
        name = self.prefs.ask_annotator()
        if name is not None:
            if self.session is not None:
                self.session.project.annotator = name
            self.update_status()

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.edit.setFocus()
        self.find_bar.edit.selectAll()

    def show_help(self) -> None:
        hotkeys = self.session.project.schema.hotkeys() if self.session else {}
        dlg = HelpDialog(self.menus.all_actions(), hotkeys, self)
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        self.help_dialog = dlg
        dlg.show()

    def closeEvent(self, e: QCloseEvent) -> None:  # noqa: N802
        self.prefs.save()
        self.recent.save_position(self.session)
        self.settings.sync()
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(e)
