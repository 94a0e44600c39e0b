"""Annotation ids: fresh ``T``/``E``/``R`` numbers per document, and refusing an id already in use."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .store_annrows import layer_of
from .store_state import StoreState
from .storeerrors import StoreError


#: The prefixes of the ids the store hands out: spans, events, relations.
PREFIXES = ("T", "E", "R")


def highest_number(execute: Callable[[str, list[Any]], Any], doc_pk: int, layer: str, prefix: str) -> int:
    """The highest number after ``prefix`` in the ids of a document's layer (0 if none), over spans, events and
    relations; ``execute`` runs one statement (any connection to the file)."""
    n = 0
    for t in ("spans", "events", "relations"):
        row = execute(
            f"SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM {t} "
            f"WHERE doc = ? AND layer = ? AND id GLOB ? AND substr(id, ?) NOT GLOB '*[^0-9]*'",
            [len(prefix) + 1, int(doc_pk), layer, prefix + "[0-9]*", len(prefix) + 1],
        ).fetchone()
        n = max(n, row[0] or 0)
    return n


class IdAllocator:
    """Hands out annotation ids; the highest number per document, layer and prefix is read once, then counted up."""

    def __init__(self, state: StoreState) -> None:
        self.state = state

    def taken(self, doc_pk: int, ident: str) -> bool:
        """True when a span, event or relation of the document has this id."""
        run = self.state.execute
        return any(
            run(f"SELECT 1 FROM {t} WHERE doc = ? AND layer = ? AND id = ?", [doc_pk, layer_of(doc_pk), ident]).fetchone()
            for t in ("spans", "events", "relations")
        )

    def fresh(self, doc_pk: int, prefix: str) -> str:
        """The prefix with one more than the highest number used after it in this document.

        The highest number is read once per document and prefix, then counted
        up here; ids are never reused within a session, even after a delete.
        """
        counters = self.state.id_counters
        key = (int(doc_pk), layer_of(doc_pk), prefix)
        n = counters.get(key)
        if n is None:
            n = self._max_number(doc_pk, prefix)
        while self.taken(doc_pk, f"{prefix}{n + 1}"):  # e.g. written by another process
            n += 1
        counters[key] = n + 1
        return f"{prefix}{n + 1}"

    def _max_number(self, doc_pk: int, prefix: str) -> int:
        return highest_number(self.state.execute, doc_pk, layer_of(doc_pk), prefix)

    def prime(self, doc_pk: int, highest: dict[str, int]) -> None:
        """Take the highest numbers after each prefix, read elsewhere (the window's loader reads them off
        the GUI thread: 83 ms at 208,000 spans), so that the first new id does not read them again.

        A number read from an older snapshot is safe: :meth:`fresh` still skips ids that are taken.
        """
        counters = self.state.id_counters
        for prefix, n in highest.items():
            key = (int(doc_pk), layer_of(doc_pk), prefix)
            counters[key] = max(counters.get(key, 0), n)

    def new_id(self, doc_id: str, prefix: str) -> str:
        """A fresh annotation id (``T``, ``E`` or ``R`` followed by a number)."""
        return self.fresh(self.state.doc_pk(doc_id), prefix)

    def claim(self, doc_pk: int, ident: str, prefix: str, what: str, doc_id: str) -> str:
        """``ident`` if it is free (refused when taken); a fresh id when it is empty."""
        if not ident:
            return self.fresh(doc_pk, prefix)
        if self.taken(doc_pk, ident):
            raise StoreError(f"{what} id {ident!r} is already used in document {doc_id}")
        return ident
