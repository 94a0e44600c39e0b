"""Every layer's annotations of one document at once, with ids made distinct by their layer's name (no Qt).

What the text view draws of the overlay says whose each annotation is at a
glance, the way the comparison view names its sides (``PER·A`` / ``PER·B``):
a tag reads ``ORG·D`` (Dana's) / ``ORG·B`` (Bob's), in the type's colour
(:meth:`Overlay.view_span`, :meth:`Overlay.view_colors`).  A layer's letter
is the shortest start of its name no other layer of the project shares
(:func:`short_tags`: ``dana`` -> ``D``, but ``Da`` beside ``default``), so
tags stay short enough for short words, and the same in every document; the
status bar spells them out.  The letter comes last, so that the view's
shortening ladder (:func:`annotator.qt.label_fit.fit_label`: the part after
the last dot, then an ellipsis) keeps it as long as it can:
``Life.Die·B`` -> ``Die·B``.  The stored annotations keep their own types;
the tooltip and the Annotations panel name the layer in full.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..model import AnnotatedDocument, Span, layer_title

#: Between a layer's name and an annotation's own id in the overlay: ``Dana:T1``, ``gold:E2``, ``default:T3``.
SEPARATOR = ":"
#: Between an annotation's type and its layer's letter in the view's tags: ``ORG·D``.
TAG_SEPARATOR = "\u00b7"
#: Characters the shortening ladder cuts at (it keeps what follows the last one), drawn as look-alikes in a
#: layer's tag so that a tag of layer ``j.smith`` never shortens to a part of the name without the type.
_LADDER_CUTS = str.maketrans({".": "\u2024", ":": "\u2236"})
_L = TypeVar("_L", bound=Any)  # an arc: a frozen dataclass with ``label`` and ``owner``


def short_tags(layers: list[str]) -> dict[str, str]:
    """Each layer's tag: the shortest start of its title (capitalised) that starts no other layer's title.

    ``short_tags(["", "Dana", "Bob", "gold"]) == {"": "De", "Dana": "Da", "Bob": "B", "gold": "G"}``.
    Compared without case; a title that starts another one (``bob`` and
    ``bobby``) or equals one without case (``Bob`` and ``bob``) is its tag
    whole and as it is, so no two tags are the same.
    """
    titles = {layer: layer_title(layer) for layer in dict.fromkeys(layers)}
    folded = {layer: t.casefold() for layer, t in titles.items()}
    out: dict[str, str] = {}
    for layer, title in titles.items():
        others = [f for other, f in folded.items() if other != layer]
        tag = title
        for k in range(1, len(title) + 1):
            start = folded[layer][:k]
            if len(start) == k and not any(f.startswith(start) for f in others):
                while k < len(title) and not title[k - 1].isalnum():  # "j.s", not "j."
                    k += 1
                tag = title[:1].upper() + title[1:k]
                break
        out[layer] = tag.translate(_LADDER_CUTS)
    return out


def tag_label(label: str, tag: str) -> str:
    """The tag the overlay draws for a ``label`` annotation of the layer tagged ``tag``: ``ORG·D``."""
    return f"{label}{TAG_SEPARATOR}{tag}"


def overlay_id(layer: str, ann_id: str) -> str:
    """The id an annotation of ``layer`` has in the overlay (``overlay_id("", "T1") == "default:T1"``)."""
    return f"{layer_title(layer)}{SEPARATOR}{ann_id}"


@dataclass
class Overlay:
    """The overlaid document and, for each of its ids, the layer it comes from and its id there."""

    document: AnnotatedDocument
    origin: dict[str, tuple[str, str]] = field(default_factory=dict)  # overlay id -> (layer, id in the layer)
    layers: list[str] = field(default_factory=list)  # the layers overlaid, in their order
    tags: dict[str, str] = field(default_factory=dict)  # layer -> its tag in the view (short_tags)

    def layer_of(self, ann_id: str) -> str | None:
        """The layer of an overlay id (None for an id not in the overlay)."""
        got = self.origin.get(ann_id)
        return got[0] if got is not None else None

    def view_span(self, span: Span) -> Span:
        """``span`` as the view draws it: a copy whose label ends with its layer's tag (``ORG·D``)."""
        got = self.origin.get(span.id)
        if got is None:
            return span
        shown = copy.copy(span)
        shown.label = tag_label(span.label, self.tags.get(got[0]) or layer_title(got[0]))
        return shown

    def view_spans(self, spans: list[Span]) -> list[Span]:
        """:meth:`view_span` of each of ``spans``."""
        return [self.view_span(s) for s in spans]

    def view_links(self, links: list[_L]) -> list[_L]:
        """Arcs (:class:`annotator.qt.arcs.Link`) as the view draws them: each role ends with its owner's tag."""
        out = []
        for link in links:
            got = self.origin.get(link.owner)
            if got is not None:
                tag = self.tags.get(got[0]) or layer_title(got[0])
                link = dataclasses.replace(link, label=tag_label(link.label, tag))
            out.append(link)
        return out

    def view_colors(self, colors: dict[str, str]) -> dict[str, str]:
        """``colors`` (type -> colour) with each type's colour for its tag in every layer (``ORG·D``)."""
        out = dict(colors)
        for tag in self.tags.values():
            out.update((tag_label(name, tag), color) for name, color in colors.items())
        return out


def overlay_document(parts: list[AnnotatedDocument], names: list[str] | None = None) -> Overlay:
    """One document holding the annotations of ``parts`` (one per layer, same text), each id prefixed by its layer.

    References (an event's trigger, its arguments' fillers, a relation's
    ends) are renamed with the same prefix, so each layer's annotations stay
    linked among themselves and never to another layer's.  Each part's
    ``layer`` says which layer it is.  ``parts`` must not be empty.
    ``names``: every layer of the project, whose :func:`short_tags` the tags
    are (so a layer has the same tag in every document); by default the parts'.
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
    layers = [part.layer for part in parts]
    return Overlay(doc, origin, layers, short_tags([*(names or []), *layers]))


__all__ = ["SEPARATOR", "TAG_SEPARATOR", "Overlay", "overlay_document", "overlay_id", "short_tags", "tag_label"]
