"""The input handler of the annotation view: mouse and keyboard gestures turned into selections and signals.

:class:`ViewInput` is owned by :class:`~annotator.qt.textview.AnnotationView`
(``view.input``); the view's Qt event overrides delegate to it.  It talks to the
view only through :class:`InputHost` and asks the arc layer what arc is under
the pointer through the ``arc_hit`` callable it is given.

Pointer gestures:

* drag over text: a text selection, snapped to tokens (Alt: exact characters),
  emitted as ``selection_made``;
* click on a span's text or label tag: ``span_clicked``;
* drag that starts on a span's label tag: a *link drag*, a rubber-band arc follows
  the pointer and releasing on another span emits ``link_drag_finished`` (no text
  selection is made);
* click on an arc or its role label: ``link_clicked``; on a stub arrow:
  ``stub_clicked`` and the view scrolls to the off-screen end.
"""
from __future__ import annotations

import html
from typing import Any, Callable, Protocol

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QHelpEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QToolTip, QWidget

from annotator.model import Span
from annotator.qt.para_stack import ParaStack
from annotator.qt.view_hits import HitMap
from annotator.text import OffsetMap, snap_to_tokens, strip_range, tokens


class InputHost(Protocol):
    """What the input handler needs from the view that owns it, besides its stack and hit map (view positions)."""

    selection_made: Any  # the view's signals, emitted here
    span_clicked: Any
    context_menu_requested: Any
    link_drag_finished: Any
    link_clicked: Any
    stub_clicked: Any

    def document_text(self) -> str: ...
    def offset_map(self) -> OffsetMap: ...
    def spans(self) -> dict[str, Span]: ...
    def scroll_by(self, dy: float) -> None: ...  # and repaint
    def ensure_visible(self, vpos: int) -> None: ...
    def scroll_to_span(self, span_id: str) -> None: ...
    def select_span(self, span_id: str | None, scroll: bool = True) -> None: ...
    def selected_span(self) -> str | None: ...
    def selected_text(self) -> str: ...
    def viewport(self) -> QWidget: ...
    def repaint_selection(self, old: tuple[int, int], new: tuple[int, int]) -> None: ...
    def setFocus(self, reason: Qt.FocusReason) -> None: ...  # noqa: N802 (Qt API)


def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)


class ViewInput:
    """Pointer and key handling of the annotation view."""

    def __init__(self, host: InputHost, stack: ParaStack, hits: HitMap,
                 arc_hit: Callable[[QPointF], tuple[str, str] | None]) -> None:
        self._host = host
        self._stack = stack
        self._hits = hits
        self._arc_hit = arc_hit
        self._press_pos: QPointF | None = None
        self._dragging = False
        self._ignore_release = False
        self._press_hit: tuple[str, str] | None = None
        self.rubber: tuple[str, QPointF] | None = None  # link drag in progress: source span, pointer
        self._anchor = 0  # the text selection, view positions; equal when nothing is selected
        self._cursor = 0

    # ------------------------------------------------------------------ the text selection
    def caret(self) -> tuple[int, int]:
        """The text selection as view positions (anchor, cursor); equal when nothing is selected."""
        return self._anchor, self._cursor

    def set_caret(self, anchor: int, cursor: int) -> None:
        """Set the text selection (view positions) and repaint what it covered and covers."""
        old = (self._anchor, self._cursor)
        self._anchor, self._cursor = anchor, cursor
        self._host.repaint_selection(old, (anchor, cursor))

    # ------------------------------------------------------------------ snapping
    def snap(self, cs: int, ce: int, exact: bool) -> tuple[int, int]:
        """Whole tokens (or exact characters) of code points ``[cs, ce)``, whitespace stripped."""
        if cs > ce:
            cs, ce = ce, cs
        text = self._host.document_text()
        if exact:
            return strip_range(text, cs, ce)
        a = text.rfind("\n", 0, cs) + 1
        b = text.find("\n", ce)
        b = len(text) if b < 0 else b
        s, e = snap_to_tokens(text[a:b], cs - a, ce - a)
        return s + a, e + a

    def word_at(self, cp: int) -> tuple[int, int]:
        """The token holding code point ``cp``, or ``(cp, cp)``."""
        text = self._host.document_text()
        a = text.rfind("\n", 0, cp) + 1
        b = text.find("\n", cp)
        b = len(text) if b < 0 else b
        for s, e in tokens(text[a:b]):
            if s + a <= cp < e + a:
                return s + a, e + a
        return cp, cp

    # ------------------------------------------------------------------ mouse
    def press(self, e: QMouseEvent) -> bool:
        """Start a selection (Shift extends it), a link drag (on a tag), or an arc click."""
        if e.button() != Qt.MouseButton.LeftButton:
            return False
        host = self._host
        host.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press_pos = e.position()
        self._dragging = False
        self._press_hit = None
        hit = self._arc_hit(e.position())
        if hit is not None:
            self._press_hit = hit
            return True
        shift = bool(e.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        tag = self._hits.tag_at(e.position())
        if tag and not shift:
            self._press_hit = ("tag", tag)
            return True
        pos = self._hits.vpos_at(e.position())
        self.set_caret(self.caret()[0] if shift else pos, pos)
        return True

    def move(self, e: QMouseEvent) -> None:
        """Extend the selection, or move the rubber-band arc of a link drag."""
        if self._press_pos is None or not (e.buttons() & Qt.MouseButton.LeftButton):
            return
        if not self._dragging and (e.position() - self._press_pos).manhattanLength() < 3:
            return
        self._dragging = True
        host = self._host
        hit = self._press_hit
        if hit is not None:
            if hit[0] == "tag":
                self.rubber = (hit[1], e.position())
                host.viewport().update()
            return
        y = e.position().y()
        vh = host.viewport().height()
        if y < 0:
            host.scroll_by(y)
        elif y > vh:
            host.scroll_by(y - vh)
        self.set_caret(self.caret()[0], self._hits.vpos_at(e.position()))

    def release(self, e: QMouseEvent) -> bool:
        """Finish a drag (``selection_made`` / ``link_drag_finished``) or a click."""
        if e.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return False
        host = self._host
        self._press_pos = None
        hit, self._press_hit = self._press_hit, None
        dragged, self._dragging = self._dragging, False
        if self._ignore_release:
            self._ignore_release = False
            return True
        if hit is not None and hit[0] == "tag" and dragged:
            self.rubber = None
            host.viewport().update()
            target = self._hits.span_at(e.position())
            if target and target != hit[1]:
                host.link_drag_finished.emit(hit[1], target, e.globalPosition().toPoint())
            return True
        if hit is not None and hit[0] == "link":
            host.link_clicked.emit(hit[1])
            return True
        if hit is not None and hit[0] == "stub":
            host.scroll_to_span(hit[1])
            host.stub_clicked.emit(hit[1])
            return True
        anchor, cursor = self.caret()
        if dragged and anchor != cursor:
            self._finish_selection(bool(e.modifiers() & Qt.KeyboardModifier.AltModifier))
            return True
        sid = self._hits.span_at(e.position())
        self.set_caret(cursor, cursor)
        host.select_span(sid or None, scroll=False)
        host.span_clicked.emit(sid)
        return True

    def _finish_selection(self, exact: bool) -> None:
        host = self._host
        omap = host.offset_map()
        a, b = sorted(self.caret())
        s, t = self.snap(omap.to_codepoint(a), omap.to_codepoint(b), exact)
        self.set_caret(omap.to_view(s), omap.to_view(t))
        if s < t:
            host.selection_made.emit(s, t)

    def double_click(self, e: QMouseEvent) -> None:
        """Select the word under the pointer and emit ``selection_made``."""
        if e.button() != Qt.MouseButton.LeftButton:
            return
        host = self._host
        omap = host.offset_map()
        cp = omap.to_codepoint(self._hits.vpos_at(e.position()))
        s, t = self.word_at(cp)
        if s == t and cp > 0:
            s, t = self.word_at(cp - 1)
        self._ignore_release = True
        self._press_pos = e.position()
        if s < t:
            self.set_caret(omap.to_view(s), omap.to_view(t))
            host.selection_made.emit(s, t)

    def context_menu(self, e: QContextMenuEvent) -> None:
        """Ask the window for a menu, with the span under the pointer."""
        self._host.context_menu_requested.emit(e.globalPos(), self._hits.span_at(QPointF(e.pos())))

    def tooltip_event(self, e: QHelpEvent) -> bool:
        """Show the tooltip of the span under the pointer (a ToolTip event of the viewport)."""
        sid = self._hits.span_at(QPointF(e.pos()))
        if sid:
            QToolTip.showText(e.globalPos(), self.tooltip(sid), self._host.viewport())
        else:
            QToolTip.hideText()
            e.ignore()
        return True

    def tooltip(self, sid: str) -> str:
        """Rich-text tooltip for span ``sid``: label, text, attributes and note."""
        sp = self._host.spans()[sid]
        text = self._host.document_text()
        shown = " … ".join(text[a:b] for a, b in sp.pieces())
        if len(shown) > 200:
            shown = shown[:200] + "…"
        rows = [f"<b>{html.escape(sp.label)}</b> <small>{html.escape(sid)}</small>", html.escape(shown)]
        for k, v in sp.attributes.items():
            rows.append(f"{html.escape(str(k))}: {html.escape(str(v))}")
        if sp.note:
            rows.append(f"<i>{html.escape(sp.note)}</i>")
        return "<br>".join(rows)

    # ------------------------------------------------------------------ keyboard
    def key(self, e: QKeyEvent) -> None:
        """Move/extend the text selection; every other key is ignored (goes on to the parent)."""
        host = self._host
        if e.key() == Qt.Key.Key_Escape and self.rubber is not None:
            self.rubber = None
            self._press_hit = None
            host.viewport().update()
            return
        if e.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(host.selected_text())
            return
        if e.matches(QKeySequence.StandardKey.SelectAll):
            self.set_caret(0, self._stack.para_bounds(len(self._stack.paras) - 1)[1])
            return
        key = e.key()
        mods = e.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        other = mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        K = Qt.Key
        if key in (K.Key_PageUp, K.Key_PageDown) and not other:
            vh = host.viewport().height() * 0.9
            host.scroll_by(vh if key == K.Key_PageDown else -vh)
            return
        moves = (K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_Home, K.Key_End)
        if key not in moves or other:
            e.ignore()
            return
        if shift and host.selected_span() and key in (K.Key_Left, K.Key_Right):
            e.ignore()  # the window edits the selected span's boundary
            return
        anchor, cursor = self.caret()
        new = self.moved(cursor, key)
        self.set_caret(anchor if shift else new, new)
        host.ensure_visible(new)

    def moved(self, v: int, key: int) -> int:
        """Where the caret at view position ``v`` goes on arrow, Home or End ``key``."""
        K = Qt.Key
        stack = self._stack
        p = stack.para_of(v)
        pl = stack.layout(p)
        base, end = stack.para_bounds(p)
        local = v - base
        plen = end - base
        last = len(stack.paras) - 1
        if key == K.Key_Left:
            if local == 0:
                return max(v - 1, 0)
            return base + pl.layout.previousCursorPosition(local)
        if key == K.Key_Right:
            if local >= plen:
                return min(v + 1, stack.para_bounds(last)[1])
            return base + pl.layout.nextCursorPosition(local)
        li = pl.line_index_for_pos(local)
        ln = pl.layout.lineAt(li)
        if key == K.Key_Home:
            return base + ln.textStart()
        if key == K.Key_End:
            end_l = ln.textStart() + ln.textLength()
            return base + (end_l if li == pl.layout.lineCount() - 1 else max(end_l - 1, ln.textStart()))
        x = _x(ln, local)
        if key == K.Key_Up:
            if li > 0:
                return base + pl.layout.lineAt(li - 1).xToCursor(x)
            if p == 0:
                return 0
            q = stack.layout(p - 1)
            return stack.para_bounds(p - 1)[0] + q.layout.lineAt(q.layout.lineCount() - 1).xToCursor(x)
        if li < pl.layout.lineCount() - 1:
            return base + pl.layout.lineAt(li + 1).xToCursor(x)
        if p == last:
            return base + plen
        q = stack.layout(p + 1)
        return stack.para_bounds(p + 1)[0] + q.layout.lineAt(0).xToCursor(x)
