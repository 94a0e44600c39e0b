"""Counting review decisions that a format cannot carry, in its export report, in one wording for all formats."""
from __future__ import annotations

from annotator.formats.spec import ExportReport
from annotator.model import AnnotatedDocument

__all__ = ["count_reviewed", "leave_out_reviews", "review_loss"]


def review_loss(fmt: str) -> str:
    """The report's name for review decisions ``fmt`` leaves out (``left out <this>: N``)."""
    return f"review decisions (accepted/rejected/corrected, reviewer, comment; {fmt} has none)"


def count_reviewed(adoc: AnnotatedDocument) -> int:
    """How many entities, triggers, events, arguments and relations of ``adoc`` carry a review decision."""
    n = sum(1 for s in adoc.spans if s.review)
    n += sum(bool(e.review) + sum(1 for a in e.arguments if a.review) for e in adoc.events)
    return n + sum(1 for r in adoc.relations if r.review)


def leave_out_reviews(adoc: AnnotatedDocument, report: ExportReport, fmt: str) -> None:
    """Count in ``report`` the review decisions of ``adoc`` (each reviewed annotation once); nothing when none."""
    report.leave_out(review_loss(fmt), count_reviewed(adoc))
