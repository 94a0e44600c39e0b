"""OneIE/TextEE records' column types for ``datasets``: ``load_dataset("json", ..., features=oneie_features())``.

TextEE's shape has lists that are often empty (``relation_mentions``, our
``nested_arguments``); when one is empty on every line of the first 10 MB
that ``datasets`` reads to type the columns, a later line that fills it
cannot be cast.  Passing these features makes any export load.  ``datasets``
is imported only when this is called.
"""
from __future__ import annotations

from typing import Any

__all__ = ["oneie_features"]


def oneie_features() -> Any:
    """``datasets.Features`` of one record as :mod:`annotator.formats.oneie` writes it."""
    from datasets import Features, List, Value

    text = Value("string")
    index = Value("int64")
    place = {"start": index, "end": index, "text": text, "offset_start": index, "offset_end": index}
    argument = {"entity_id": text, "role": text, **place}
    return Features({
        "doc_id": text,
        "wnd_id": text,
        "text": text,
        "lang": text,
        "tokens": List(text),
        "entity_mentions": List({"id": text, "start": index, "end": index, "entity_type": text, "text": text,
                                 "offset_start": index, "offset_end": index}),
        "relation_mentions": List({"id": text, "relation_type": text, "arguments": List(argument)}),
        "event_mentions": List({"id": text, "event_type": text, "trigger": place, "arguments": List(argument),
                                "nested_arguments": List({"event_id": text, "role": text})}),
    })
