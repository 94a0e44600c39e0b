"""The panels around the text, built per project and docked into the window."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtWidgets import QDockWidget, QMainWindow

from .annlist import AnnotationList
from .doclist import DocumentList
from .dock_layout import DockLayout
from .dockslots import LAYOUT, dock_slots
from .inspector import Inspector
from .palette import LabelPalette
from .session import Session
from .validation import ValidationPanel


@dataclass(frozen=True)
class PanelHandlers:
    """What the panels' requests run: the window's controllers, not other panels."""

    open_document: Callable[[str], None]
    apply_label: Callable[[str], None]
    annotation_activated: Callable[[str], None]
    jump: Callable[[str], None]
    pick_filler: Callable[[str, int], None]      # (event id, argument position)
    add_argument: Callable[[str, str], None]     # (event id, role)


class Panels:
    """Documents, Labels, Annotations, Inspector and Problems, each in a dock of ``window``.

    Each panel listens to the session on its own; the only panel-to-panel line
    (problem counts into the document list) is wired here.
    """

    LAYOUT = LAYOUT

    def __init__(self, window: QMainWindow, session: Session, on: PanelHandlers, *,
                 docks: dict[str, QDockWidget] | None = None):
        """``docks``: the empty docks (:func:`dock_slots`) to fill; new ones when not given."""
        self.window = window
        self.doc_list = DocumentList(session)
        self.doc_list.document_activated.connect(on.open_document)
        self.palette = LabelPalette(session.project.schema)
        self.palette.label_chosen.connect(on.apply_label)
        self.ann_list = AnnotationList(session)
        self.ann_list.annotation_activated.connect(on.annotation_activated)
        self.inspector = Inspector(session)
        self.inspector.jump_requested.connect(on.jump)
        self.inspector.pick_filler_requested.connect(on.pick_filler)
        self.inspector.add_argument_requested.connect(on.add_argument)
        self.problems = ValidationPanel(session)
        self.problems.problem_activated.connect(on.jump)
        self.problems.problems_changed.connect(self.doc_list.set_problem_counts)
        self.docks: dict[str, QDockWidget] = docks if docks is not None else dock_slots(window)
        widgets = (self.doc_list, self.palette, self.ann_list, self.inspector, self.problems)
        for (key, _title, _area), widget in zip(self.LAYOUT, widgets):
            placeholder = self.docks[key].widget()
            self.docks[key].setWidget(widget)
            if placeholder is not None:
                placeholder.deleteLater()
        # the Problems dock: one line while there are none, opened (and counted in its title) when some arrive
        layout = DockLayout.of(window)
        self.problems.problems_changed.connect(lambda *_a: layout.problems_changed(len(self.problems.problems())))
        layout.problems_changed(len(self.problems.problems()))

    def remove(self) -> None:
        """Take the docks out of the window (another project is being opened)."""
        for dock in self.docks.values():
            self.window.removeDockWidget(dock)
            dock.deleteLater()
        self.docks = {}
