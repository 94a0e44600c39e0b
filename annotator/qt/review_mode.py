"""Review mode: step through the working layer's annotations with the keyboard and decide on each one.

Turned on and off with Review › Review Mode (Ctrl+Shift+R, or the toolbar's
Review button); Esc leaves it.  Its keys (:mod:`annotator.qt.review_keys`)
are single letters and plain keys, which are label hotkeys while tagging:
while review mode is on, an application event filter takes them, and only
while the text view has the keyboard (never in a text field or a menu), by
accepting their ``ShortcutOverride`` so that no window shortcut fires.  A
label hotkey that is not a review key corrects the item's type.

Each decision is one :class:`~annotator.qt.commands.ReviewCommand`: written at
once together with the document's status (``reviewed`` when everything in
the working layer is decided, see :mod:`annotator.qt.review_items`), and
undoable.  The decisions are drawn in the view (marks on label tags and arc
labels, :func:`annotator.qt.view_paint.paint_review_mark`) whether review mode
is on or not.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Callable, Protocol

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QStatusBar, QWidget

from ..model import ENTITY
from ..store import StoreError
from .commands import ReviewCommand
from .review_actions import ReviewActions, WindowMenus, key_text
from .review_bar import ReviewBar
from .review_correct import ReviewCorrections
from .review_items import ARGUMENT_ITEM, EVENT_ITEM, ReviewItem, describe, find, state_of, target_of
from .review_keys import BOUNDARY_KEYS, KEYMAP
from .review_marks import ReviewMarks, decided_ids
from .review_name import ask_for_name, refuse_start
from .review_queue import ReviewQueue
from .review_undo import follow_undo
from .review_write import write_review
from .undo import is_write_failure

if TYPE_CHECKING:
    from .docstate import Change, DocState
    from .findbar import FindBar
    from .linking import Linker
    from .loader import LoadSlice
    from .selection import SelectionSync
    from .session import Session
    from .textview import AnnotationView

_VERB = {"accepted": "Accept", "rejected": "Reject", "": "Clear decision on"}
#: An edit of these, made anywhere while review mode is on, is the reviewer's correction (``_stamp``).
_CORRECTED_FIELDS = {"label", "type", "start", "end", "attributes", "role", "ref"}


class ReviewWindow(Protocol):
    """What review mode needs of the main window (:class:`annotator.qt.mainwindow.MainWindow`)."""

    view: AnnotationView
    find_bar: FindBar
    linker: Linker
    selection: SelectionSync
    menus: WindowMenus
    session: Session | None

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt API)
    def centralWidget(self) -> QWidget: ...  # noqa: N802


class ReviewMode(QObject):
    """The review controller of one window: its actions and menu, the bar, the key filter, the marks.

    ``items`` are the open document's review items in reading order (built
    when first needed); ``index`` is the one under review (None: none yet).
    """

    def __init__(self, window: ReviewWindow):
        assert isinstance(window, QMainWindow)
        super().__init__(window)
        self.window = window
        self.view = window.view
        self.active = False
        self.session: Session | None = None
        self.queue = ReviewQueue()
        self._reopened: set[str] = set()  # documents this took back from reviewed to done (see _keep_status)
        self.marks = ReviewMarks(self.view)
        self.corrections = ReviewCorrections(self, window)
        handlers: dict[str, Callable[[], object]] = {
            "next": lambda: self.step(1), "prev": lambda: self.step(-1),
            "next_any": lambda: self.step(1, undecided_only=False),
            "prev_any": lambda: self.step(-1, undecided_only=False),
            "accept": lambda: self.decide("accepted"), "reject": lambda: self.decide("rejected"),
            "correct": self.corrections.open_menu, "comment": self.open_comment, "clear": lambda: self.decide(""),
            "leave": lambda: self.set_active(False),
        }
        self.ui = ReviewActions(window, window.menus, handlers, self.set_active)
        self.toggle = self.ui.toggle
        self.actions = self.ui.actions
        # the bar's buttons: the three a mouse user needs most (every command is in the Review menu, with its keys)
        self.bar = ReviewBar([self.actions[n] for n in ("accept", "reject", "next")], window)
        self.bar.hide()
        self.bar.comment_saved.connect(self._comment_saved)
        self.bar.comment_closed.connect(lambda: self.view.setFocus())
        lay = window.centralWidget().layout()
        lay.insertWidget(1, self.bar)  # under the find bar, above the text

    @property
    def last_menu(self) -> QMenu | None:
        """The correction menu shown last (C)."""
        return self.corrections.last_menu

    # ------------------------------------------------------------------ the project

    def attach(self, session: Session | None) -> None:
        """Follow a newly opened project's session (None: no project)."""
        self.session = session
        self._forget()
        self._reopened.clear()
        if session is None:
            self.set_active(False)
            return
        session.document_opened.connect(self._on_opened)
        session.document_loaded.connect(self._on_loaded)
        session.document_progress.connect(self._on_progress)
        session.changed.connect(self._on_changed)
        follow_undo(self, session.undo_stack)
        if session.current is not None:  # attached after a document was shown
            self._on_opened(session.current.id)

    def _forget(self) -> None:
        self.queue.reset()
        self.corrections.forget()
        self.marks.clear()

    def cur(self) -> DocState | None:
        s = self.session
        return s.current if s is not None and s is self.window.session else None

    # ------------------------------------------------------------------ on and off

    def set_active(self, on: bool) -> None:
        """Turn review mode on or off (the toggle action follows)."""
        if on and not self.active and refuse_start(self.window, self.cur() is not None, self.me,
                                                   lambda: self.set_active(True) if self.me() else None):
            self.ui.set_checked(False)  # no document (said), or no name to record (asked for first)
            return
        on = bool(on) and self.cur() is not None
        self.ui.set_checked(on)
        if on == self.active:
            return
        self.active = on
        self.ui.set_enabled(on)
        if self.session is not None:
            self.session.review_stamp = self._stamp if on else None
        app = QApplication.instance()
        if on:
            app.installEventFilter(self)
            self.bar.show()
            self._start()
            self.say("Review mode: Space next undecided, A accept, R reject, C correct, M comment, Esc leaves")
        else:
            app.removeEventFilter(self)
            self.bar.close_comment()
            self.bar.hide()
            self.say("Review mode off: letters are label hotkeys again")

    def _start(self) -> None:
        """Begin at the selected annotation, else at the first undecided item."""
        items = self._ensure_items()
        cur = self.cur()
        if cur is None or items is None:
            return
        selected = self.view.selected_span()
        if selected:
            ann = cur.event_of_trigger(selected) or selected
            for i in self.queue.indexes_of(ann):
                self.go(i)
                return
        i = find(cur, items, None, 1)
        if i is not None:
            self.go(i)
        else:
            self._show()

    # ------------------------------------------------------------------ keys

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """While active: the review keys pressed in the text view (see the module docstring)."""
        t = event.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not self.active:
            return False
        if obj is not self.view and obj is not self.view.viewport():
            return False
        assert isinstance(event, QKeyEvent)
        handler = self._handler(key_text(event))
        if handler is None:
            return False
        event.accept()
        if t == QEvent.Type.KeyPress:
            handler()
        return True

    def _handler(self, key: str) -> Callable[[], object] | None:
        if not key:
            return None
        name = KEYMAP.get(key)
        if name == "leave" and (self.window.linker.pick is not None or self.window.find_bar.isVisible()):
            return None  # Esc cancels the pick or closes the find bar first
        if name is not None:
            return self.actions[name].trigger
        if key in BOUNDARY_KEYS:
            which, step = BOUNDARY_KEYS[key]
            return lambda: self.corrections.boundary(which, step)
        s = self.session
        label = s.project.schema.hotkeys().get(key) if s is not None else None
        if label is not None:
            return lambda: self.corrections.label(label)
        return None

    # ------------------------------------------------------------------ items

    def _ensure_items(self) -> list[ReviewItem] | None:
        """The open document's items, loading the rest of it first if it is still loading."""
        cur = self.cur()
        if cur is not None and cur.partial:
            assert self.session is not None
            self.session.ensure_loaded()
            cur = self.cur()
        return None if cur is None else self.queue.build(cur)

    @property
    def items(self) -> list[ReviewItem] | None:
        """The open document's items in reading order (None until first needed)."""
        return self.queue.items

    @property
    def index(self) -> int | None:
        """The index of the item under review in :attr:`items`."""
        return self.queue.index

    def current_item(self) -> ReviewItem | None:
        """The item under review (None before the first step)."""
        self._ensure_items()
        return self.queue.current()

    def progress(self) -> tuple[int, int]:
        """(decided, all) items of the open document ((0, 0) while it is still loading and not asked for)."""
        cur = self.cur()
        if self.queue.items is None and (cur is None or cur.partial):
            return 0, 0
        items = self._ensure_items() or []
        return self.queue.decided, len(items)

    def step(self, direction: int, undecided_only: bool = True) -> bool:
        """Go to the next (1) or previous (-1) undecided item (any item when not ``undecided_only``)."""
        items = self._ensure_items()
        cur = self.cur()
        if cur is None or items is None:
            return False
        if not items:
            self.say("Nothing to review in this document: no entities, events or relations in this layer")
            return False
        i = find(cur, items, self.index, direction, undecided_only)
        if i is None:
            self.say(f"Everything in this document is decided ({len(items)} items); "
                      "Next Document (Ctrl+PgDown) goes on")
            return False
        if self.index is not None and (i - self.index) * direction < 0:
            self.say("Back at the " + ("start" if direction > 0 else "end") + " of the document")
        self.go(i)
        return True

    def go(self, index: int) -> None:
        """Put item ``index`` under review: scroll to it, select it, inspect it."""
        items = self._ensure_items()
        if items is None or not 0 <= index < len(items):
            return
        item = self.queue.set_index(index)
        self.window.selection.jump(item.ann_id)
        self._show()

    def _show(self) -> None:
        cur = self.cur()
        item = self.current_item() if cur is not None else None
        if cur is not None and cur.partial and self.items is None:
            self.bar.show_item("Loading the document… (Space: review it)", None, None)
            return
        if cur is None or item is None:
            progress = self.progress()
            empty = cur is not None and self.items is not None and not self.items
            self.bar.show_item("Nothing to review: this layer has no annotations in this document" if empty
                               else "Space: the first undecided annotation", None, progress)
            return
        self.bar.show_item(describe(cur, item), state_of(cur, item), self.progress())

    # ------------------------------------------------------------------ decisions

    def item_or_say(self) -> ReviewItem | None:
        item = self.current_item()
        cur = self.cur()
        if item is None or cur is None or target_of(cur, item) is None:
            self.say("No annotation under review: press Space for the next undecided one")
            return None
        return item

    def me(self) -> str:
        assert self.session is not None
        return self.session.project.annotator

    def decide(self, review: str) -> bool:
        """Accept (``accepted``), reject (``rejected``) or clear ("") the decision on the item under review;
        after an accept or reject, go on to the next undecided item."""
        item = self.item_or_say()
        cur = self.cur()
        if item is None or cur is None:
            return False
        state = state_of(cur, item)
        assert state is not None
        if not review and not state[0]:
            self.say(f"{item.key} is not decided: nothing to clear")
            return False
        if review and state[:2] == (review, self.me()):  # decided so already: no write, no empty undo step
            self._after_decision()
            self.say(f"{item.key} was {review} already")
            return True
        fields = {"review": review, "reviewer": self.me() if review else "", "review_note": state[2]}
        if not self.write(item, fields, f"{_VERB[review]} {item.key}"):
            return False
        if review:
            self._after_decision()
        return True

    def _after_decision(self) -> None:
        cur = self.cur()
        items = self._ensure_items()
        if cur is None or items is None:
            return
        i = find(cur, items, self.index, 1)
        if i is None:
            status = cur.document.status
            self.say(f"Everything in this document is decided ({len(items)} items)"
                      + ("; it is now reviewed" if status == "reviewed" else ""))
            self._show()
            return
        self.go(i)

    def open_comment(self) -> None:
        """M: write a comment on the item under review, in the review bar (Enter saves, Esc cancels)."""
        item = self.item_or_say()
        cur = self.cur()
        if item is None or cur is None:
            return
        state = state_of(cur, item)
        self.bar.open_comment(state[2] if state else "")

    def _comment_saved(self, text: str) -> None:
        item = self.item_or_say()
        cur = self.cur()
        if item is None or cur is None:
            return
        review, _reviewer, note = state_of(cur, item) or ("", "", "")
        if text == note:
            return
        self.write(item, {"review": review, "reviewer": self.me(), "review_note": text},
                    f"Comment on {item.key}")

    def write(self, item: ReviewItem, fields: dict[str, Any], text: str) -> bool:
        """Write one decision now (a refusal: a message, nothing written) and put it on the undo stack."""
        s = self.session
        cur = self.cur()
        if s is None or cur is None:
            return False
        if s.refuse_if_read_only(text):
            return False
        if not self.me():  # the name was cleared in Preferences meanwhile
            self.set_active(False)
            ask_for_name(self.window, lambda: self.set_active(True) if self.me() else None)
            return False
        try:
            done = write_review(s.project, cur.id, item.store_kind, item.ann_id, fields, position=item.position)
        except (StoreError, sqlite3.Error) as exc:
            if is_write_failure(exc):
                s.report_write_failure(text, exc)
            else:
                s.error.emit(f"{text}: {exc}")
            return False
        touched = {item.ann_id}
        if item.kind in (EVENT_ITEM, ARGUMENT_ITEM) and item.ann_id in cur.events:
            touched.add(cur.events[item.ann_id].trigger)
        s.undo_stack.push(ReviewCommand(s, cur.id, item.store_kind, item.ann_id, item.position, dict(fields),
                                        done.before, (done.status_before, done.status_after), text, touched))
        return True

    # ------------------------------------------------------------------ following the session

    def _on_opened(self, _doc_id: str) -> None:
        self._forget()
        cur = self.cur()
        if cur is not None:  # (marks were cleared: only what carries a decision is looked at)
            self.marks.update(cur, decided_ids(cur, cur.spans, cur.events, cur.relations))
        if self.active:
            self.bar.close_comment()
            if cur is not None and not cur.partial:
                self._start()
            else:
                self._show()

    def _on_loaded(self, _doc_id: str) -> None:
        cur = self.cur()
        if cur is None:
            return
        self.marks.update(cur, decided_ids(cur, (), cur.events, cur.relations))
        if self.active and self.index is None:
            self._start()

    def _on_progress(self, sl: LoadSlice) -> None:
        cur = self.cur()
        if cur is not None and sl.doc_id == cur.id:
            self.marks.update(cur, decided_ids(cur, [s.id for s in sl.spans], sl.events, sl.relations))

    def _on_changed(self, change: Change) -> None:
        cur = self.cur()
        if cur is None or change.doc_id != cur.id:
            return
        self._keep_status(cur)
        self.marks.update(cur, change.ids)
        self.queue.follow(cur, change.ids)
        if self.active:
            self._show()

    def _stamp(self, kind: str, ann_id: str, fields: set[str]) -> dict[str, str]:
        """While review mode is on, an edit of an annotation's type, boundaries, attributes or an argument's
        role from anywhere (the inspector, the context menu) is the reviewer's correction (``Session.review_stamp``).
        A trigger's boundaries are its event's: not stamped on the span (Shift+arrows in review mode are)."""
        cur = self.cur()
        if "review" in fields or not self.me() or not fields & _CORRECTED_FIELDS:
            return {}
        if kind == "span" and cur is not None and (s := cur.spans.get(ann_id)) is not None and s.kind != ENTITY:
            return {}
        return {"review": "corrected", "reviewer": self.me()}

    def _keep_status(self, cur: DocState) -> None:
        """A reviewed document that gains an undecided item (a new annotation, an undo) is done again, and
        reviewed again when that is undone; in review mode a correction made elsewhere (the inspector) can be
        the last decision: its status follows what is decided (a write of the status only, not an undo
        step: undo and redo of the edit settle it again).  Only in review mode, reviewed documents and those
        this made done are looked at: an edit elsewhere costs nothing here."""
        s = self.session
        doc_id = cur.id
        if s is None or s.read_only or s.all_layers or not (
                self.active or cur.document.status == "reviewed" or doc_id in self._reopened):
            return
        try:
            status = s.project.document_status(doc_id)
            settled = s.project.documents.settled_status(doc_id, status)
            if settled != status:
                s.project.set_status(doc_id, settled)
        except (StoreError, sqlite3.Error):
            return  # the edit itself was saved; the status is settled again at the next change or decision
        if settled == "done" and status == "reviewed":
            self._reopened.add(doc_id)
            self.say(f"{cur.document.name} is no longer reviewed: it has an annotation nobody decided on")
        elif settled == "reviewed":
            self._reopened.discard(doc_id)
        cur.document.status = settled

    def say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)

