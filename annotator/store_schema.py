"""Changing a project's annotation schema: refused, listing them, when existing annotations would become invalid."""
from __future__ import annotations

from .problemcounts import refresh_problem_counts
from .projectmeta import store_schema
from .rows import iter_annotated_layers
from .schema import Schema
from .store_state import StoreState
from .storeerrors import StoreError
from .validate import Problem, errors, validate_document


class SchemaConflict(StoreError):
    """A new schema would make existing annotations invalid."""

    def __init__(self, problems: list[tuple[str, Problem]]):
        self.problems = problems
        lines = [f"{doc}: {p.message}" for doc, p in problems[:50]]
        more = len(problems) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        super().__init__(
            f"the new schema would make {len(problems)} existing annotation(s) invalid:\n  "
            + "\n  ".join(lines)
        )


def schema_conflicts(state: StoreState, schema: Schema, where: str = "", params: list | None = None) -> list[tuple[str, Problem]]:
    """The errors that ``schema`` finds in the stored documents (those selected by ``where`` over ``documents d``),
    in every layer (a named layer's are reported as ``doc [layer]``)."""
    problems: list[tuple[str, Problem]] = []
    for adoc in iter_annotated_layers(state.db, where, params or []):
        for p in errors(validate_document(schema, adoc)):
            name = f"{adoc.document.id} [{adoc.layer}]" if adoc.layer else adoc.document.id
            problems.append((name, p))
    return problems


def change_schema(state: StoreState, schema: Schema) -> None:
    """Replace the project's schema, or raise :class:`SchemaConflict`; refreshes every document's problem counts."""
    with state.writing():  # the check and the change under one lock
        problems = schema_conflicts(state, schema)
        if problems:
            raise SchemaConflict(problems)
        store_schema(state.db, schema)
        state.schema_cache = schema
        # the new schema may require roles the old one did not
        refresh_problem_counts(state.db, schema)
