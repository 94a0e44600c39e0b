"""Checks and loss counts shared by the JSON formats that list spans by offsets (doccano, Prodigy).

Shared code lives here, not in either format's module, so that changing one
format never touches the other.
"""
from __future__ import annotations

from typing import Any

from annotator.formats.errors import FormatError
from annotator.formats.jsonvalues import js, json_type
from annotator.formats.spec import ExportReport
from annotator.model import ENTITY, AnnotatedDocument, Relation, Span

__all__ = ["check_extent", "count_losses", "js", "json_type"]


def _is_int(value: Any) -> bool:
    return type(value) is int


def check_extent(start: Any, end: Any, length: int, what: str, where: str, line: int | None) -> tuple[int, int]:
    """``(start, end)`` when both are integers with ``0 <= start < end <= length``; else FormatError."""
    err = FormatError
    if not _is_int(start) or not _is_int(end):
        raise err(where, line, f"{what}: offsets must be integers, got {js(start)} and {js(end)}")
    if start > end:
        raise err(where, line, f"{what}: start {start} is after end {end}")
    if start < 0 or end > length:
        raise err(where, line, f"{what}: offsets {start}-{end} are outside the text (length {length})")
    if start == end:
        raise err(where, line, f"{what}: offsets {start}-{end} cover no text")
    return start, end


def count_losses(adoc: AnnotatedDocument, report: ExportReport, name: str) -> None:
    """Count what a spans-and-relations format cannot hold: events, fragments, attributes, notes, ..."""
    ents = [s for s in adoc.spans if s.kind == ENTITY]
    report.leave_out(f"events ({name} has no events)", len(adoc.events))
    report.leave_out(f"event triggers ({name} has no events)", len(adoc.spans) - len(ents))
    report.leave_out(f"event arguments ({name} has no events)", sum(len(e.arguments) for e in adoc.events))
    report.leave_out(
        f"discontinuous pieces: spans written as their outer extent ({name} has one range per span)",
        sum(1 for s in ents if s.fragments and len(s.fragments) > 1),
    )
    anns: list[Span | Relation] = [*ents, *adoc.relations]
    report.leave_out(f"attribute values ({name} has no attributes)", sum(len(a.attributes) for a in anns))
    report.leave_out(f"notes ({name} has no notes)", sum(1 for a in anns if a.note))
    report.leave_out(f"normalizations ({name} has none)", sum(len(a.normalizations) for a in anns))
    report.leave_out(f"annotator names on annotations ({name} has none)", sum(1 for a in anns if a.annotator))
    ent_ids = {s.id for s in ents}
    report.leave_out(
        f"relations with an end that is not an entity ({name} links entities)",
        sum(1 for r in adoc.relations if r.head not in ent_ids or r.tail not in ent_ids),
    )
    if adoc.document.status != "new":
        report.leave_out(f"document statuses ({name} has none)")
    if adoc.document.name != adoc.document.id:
        report.leave_out(f"document names that differ from the id ({name} has none)")
