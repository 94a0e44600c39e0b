"""The annotation list's table model: one row per entity span, event and relation, updated in place.

See :mod:`annotator.qt.annlist` for how it follows a document's load and its edits.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import Any, Callable, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from ..model import ENTITY, layer_title
from ..quoting import clipped
from .loader import LoadSlice
from .palette import swatch
from .session import Change, DocState, Session

TEXT_CHARS = 60
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_ID_RE = re.compile(r"^(\D*)(\d+)(.*)$")


class Row(NamedTuple):
    """What one line of the list shows.  The fields start with the default order's key (start,
    sort_id, id: unique), so that order sorts the rows themselves, with no key made per row."""

    start: int
    sort_id: str       # the id with its number zero-padded, so T2 sorts before T10
    id: str
    type: str
    text: str | None   # None: the document's text[start:end] as it stands, cleaned when shown (text_of)
    end: int
    kind: str          # "entity", "event" or "relation"


#: the Row field of each column (ID, Type, Text, Start, End, Kind); Layer is no field (see layer_of)
_FIELD = (2, 3, 4, 0, 5, 6)


#: ids that all take _sort_id's fast path (one non-digit, then 1 to 12 ASCII digits), one a line
_SIMPLE_IDS = re.compile(r"[^\d\n][0-9]{1,12}(?:\n[^\d\n][0-9]{1,12})*")


def _sort_ids(ids: list[str]) -> list[str]:
    """``[_sort_id(i) for i in ids]``, checked for the common form in one regex pass."""
    if ids and _SIMPLE_IDS.fullmatch("\n".join(ids)):
        # i[0] + i[1:].zfill(12) for each, in C calls only (a slice has thousands)
        return list(map(str.__add__, map(itemgetter(0), ids), map(str.zfill, map(_TAIL, ids), repeat(12))))
    return [_sort_id(i) for i in ids]


_TAIL = itemgetter(slice(1, None))


def _sort_id(ann_id: str) -> str:
    digits = ann_id[1:]
    if digits.isascii() and digits.isdigit() and len(digits) <= 12 and not ann_id[0].isdigit():
        return ann_id[0] + digits.zfill(12)  # T123, E7, R40: what the pattern below gives, without it
    m = _ID_RE.match(ann_id)
    return f"{m.group(1)}{int(m.group(2)):012d}{m.group(3)}" if m else ann_id


def _shown(covered: str) -> str:
    """``covered`` as the Text column shows it: as it is when it is short, printable and single-spaced."""
    if len(covered) <= TEXT_CHARS and covered.isprintable() and "  " not in covered \
            and covered[:1] != " " and covered[-1:] != " ":
        return covered
    return _short(covered)


def _span_text(s: Any, text: str) -> str | None:
    """A span row's stored text: None (shown from the document, see
    :meth:`AnnotationTableModel.text_of`) unless the span is in pieces."""
    return _short(" … ".join(text[a:b] for a, b in s.fragments)) if s.fragments else None


def _short(text: str) -> str:
    return clipped(text, TEXT_CHARS)  # newlines and tabs would break the row


def _covered(cur: DocState, span_id: str) -> str:
    s = cur.spans.get(span_id)
    if s is None:
        return ""
    return " … ".join(cur.text[a:b] for a, b in s.pieces())


def row_for(cur: DocState, ann_id: str) -> Row | None:
    """The row of ``ann_id`` in ``cur``, or None if it gets no row (absent, or a trigger span)."""
    s = cur.spans.get(ann_id)
    if s is not None:
        if s.kind != ENTITY:
            return None
        return Row(s.start, _sort_id(ann_id), ann_id, s.label, _span_text(s, cur.text), s.end, "entity")
    e = cur.events.get(ann_id)
    if e is not None:
        t = cur.spans.get(e.trigger)
        if t is None:
            return Row(0, _sort_id(ann_id), ann_id, e.type, "", 0, "event")
        return Row(t.start, _sort_id(ann_id), ann_id, e.type, _span_text(t, cur.text), t.end, "event")
    r = cur.relations.get(ann_id)
    if r is not None:
        ext = cur.extent(ann_id) or (0, 0)
        text = f"{_covered(cur, r.head)} → {_covered(cur, r.tail)}"
        return Row(ext[0], _sort_id(ann_id), ann_id, r.type, _short(text), ext[1], "relation")
    return None


class AnnotationTableModel(QAbstractTableModel):
    """The rows of one document; :meth:`apply` updates them by ids."""

    HEADERS = ("ID", "Type", "Text", "Start", "End", "Kind", "Layer")
    COL_ID, COL_TYPE, COL_TEXT, COL_START, COL_END, COL_KIND, COL_LAYER = range(7)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.doc_id: str | None = None
        self.rows: list[Row] = []
        self.by_id: dict[str, Row] = {}  # the row of each id (its place is found by bisection)
        #: span id -> ids of relations that had it as an end when last seen (may hold stale ids: checked on use)
        self._rels_of_span: dict[str, set[str]] = {}
        self._icons: dict[str, QIcon] = {}
        self._sort_col = self.COL_START
        self._sort_desc = False
        self._key = self._key_for(self.COL_START)
        self._sort_arg = self._sort_arg_for(self.COL_START)

    def text_of(self, row: Row) -> str:
        """What the Text column shows for ``row`` (a row keeps None when that is the document's own text)."""
        if row.text is not None:
            return row.text
        cur = self.session.current
        return _shown(cur.text[row.start:row.end]) if cur is not None else ""

    def layer_of(self, row: Row) -> str:
        """What the Layer column shows: the layer of the row's annotation (while every layer is overlaid,
        its own; else the one shown), as the user names it (``"dana"``, ``"default"``)."""
        s = self.session
        if s.all_layers and s.overlay is not None:
            layer = s.overlay.layer_of(row.id)
            return layer_title(layer) if layer is not None else ""
        return layer_title(s.project.layer)

    # ------------------------------------------------------------------ sorting
    # Sorting happens here, on the Python list, not in the proxy: a proxy sort
    # of 12,000 rows calls back into Python for every comparison (1.3 s).

    def sort_key(self, row: Row) -> tuple[Any, ...]:
        """The row's place in the current order; unique (it ends with the id)."""
        return self._key(row)

    def _key_for(self, col: int) -> Callable[[Row], tuple[Any, ...]]:
        """The sort key of column ``col``: a C-level itemgetter except for the text's (casefolded)."""
        if col == self.COL_ID:
            return itemgetter(1, 2)  # sort_id, id
        if col == self.COL_TEXT:
            text_of = self.text_of
            return lambda row: (text_of(row).casefold(), row.start, row.sort_id, row.id)
        if col == self.COL_START:
            return itemgetter(0, 1, 2)
        if col == self.COL_END:
            return itemgetter(5, 1, 2)
        if col == self.COL_LAYER:
            layer_of = self.layer_of
            return lambda row: (layer_of(row), row.start, row.sort_id, row.id)
        return itemgetter(_FIELD[col], 0, 1, 2)  # type or kind, then start, sort_id, id

    def _sort_arg_for(self, col: int) -> Callable[[Row], tuple[Any, ...]] | None:
        """The ``key`` argument that sorts rows by column ``col``: None (the rows themselves) for Start."""
        return None if col == self.COL_START else self._key_for(col)

    def _bisect(self, k: tuple[Any, ...]) -> int:
        """The first position whose key is not before ``k`` in the current order."""
        keys = self._key
        rows = self.rows
        lo, hi = 0, len(rows)
        desc = self._sort_desc
        while lo < hi:
            mid = (lo + hi) // 2
            km = keys(rows[mid])
            if (km > k) if desc else (km < k):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _position(self, ann_id: str) -> int | None:
        row = self.by_id.get(ann_id)
        if row is None:
            return None
        i = self._bisect(self.sort_key(row))
        return i if i < len(self.rows) and self.rows[i].id == ann_id else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D102 (Qt API)
        if column < 0:
            return
        self._sort_col = column
        self._sort_desc = order == Qt.SortOrder.DescendingOrder
        self._key = self._key_for(column)
        self._sort_arg = self._sort_arg_for(column)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self.rows[p.row()].id for p in persistent]
        self.rows.sort(key=self._sort_arg, reverse=self._sort_desc)
        where = {r.id: n for n, r in enumerate(self.rows)} if persistent else {}
        self.changePersistentIndexList(
            persistent, [self.index(where[i], p.column()) for i, p in zip(ids, persistent)]
        )
        self.layoutChanged.emit()

    def _insert_sorted(self, row: Row) -> None:
        lo = self._bisect(self.sort_key(row))
        self.beginInsertRows(QModelIndex(), lo, lo)
        self.rows.insert(lo, row)
        self.by_id[row.id] = row
        self.endInsertRows()

    # ------------------------------------------------------------------ updates

    def rebuild(self) -> None:
        """Read every row of the session's current document (a model reset)."""
        cur = self.session.current
        self.beginResetModel()
        rows: list[Row] = []
        if cur is not None:
            for ids in (cur.spans, cur.events, cur.relations):
                for ann_id in ids:
                    row = row_for(cur, ann_id)
                    if row is not None:
                        rows.append(row)
        self.doc_id = cur.id if cur is not None else None
        self._rels_of_span = {}
        if cur is not None:
            self._note_relations(cur, cur.relations)
        rows.sort(key=self._sort_arg, reverse=self._sort_desc)
        self.rows = rows
        self.by_id = {r.id: r for r in rows}
        self.endResetModel()

    def take_slice(self, sl: LoadSlice) -> None:
        """Add the rows of one slice of the loading document (ids that already have a row are left)."""
        cur = self.session.current
        if cur is None or sl.doc_id != cur.id:
            return
        if self.doc_id != cur.id:  # not built for this document yet: build from what is in
            self.rebuild()
            return
        have = self.by_id
        # row_for's entity and event rows, built a column at a time (a slice has thousands): the
        # displayed text is left to text_of, so a row is its id, type, start, end and sort id
        ents = list(compress(sl.spans, map(ENTITY.__eq__, map(attrgetter("kind"), sl.spans))))
        if not have.keys().isdisjoint(map(attrgetter("id"), ents)):
            ents = [s for s in ents if s.id not in have]
        rows = self._rows_of(ents, list(map(attrgetter("label"), ents)), ents, "entity", cur.text)
        spans, events = cur.spans, cur.events
        evs = [events[i] for i in sl.events if i not in have and i in events]
        trig = [spans.get(e.trigger) for e in evs]
        if not all(trig):  # a trigger not in yet: those events through row_for (`None in` calls Span.__eq__)
            rows += [r for e, t in zip(evs, trig) if t is None for r in [row_for(cur, e.id)] if r is not None]
            evs = [e for e, t in zip(evs, trig) if t is not None]
            trig = [t for t in trig if t is not None]
        rows += self._rows_of(evs, list(map(attrgetter("type"), evs)), trig, "event", cur.text)
        self._note_relations(cur, sl.relations)
        for ann_id in sl.relations:
            if ann_id not in have:
                row = row_for(cur, ann_id)
                if row is not None:
                    rows.append(row)
        self.insert_rows(rows)

    @staticmethod
    def _rows_of(items: list[Any], types: list[str], spans: list[Any], kind: str, text: str) -> list[Row]:
        """The rows of ``items`` (entities or events) whose extents are those of ``spans``, built column-wise."""
        ids = list(map(attrgetter("id"), items))
        texts: list[str | None] = [None] * len(items)
        if any(map(attrgetter("fragments"), spans)):
            for n, s in enumerate(spans):
                if s.fragments:
                    texts[n] = _span_text(s, text)
        cols = zip(map(attrgetter("start"), spans), _sort_ids(ids), ids, types, texts, map(attrgetter("end"), spans),
                   repeat(kind))
        return list(map(tuple.__new__, repeat(Row), cols))

    def _note_relations(self, cur: DocState, rel_ids: Any) -> None:
        """Remember the ends of the relations ``rel_ids`` of ``cur`` (so an edit of a span finds its relations)."""
        index, rels = self._rels_of_span, cur.relations
        for rid in rel_ids:
            r = rels.get(rid)
            if r is not None:
                index.setdefault(r.head, set()).add(rid)
                index.setdefault(r.tail, set()).add(rid)

    def complete(self) -> bool:
        """Whether there is a row for every annotation of the current document (a cheap count)."""
        cur = self.session.current
        return (cur is not None and self.doc_id == cur.id
                and len(self.rows) == cur.n_entities + len(cur.events) + len(cur.relations))

    #: Each ``beginInsertRows`` costs the view a fixed part and, while the list's filter is on (the
    #: filter model is then between this model and the view), time in proportion to the whole list
    #: (~30 us + 2.3 ns a row: 140 us at 50,000 rows).  Without a filter, moving
    #: FIXED_COST down to 200 changed nothing measurable at brat 4 MB.  A slice whose rows land in
    #: many gaps between the rows already here (events and relations go between the spans by
    #: position) is put in as one range instead, when that is cheaper: the rows from its first gap
    #: to its last are taken out and put back merged with the new ones (~0.7 us a row moved).
    #: Costs below are in rows' worth of list shifting.
    FIXED_COST = 10_000   # one insert or removal signal, before the list's length
    MOVED_COST = 300      # one row taken out and put back

    def insert_rows(self, rows: list[Row]) -> None:
        """Insert ``rows`` (none of them here yet) at their places: one ``beginInsertRows`` per run
        that lands between the same two rows (a slice of spans in text order is one run), or, when
        that may cost more (see :attr:`FIXED_COST`), one removal and one insertion of the range they
        land in."""
        if not rows:
            return
        key, desc, sort_arg = self._key, self._sort_desc, self._sort_arg
        rows.sort(key=sort_arg, reverse=desc)
        self.by_id.update(zip(map(itemgetter(2), rows), rows))
        p0, p1 = self._bisect(key(rows[0])), self._bisect(key(rows[-1]))
        signal = self.FIXED_COST + len(self.rows)
        limit = 2 + (p1 - p0) * self.MOVED_COST / signal  # more runs than this: the range is cheaper
        runs: list[tuple[int, int, int]] = []  # (place in the list as it is, first, end) of each run
        i, n = 0, len(rows)
        while i < n and len(runs) <= limit:
            p = p0 if i == 0 else self._bisect(key(rows[i]))
            j = i + 1
            if p < len(self.rows):
                kb = key(self.rows[p])  # the run ends where the next row goes after this one
                if not desc:
                    j = bisect_left(rows, kb, j, n, key=key)
                else:
                    while j < n and key(rows[j]) > kb:
                        j += 1
            else:
                j = n
            runs.append((p, i, j))
            i = j
        if len(runs) <= limit:
            shift = 0
            for p, i, j in runs:
                self.beginInsertRows(QModelIndex(), p + shift, p + shift + j - i - 1)
                self.rows[p + shift:p + shift] = rows[i:j]
                self.endInsertRows()
                shift += j - i
            return
        merged = sorted(self.rows[p0:p1] + rows, key=sort_arg, reverse=desc)
        if p1 > p0:
            self.beginRemoveRows(QModelIndex(), p0, p1 - 1)
            del self.rows[p0:p1]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), p0, p0 + len(merged) - 1)
        self.rows[p0:p0] = merged
        self.endInsertRows()

    def apply(self, change: Change) -> None:
        """Insert, remove or update just the rows of ``change.ids``."""
        cur = self.session.current
        if cur is None or change.doc_id != self.doc_id or cur.id != self.doc_id:
            return
        removed: list[int] = []
        added: list[Row] = []
        ids = set(change.ids)
        self._note_relations(cur, [i for i in ids if i in cur.relations])
        if cur.relations:
            # a relation's row shows its ends' text and extent: follow edits of its spans
            rels = cur.relations
            for span_id in [i for i in ids if i in self._rels_of_span]:
                for rid in self._rels_of_span[span_id]:
                    r = rels.get(rid)
                    if r is not None and (r.head == span_id or r.tail == span_id):
                        ids.add(rid)
        for ann_id in ids:
            row = row_for(cur, ann_id)
            i = self._position(ann_id)
            if row is None:
                if i is not None:
                    removed.append(i)
            elif i is None:
                added.append(row)
            elif self.rows[i] != row:
                if self.sort_key(self.rows[i]) != self.sort_key(row):
                    removed.append(i)  # its place in the order changed: take it out, put it back
                    added.append(row)
                else:
                    self.rows[i] = row
                    self.by_id[ann_id] = row
                    self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))
        if removed:
            for i in sorted(removed, reverse=True):
                self.beginRemoveRows(QModelIndex(), i, i)
                gone = self.rows.pop(i)
                if self.by_id.get(gone.id) is gone:
                    del self.by_id[gone.id]
                self.endRemoveRows()
        for row in added:
            self._insert_sorted(row)

    def row_of(self, ann_id: str) -> int | None:
        """The source row of ``ann_id`` (None if it has none)."""
        return self._position(ann_id)

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section in (self.COL_START, self.COL_END):
                return "Offset in characters (code points); an event shows its trigger's"
        return None

    def _icon(self, type_name: str) -> QIcon:
        icon = self._icons.get(type_name)
        if icon is None:
            icon = self._icons[type_name] = swatch(self.session.project.schema.color(type_name), 12)
        return icon

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Called for every role of every visible cell at each repaint: plain int roles, the
        # roles this model never answers first.
        if role not in _ROLES or not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == _DISPLAY:
            if col == self.COL_TEXT:
                return self.text_of(row)
            return self.layer_of(row) if col == self.COL_LAYER else row[_FIELD[col]]
        if role == _EDIT:  # the sort key
            if col == self.COL_ID:
                return row.sort_id
            if col == self.COL_TEXT:
                return self.text_of(row).casefold()
            return self.layer_of(row) if col == self.COL_LAYER else row[_FIELD[col]]
        if role == _ID:
            return row.id
        if role == _DECORATION:
            return self._icon(row.type) if col == self.COL_TYPE else None
        if role == _ALIGN:
            return _RIGHT if col in (self.COL_START, self.COL_END) else None
        if role == _TOOLTIP and col == self.COL_TEXT:
            return self.text_of(row)
        return None


_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_ID = int(ID_ROLE)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ROLES = frozenset((_DISPLAY, _EDIT, _ID, _DECORATION, _ALIGN, _TOOLTIP))
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
