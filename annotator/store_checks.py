"""What the store refuses on a single write: offsets outside the text, unknown types and attributes, new errors nearby."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import ENTITY, TRIGGER, AnnotatedDocument, Span
from .store_reads import AnnotationReads
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import errors, validate_document


class WriteChecks:
    """Checks a single write against the text, the schema and the annotations it can affect."""

    def __init__(self, state: StoreState, reads: AnnotationReads) -> None:
        self.state = state
        self.reads = reads

    def check_span(self, text: str, span: Span) -> None:
        """Refuse a span outside ``text``, with fragments that do not fit, or of a type the schema lacks."""
        n = len(text)
        if not (isinstance(span.start, int) and isinstance(span.end, int) and 0 <= span.start < span.end <= n):
            raise StoreError(f"span {span.id}: offsets {span.start}-{span.end} outside the text (length {n})")
        if span.fragments:
            prev = span.start
            for s, e in span.fragments:
                if not (prev <= s < e <= span.end):
                    raise StoreError(f"span {span.id}: fragment {s}-{e} does not fit {span.start}-{span.end}")
                prev = e
        kind = self.state.schema.label_kind(span.label)
        if span.kind == ENTITY and kind != "entity":
            raise StoreError(f"span {span.id}: unknown entity type {span.label!r}")
        if span.kind == TRIGGER and kind != "trigger":
            raise StoreError(f"span {span.id}: unknown event type {span.label!r}")
        self.check_attributes(span.label, span.attributes, f"span {span.id}")

    def check_attributes(self, type_name: str, attributes: dict[str, Any], what: str) -> None:
        """Refuse attributes the schema does not define for ``type_name``, or values it does not allow."""
        allowed = {a.name: a for a in self.state.schema.attributes_for(type_name)}
        for name, value in attributes.items():
            a = allowed.get(name)
            if a is None:
                raise StoreError(f"{what}: attribute {name!r} is not defined for {type_name}")
            if a.values:
                if value not in a.values:
                    raise StoreError(
                        f"{what}: attribute {name} does not allow {value!r} (allowed: {', '.join(a.values)})"
                    )
            elif not isinstance(value, bool):
                raise StoreError(f"{what}: attribute {name} is a flag and takes true or false, not {value!r}")

    def check_local(self, doc_pk: int, ids: set[str], mutate: Callable[[AnnotatedDocument], None]) -> None:
        """Validate the neighbourhood of ``ids`` as it would be after ``mutate``: refuse new errors.

        Only the annotations a change can affect are read (see
        :meth:`AnnotationReads.neighbourhood`), so a write costs the same in a
        document of ten spans or ten thousand.
        """
        schema = self.state.schema
        adoc = self.reads.neighbourhood(doc_pk, ids)
        before = {p.message for p in errors(validate_document(schema, adoc))}
        mutate(adoc)
        for p in errors(validate_document(schema, adoc)):
            if p.message not in before:
                raise StoreError(p.message)
