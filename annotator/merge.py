"""Merging whole project files: each source's layers go into the same-named layers of a target, all or nothing.

Documents are matched by id and text checksum.  A source's named layers
(``dana``, ``gold``) keep their names; its default layer ``""`` needs one:
the annotator recorded on all its annotations, or the name given for that
source (``annotator merge --as``), else the merge is refused.  Conflicts are
refused with a message that names the source and the document: the same id
with another text, a layer the target already has for that document (unless
``replace``), two sources bringing the same layer of one document.  Every
write happens in one transaction of the target, so a refusal leaves it as
it was.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .model import DEFAULT_LAYER, GOLD_LAYER, AnnotatedDocument, layer_order, layer_title
from .quoting import ident, show
from .rows import checksum
from .store import Project, StoreError

__all__ = [
    "MergeError", "MergeReport", "Source", "default_layer_name", "merge_projects", "names_for_sources",
    "recorded_annotators",
]

Progress = Callable[[int, int], None]
"""Called with (done, total) documents as the merge goes on."""


class MergeError(StoreError):
    """A merge refused: the message names the source (and the document); nothing was written."""


@dataclass
class Source:
    """One source project, opened read-only, and the name its default layer takes (None: from its annotators)."""

    path: str
    project: Project
    default_as: str | None = None


@dataclass
class MergeReport:
    """What a merge wrote: documents new to the target, and per target layer the documents it received."""

    new_documents: int = 0
    layers: dict[str, int] = field(default_factory=dict)
    replaced: int = 0

    def lines(self) -> list[str]:
        """One line per target layer, for the user."""
        out = [f"layer {layer_title(name)}: {n} document{'s' if n != 1 else ''}"
               for name, n in sorted(self.layers.items(), key=lambda kv: layer_order(kv[0]))]
        if self.replaced:
            out.append(f"replaced {self.replaced} layer{'s' if self.replaced != 1 else ''} the target had")
        return out


def recorded_annotators(adocs: Iterable[AnnotatedDocument]) -> set[str]:
    """The annotator names recorded on the entities, events and relations of ``adocs`` ("" where none is),
    and on the arguments that record one (a trigger, and an argument that records nobody, are its event's)."""
    names: set[str] = set()
    for adoc in adocs:
        names.update(s.annotator for s in adoc.entities)
        for e in adoc.events:
            names.add(e.annotator)
            names.update(a.annotator for a in e.arguments if a.annotator)
        names.update(r.annotator for r in adoc.relations)
    return names


def default_layer_name(source: Source) -> str | None:
    """The target layer that ``source``'s default layer goes into; :class:`MergeError` when it has none.

    The name given for the source wins; else the one annotator recorded on all
    the layer's entities, events and relations (and the arguments that
    record one).  No annotator recorded, several, or some annotations
    recording nobody, is refused.  None when the layer holds nothing (its
    annotations were all deleted): there is nothing to bring.
    """
    if source.default_as is not None:
        name = source.default_as.strip()
        if not name or name == "default":
            raise MergeError(f"{source.path}: --as {show(source.default_as)}: give an annotator's name (or gold) "
                             "for the layer its default annotations go into")
        return name
    names = recorded_annotators(source.project.iter_annotated(layer=DEFAULT_LAYER))
    if not names:
        return None
    if len(names) == 1 and "" not in names:
        return names.pop()
    if names == {""}:
        why = "records no annotator"
    else:
        shown = ", ".join(sorted(show(n) if n else "(none)" for n in names)[:6])
        why = f"records several annotators ({shown})"
    raise MergeError(f"{source.path}: its default layer {why}; say whose it is with --as NAME "
                     "(--as SOURCE=NAME when merging several sources)")


def plan_layers(source: Source) -> list[tuple[str, str]]:
    """``(source layer, target layer)`` for each layer of ``source`` that holds annotations."""
    layers = source.project.layers()
    plan: list[tuple[str, str]] = []
    for name in layers:
        target = default_layer_name(source) if name == DEFAULT_LAYER else name
        if target is not None:
            plan.append((name, target))
    targets = [t for _, t in plan]
    for t in set(targets):
        if targets.count(t) > 1:
            raise MergeError(f"{source.path}: its default layer would go into layer {show(t)}, which it also has; "
                             "name the default layer otherwise with --as NAME")
    return plan


def _same_path(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def names_for_sources(values: list[str] | None, sources: list[str]) -> dict[str, str]:
    """``--as NAME`` (one source) or ``--as SOURCE=NAME`` (any): the name of each source's default layer,
    by the source as given; :class:`MergeError` for a value that names no source."""
    names: dict[str, str] = {}
    for value in values or []:
        path, sep, name = value.rpartition("=")
        if not sep:
            if len(sources) != 1:
                raise MergeError(f"--as {value}: with several sources, say which one: --as SOURCE={value}")
            path, name = sources[0], value
        matching = [src for src in sources if src == path or _same_path(src, path)]
        if not matching:
            raise MergeError(f"--as {value}: {path} is not one of the sources")
        names[matching[0]] = name
    return names


def merge_projects(
    target: Project,
    sources: list[Source],
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> MergeReport:
    """Bring each source's layers into ``target`` in one transaction; returns what was written.

    Raises :class:`MergeError` (or the :class:`StoreError` of the write, its
    message naming the source and the document) and then nothing is written.
    When ``target`` holds no documents yet, it takes the first source's schema.
    """
    for src in sources:
        if target.path is not None and src.project.path is not None and _same_path(src.project.path, target.path):
            raise MergeError(f"{src.path}: is the target itself; give the sources after the target")
    # every refusal about layer names comes before any write
    plans = [(src, plan_layers(src) or [(DEFAULT_LAYER, DEFAULT_LAYER)]) for src in sources]
    total = sum(src.project.document_count() * len(plan) for src, plan in plans)
    report = MergeReport()
    done = 0
    brought: dict[tuple[str, str], str] = {}  # (document id, target layer) -> the source that brought it
    present = set(target.document_ids())
    checked: set[tuple[str, str]] = set()  # (source, document id) whose text was compared with the target's

    def stream(src: Source, layer: str, into: str) -> Iterator[AnnotatedDocument]:
        nonlocal done
        for adoc in src.project.iter_annotated(layer=layer):
            done += 1
            if progress is not None:
                progress(done, total)
            doc_id = adoc.document.id
            holds = bool(adoc.spans or adoc.events or adoc.relations)
            if doc_id in present:
                if (src.path, doc_id) not in checked:
                    checked.add((src.path, doc_id))
                    _same_text(target, src, adoc)
                if not holds:
                    continue  # nothing of this layer here: the document is there already
            else:
                present.add(doc_id)
                report.new_documents += 1
            if holds:
                first = brought.setdefault((doc_id, into), src.path)
                if first != src.path:
                    raise MergeError(f"{src.path}: document {ident(doc_id)}: layer {layer_title(into)} comes from "
                                     f"{first} too; leave one of them out, or name its layer otherwise with --as")
                if replace and into in target.layers(doc_id):
                    report.replaced += 1
                report.layers[into] = report.layers.get(into, 0) + 1
            yield adoc

    def on_error(src: Source) -> Callable[[AnnotatedDocument, str], Exception]:
        def make(adoc: AnnotatedDocument, message: str) -> Exception:
            if message.startswith("document "):
                return MergeError(f"{src.path}: {message}")
            return MergeError(f"{src.path}: document {ident(adoc.document.id)}: {message}")
        return make

    with target.transaction():  # one transaction: each import below is a savepoint inside it
        schema = sources[0].project.schema if sources and not target.document_count() else None
        for src, plan in plans:
            for layer, into in plan:
                who = into if into not in (DEFAULT_LAYER, GOLD_LAYER) else None
                target.imports.import_documents(stream(src, layer, into), layer=into, replace=replace,
                                                annotator=who, on_error=on_error(src), schema=schema)
                schema = None  # taken once, by the first import
    return report


def _same_text(target: Project, src: Source, adoc: AnnotatedDocument) -> None:
    """Refuse a source document whose id the target has with another text (both checksums in the message)."""
    doc = adoc.document
    ours = target.get_document(doc.id).checksum
    theirs = doc.checksum or checksum(doc.text)
    if ours != theirs:
        raise MergeError(f"{src.path}: document {ident(doc.id)} has another text than in the target "
                         f"(checksum {theirs[:12]} in the source, {ours[:12]} in the target); "
                         "documents are matched by id and text")
