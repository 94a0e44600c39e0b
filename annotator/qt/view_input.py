"""Mouse and keyboard handling of the annotation view, as a mixin.

:class:`ViewInputMixin` is mixed into :class:`~annotator.qt.textview.AnnotationView`
before ``QAbstractScrollArea``; it reads and writes the view's state (selection
in view positions, the selected span, the link drag) and calls its geometry
helpers (``_vpos_at``, ``_span_at``, ``_layout`` ...).  Kept apart so each module
stays small.

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

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QToolTip

from annotator.text import snap_to_tokens, strip_range, tokens

def _utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


def _x(line, pos: int) -> float:  # noqa: ANN001
    r = line.cursorToX(pos)
    return float(r[0] if isinstance(r, tuple) else r)


class ViewInputMixin:
    """Pointer and key handling for :class:`AnnotationView`."""

    # ------------------------------------------------------------------ snapping
    def _snap(self, cs: int, ce: int, exact: bool) -> tuple[int, int]:
        """Whole tokens (or exact characters) of ``[cs, ce)``, whitespace stripped."""
        if cs > ce:
            cs, ce = ce, cs
        text = self._text
        if exact:
            return strip_range(text, cs, ce)
        a = text.rfind("\n", 0, cs) + 1
        b = text.find("\n", ce)
        b = len(text) if b < 0 else b
        s, e = snap_to_tokens(text[a:b], cs - a, ce - a)
        return s + a, e + a

    def _word_at(self, cp: int) -> tuple[int, int]:
        text = self._text
        a = text.rfind("\n", 0, cp) + 1
        b = text.find("\n", cp)
        b = len(text) if b < 0 else b
        for s, e in tokens(text[a:b]):
            if s + a <= cp < e + a:
                return s + a, e + a
        return cp, cp

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """Start a selection (Shift extends it), a link drag (on a tag), or an arc click."""
        if e.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(e)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press_pos = e.position()
        self._dragging = False
        self._press_hit = None
        hit = self._arc_hit(e.position())
        if hit is not None:
            self._press_hit = hit
            return
        tag = self._tag_at(e.position())
        if tag and not (e.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self._press_hit = ("tag", tag)
            return
        pos = self._vpos_at(e.position())
        if e.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._sel_cursor = pos
        else:
            self._sel_anchor = self._sel_cursor = pos
        self.viewport().update()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """Extend the selection, or move the rubber-band arc of a link drag."""
        if self._press_pos is None or not (e.buttons() & Qt.MouseButton.LeftButton):
            return
        if not self._dragging and (e.position() - self._press_pos).manhattanLength() < 3:
            return
        self._dragging = True
        hit = self._press_hit
        if hit is not None:
            if hit[0] == "tag":
                self._rubber = (hit[1], e.position())
                self.viewport().update()
            return
        y = e.position().y()
        if y < 0:
            self._scroll_by(y)
        elif y > self.viewport().height():
            self._scroll_by(y - self.viewport().height())
        self._sel_cursor = self._vpos_at(e.position())
        self._sync_scrollbar()
        self.viewport().update()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """Finish a drag (``selection_made`` / ``link_drag_finished``) or a click."""
        if e.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            super().mouseReleaseEvent(e)
            return
        self._press_pos = None
        hit, self._press_hit = self._press_hit, None
        dragged, self._dragging = self._dragging, False
        if self._ignore_release:
            self._ignore_release = False
            return
        if hit is not None and hit[0] == "tag" and dragged:
            self._rubber = None
            self.viewport().update()
            target = self._span_at(e.position())
            if target and target != hit[1]:
                self.link_drag_finished.emit(hit[1], target, e.globalPosition().toPoint())
            return
        if hit is not None and hit[0] == "link":
            self.link_clicked.emit(hit[1])
            return
        if hit is not None and hit[0] == "stub":
            self.scroll_to_span(hit[1])
            self.stub_clicked.emit(hit[1])
            return
        if dragged and self._sel_anchor != self._sel_cursor:
            self._finish_selection(bool(e.modifiers() & Qt.KeyboardModifier.AltModifier))
            return
        sid = self._span_at(e.position())
        self._sel_anchor = self._sel_cursor
        self.select_span(sid or None, scroll=False)
        self.viewport().update()
        self.span_clicked.emit(sid)

    def _finish_selection(self, exact: bool) -> None:
        to_cp = self._omap.to_codepoint
        a, b = sorted((self._sel_anchor, self._sel_cursor))
        s, t = self._snap(to_cp(a), to_cp(b), exact)
        to_view = self._omap.to_view
        self._sel_anchor, self._sel_cursor = to_view(s), to_view(t)
        self.viewport().update()
        if s < t:
            self.selection_made.emit(s, t)

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """Select the word under the pointer and emit ``selection_made``."""
        if e.button() != Qt.MouseButton.LeftButton:
            return
        cp = self._omap.to_codepoint(self._vpos_at(e.position()))
        s, t = self._word_at(cp)
        if s == t and cp > 0:
            s, t = self._word_at(cp - 1)
        self._ignore_release = True
        self._press_pos = e.position()
        if s < t:
            self._sel_anchor, self._sel_cursor = self._omap.to_view(s), self._omap.to_view(t)
            self.viewport().update()
            self.selection_made.emit(s, t)

    def contextMenuEvent(self, e: QContextMenuEvent) -> None:  # noqa: N802
        """Ask the window for a menu, with the span under the pointer."""
        self.context_menu_requested.emit(e.globalPos(), self._span_at(QPointF(e.pos())))

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802
        """Show a tooltip with the label, text and attributes of the span under the pointer."""
        if e.type() == QEvent.Type.ToolTip:
            sid = self._span_at(QPointF(e.pos()))
            if sid:
                QToolTip.showText(e.globalPos(), self.span_tooltip(sid), self.viewport())
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().viewportEvent(e)

    def span_tooltip(self, sid: str) -> str:
        """Rich-text tooltip for ``sid``."""
        sp = self._spans[sid]
        text = " … ".join(self._text[a:b] for a, b in sp.pieces())
        if len(text) > 200:
            text = text[:200] + "…"
        rows = [f"<b>{html.escape(sp.label)}</b> <small>{html.escape(sid)}</small>", html.escape(text)]
        for k, v in sp.attributes.items():
            rows.append(f"{html.escape(str(k))}: {html.escape(str(v))}")
        if sp.note:
            rows.append(f"<i>{html.escape(sp.note)}</i>")
        return "<br>".join(rows)

    # ------------------------------------------------------------------ keyboard
    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """Move/extend the text selection; every other key goes on to the parent."""
        if e.key() == Qt.Key.Key_Escape and self._rubber is not None:
            self._rubber = None
            self._press_hit = None
            self.viewport().update()
            return
        if e.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.selected_text())
            return
        if e.matches(QKeySequence.StandardKey.SelectAll):
            self._sel_anchor, self._sel_cursor = 0, self._pstart[-1] + _utf16_len(self._paras[-1])
            self.viewport().update()
            return
        key = e.key()
        mods = e.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        other = mods & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        K = Qt.Key
        if key in (K.Key_PageUp, K.Key_PageDown) and not other:
            vh = self.viewport().height() * 0.9
            self._scroll_by(vh if key == K.Key_PageDown else -vh)
            self._sync_scrollbar()
            self.viewport().update()
            return
        moves = (K.Key_Left, K.Key_Right, K.Key_Up, K.Key_Down, K.Key_Home, K.Key_End)
        if key not in moves or other:
            e.ignore()
            return
        if shift and self._selected and key in (K.Key_Left, K.Key_Right):
            e.ignore()  # the window edits the selected span's boundary
            return
        new = self._moved(self._sel_cursor, key)
        self._sel_cursor = new
        if not shift:
            self._sel_anchor = new
        self._ensure_visible(new)
        self.viewport().update()

    def _moved(self, v: int, key: int) -> int:
        K = Qt.Key
        p = self._para_of(v)
        pl = self._layout(p)
        local = v - self._pstart[p]
        plen = _utf16_len(self._paras[p])
        if key == K.Key_Left:
            if local == 0:
                return max(v - 1, 0)
            return self._pstart[p] + pl.layout.previousCursorPosition(local)
        if key == K.Key_Right:
            if local >= plen:
                return min(v + 1, self._pstart[-1] + _utf16_len(self._paras[-1]))
            return self._pstart[p] + pl.layout.nextCursorPosition(local)
        li = pl.line_index_for_pos(local)
        ln = pl.layout.lineAt(li)
        if key == K.Key_Home:
            return self._pstart[p] + ln.textStart()
        if key == K.Key_End:
            end = ln.textStart() + ln.textLength()
            return self._pstart[p] + (end if li == pl.layout.lineCount() - 1 else max(end - 1, ln.textStart()))
        x = _x(ln, local)
        if key == K.Key_Up:
            if li > 0:
                return self._pstart[p] + pl.layout.lineAt(li - 1).xToCursor(x)
            if p == 0:
                return 0
            q = self._layout(p - 1)
            return self._pstart[p - 1] + q.layout.lineAt(q.layout.lineCount() - 1).xToCursor(x)
        if li < pl.layout.lineCount() - 1:
            return self._pstart[p] + pl.layout.lineAt(li + 1).xToCursor(x)
        if p == len(self._paras) - 1:
            return self._pstart[p] + plen
        q = self._layout(p + 1)
        return self._pstart[p + 1] + q.layout.lineAt(0).xToCursor(x)

