"""Every layer's annotations of one document at once, with ids made distinct by their layer's name (no Qt)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..model import AnnotatedDocument, layer_title

#: Between a layer's name and an annotation's own id in the overlay: ``Dana:T1``, ``gold:E2``, ``default:T3``.
SEPARATOR = ":"


def overlay_id(layer: str, ann_id: str) -> str:
    """The id an annotation of ``layer`` has in the overlay (``overlay_id("", "T1") == "default:T1"``)."""
    return f"{layer_title(layer)}{SEPARATOR}{ann_id}"


@dataclass
class Overlay:
    """The overlaid document and, for each of its ids, the layer it comes from and its id there."""

    document: AnnotatedDocument
    origin: dict[str, tuple[str, str]] = field(default_factory=dict)  # overlay id -> (layer, id in the layer)

    def layer_of(self, ann_id: str) -> str | None:
        """The layer of an overlay id (None for an id not in the overlay)."""
        got = self.origin.get(ann_id)
        return got[0] if got is not None else None


def overlay_document(parts: list[AnnotatedDocument]) -> Overlay:
    """One document holding the annotations of ``parts`` (one per layer, same text), each id prefixed by its layer.

    References (an event's trigger, its arguments' fillers, a relation's
    ends) are renamed with the same prefix, so each layer's annotations stay
    linked among themselves and never to another layer's.  Each part's
    ``layer`` says which layer it is.  ``parts`` must not be empty.
    """
    if not parts:
        raise ValueError("an overlay needs at least one layer")
    origin: dict[str, tuple[str, str]] = {}
    spans, events, relations = [], [], []
    for part in parts:
        layer = part.layer

        def new(ann_id: str, layer: str = layer) -> str:
            return overlay_id(layer, ann_id)

        for s in part.spans:
            origin[new(s.id)] = (layer, s.id)
            spans.append(dataclasses.replace(s, id=new(s.id)))
        for e in part.events:
            origin[new(e.id)] = (layer, e.id)
            args = [dataclasses.replace(a, ref=new(a.ref)) for a in e.arguments]
            events.append(dataclasses.replace(e, id=new(e.id), trigger=new(e.trigger), arguments=args))
        for r in part.relations:
            origin[new(r.id)] = (layer, r.id)
            relations.append(dataclasses.replace(r, id=new(r.id), head=new(r.head), tail=new(r.tail)))
    doc = AnnotatedDocument(parts[0].document, spans, events, relations)
    return Overlay(doc, origin)


__all__ = ["SEPARATOR", "Overlay", "overlay_document", "overlay_id"]
