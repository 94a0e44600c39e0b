"""After Ctrl+Z of a review decision, review mode puts that item under review again (to decide it anew)."""
from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoStack

from .commands import ReviewCommand
from .docstate import DocState
from .review_items import ReviewItem
from .review_queue import ReviewQueue


class ReviewModeLike(Protocol):
    """What this needs of :class:`annotator.qt.review_mode.ReviewMode` (which imports this module)."""

    active: bool
    queue: ReviewQueue

    @property
    def items(self) -> list[ReviewItem] | None: ...
    def cur(self) -> DocState | None: ...
    def current_item(self) -> ReviewItem | None: ...
    def go(self, index: int) -> None: ...


def follow_undo(mode: ReviewModeLike, stack: QUndoStack) -> None:
    """Watch ``stack``: when an undo takes back a decision on the open document while review mode is on,
    go to the item it was about (a push or a redo moves the index forward and is left alone)."""
    last = [stack.index()]

    def moved(index: int) -> None:
        before, last[0] = last[0], index
        if index >= before or not mode.active:
            return
        cmd = stack.command(index)
        cur = mode.cur()
        if not isinstance(cmd, ReviewCommand) or cur is None or cur.id != cmd.doc_id:
            return
        mode.current_item()  # the items are made when first needed
        items = mode.items or []
        for i in mode.queue.indexes_of(cmd.ann_id):
            if items[i].position == cmd.position:
                mode.go(i)
                return

    stack.indexChanged.connect(moved)
