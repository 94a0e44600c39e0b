"""The documents of a project: reading them, their status and problem counts, the document list, deleting one.

The document list as SQL: a :class:`DocumentQuery` says what the list shows (a status, a name
substring, a sort); :class:`DocumentPages` answers "how many", "rows i to j"
and "at which row is this document" with indexed queries, so that a list of
a million documents never reads every row.  How each query runs:

- no name filter, sorted by import order, name or status: counted and paged
  in SQL over an index (``documents(status)``, ``documents(name COLLATE
  NOCASE)``, the status-rank index of m004); a page far down the list is read
  from the other end (``ORDER BY ... DESC``), so the last page is as cheap as
  the first;
- a name filter (case-insensitive substring): one scan of the names index
  (not of the texts) gives the pks that match, in order; pages are then read
  by pk.  Only the matches are held, as an array of integers;
- sorted by number of annotations: the stored counts (``documents.n_annotations``,
  m006) sorted give the order (a pass over the documents rows, not over
  their annotations);
- a review progress filter (review not started, in progress, everything
  decided, in the working layer): the set of documents with a decision,
  read once, then an ``EXISTS`` probe per document of that set (see
  :func:`_review_condition`).  The pks are kept as for a name filter.

A review decision (``annotator.qt.review_write``) settles the document's status
here: ``reviewed`` once everything in the working layer is decided
(:meth:`ProjectDocuments.settled_status`).
"""
from __future__ import annotations

import json
from array import array
from dataclasses import dataclass

from .migrations import STATUS_RANK_SQL
from .model import STATUSES, Document
from .problemcounts import LAYER_SUMS_SQL, refresh_problem_counts
from .rows import now
from .store_state import Sheet, StoreState
from .storeerrors import StoreError


@dataclass
class DocumentSummary:
    """One row of the document list."""

    id: str
    name: str
    status: str
    n_annotations: int
    n_incomplete: int = 0
    n_errors: int = 0


class ProjectDocuments:
    """The ``documents`` table: one row per imported text, with its status and problem counts."""

    def __init__(self, state: StoreState) -> None:
        self.state = state

    def _missing(self, doc_id: str) -> StoreError:
        return StoreError(f"no document with id {doc_id!r}")

    # ------------------------------------------------------------------ reading

    def has_document(self, doc_id: str) -> bool:
        """True when the project holds a document with this id."""
        return self.state.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def document_count(self) -> int:
        """The number of documents."""
        return self.state.execute("SELECT count(*) FROM documents").fetchone()[0]

    def get_document(self, doc_id: str) -> Document:
        """One document, with its text and metadata (no annotations)."""
        row = self.state.execute(
            "SELECT d.id, d.name, t.text, d.meta, d.status, d.checksum, d.created, d.updated, d.pk "
            "FROM documents d JOIN texts t ON t.doc = d.pk WHERE d.id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise self._missing(doc_id)
        # the writes check offsets against this same string: one copy of a long text, not two
        self.state.remember_text(row[8], row[2])
        return Document(
            id=row[0], name=row[1] or row[0], text=row[2], meta=json.loads(row[3] or "{}"),
            status=row[4], checksum=row[5] or "", created=row[6] or "", updated=row[7] or "",
        )

    def document_status(self, doc_id: str) -> str:
        """A document's status, without reading its text."""
        row = self.state.execute("SELECT status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise self._missing(doc_id)
        return row[0]

    def document_ids(self) -> list[str]:
        """Every document id, in import order."""
        return [r[0] for r in self.state.execute("SELECT id FROM documents ORDER BY pk")]

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document with its status, number of annotations and problem counts, in import order."""
        sql = """
            SELECT d.id, d.name, d.status, d.n_annotations,
                   d.n_incomplete, d.n_errors
            FROM documents d ORDER BY d.pk
        """
        return [
            DocumentSummary(r[0], r[1] or r[0], r[2], r[3], r[4] or 0, r[5] or 0)
            for r in self.state.execute(sql)
        ]

    def counts_by_status(self) -> dict[str, int]:
        """The number of documents of each status (every status present, zero or not)."""
        counts = {s: 0 for s in STATUSES}
        for status, n in self.state.execute("SELECT status, count(*) FROM documents GROUP BY status"):
            counts[status] = n
        return counts

    # ------------------------------------------------------------------ problem counts

    def problem_counts(self, doc_id: str) -> tuple[int, int]:
        """The stored ``(n_errors, n_incomplete)`` of a document."""
        row = self.state.execute(
            "SELECT n_errors, n_incomplete FROM documents WHERE id = ?", [doc_id]
        ).fetchone()
        if row is None:
            raise self._missing(doc_id)
        return row[0] or 0, row[1] or 0

    def incomplete_total(self) -> int:
        """The sum of the stored counts of incomplete events (a scan of m004's partial index only)."""
        return self.state.execute(
            "SELECT coalesce(sum(n_incomplete), 0) FROM documents WHERE n_incomplete > 0").fetchone()[0]

    def incomplete_ids(self, limit: int) -> list[str]:
        """The first ``limit`` documents (import order) whose stored counts say they have incomplete events."""
        return [r[0] for r in self.state.execute(
            "SELECT id FROM documents WHERE n_incomplete > 0 ORDER BY pk LIMIT ?", [limit])]

    def set_problem_counts(self, doc_id: str, n_errors: int, n_incomplete: int) -> None:
        """Record the problem counts of a document's working layer (the document's are the sums over its layers);
        its ``updated`` time and status stay as they are."""
        if n_errors < 0 or n_incomplete < 0:
            raise StoreError(f"problem counts cannot be negative ({n_errors}, {n_incomplete})")
        st = self.state
        with st.writing():
            row = st.execute("SELECT pk FROM documents WHERE id = ?", [doc_id]).fetchone()
            if row is None:
                raise self._missing(doc_id)
            db = st.db
            # a layer without annotations has no problems: no row is made for it (layers() would list it)
            if n_errors or n_incomplete:
                st.register_layer(Sheet(row[0], st.layer))
            db.execute("UPDATE layers SET n_errors = ?, n_incomplete = ? WHERE doc = ? AND name = ?",
                       [n_errors, n_incomplete, row[0], st.layer])
            db.execute(f"UPDATE documents SET {LAYER_SUMS_SQL} WHERE pk = ?", [row[0]])

    def refresh_problem_counts(self) -> int:
        """Validate every document (streamed) and store its problem counts; returns how many changed."""
        with self.state.writing():
            return refresh_problem_counts(self.state.db, self.state.schema)

    # ------------------------------------------------------------------ review progress

    def review_state(self, doc_id: str) -> tuple[bool, bool]:
        """(some item decided, some item not decided) in the working layer of a document (see :func:`_items_sql`).

        Each half stops at the first row that answers it, through the ``(doc, layer, ...)`` indexes.
        """
        sheet = self.state.doc_pk(doc_id)
        n = len(_ITEM_TABLES)
        row = self.state.execute(
            f"SELECT {_items_sql('?', _DECIDED)}, {_items_sql('?', _UNDECIDED)}",
            [int(sheet), sheet.layer] * (2 * n)).fetchone()
        return bool(row[0]), bool(row[1])

    def settled_status(self, doc_id: str, status: str) -> str:
        """The status a document should have after a review decision, now ``status``.

        ``reviewed`` when everything in the working layer is decided (and
        there is something); a reviewed document with an undecided item again
        goes back to ``done``; otherwise ``status`` stays.
        """
        decided, undecided = self.review_state(doc_id)
        if decided and not undecided:
            return "reviewed"
        if status == "reviewed" and undecided:
            return "done"
        return status

    # ------------------------------------------------------------------ status and deletion

    def set_status(self, doc_id: str, status: str) -> str:
        """Set a document's status; returns the previous one."""
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        with self.state.writing():
            old = self.document_status(doc_id)
            self.state.db.execute(
                "UPDATE documents SET status = ?, updated = ? WHERE id = ?", [status, now(), doc_id]
            )
        return old

    def delete_document(self, doc_id: str) -> None:
        """Delete a document and all its annotations."""
        with self.state.writing():
            pk = self.state.doc_pk(doc_id)
            self.delete_rows(pk)
        self.state.forget_documents()

    def delete_rows(self, pk: int) -> None:
        """Delete the document row ``pk`` and every annotation row of it, in every layer (inside a write)."""
        db = self.state.db
        for table in (*_ANNOTATION_TABLES, "texts", "layers"):
            db.execute(f"DELETE FROM {table} WHERE doc = ?", [pk])
        db.execute("DELETE FROM documents WHERE pk = ?", [pk])

    def delete_layer_rows(self, pk: int, layer: str) -> None:
        """Delete one layer's annotation rows of document ``pk``, and its place in ``layers`` (inside a write)."""
        db = self.state.db
        for table in _ANNOTATION_TABLES:
            db.execute(f"DELETE FROM {table} WHERE doc = ? AND layer = ?", [pk, layer])
        db.execute("DELETE FROM layers WHERE doc = ? AND name = ?", [pk, layer])


#: The annotation tables, those that refer to others first (the foreign keys hold at every delete).
_ANNOTATION_TABLES = ("arguments", "relations", "events", "spans")


# ------------------------------------------------------------------ review decisions

#: The review progress filters of the document list (in the working layer): no decision yet, some but not all,
#: everything decided.
REVIEW_PROGRESS = ("not_started", "in_progress", "decided")

#: What "everything in a document" is for review, in one layer: every entity span (a trigger span is part of
#: its event), every event, every argument (each position), every relation.  An item is decided when its
#: ``review`` is not "".  ``{doc}`` is the document's pk (a parameter or a column), ``{decided}`` is
#: ``_DECIDED`` or ``_UNDECIDED``; the layer is the one parameter of each EXISTS.
_ITEM_TABLES = (("spans", " AND kind = 'entity'"), ("events", ""), ("arguments", ""), ("relations", ""))
_DECIDED, _UNDECIDED = "!= ''", "= ''"


def _items_sql(doc: str, decided: str) -> str:
    return "(" + " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE doc = {doc} AND layer = ?{extra} AND review {decided})"
        for table, extra in _ITEM_TABLES) + ")"


SORTS = ("order", "name", "status", "annotations")

#: the stored count (m006; kept by every write): a count over the rows took 22-49 ms for one 4 MB document
_N_ANNOTATIONS = "d.n_annotations"
_SUMMARY = f"SELECT d.pk, d.id, d.name, d.status, {_N_ANNOTATIONS}, d.n_incomplete, d.n_errors FROM documents d"


@dataclass(frozen=True)
class DocumentQuery:
    """What the document list shows: one status (None: all), a name substring ("" : all), a sort, and a review
    progress in ``layer`` (None: all; one of :data:`REVIEW_PROGRESS`)."""

    status: str | None = None
    name: str = ""
    sort: str = "order"
    descending: bool = False
    review: str | None = None
    layer: str = ""

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise StoreError(f"unknown status {self.status!r} (expected one of {', '.join(STATUSES)})")
        if self.review is not None and self.review not in REVIEW_PROGRESS:
            raise StoreError(f"unknown review progress {self.review!r} (expected one of {', '.join(REVIEW_PROGRESS)})")
        if self.sort not in SORTS:
            raise StoreError(f"unknown sort {self.sort!r} (expected one of {', '.join(SORTS)})")


def _review_condition(progress: str, layer: str) -> tuple[str, list]:
    """The SQL condition (on ``documents d``) of a review progress in ``layer``, with its parameters.

    The documents with a decision are one set, read once (``IN`` a
    ``UNION`` of the decided rows of the four tables: with a partial index
    ``ON t (doc, layer) WHERE review != ''`` it costs the decided rows only);
    "not started" is every other document.  For the documents in that set
    an ``EXISTS`` probe of the ``(doc, layer, ...)`` indexes, stopping at the
    first undecided row, tells "in progress" from "decided".
    """
    n = len(_ITEM_TABLES)
    decided_docs = " UNION ".join(f"SELECT doc FROM {table} WHERE layer = ? AND review != ''"
                                  for table, _extra in _ITEM_TABLES)
    undecided = _items_sql("d.pk", _UNDECIDED)
    if progress == "not_started":
        return f"d.pk NOT IN ({decided_docs})", [layer] * n
    if progress == "in_progress":
        return f"(d.pk IN ({decided_docs}) AND {undecided})", [layer] * (2 * n)
    return f"(d.pk IN ({decided_docs}) AND NOT {undecided})", [layer] * (2 * n)


def _like_pattern(needle: str) -> str:
    esc = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{esc}%"


class DocumentPages:
    """Counts, pages and positions of the document list, each one indexed query (see the module docstring).

    The pks that match a name filter (or the order by annotation count) are
    kept between calls for the same query while nothing is written, here or
    by another connection.
    """

    def __init__(self, state: StoreState) -> None:
        self.state = state
        self._keys: tuple[DocumentQuery, tuple[int, int], array] | None = None
        state.conn.create_function("annotator_casefold", 1, _casefold, deterministic=True)

    # ------------------------------------------------------------------ the parts of a query

    def _where(self, q: DocumentQuery) -> tuple[str, list]:
        """The status condition, and "review not started" (the other filters go through :meth:`_keyed`)."""
        conds, params = [], []
        if q.status is not None:
            conds.append("status = ?")
            params.append(q.status)
        if q.review is not None:  # only "not_started" comes here: most documents, so paged in SQL, not held
            cond, more = _review_condition(q.review, q.layer)
            conds.append(cond)
            params.extend(more)
        return (f"WHERE {' AND '.join(conds)}" if conds else ""), params

    def _order(self, q: DocumentQuery, reverse: bool = False) -> str:
        desc = q.descending != reverse
        d = " DESC" if desc else ""
        if q.sort == "name":
            return f"ORDER BY name COLLATE NOCASE{d}, pk{d}"
        if q.sort == "status":
            return f"ORDER BY {STATUS_RANK_SQL}{d}, pk{d}"
        return f"ORDER BY pk{d}"

    def _keyed(self, q: DocumentQuery) -> array | None:
        """The ordered pks of a name-filtered or annotation-sorted query (None: paged in SQL instead)."""
        if not q.name and q.sort != "annotations" and q.review in (None, "not_started"):
            return None
        # another connection's commits (data_version) or this one's writes (total_changes) make it stale
        version = (self.state.data_version(), self.state.conn.total_changes)
        if self._keys is not None and self._keys[0] == q and self._keys[1] == version:
            return self._keys[2]
        conds, params = [], []
        if q.status is not None:
            conds.append("status = ?")
            params.append(q.status)
        if q.name:
            needle = q.name.casefold()
            if needle.isascii():  # LIKE folds ASCII letters: a scan of the names index only
                conds.append("name LIKE ? ESCAPE '\\'")
                params.append(_like_pattern(needle))
            else:
                conds.append("instr(annotator_casefold(name), ?) > 0")
                params.append(needle)
        if q.review is not None:
            cond, more = _review_condition(q.review, q.layer)
            conds.append(cond)
            params.extend(more)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        if q.sort == "annotations":
            d = " DESC" if q.descending else ""
            sql = f"SELECT d.pk FROM documents d {where} ORDER BY {_N_ANNOTATIONS}{d}, d.pk{d}"
        else:
            # the names index holds every name and pk: scanned instead of the table (and its texts)
            index = "INDEXED BY idx_documents_name_nocase " if q.name and q.status is None else ""
            sql = f"SELECT pk FROM documents d {index}{where} {self._order(q)}"
        keys = array("q", (r[0] for r in self.state.execute(sql, params)))
        self._keys = (q, version, keys)
        return keys

    # ------------------------------------------------------------------ the answers

    def count(self, q: DocumentQuery) -> int:
        """How many documents the list shows."""
        keys = self._keyed(q)
        if keys is not None:
            return len(keys)
        where, params = self._where(q)
        return self.state.execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0]

    def page(self, q: DocumentQuery, offset: int, limit: int, total: int | None = None) -> list[DocumentSummary]:
        """Rows ``offset`` to ``offset + limit`` of the list (fewer at its end).

        ``total`` is :meth:`count` when the caller knows it: a page in the
        second half is then read from the end of the index.
        """
        if limit <= 0 or offset < 0:
            return []
        keys = self._keyed(q)
        if keys is not None:
            pks = list(keys[offset:offset + limit])
        else:
            where, params = self._where(q)
            if total is not None and offset > total // 2:
                end = min(total, offset + limit)
                sql = f"SELECT pk FROM documents d {where} {self._order(q, reverse=True)} LIMIT ? OFFSET ?"
                pks = [r[0] for r in self.state.execute(sql, [*params, end - offset, total - end])][::-1]
            else:
                sql = f"SELECT pk FROM documents d {where} {self._order(q)} LIMIT ? OFFSET ?"
                pks = [r[0] for r in self.state.execute(sql, [*params, limit, offset])]
        return self.summaries(pks)

    def summaries(self, pks: list[int]) -> list[DocumentSummary]:
        """The list rows of the documents ``pks``, in that order (a pk gone meanwhile is left out)."""
        if not pks:
            return []
        found: dict[int, DocumentSummary] = {}
        for start in range(0, len(pks), 500):
            part = pks[start:start + 500]
            sql = f"{_SUMMARY} WHERE d.pk IN ({','.join('?' * len(part))})"
            for r in self.state.execute(sql, part):
                found[r[0]] = DocumentSummary(r[1], r[2] or r[1], r[3], r[4], r[5] or 0, r[6] or 0)
        return [found[pk] for pk in pks if pk in found]

    def summary(self, doc_id: str) -> DocumentSummary | None:
        """One document's list row, read now (None when there is no such document)."""
        r = self.state.execute(f"{_SUMMARY} WHERE d.id = ?", [doc_id]).fetchone()
        if r is None:
            return None
        return DocumentSummary(r[1], r[2] or r[1], r[3], r[4], r[5] or 0, r[6] or 0)

    def position(self, q: DocumentQuery, doc_id: str) -> int | None:
        """The row of ``doc_id`` in the list (None when the list does not show it)."""
        row = self.state.execute("SELECT pk, name, status FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            return None
        pk, name, status = row
        keys = self._keyed(q)
        if keys is not None:
            try:
                return keys.index(pk)
            except ValueError:
                return None
        if q.status is not None and status != q.status:
            return None
        where, params = self._where(q)
        if q.review is not None:  # is it in the review filter?
            cond, more = _review_condition(q.review, q.layer)
            inside = self.state.execute(f"SELECT 1 FROM documents d WHERE d.pk = ? AND {cond}", [pk, *more])
            if inside.fetchone() is None:
                return None
        conj = "AND" if where else "WHERE"
        lt = ">" if q.descending else "<"
        if q.sort == "name":
            before = (f"(name COLLATE NOCASE {lt} ? OR (name = ? COLLATE NOCASE AND pk {lt} ?))", [name, name, pk])
        elif q.sort == "status":
            rank = STATUSES.index(status) if status in STATUSES else len(STATUSES)
            before = (f"({STATUS_RANK_SQL} {lt} ? OR ({STATUS_RANK_SQL} = ? AND pk {lt} ?))", [rank, rank, pk])
        else:
            before = (f"pk {lt} ?", [pk])
        sql = f"SELECT count(*) FROM documents d {where} {conj} {before[0]}"
        return self.state.execute(sql, [*params, *before[1]]).fetchone()[0]

    def ids_at(self, q: DocumentQuery, rows: list[int]) -> list[str | None]:
        """The ids at list rows ``rows`` (None for a row past the end)."""
        total = self.count(q)
        out: list[str | None] = []
        for r in rows:
            page = self.page(q, r, 1, total) if 0 <= r < total else []
            out.append(page[0].id if page else None)
        return out


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value
