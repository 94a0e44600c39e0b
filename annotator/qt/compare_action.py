"""The menu item that opens the comparison view on the window's open document (the view is imported on first use)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ..storeerrors import StoreError

if TYPE_CHECKING:
    from .compare_view import CompareView


def add_compare_action(window: QWidget, menu: QMenu, session_of: Callable[[], Any]) -> QAction:
    """A "Compare and Adjudicate…" item at the end of ``menu``: the open document of ``session_of()`` compared.

    The view gets its own connection to the project file, so the window sees
    each take as a write from elsewhere: after one, ``Session.sync_external``
    brings the shown layer up to date (the gold layer, or all overlaid).  One
    view at a time: asking again opens it on the document open now.
    """
    action = QAction("&Compare and Adjudicate…", window)
    action.setObjectName("action_compare")
    action.setStatusTip("Two annotators' layers (or one and gold) side by side; take versions into gold")
    state: dict[str, CompareView] = {}

    def run() -> None:
        session = session_of()
        cur = getattr(session, "current", None)
        if session is None or cur is None:
            return
        from .compare_view import CompareView

        old = state.pop("view", None)
        if old is not None:
            old.close()
        main = session.project
        try:
            project = type(main).open(main.path, create=False, read_only=main.read_only)
        except StoreError as exc:
            QMessageBox.warning(window, "Cannot compare", str(exc))
            return
        project.annotator = main.annotator
        try:
            view = CompareView(project, cur.id)
        except StoreError as exc:  # e.g. the document was deleted by another process meanwhile
            project.close()
            QMessageBox.warning(window, "Cannot compare", str(exc))
            return
        view.setParent(window, Qt.WindowType.Window)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        view.destroyed.connect(lambda *_: project.close())
        view.gold_changed.connect(lambda _doc: session_of() is session and session.sync_external())
        state["view"] = view
        view.show()
        view.activateWindow()

    action.triggered.connect(run)
    menu.aboutToShow.connect(lambda: action.setEnabled(getattr(session_of(), "current", None) is not None))
    menu.addAction(action)
    return action
