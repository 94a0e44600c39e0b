"""The main window: owns the view, the panels and the controllers, and wires them together."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QVBoxLayout, QWidget

from ..store import Project, StoreError
from .actions import WindowActions
from .agree_dialog import add_agreement_action
from .compare_action import add_compare_action
from .contextmenu import ContextMenu
from .dockslots import dock_slots
from .findbar import FindBar
from .layer_switch import LayerSwitch
from .linking import Linker
from .messages import Messages
from .navigation import Navigator, RecentProjects
from .review_mode import ReviewMode
from .safety import WindowSafety
from .session import Change, Session
from .selection import SelectionSync
from .settings import WindowSettings
from .statusline import StatusLine, window_title
from .tagging import Tagger
from .textview import AnnotationView
from .viewsync import ViewSync

if TYPE_CHECKING:  # the panels, dialogs and transfer are imported when first built (after the first frame)
    from ..validate import Problem
    from .docks import Panels
    from .helpdialog import HelpDialog
    from .preferences import PreferencesDialog
    from .transfer import Transfer


class MainWindow(QMainWindow):
    """The annotation window on one project at a time.

    Its parts: ``view`` and ``find_bar`` in the centre; ``panels`` (docks, per
    project); ``menus`` (every QAction, the menus and the toolbar); and the
    controllers ``tagger``, ``selection``, ``linker``, ``sync`` (the view),
    ``navigator``, ``recent``, ``transfer``, ``safety``, ``context_menu``,
    ``messages``, ``status`` and ``prefs``.

    ``panels_after_paint`` (the application's start): the first project's
    panels are built after the view's first paint, into docks that are there
    (empty) from the start, so the first frame shows the text with the final
    layout and does not wait for the panels' imports and fills.  Until then
    ``panels`` is None, as it is with no project.
    """

    def __init__(self, project_path: str | Path | None = None, settings: QSettings | None = None, *,
                 panels_after_paint: bool = False, annotator: str | None = None):
        """``annotator``: the annotator's name for this run (``--annotator NAME``), instead of the saved one."""
        super().__init__()
        self.settings = settings or QSettings("annotator", "annotator")
        self.session: Session | None = None
        self.panels: Panels | None = None
        self.help_dialog: HelpDialog | None = None
        self.preferences: PreferencesDialog | None = None
        self._transfer: Transfer | None = None
        self._docks: dict[str, QDockWidget] = {}
        self._panels_after_paint = panels_after_paint
        self._replaying = False     # the panels catch up with the current document (see _build_panels)
        self._paint_pending = False  # a change is painted at once, once per turn of the event loop
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
        self.linker = Linker(self, self.view, session_of, bar, self.messages.refuse, self.update_status)
        self.sync = ViewSync(self.view, self.linker)
        self.tagger = Tagger(self.view, session_of, self.linker, self.messages.refuse,
                             lambda ann_id: self.selection.tagged(ann_id), self._on_sticky_changed)
        self.selection = SelectionSync(self.view, self.find_bar, session_of, lambda: self.panels, self.linker,
                                       self.tagger, bar)
        self.navigator = Navigator(session_of, self.open_document, self._next_document_id, self._problems_now,
                                   self.messages, bar)
        self.prefs = WindowSettings(self.settings, self, self.view)
        if annotator is not None:
            self.prefs.override = annotator.strip()
        self.view.selection_made.connect(self.tagger.on_selection_made)
        self.view.span_clicked.connect(self.selection.span_clicked)
        self.view.link_drag_finished.connect(lambda a, b, pos: self.linker.link(a, b, pos))
        self.view.link_clicked.connect(self.selection.link_clicked)

        self.status = StatusLine(bar)
        self.menus = WindowActions(self, self._handlers())
        self.menus["arcs_selected"].toggled.connect(self.prefs.set_arcs_selected_only)
        assert self.menus.layers_anchor is not None
        self.layers = LayerSwitch(self, self.settings, self.menus.layers_menu, self.menus.layers_anchor, bar,
                                  self.messages.refuse, self.view)
        self.menus.toolbar.insertWidget(self.menus["find"], self.layers.widget)
        self.menus.toolbar.insertSeparator(self.menus["find"])
        self.layers.switched.connect(self._on_layer_switched)
        add_agreement_action(self, self.menus.layers_menu, lambda: self.session.project if self.session else None)
        self.recent = RecentProjects(self.settings, self.menus.recent_menu, self.open_project)
        self.context_menu = ContextMenu(self, self.view, session_of, self.tagger, self.selection.span_clicked,
                                        [self.menus["link"], self.menus["delete"]])
        self.view.context_menu_requested.connect(self.context_menu.popup)
        self.safety = WindowSafety(self, lay, self.menus["save_as"], self.menus.editing(), bar,
                                   self.status.saved_label, session_of, self.messages.error, self.open_project)
        self.review = ReviewMode(self)  # the Review menu, its bar above the text, its keys and the view's marks
        self.review.ui.menu.addSeparator()
        add_compare_action(self, self.review.ui.menu, session_of)  # helper J's: the comparison view
        if project_path is not None:
            self.open_project(project_path)
        self.prefs.restore(self.menus["arcs_selected"])

    def _session(self) -> Session | None:
        return self.session

    def _handlers(self) -> dict[str, Callable[[], object]]:
        """What each action of :data:`annotator.qt.actions.ACTIONS` runs."""
        v, nav, sel = self.view, self.navigator, self.selection
        return {
            "new": self._new_project_dialog, "open": self._open_project_dialog,
            "import_": lambda: self.transfer.import_dialog(), "export": lambda: self.transfer.export_dialog(),
            "export_oneie": lambda: self.transfer.export_dialog("oneie"),
            "save": lambda: self.safety.confirm_saved(), "save_as": lambda: self.safety.save_as_dialog(),
            "quit": self.close,
            "undo": lambda: self.session and self.session.undo_stack.undo(),
            "redo": lambda: self.session and self.session.undo_stack.redo(),
            "delete": sel.delete_selected, "clear": sel.clear, "link": sel.start_link,
            "find": self.show_find, "find_next": lambda: self.find_bar.find(True),
            "find_prev": lambda: self.find_bar.find(False), "preferences": self.preferences_dialog,
            "next_layer": lambda: self.layers.cycle(1),
            "zoom_in": v.zoom_in, "zoom_out": v.zoom_out, "zoom_reset": lambda: v.set_zoom(0),
            "prev": lambda: nav.step_document(-1), "next": lambda: nav.step_document(1),
            "done": lambda: nav.mark("done"), "reviewed": lambda: nav.mark("reviewed"),
            "in_progress": lambda: nav.mark("in_progress"),
            "help": self.show_help, "about": self._about,
        }

    @property
    def transfer(self) -> Transfer:
        """Import and export (built, and its formats imported, on first use)."""
        if self._transfer is None:
            from .transfer import Transfer

            self._transfer = Transfer(self, self._session, self.statusBar(), self.messages.error,
                                      self.open_document)
        return self._transfer

    def _new_project_dialog(self) -> None:
        from .transfer import new_project_dialog

        new_project_dialog(self, self.messages.error, self.open_project)

    def _open_project_dialog(self) -> None:
        from .transfer import open_project_dialog

        open_project_dialog(self, self.open_project)

    def _about(self) -> None:
        from .about import show_about

        show_about(self)

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
        self.review.attach(s)
        s.document_opened.connect(self._on_document_opened)
        s.document_loaded.connect(self._on_document_loaded)
        s.changed.connect(self._on_changed)
        s.error.connect(self._on_session_error)
        s.saved.connect(self._on_saved)
        s.documents_changed.connect(lambda: self.layers.refresh(follow_mine=False))  # new layers may have come
        s.undo_stack.cleanChanged.connect(self._on_clean_changed)
        if self.panels is not None:
            self.panels.remove()
            self.panels = None
        elif self._docks:  # empty docks still waiting for their panels: another project is opened first
            for dock in self._docks.values():
                self.removeDockWidget(dock)
                dock.deleteLater()
        self._docks = dock_slots(self)
        self.menus.set_dock_toggles([d.toggleViewAction() for d in self._docks.values()])
        if not self._panels_after_paint:
            self._build_panels()
        self.menus.bind_undo_stack(s.undo_stack)
        self.menus.rebuild_label_actions(project.schema, self.tagger.apply_label)
        self.layers.attach(s)  # the layer remembered for this project (else mine), before its document is read
        self.recent.remember(str(Path(path).resolve()))
        ids = project.document_ids()
        last = self.recent.last_document(Path(path))
        if ids:
            self.open_document(last if last in ids else ids[0])
        else:
            self.view.set_document("", [], {})
            self.update_status()
        self._retitle()
        if self._panels_after_paint:
            _AfterFirstPaint(self.view.viewport(), self._build_panels_later)
        return True

    def _build_panels_later(self) -> None:
        self._panels_after_paint = False
        if self.panels is None and self.session is not None:
            self._build_panels()

    def _build_panels(self) -> None:
        """The panels of the open project, into its docks; they catch up with the document shown."""
        from .docks import PanelHandlers, Panels

        s, lk = self.session, self.linker
        assert s is not None
        self.panels = panels = Panels(self, s, PanelHandlers(
            self.open_document, self.tagger.apply_label, self.selection.annotation_activated, self.selection.jump,
            lambda ev, pos: lk.start_pick(ev, position=pos), lambda ev, role: lk.start_pick(ev, role=role)),
            docks=self._docks)
        panels.doc_list.refresh()
        self.safety.attach(s, panels.palette, panels.inspector)
        panels.palette.set_current(self.tagger.sticky_label)
        cur = s.current
        if cur is not None:  # shown before the panels existed: tell them as it happened, the window aside
            self._replaying = True
            try:
                s.document_opened.emit(cur.id)
                if not cur.partial:
                    s.document_loaded.emit(cur.id)
            finally:
                self._replaying = False

    def open_document(self, doc_id: str) -> None:
        if self.session is None:
            return
        try:
            self.session.open_document(doc_id)
        except StoreError as exc:
            self.messages.error("Cannot open document", str(exc))

    def _on_document_opened(self, doc_id: str) -> None:
        assert self.session is not None and self.session.current is not None
        if self._replaying:
            return
        schema = self.session.project.schema
        colors = {name: schema.color(name) for name in (*schema.entity_types, *schema.event_types)}
        self.sync.show_document(self.session.current, colors)
        self.tagger.document_changed()
        if self.panels is not None:
            self.panels.doc_list.set_current(doc_id)
            self.panels.inspector.show_annotation(None)
        self.update_status()
        self._retitle()
        self.recent.save_position(self.session)

    def _on_document_loaded(self, doc_id: str) -> None:
        assert self.session is not None and self.session.current is not None
        if self._replaying:
            return
        if self.sync.fill_loaded(self.session.current):
            self.update_status()

    def _on_changed(self, change: Change) -> None:
        cur = self.session.current if self.session else None
        if cur is None or change.doc_id != cur.id:
            return
        sel = self.sync.apply(cur, change)
        inspected = self.panels.inspector.annotation_id if self.panels is not None else None
        self.linker.highlight(inspected if sel else None)
        self.update_status()
        self._paint_now()

    def _paint_now(self) -> None:
        """Put the view's change on the screen now, before the panels (connected after the window) update.

        Sends the window the update request that Qt would post: it paints what
        is dirty so far (the view's changed part, the status bar) and flushes
        it.  The panels' updates follow in the next frame.  At most once per
        turn of the event loop, so a burst of changes is painted once.
        """
        if self._paint_pending or not self.isVisible():
            return
        self._paint_pending = True
        QTimer.singleShot(0, self, self._paint_done)
        QApplication.sendEvent(self, QEvent(QEvent.UpdateRequest))

    def _paint_done(self) -> None:
        self._paint_pending = False

    def _retitle(self) -> None:
        """"Document — layer Dana — project file — Annotator"."""
        parts = window_title(self.session).split(" — ")
        layer = self.layers.title_part()
        if layer:
            parts.insert(len(parts) - 2 if self.session and self.session.project.path else len(parts) - 1, layer)
        self.setWindowTitle(" — ".join(parts))

    def _on_layer_switched(self) -> None:
        self._retitle()
        self.update_status()

    def _on_saved(self) -> None:
        self.status.show_saved(self.session.project.path if self.session else None)

    def _on_session_error(self, message: str) -> None:
        self.messages.refuse(message)

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

    def preferences_dialog(self) -> None:
        """Edit › Preferences…: the annotator's name (OK applies it at once and saves it)."""
        from .preferences import open_preferences

        self.preferences = open_preferences(self, self.preferences, self.prefs.annotator(),
                                            self.prefs.override is not None, self.set_annotator_name)

    def set_annotator_name(self, name: str) -> None:
        """The user's name from now on (Preferences): saved in the settings and used at once."""
        name = self.prefs.set_annotator(name)
        self.use_annotator(name)
        self.statusBar().showMessage(f"Annotations you make are recorded as {name}" if name
                                     else "Annotations you make carry no annotator name", 5000)

    def use_annotator(self, name: str) -> None:
        """New annotations of the open project (and of those opened later) carry ``name``; "mine" follows it."""
        if self.session is not None:
            self.session.project.annotator = name
            self.layers.refresh()
        self.update_status()

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_bar.edit.setFocus()
        self.find_bar.edit.selectAll()

    def show_help(self) -> None:
        from .helpdialog import HelpDialog

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


class _AfterFirstPaint(QObject):
    """Runs ``then`` once, in the turn of the event loop after ``widget``'s first paint (or after 1 s)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]):
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(1000, self, self._run)  # a window that is never painted (hidden, minimised) still gets it

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Paint and self._then is not None:
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self.parent().removeEventFilter(self)
            then()
