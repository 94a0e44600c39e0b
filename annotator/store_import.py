"""Bulk import: many whole documents with their annotations, validated and written in one transaction."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from .migrations import N_ANNOTATIONS_SQL
from .model import DEFAULT_LAYER, STATUSES, AnnotatedDocument, layer_title
from .problemcounts import LAYER_SUMS_SQL, problem_counts, refresh_problem_counts
from .projectmeta import store_schema
from .quoting import ident
from .rows import BulkWriter, checksum, dumps, iter_annotated_layers, now
from .schema import Schema
from .store_documents import ProjectDocuments
from .store_schema import SchemaConflict
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import Problem, errors, validate_document


class BulkImport:
    """Writes whole documents through :class:`~annotator.rows.BulkWriter`, all or nothing."""

    def __init__(self, state: StoreState, documents: ProjectDocuments) -> None:
        self.state = state
        self.documents = documents

    def import_documents(
        self,
        docs: Iterable[AnnotatedDocument],
        *,
        replace: bool = False,
        annotator: str | None = None,
        on_error: Callable[[AnnotatedDocument, str], Exception] | None = None,
        progress: Callable[[int], None] | None = None,
        validate: bool = True,
        schema: Schema | None = None,
        layer: str = "",
    ) -> int:
        """Insert whole documents with their annotations, in one transaction; returns how many.

        The annotations go into ``layer``.  A document id the project has
        already: into an annotator's (or the gold) layer, the document gains
        that layer if its text is the same (another text is refused, with both
        checksums), and a layer it has already is refused unless ``replace``,
        which replaces that layer only.  Into the default layer, the id is
        refused unless ``replace``, which replaces the document (its other
        layers are kept when the text is the same; with another text it is
        refused while other layers depend on its offsets).

        With ``schema``, the documents are checked against it and it becomes
        the project's schema in the same transaction (see
        :meth:`annotator.store.Project.import_documents`).
        """
        st = self.state
        new_schema = schema
        if schema is None:
            schema = st.schema
        make_error = on_error or (lambda d, msg: StoreError(f"document {d.document.id}: {msg}"))
        n = 0
        seen: set[str] = set()
        touched: list[int] = []  # stored documents that gained a layer: their counts are summed again
        st.forget_documents()
        with _import_cache(st), st.writing():
            # Under the write lock: the ids present and the next pks are read
            # in the transaction that uses them.  Each id is looked up in the
            # unique index as it comes (not every id of the project loaded
            # first: that cost grew with the project, not with the import).
            lookup = st.conn.execute
            bulk = BulkWriter(st.db)
            had_documents = bulk.next["documents"] > 1  # into an empty project: no id to look up
            first_new_pk = bulk.next["documents"]
            for adoc in docs:
                doc = adoc.document
                if doc.id in seen:
                    raise make_error(adoc, f"duplicate document id {doc.id!r}")
                seen.add(doc.id)
                if doc.status not in STATUSES:
                    raise make_error(adoc, f"unknown status {doc.status!r}")
                # One validation gives both the verdict and the stored problem
                # counts; with validate=False a document with errors is stored
                # anyway (its counts say so).
                problems = validate_document(schema, adoc)
                if validate:
                    errs = errors(problems)
                    if errs:
                        raise make_error(adoc, errs[0].message)
                row = lookup("SELECT pk, checksum FROM documents WHERE id = ?", (doc.id,)).fetchone() \
                    if had_documents else None
                into: int | None = None  # the stored document that gains (or gets back) this layer
                if row is not None:
                    into = self._existing(adoc, row[0], row[1], layer, replace, make_error)
                    if into is not None:
                        touched.append(into)
                try:
                    bulk.add(adoc, annotator, problem_counts(problems), layer=layer, doc_pk=into)
                except ValueError as exc:  # a malformed normalization, when not validated
                    raise make_error(adoc, str(exc)) from None
                n += 1
                if progress is not None:
                    progress(n)
            bulk.flush()
            if touched:
                self._recount(touched)
            if new_schema is not None:
                self._adopt_schema(new_schema, first_new_pk, check=validate)
        st.forget_documents()  # replaced documents have new pks
        if new_schema is not None:
            st.schema_cache = new_schema  # only now that it is committed
        return n

    def _existing(
        self, adoc: AnnotatedDocument, pk: int, stored_sum: str | None, layer: str, replace: bool,
        make_error: Callable[[AnnotatedDocument, str], Exception],
    ) -> int | None:
        """Make room for ``adoc`` whose id is stored (row ``pk``); its layer's annotations then go into that row.

        Returns ``pk`` when the stored document stays and gains the layer, None
        when it was deleted (the default layer's ``replace`` of a document
        with no other layer, or with another text): ``adoc`` is then added anew.
        """
        db = self.state.db
        doc = adoc.document
        same_text = self._checksum(pk, stored_sum) == checksum(doc.text)
        if layer != DEFAULT_LAYER:
            if not same_text:
                theirs = checksum(doc.text)
                raise make_error(adoc, (
                    f"document {ident(doc.id)} has another text in the project (checksum "
                    f"{self._checksum(pk, stored_sum)[:12]} there, {theirs[:12]} here); {layer_title(layer)}'s "
                    "layer can only be added to the same text"))
            if db.execute("SELECT 1 FROM layers WHERE doc = ? AND name = ?", [pk, layer]).fetchone() is not None:
                if not replace and self._holds(pk, layer):  # a layer emptied by deletes is taken without asking
                    raise make_error(adoc, (
                        f"document {ident(doc.id)} already has {layer_title(layer)}'s layer "
                        "(`annotator import --replace` replaces that layer)"))
                self.documents.delete_layer_rows(pk, layer)
            return pk
        if not replace:
            raise make_error(adoc, f"document id {doc.id!r} already exists in the project (`annotator import --replace` overwrites it)")
        others = [r[0] for r in db.execute(
            "SELECT name FROM layers WHERE doc = ? AND name != ? ORDER BY name", [pk, DEFAULT_LAYER])]
        if not others:
            self.documents.delete_rows(pk)
            return None
        if not same_text:
            shown = ", ".join(layer_title(n) for n in others[:5])
            raise make_error(adoc, (
                f"document {ident(doc.id)} has other layers ({shown}) whose offsets are into its text; "
                "it cannot be replaced by another text"))
        db.execute("UPDATE documents SET name = ?, meta = ?, status = ? WHERE pk = ?",
                   [doc.name or doc.id, dumps(doc.meta) if doc.meta else "{}", doc.status, pk])
        self.documents.delete_layer_rows(pk, DEFAULT_LAYER)
        return pk

    def _checksum(self, pk: int, stored: str | None) -> str:
        """The stored text's checksum (computed from the text when an old row lacks it)."""
        if stored:
            return stored
        row = self.state.db.execute("SELECT text FROM texts WHERE doc = ?", [pk]).fetchone()
        return checksum(row[0] if row else "")

    def _holds(self, pk: int, layer: str) -> bool:
        """Whether document ``pk`` has any annotation in ``layer``."""
        return self.state.db.execute(
            "SELECT EXISTS (SELECT 1 FROM spans WHERE doc = ? AND layer = ?) "
            "OR EXISTS (SELECT 1 FROM relations WHERE doc = ? AND layer = ?)", [pk, layer, pk, layer]).fetchone()[0]

    def _recount(self, pks: list[int]) -> None:
        """A document's annotation and problem counts over all its layers, after layers were added or replaced."""
        self.state.db.conn.executemany(
            f"UPDATE documents SET n_annotations = {N_ANNOTATIONS_SQL.replace('d.pk', 'documents.pk')}, "
            f"{LAYER_SUMS_SQL}, updated = ? WHERE pk = ?",
            [(now(), pk) for pk in sorted(set(pks))])

    def _adopt_schema(self, schema: Schema, first_new_pk: int, *, check: bool) -> None:
        """Store ``schema`` (inside the import's transaction) after checking the documents that were there before.

        Those documents (pk below ``first_new_pk``: the replaced ones are gone)
        must have no error under ``schema`` (unless ``check`` is off), as
        :meth:`annotator.store.Project.set_schema` requires; their problem
        counts are recomputed, since ``schema`` may require other roles.
        """
        db = self.state.db
        conflicts: list[tuple[str, Problem]] = []
        if check:
            for adoc in iter_annotated_layers(db, "WHERE d.pk < ?", [first_new_pk]):
                conflicts.extend((adoc.document.id, p) for p in errors(validate_document(schema, adoc)))
        if conflicts:
            raise SchemaConflict(conflicts)
        store_schema(db, schema)
        refresh_problem_counts(db, schema)  # every layer's, and the documents' sums


#: SQLite's page cache during a bulk import, in KiB (the connection's own setting is put back after).
IMPORT_CACHE_KIB = 65536


@contextmanager
def _import_cache(state: StoreState) -> Iterator[None]:
    """A larger page cache for the import: the pages of the indexes that take keys out of order (document
    ids and names) stay in memory instead of being read back from a WAL that grows with the transaction."""
    db = state.db
    old = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(old)}")
