"""The annotation view's link (arc) API, passed on to its arc layer (:mod:`annotator.qt.view_arcs`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect

from annotator.qt.arcs import Link

if TYPE_CHECKING:
    from annotator.qt.view_arcs import ArcLayer


class ViewLinks:
    """Mixed into :class:`~annotator.qt.textview.AnnotationView`: links are drawn by ``self.arcs``."""

    arcs: ArcLayer

    def set_links(self, links: list[Link]) -> None:
        """Replace all links (arcs) of the document and repaint."""
        self.arcs.set_links(links)

    def add_link(self, link: Link) -> None:
        """Draw one more link; only the paragraphs of its two ends are laid out again."""
        self.arcs.add_link(link)

    def add_links(self, links: list[Link]) -> None:
        """Draw many more links at once (a slice of a loading document)."""
        if links:
            self.arcs.add_links(links)

    def remove_link(self, link_id: str) -> None:
        """Stop drawing ``link_id``."""
        self.arcs.remove_link(link_id)

    def links(self) -> dict[str, Link]:
        """The links shown, by id (read-only view for callers)."""
        return self.arcs.links()

    def set_highlight(self, owner: str | None, span_ids: set[str] | frozenset[str] = frozenset()) -> None:
        """Draw ``owner``'s arcs and ``span_ids`` strong, fade the rest (``None`` and no spans: off).

        Nothing is repainted when the highlight stays as it is (every edit asks again)."""
        arcs = self.arcs
        owner = owner or None
        if owner == arcs.hl_owner:
            strong = set(span_ids)
            if owner is not None:
                links = arcs.index.links
                for lid in arcs.index.by_owner.get(owner, ()):
                    strong.update((links[lid].source, links[lid].target))
            if strong == arcs.hl_spans:
                return
        arcs.set_highlight(owner, span_ids)

    def set_arcs_mode(self, mode: str) -> None:
        """``"all"`` arcs (default) or only the ``"selected"`` (highlighted owner's) ones."""
        self.arcs.set_mode(mode)

    def arcs_mode(self) -> str:
        """The current arcs mode."""
        return self.arcs.mode()

    def link_label_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the role label of ``link_id`` as drawn (source side first)."""
        return self.arcs.link_label_rect(link_id)

    def link_path_points(self, link_id: str) -> list[QPoint]:
        """A few viewport points on the drawn arc of ``link_id`` (not under any label)."""
        return self.arcs.link_path_points(link_id)

    def link_stub_rect(self, link_id: str) -> QRect | None:
        """Viewport rectangle of the stub arrow of ``link_id`` if it is drawn as a stub."""
        return self.arcs.link_stub_rect(link_id)
