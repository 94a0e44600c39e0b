"""Reading annotations: whole documents (one or streamed), a range of text, a neighbourhood of ids, counts by label."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from .model import STATUSES, AnnotatedDocument, Argument, Document, Event, Relation, Span, layer_order
from .rows import iter_annotated_rows, load_normalizations, span_from_row
from .store_annrows import layer_of
from .store_documents import ProjectDocuments
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import Problem, validate_document


class AnnotationReads:
    """Queries over the spans, events, arguments and relations of a project; nothing here writes."""

    def __init__(self, state: StoreState, documents: ProjectDocuments) -> None:
        self.state = state
        self.documents = documents

    # ------------------------------------------------------------------ whole documents

    def get_annotated(self, doc_id: str, layer: str | None = None) -> AnnotatedDocument:
        """One document with all its annotations in one layer (the working layer unless ``layer``)."""
        pk = self.state.doc_pk(doc_id, layer)
        for adoc in iter_annotated_rows(self.state.conn, "WHERE d.pk = ?", [pk], layer=pk.layer):
            return adoc
        raise StoreError(f"no document with id {doc_id!r}")  # pragma: no cover

    def iter_annotated(
        self, statuses: Iterable[str] | None = None, layer: str | None = None,
    ) -> Iterator[AnnotatedDocument]:
        """Stream every document (of ``statuses``, when given) with its annotations in one layer, in import order."""
        layer = self.state.layer if layer is None else layer
        if statuses:
            sts = list(statuses)
            for s in sts:
                if s not in STATUSES:
                    raise StoreError(f"unknown status {s!r} (expected one of {', '.join(STATUSES)})")
            where = f"WHERE d.status IN ({','.join('?' * len(sts))})"
            yield from iter_annotated_rows(self.state.conn, where, sts, layer=layer)
        else:
            yield from iter_annotated_rows(self.state.conn, "", [], layer=layer)

    def problems(self, doc_id: str) -> list[Problem]:
        """Validation problems of one document (errors and incomplete events)."""
        return validate_document(self.state.schema, self.get_annotated(doc_id))

    # ------------------------------------------------------------------ part of a document

    def spans_in_range(self, doc_id: str, start: int, end: int) -> list[Span]:
        """Spans (entities and triggers) of a document that overlap ``[start, end)``."""
        pk = self.state.doc_pk(doc_id)
        rows = self.state.query(
            'SELECT * FROM spans WHERE doc = ? AND layer = ? AND start < ? AND "end" > ? ORDER BY start, "end" DESC',
            [pk, pk.layer, end, start],
        )
        return [span_from_row(r) for r in rows]

    def annotations_in_range(self, doc_id: str, start: int, end: int) -> AnnotatedDocument:
        """The spans overlapping ``[start, end)`` and the events and relations that touch them."""
        pk = self.state.doc_pk(doc_id)
        inside = {s.id for s in self.spans_in_range(doc_id, start, end)}
        adoc = self.neighbourhood(pk, inside)  # those spans and every event or relation touching them
        adoc.document = self.documents.get_document(doc_id)
        spans = [s for s in adoc.spans if s.overlaps(start, end)]
        ids = {s.id for s in spans}
        events = [e for e in adoc.events if e.trigger in ids or any(a.ref in ids for a in e.arguments)]
        rels = [r for r in adoc.relations if r.head in ids or r.tail in ids]
        return AnnotatedDocument(adoc.document, spans, events, rels)

    def fetch(self, doc_id: str, ids: Iterable[str]) -> tuple[list[Span], list[Event], list[Relation]]:
        """The spans, events and relations of a document whose ids are in ``ids``."""
        return self.fetch_pk(self.state.doc_pk(doc_id), set(ids))

    def fetch_pk(self, doc_pk: int, ids: set[str]) -> tuple[list[Span], list[Event], list[Relation]]:
        """:meth:`fetch` for the document of row ``doc_pk``."""
        wanted = [i for i in ids if i]
        if not wanted:
            return [], [], []
        st = self.state
        db = st.conn
        marks = ",".join("?" * len(wanted))
        p = [doc_pk, layer_of(doc_pk), *wanted]
        loads = json.loads
        spans = [span_from_row(r) for r in st.query(
            f"SELECT * FROM spans WHERE doc = ? AND layer = ? AND id IN ({marks}) ORDER BY +seq", p)]
        events: list[Event] = []
        by_pk: dict[int, Event] = {}
        for r in db.execute(
            f"SELECT e.pk, e.id, e.type, t.id, e.attributes, e.note, e.annotator, e.normalizations, "
            f"e.review, e.reviewer, e.review_note FROM events e "
            f"JOIN spans t ON t.pk = e.trigger WHERE e.doc = ? AND e.layer = ? AND e.id IN ({marks}) ORDER BY +e.seq", p
        ):
            ev = Event(id=r[1], type=r[2], trigger=r[3], attributes=loads(r[4]) if r[4] else {},
                       note=r[5] or "", annotator=r[6] or "", normalizations=load_normalizations(r[7]),
                       review=r[8], reviewer=r[9], review_note=r[10])
            by_pk[r[0]] = ev
            events.append(ev)
        if by_pk:
            for r in db.execute(
                f"SELECT a.event, a.role, coalesce(s.id, f.id), a.annotator, a.review, a.reviewer, a.review_note "
                f"FROM arguments a "
                f"LEFT JOIN spans s ON s.pk = a.filler_span LEFT JOIN events f ON f.pk = a.filler_event "
                f"WHERE a.event IN ({','.join('?' * len(by_pk))}) ORDER BY a.event, a.position",
                list(by_pk),
            ):
                by_pk[r[0]].arguments.append(Argument(role=r[1], ref=r[2], annotator=r[3] or "", review=r[4],
                                                      reviewer=r[5], review_note=r[6]))
        relations = [
            Relation(id=r[0], type=r[1], head=r[2], tail=r[3], attributes=loads(r[4]) if r[4] else {},
                     note=r[5] or "", annotator=r[6] or "", normalizations=load_normalizations(r[7]),
                     review=r[8], reviewer=r[9], review_note=r[10])
            for r in db.execute(
                f"SELECT r.id, r.type, h.id, t.id, r.attributes, r.note, r.annotator, r.normalizations, "
                f"r.review, r.reviewer, r.review_note FROM relations r "
                f"JOIN spans h ON h.pk = r.head JOIN spans t ON t.pk = r.tail "
                f"WHERE r.doc = ? AND r.layer = ? AND r.id IN ({marks}) ORDER BY +r.seq", p)
        ]
        return spans, events, relations

    def neighbourhood(self, doc_pk: int, ids: set[str]) -> AnnotatedDocument:
        """The annotations ``ids`` with all that a change to them can touch.

        That is: the events they trigger and the triggers of events among them;
        then every event or relation that refers to any of those; then the
        triggers and fillers of all those events, so the validator sees their
        types.  Returned as a partial document over the real text.
        """
        ids = {i for i in ids if i}
        q = lambda n: ",".join("?" * n)  # noqa: E731
        run = self.state.execute
        layer = layer_of(doc_pk)
        if ids:
            p = [doc_pk, layer, *ids]
            in_spans = lambda n: f"(SELECT pk FROM spans WHERE doc = ? AND layer = ? AND id IN ({q(n)}))"  # noqa: E731
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM events e WHERE e.trigger IN {in_spans(len(ids))}", p)}
            ids |= {r[0] for r in run(
                f"SELECT t.id FROM events e JOIN spans t ON t.pk = e.trigger "
                f"WHERE e.doc = ? AND e.layer = ? AND e.id IN ({q(len(ids))})",
                [doc_pk, layer, *ids])}
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM events e WHERE e.trigger IN {in_spans(len(ids))}", [doc_pk, layer, *ids])}
            # Each lookup goes through an index on the id or the referring column
            # (arguments.filler_*, relations.head/tail), never a scan of the document.
            p = [doc_pk, layer, *ids, doc_pk, layer, *ids]
            ids |= {r[0] for r in run(
                f"SELECT e.id FROM arguments a JOIN events e ON e.pk = a.event "
                f"WHERE a.filler_span IN {in_spans(len(ids))} "
                f"OR a.filler_event IN (SELECT pk FROM events WHERE doc = ? AND layer = ? AND id IN ({q(len(ids))}))", p)}
            p = [doc_pk, layer, *ids, doc_pk, layer, *ids]
            ids |= {r[0] for r in run(
                f"SELECT r.id FROM relations r "
                f"WHERE r.head IN {in_spans(len(ids))} OR r.tail IN {in_spans(len(ids))}", p)}
        spans, events, relations = self.fetch_pk(doc_pk, ids)
        have = {s.id for s in spans} | {e.id for e in events}
        for _ in range(2):  # triggers and fillers, then the triggers of filler events
            need = set()
            for e in events:
                need.add(e.trigger)
                need.update(a.ref for a in e.arguments)
            for r in relations:
                need.update((r.head, r.tail))
            need -= have
            if not need:
                break
            s2, e2, _r = self.fetch_pk(doc_pk, need)
            spans += s2
            events += e2
            have |= {s.id for s in s2} | {e.id for e in e2}
        row = run("SELECT id FROM documents WHERE pk = ?", [doc_pk]).fetchone()
        return AnnotatedDocument(Document(id=row[0], text=self.state.text(doc_pk)), spans, events, relations, layer)

    # ------------------------------------------------------------------ layers

    def layers(self, doc_id: str | None = None) -> list[str]:
        """The layers of one document or of the project: "" first, names alphabetically, "gold" last."""
        if doc_id is None:
            names = [r[0] for r in self.state.execute("SELECT name FROM layer_names")]
        else:
            names = [r[0] for r in self.state.execute(
                "SELECT name FROM layers WHERE doc = ?", [int(self.state.doc_pk(doc_id))])]
        return sorted(names, key=layer_order)

    # ------------------------------------------------------------------ statistics

    def role_counts(self, exclude_doc: str | None = None) -> dict[tuple[str, str, str], int]:
        """How often each (event type, filler type, role) is used, over every document but ``exclude_doc``."""
        where, params = ("WHERE a.doc != ?", [self.state.doc_pk(exclude_doc)]) if exclude_doc else ("", [])
        rows = self.state.execute(
            "SELECT e.type, coalesce(s.label, f.type), a.role, count(*) FROM arguments a "
            "JOIN events e ON e.pk = a.event LEFT JOIN spans s ON s.pk = a.filler_span "
            f"LEFT JOIN events f ON f.pk = a.filler_event {where} GROUP BY 1, 2, 3", params)
        return {(et, ft, role): n for et, ft, role, n in rows if ft is not None}

    def counts_by_label(self, doc_id: str | None = None, layer: str | None = None) -> dict[str, int]:
        """Entities by label, events by type and relations by type (of one document, or all), in one layer."""
        layer = self.state.layer if layer is None else layer
        where, params = (
            ("WHERE doc = ? AND layer = ?", [self.state.doc_pk(doc_id), layer]) if doc_id else ("WHERE layer = ?", [layer]))
        counts: dict[str, int] = {}
        conj = "AND" if where else "WHERE"
        db = self.state.conn
        for label, n in db.execute(
            f"SELECT label, count(*) FROM spans {where} {conj} kind = 'entity' GROUP BY label ORDER BY label", params
        ):
            counts[label] = n
        for table, col in (("events", "type"), ("relations", "type")):
            for label, n in db.execute(
                f"SELECT {col}, count(*) FROM {table} {where} GROUP BY {col} ORDER BY {col}", params
            ):
                counts[label] = counts.get(label, 0) + n
        return counts
