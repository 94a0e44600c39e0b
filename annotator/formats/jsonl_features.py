"""The native JSONL's column types for ``datasets``: ``load_dataset("json", data_files=..., features=jsonl_features())``.

Without ``features``, ``datasets`` types each column from the first 10 MB of
the file.  The JSONL writer makes that work whatever the later lines hold
(see :mod:`annotator.formats.jsonl`), with one exception that no JSON shape
can avoid: a list that is empty on every line of the first 10 MB (no
document there has an event, say) is typed as a list of nulls, and a later
line that fills it cannot be cast.  Passing these features removes that
exception.  ``datasets`` is imported only when this is called.
"""
from __future__ import annotations

from typing import Any

__all__ = ["jsonl_features"]


def jsonl_features() -> Any:
    """``datasets.Features`` of one native JSONL line (attributes, meta and normalizations are JSON text)."""
    from datasets import Features, List, Value

    text = Value("string")
    offset = Value("int64")
    review = {"review": text, "reviewer": text, "review_note": text}
    common = {"attributes": text, "note": text, "annotator": text, **review, "normalizations": text}
    pieces = List(List(offset))
    return Features({
        "id": text,
        "name": text,
        "text": text,
        "meta": text,
        "status": text,
        "entities": List({"id": text, "start": offset, "end": offset, "label": text, "text": text,
                          "fragments": pieces, **common}),
        "events": List({"id": text, "type": text,
                        "trigger": {"start": offset, "end": offset, "text": text, "fragments": pieces},
                        "arguments": List({"role": text, "ref": text, "annotator": text, **review}), **common}),
        "relations": List({"id": text, "type": text, "head": text, "tail": text, **common}),
    })
