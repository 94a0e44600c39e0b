"""The comparison view: two layers of one document side by side in one text, and taking versions into gold.

Each annotation is drawn in the colour of its mark (agree, disagree, only in
A, only in B; see the legend); a disagreement shows both versions, ``ORG·A``
and ``PER·B``; a tag with ✓ is the version gold holds, and a difference gold has
decided turns grey.  The list on the
right holds the differences.  Keys: N / P next and previous difference, 1 or
A take A's version, 2 or B take B's, Ctrl+Shift+A accept all agreements,
Ctrl+Z / Ctrl+Shift+Z undo and redo a take.  Every write goes through
:mod:`annotator.adjudicate`.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import adjudicate
from ..compare import AGREE, DISAGREE, MARK_TITLES, ONLY_A, ONLY_B, Comparison, Item, compare, gold_sides, summary
from ..model import ENTITY, GOLD_LAYER, TRIGGER, AnnotatedDocument, Span, layer_title
from ..storeerrors import StoreError
from .arcs import Link
from .textview import AnnotationView

#: The colour of each mark: fills and strong outlines come from it (colour-blind safe pairs: green/orange, blue/purple).
MARK_COLORS: dict[str, str] = {AGREE: "#9ad3a0", DISAGREE: "#f6a15f", ONLY_A: "#86b4ee", ONLY_B: "#d29be6"}
GOLD_MARK = "✓"
ONLY_TAG = "\u200b"  # zero-width space: keeps an "only" tag's colour apart from a disagreement's
DECIDED_TAG = "\u200c"  # zero-width non-joiner: the same for a difference gold has decided
DECIDED = "decided"
DECIDED_COLOR = "#c9c9c9"  # a difference gold holds one side of: done, grey
GOLD = GOLD_LAYER


def tag_text(item: Item, which: str, gold: str) -> str:
    """The tag of one side's version: ``ORG`` (agreed), ``PER·A`` / ``ORG·B`` (a disagreement or only one side).

    Short, and the side comes last, so that tags over short words fit and a
    tag shortened to fit (``Life.Die·A`` -> ``Die·A``) keeps it; ``✓`` ends
    the version gold holds.  The view colours tags by their text: an "only"
    tag ends in an invisible zero-width space, so that ``PER·A`` of a
    disagreement and ``PER·A`` found only in A get their own colours.
    """
    side = item.a if which == "A" else item.b
    assert side is not None
    held = GOLD_MARK if which in gold else ""
    if item.mark == AGREE:
        return f"{side.label} {held}" if held else side.label
    tail = DECIDED_TAG if gold else ONLY_TAG if item.mark != DISAGREE else ""
    return f"{side.label}·{which}{held}{tail}"


def mark_color(item: Item, gold: str) -> str:
    """The colour of an item: its mark's, or grey once gold holds a side of a difference."""
    return DECIDED_COLOR if gold and item.mark != AGREE else MARK_COLORS[item.mark]


class Picture:
    """What the text view draws for one comparison: spans and links, with the item and side of each."""

    def __init__(self, comparison: Comparison, a: AnnotatedDocument, b: AnnotatedDocument,
                 gold: dict[str, str]) -> None:
        self.spans: list[Span] = []
        self.links: list[Link] = []
        self.colors: dict[str, str] = {}
        self.item_of: dict[str, str] = {}  # shown span id -> item key
        self.shown: dict[str, list[str]] = {}  # item key -> its shown span ids (or the source span of an arc)
        spans = {"A": a.span_by_id(), "B": b.span_by_id()}
        events = {"A": a.event_by_id(), "B": b.event_by_id()}
        relations = {"A": {r.id: r for r in a.relations}, "B": {r.id: r for r in b.relations}}
        at: dict[tuple[str, str], str] = {}  # (side, span or event id) -> shown span id
        for it in comparison.items:
            if it.kind not in ("entity", "event"):
                continue
            for which in self._sides(it):
                side = it.a if which == "A" else it.b
                assert side is not None
                sid = it.key if it.mark == AGREE else f"{it.key}|{which}"
                if it.kind == "entity":
                    src, kind = spans[which][side.id], ENTITY
                else:
                    src, kind = spans[which][events[which][side.id].trigger], TRIGGER
                for w in ("A", "B") if it.mark == AGREE else (which,):  # one shown span stands for both sides
                    version = it.a if w == "A" else it.b
                    assert version is not None
                    at[(w, version.id)] = sid
                    if it.kind == "event":
                        at[(w, events[w][version.id].trigger)] = sid
                text = tag_text(it, which, gold.get(it.key, ""))
                self.spans.append(Span(sid, text, src.start, src.end, kind=kind,
                                       fragments=list(src.fragments) if src.fragments else None))
                self.colors[text] = mark_color(it, gold.get(it.key, ""))
                self.item_of[sid] = it.key
                self.shown.setdefault(it.key, []).append(sid)
        for it in comparison.items:
            if it.kind not in ("argument", "relation"):
                continue
            for which in self._sides(it):
                side = it.a if which == "A" else it.b
                assert side is not None
                if it.kind == "argument":
                    eid, pos = side.id.rsplit(":", 1)
                    source, target = at.get((which, eid)), at.get((which, events[which][eid].arguments[int(pos)].ref))
                else:
                    rel = relations[which][side.id]
                    source, target = at.get((which, rel.head)), at.get((which, rel.tail))
                if source is None or target is None:
                    continue
                lid = it.key if it.mark == AGREE else f"{it.key}|{which}"
                self.links.append(Link(lid, source, target, tag_text(it, which, gold.get(it.key, "")),
                                       mark_color(it, gold.get(it.key, "")), "argument" if it.kind == "argument" else "relation",
                                       owner=it.key))
                self.shown.setdefault(it.key, []).append(source)

    @staticmethod
    def _sides(it: Item) -> list[str]:
        if it.mark == AGREE:
            return ["A"]
        return [w for w, s in (("A", it.a), ("B", it.b)) if s is not None]


def legend_pixmap(color: str, size: int = 12) -> QPixmap:
    """A small filled square of ``color`` with its outline, for the legend."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    base = QColor(color)
    p.setPen(base.darker(150))
    p.setBrush(base)
    p.drawRoundedRect(0, 0, size - 1, size - 1, 2, 2)
    p.end()
    return pm


class CompareView(QWidget):
    """Two layers of one document compared; takes versions into gold.  ``gold_changed(doc_id)`` after each write."""

    gold_changed = Signal(str)

    def __init__(self, project, doc_id: str, a_layer: str | None = None, b_layer: str | None = None,  # noqa: ANN001
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.doc_id = doc_id
        self.setWindowTitle(f"Compare — {project.get_document(doc_id).name}")
        self.comparison = Comparison("")
        self.gold: dict[str, str] = {}
        self.picture: Picture | None = None
        self.done: list[tuple[adjudicate.Take, Callable[[], adjudicate.Take]]] = []
        self.undone: list[tuple[adjudicate.Take, Callable[[], adjudicate.Take]]] = []
        #: asked before replacing a gold annotation in the way (the refusal's message); a test can answer itself
        self.confirm: Callable[[str], bool] = self._ask_replace
        self._build()
        layers = self._layers()
        others = [name for name in layers if name != GOLD]
        a = a_layer if a_layer is not None else (others[0] if others else GOLD)
        b = b_layer if b_layer is not None else next((n for n in others if n != a), GOLD)
        self._fill_layers(layers, a, b)
        self.refresh()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        top = QHBoxLayout()
        self.a_box, self.b_box = QComboBox(), QComboBox()
        for title, box in (("A:", self.a_box), ("B:", self.b_box)):
            lab = QLabel(title)
            lab.setBuddy(box)
            top.addWidget(lab)
            top.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addSpacing(12)
        for mark in (AGREE, DISAGREE, ONLY_A, ONLY_B):
            chip = QLabel()
            chip.setPixmap(legend_pixmap(MARK_COLORS[mark]))
            top.addWidget(chip)
            top.addWidget(QLabel(MARK_TITLES[mark]))
        chip = QLabel()
        chip.setPixmap(legend_pixmap(DECIDED_COLOR))
        top.addWidget(chip)
        top.addWidget(QLabel(f"decided ({GOLD_MARK} in gold)"))
        top.addStretch(1)
        self.accept_button = QPushButton("Accept all agreements")
        self.accept_button.setToolTip("Copy every agreed annotation into gold (Ctrl+Shift+A)")
        self.accept_button.clicked.connect(self.accept_all)
        top.addWidget(self.accept_button)

        self.view = AnnotationView()
        self.view.span_clicked.connect(self._span_clicked)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["", "Difference", "A", "B", "Gold"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.list.header().setStretchLastSection(False)
        self.list.currentItemChanged.connect(lambda cur, _prev: self._show_current(cur))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.list)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([780, 400])
        self.counts = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        keys = QLabel("PER·A is A's version, PER·B is B's.  Keys: N / P next / previous difference · "
                      "1 or A take A · 2 or B take B · Ctrl+Shift+A accept all agreements · Ctrl+Z undo · Ctrl+W close")
        keys.setStyleSheet("color: #555")
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.counts)
        lay.addWidget(self.message)
        lay.addWidget(keys)
        self.actions: dict[str, QAction] = {}
        for name, text, shortcuts, slot in (
            ("next", "Next difference", ["N"], lambda: self.step(1)),
            ("prev", "Previous difference", ["P"], lambda: self.step(-1)),
            ("take_a", "Take A's version", ["1", "A"], lambda: self.take_current("A")),
            ("take_b", "Take B's version", ["2", "B"], lambda: self.take_current("B")),
            ("accept", "Accept all agreements", ["Ctrl+Shift+A"], self.accept_all),
            ("undo", "Undo the last take", ["Ctrl+Z"], self.undo),
            ("redo", "Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.redo),
            ("close", "Close", ["Ctrl+W"], self.close),
        ):
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            if "Ctrl" in shortcuts[0]:
                self.addAction(act)
            else:  # plain keys act in the text and the list: typed into the A/B boxes they choose a layer
                self.view.addAction(act)
                self.list.addAction(act)
            self.actions[name] = act
        self.resize(1200, 760)

    def _layers(self) -> list[str]:
        layers = list(self.project.layers(self.doc_id))
        if GOLD not in layers:
            layers.append(GOLD)
        return layers

    def _fill_layers(self, layers: list[str], a: str, b: str) -> None:
        for box, chosen in ((self.a_box, a), (self.b_box, b)):
            box.blockSignals(True)
            box.clear()
            for name in layers:
                box.addItem(layer_title(name), name)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)

    def layers_shown(self) -> tuple[str, str]:
        """The layers compared: (A, B)."""
        return self.a_box.currentData(), self.b_box.currentData()

    def set_layers(self, a: str, b: str) -> None:
        """Compare layer ``a`` with layer ``b``."""
        self._fill_layers(self._layers(), a, b)
        self.refresh()

    # ------------------------------------------------------------------ showing
    def refresh(self, keep: str | None = None) -> None:
        """Read both layers and gold again and redraw; the current item stays (or its row's place)."""
        a_layer, b_layer = self.layers_shown()
        row = self.list.indexOfTopLevelItem(self.list.currentItem()) if self.list.currentItem() else 0
        keep = keep or self.current_key()
        try:
            a = self.project.get_annotated(self.doc_id, layer=a_layer)
            b = self.project.get_annotated(self.doc_id, layer=b_layer)
            gold = self.project.get_annotated(self.doc_id, layer=GOLD)
        except StoreError as exc:
            self.say(f"Cannot read {self.doc_id}: {exc}")
            return
        self.comparison = compare(a, b)
        self.gold = gold_sides(self.comparison, gold)
        self.picture = pic = Picture(self.comparison, a, b, self.gold)
        self.view.set_document(a.document.text, pic.spans, pic.colors)
        self.view.set_links(pic.links)
        c = self.comparison.counts()
        held = sum(1 for it in self.comparison.agreements() if self.gold.get(it.key))
        diffs = self.comparison.differences()
        decided = sum(1 for it in diffs if self.gold.get(it.key))
        self.counts.setText(
            f"A = {layer_title(a_layer)}, B = {layer_title(b_layer)}: {c[AGREE]} agree ({held} in gold) · "
            f"{c[DISAGREE]} disagree · {c[ONLY_A]} only in A · {c[ONLY_B]} only in B · "
            f"{decided} of {len(diffs)} differences decided in gold")
        self.list.blockSignals(True)
        self.list.clear()
        text = self.comparison.text
        for it in self.comparison.differences():
            where = summary(it, text).split(":", 1)[0]
            row_item = QTreeWidgetItem(["", where, it.a.label if it.a else "—", it.b.label if it.b else "—",
                                        self._gold_word(it)])
            row_item.setIcon(0, legend_pixmap(mark_color(it, self.gold.get(it.key, ""))).scaled(10, 10))
            row_item.setToolTip(1, f"{MARK_TITLES[it.mark]}: {summary(it, text)}")
            row_item.setData(0, Qt.ItemDataRole.UserRole, it.key)
            self.list.addTopLevelItem(row_item)
        for col in (0, 2, 3, 4):
            self.list.resizeColumnToContents(col)
        self.list.blockSignals(False)
        n = self.list.topLevelItemCount()
        if n:
            keys = [self.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(n)]
            self.list.setCurrentItem(self.list.topLevelItem(keys.index(keep) if keep in keys else min(row, n - 1)))
            self._show_current(self.list.currentItem())
        self.accept_button.setEnabled(any(not self.gold.get(it.key) for it in self.comparison.agreements()))
        if not n:  # the line about the difference selected before would be left standing
            self.say("" if a_layer == b_layer else "No differences: A and B agree everywhere.")
        if a_layer == b_layer:  # a layer "agrees" with itself everywhere: nothing to adjudicate
            self.counts.setText(self._same_layer())
            self.accept_button.setEnabled(False)

    def _same_layer(self) -> str:
        return (f"A and B are both {layer_title(self.layers_shown()[0])}: choose another layer for A or B "
                "to compare (nothing is taken into gold from one layer against itself).")

    def _gold_word(self, it: Item) -> str:
        held = self.gold.get(it.key, "")
        if not held:
            return ""
        return "A = B" if held == "AB" else held

    def current_key(self) -> str | None:
        """The key of the difference selected in the list, or None."""
        cur = self.list.currentItem()
        return cur.data(0, Qt.ItemDataRole.UserRole) if cur is not None else None

    def _show_current(self, cur: QTreeWidgetItem | None) -> None:
        if cur is None or self.picture is None:
            return
        key = cur.data(0, Qt.ItemDataRole.UserRole)
        item = self.comparison.item(key)
        shown = self.picture.shown.get(key, [])
        if item is not None and item.kind in ("argument", "relation"):
            self.view.set_highlight(key)
        else:
            self.view.set_highlight(None)
        if shown:
            self.view.select_span(shown[0])
        if item is not None:
            self.say(f"{MARK_TITLES[item.mark]}: {summary(item, self.comparison.text)}")

    def _span_clicked(self, sid: str) -> None:
        key = self.picture.item_of.get(sid) if self.picture else None
        for i in range(self.list.topLevelItemCount()):
            row = self.list.topLevelItem(i)
            if row.data(0, Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentItem(row)
                return

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 (Qt API)
        """Coming back to the view: read the layers again when another window or process wrote to the file."""
        super().changeEvent(e)
        if e.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            try:
                changed = self.project.changed_elsewhere()
            except StoreError:
                return
            if changed:
                layers = self._layers()  # a layer imported meanwhile (another annotator's work) can be chosen
                if layers != [self.a_box.itemData(i) for i in range(self.a_box.count())]:
                    self._fill_layers(layers, *self.layers_shown())
                self.refresh()

    def say(self, text: str) -> None:
        """Show one line under the view."""
        self.message.setText(text)

    def step(self, delta: int) -> None:
        """Select the next (``delta`` 1) or previous (-1) difference, wrapping around."""
        n = self.list.topLevelItemCount()
        if not n:
            self.say("No differences: A and B agree everywhere.")
            return
        cur = self.list.currentItem()
        i = self.list.indexOfTopLevelItem(cur) if cur is not None else -1
        self.list.setCurrentItem(self.list.topLevelItem((i + delta) % n))

    # ------------------------------------------------------------------ taking
    def take_current(self, which: str) -> None:
        """Take side ``which``'s version of the selected difference into gold (asks before replacing)."""
        key = self.current_key()
        a_layer, b_layer = self.layers_shown()
        if a_layer == b_layer:
            self.say(self._same_layer())
            return
        if key is None:
            self.say("No difference selected.")
            return

        def run(replace: bool = False) -> adjudicate.Take:
            return adjudicate.take(self.project, self.doc_id, a_layer, b_layer, key, which, replace=replace)

        try:
            done = run()
        except adjudicate.Refused as exc:
            if not exc.conflicts or not self.confirm(exc.reason):
                self.say(f"Not taken: {exc.message}")
                return
            try:
                done = run(replace=True)
            except adjudicate.Refused as again:
                self.say(f"Not taken: {again.message}")
                return

            def run_replacing() -> adjudicate.Take:
                return run(replace=True)

            self._did(done, run_replacing, key)
            return
        self._did(done, run, key)

    def accept_all(self) -> None:
        """Copy every agreement gold does not hold into gold, at once."""
        a_layer, b_layer = self.layers_shown()
        if a_layer == b_layer:
            self.say(self._same_layer())
            return

        def run() -> adjudicate.Take:
            return adjudicate.accept_agreements(self.project, self.doc_id, a_layer, b_layer)

        try:
            done = run()
        except (adjudicate.Refused, StoreError) as exc:
            self.say(f"Nothing accepted: {exc}")
            return
        self._did(done, run, None)

    def _did(self, done: adjudicate.Take, again: Callable[[], adjudicate.Take], key: str | None) -> None:
        self.done.append((done, again))
        self.undone.clear()
        self.refresh(keep=key)
        self.say(done.message + ".")
        self.gold_changed.emit(self.doc_id)

    def undo(self) -> None:
        """Reverse the last take (or accept all)."""
        if not self.done:
            self.say("Nothing to undo.")
            return
        done, again = self.done[-1]
        try:
            adjudicate.undo(self.project, done)
        except StoreError as exc:
            self.say(f"Could not undo: {exc}")
            return
        self.done.pop()
        self.undone.append((done, again))
        self.refresh()
        self.say(f"Undone: {done.message}.")
        self.gold_changed.emit(self.doc_id)

    def redo(self) -> None:
        """Do the last undone take again."""
        if not self.undone:
            self.say("Nothing to redo.")
            return
        _, again = self.undone[-1]
        try:
            done = again()
        except (adjudicate.Refused, StoreError) as exc:
            self.say(f"Could not redo: {exc}")
            return
        self.undone.pop()
        self.done.append((done, again))
        self.refresh()
        self.say(f"Redone: {done.message}.")
        self.gold_changed.emit(self.doc_id)

    def _ask_replace(self, message: str) -> bool:
        answer = QMessageBox.question(self, "Replace in gold?", f"{message[:1].upper()}{message[1:]}.\n\nReplace it?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
