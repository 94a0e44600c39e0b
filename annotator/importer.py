"""Import and export between files and a project, shared by the CLI and the GUI.

Every format is reached through :mod:`annotator.formats.registry`; nothing
here knows a format by name.  An import is all or nothing: every document is
parsed and validated against the project's schema inside one transaction,
and the first problem aborts it with a :class:`FormatError` that names the
file and line (labels the schema lacks are all listed at once, see
:mod:`annotator.importlabels`).  An export says what its format could not
hold in an :class:`~annotator.formats.spec.ExportReport`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .formats import registry
from .formats.errors import FormatError
from .formats.output import FolderOutput, atomic_file
from .formats.spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from .importlabels import LabelCheck, SeenTypes
from .model import DEFAULT_LAYER, GOLD_LAYER, AnnotatedDocument, layer_title, parse_layer
from .projectfile import fsync_folder
from .schema import Schema, SchemaError
from .store import Project, ReadOnlyError, StoreError, WriteError

Progress = Callable[[int, int], None]
"""Called with (done, total) as work goes on; total is 0 when unknown."""

#: The formats made to train a model from: once the project has a gold layer, they export it unless another
#: layer is asked for.  brat, doccano and Prodigy carry work on to another annotation tool, and plain text has
#: no annotations: they export the working layer, as before.
TRAINING_FORMATS: tuple[str, ...] = ("jsonl", "spacy", "conll", "hf", "oneie")


class UnknownLayer(StoreError):
    """An export asked for a layer that holds no annotations in the project."""


def export_layer(project: Project, fmt: str, requested: str | None = None) -> tuple[str, bool]:
    """The layer an export of ``fmt`` takes, and whether it was chosen for the user (not ``requested``).

    ``requested`` is a layer as the user names it ("default", "gold", an
    annotator); None chooses: gold for a training format (TRAINING_FORMATS)
    once the project has a gold layer, else the project's working layer.  A
    requested layer that no annotation is in raises :class:`UnknownLayer`
    naming the layers there are (the default layer is always accepted).
    """
    layers = project.layers()
    if requested is None:
        if fmt in TRAINING_FORMATS and GOLD_LAYER in layers:
            return GOLD_LAYER, True
        return project.layer, True
    layer = parse_layer(requested)
    if layer != DEFAULT_LAYER and layer not in layers:
        there = ", ".join(layer_title(n) for n in ([DEFAULT_LAYER] + [n for n in layers if n != DEFAULT_LAYER]))
        raise UnknownLayer(f"{project.path}: no layer {requested.strip()!r} in the project; its layers: {there}")
    return layer, False


def import_formats() -> list[str]:
    """``auto`` and the names of every format that can be imported."""
    return ["auto", *registry.readable()]


def export_formats() -> list[str]:
    """The names of every format that can be exported."""
    return registry.writable()


def count_lines(path: Path) -> int:
    """Number of lines in a file, read in blocks (for a progress total)."""
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return n


def _resolve(paths: list[Path], fmt: str) -> list[tuple[Path, FormatSpec]]:
    """Each input path with the format that reads it (``auto``: the first format that recognises it)."""
    if fmt != "auto":
        spec = registry.get(fmt)
        if not spec.can_read:
            raise FormatError("<arguments>", None,
                              f"{spec.title} ({fmt}) cannot be imported; formats that can: {', '.join(registry.readable())}")
    out = []
    for path in paths:
        if not path.exists():
            raise FormatError(str(path), None, "no such file or folder")
        out.append((path, registry.detect(path) if fmt == "auto" else registry.get(fmt)))
    return out


class _Reading:
    """Reads every input in turn, remembering where the current document came from, with progress."""

    def __init__(self, inputs: list[tuple[Path, FormatSpec]], options: ImportOptions, report: ImportReport,
                 progress: Progress | None) -> None:
        self.inputs = inputs
        self.options = options
        self.report = report
        self.progress = progress
        self.where: tuple[str, int | None] = ("<input>", None)
        self.lines = [count_lines(p) if progress is not None and p.is_file() else 0 for p, _ in inputs]
        self.total = sum(self.lines)
        self.done = 0

    def __iter__(self) -> Iterator[Sourced]:
        lines_before = 0
        for (path, spec), n_lines in zip(self.inputs, self.lines):
            assert spec.read is not None
            for src in spec.read(path, self.options, self.report):
                self.where = (src.path, src.line)
                yield src
                self.done += 1
                if self.progress is not None:
                    done = lines_before + src.line if (src.line is not None and self.total) else self.done
                    self.progress(done, self.total)
            lines_before += n_lines


def _carried_schema(inputs: list[tuple[Path, FormatSpec]], project: Project, report: ImportReport) -> Schema | None:
    """The schema an input brings (brat's annotation.conf), when the project has no documents yet."""
    for path, spec in inputs:
        if spec.read_schema is None:
            continue
        toml = spec.read_schema(path, report)
        if toml is None:
            continue
        source_name = str(path / "annotation.conf") if path.is_dir() else str(path.parent / "annotation.conf")
        if project.document_count():
            report.note(f"{source_name} was not used: the project already holds documents, "
                        "so they are checked against its own schema")
            return None
        try:
            schema = Schema.from_toml(toml, source_name=source_name)
        except SchemaError as exc:
            raise FormatError(source_name, exc.line, "; ".join(exc.problems)) from None
        report.note(f"the project's schema now comes from {source_name}")
        return schema
    return None


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    replace: bool = False,
    add_types: bool = False,
    report: ImportReport | None = None,
    progress: Progress | None = None,
    layer: str = DEFAULT_LAYER,
) -> int:
    """Import files or folders into ``project``; returns the number of documents.

    The annotations go into ``layer``; ``annotator`` is recorded on those
    that name nobody.  Into an annotator's (or the gold) layer, a document
    whose id the project has already, with the same text, gains that layer;
    another text is refused (both checksums in the message), and a layer the
    document has already is refused unless ``replace`` (which replaces that
    layer only).  Into the default layer, an existing id is refused unless
    ``replace`` (which replaces the document).

    ``fmt`` is a format name (:func:`import_formats`) or ``auto``.  Labels
    the schema lacks are refused with a list of them (FormatError), unless
    ``add_types``: then they are added to the schema as new types, in the
    same transaction as the documents.  A brat folder with an
    ``annotation.conf`` imported into a project without documents brings its
    schema.  ``report`` collects what the user should know (notes, records
    skipped, types added).  Raises :class:`FormatError` (file and line) for
    anything wrong, and then nothing of the import is written.
    """
    inputs = _resolve([Path(p) for p in paths], fmt)
    report = report if report is not None else ImportReport()
    carried = _carried_schema(inputs, project, report)
    schema = carried or project.schema
    new_schema = carried
    if add_types:
        seen = SeenTypes()
        for src in _Reading(inputs, ImportOptions(schema), ImportReport(), None):
            seen.add(src.doc)
        added = seen.new_to(schema)
        if added:
            from .schema_add import add_types as add_schema_types

            schema = add_schema_types(schema, entities=added.entities, events=added.events,
                                      relations=added.relations, attributes=added.attributes)
            new_schema = schema
            report.note(f"added {len(added.names())} type(s) to the schema: {', '.join(added.names())}")
    reading = _Reading(inputs, ImportOptions(schema), report, progress)
    check = LabelCheck(schema, carries_schema=any(spec.carries_schema for _, spec in inputs))

    def on_error(adoc: AnnotatedDocument, message: str) -> Exception:
        path, line = reading.where
        return FormatError(path, line, message)

    try:
        return project.import_documents(check.filter(reading), replace=replace, annotator=annotator,
                                        on_error=on_error, schema=new_schema, layer=layer)
    except (ReadOnlyError, WriteError):
        raise  # about the project, not the input file
    except StoreError as exc:
        path, line = reading.where
        raise FormatError(path, line, str(exc)) from exc


def _documents(project: Project, statuses: Iterable[str] | None, progress: Progress | None,
               cancelled: Callable[[], bool] | None, layer: str | None = None) -> Iterator[AnnotatedDocument]:
    total = project.document_count() if progress is not None else 0
    for i, adoc in enumerate(project.iter_annotated(statuses, layer=layer), 1):
        if cancelled is not None and cancelled():
            raise InterruptedError("export cancelled")
        yield adoc
        if progress is not None:
            progress(i, total)


def _writable(fmt: str) -> FormatSpec:
    spec = registry.get(fmt)
    if not spec.can_write:
        raise FormatError("<arguments>", None,
                          f"{spec.title} ({fmt}) cannot be exported; formats that can: {', '.join(registry.writable())}")
    return spec


def export_jsonl(
    project: Project,
    out: TextIO,
    *,
    fmt: str = "jsonl",
    statuses: Iterable[str] | None = None,
    options: ExportOptions | None = None,
    report: ExportReport | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    layer: str | None = None,
) -> int:
    """Write the project's documents to the stream ``out`` in a one-stream format; returns the count.

    The annotations are those of ``layer`` (None: the project's working layer; see :func:`export_layer`).

    ``fmt`` is ``jsonl`` (the native format) or another format that writes
    one stream (oneie, doccano, prodigy, conll).  What the format cannot
    hold is counted in ``report``.
    """
    spec = _writable(fmt)
    if spec.write_stream is None:
        raise FormatError("<arguments>", None, f"{spec.title} ({fmt}) writes a folder of files; give -o FOLDER")
    options = options or ExportOptions(schema=project.schema)
    report = report if report is not None else ExportReport()
    n = spec.write_stream(_documents(project, statuses, progress, cancelled, layer), out, options, report)
    report.documents = n
    return n


def export_to_path(
    project: Project,
    path: str | Path,
    fmt: str = "jsonl",
    *,
    statuses: Iterable[str] | None = None,
    options: ExportOptions | None = None,
    report: ExportReport | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    layer: str | None = None,
) -> int:
    """Export to a file (one-stream formats) or a folder (brat, spacy, hf, text); returns the count.

    The annotations are those of ``layer`` (None: the project's working layer; see :func:`export_layer`).

    A file is written atomically: a temporary file in the same folder,
    fsynced, then renamed; errors name ``path`` (never the temporary file),
    and an existing file at ``path`` stays as it was.  A folder is created
    if missing, and each file in it is written the same way.
    """
    spec = _writable(fmt)
    options = options or ExportOptions(schema=project.schema)
    report = report if report is not None else ExportReport()
    target = Path(path)
    docs = _documents(project, statuses, progress, cancelled, layer)
    try:
        if spec.write_folder is not None:
            out = FolderOutput(target)
            try:
                n = spec.write_folder(docs, out, options, report)
            finally:
                report.files = list(out.written)
            out.finish()
            fsync_folder(target.resolve())
        else:
            assert spec.write_stream is not None
            if target.is_dir():
                raise StoreError(f"{target}: is a folder; give a file name to export to")
            folder = target.parent.resolve() if str(target.parent) else Path.cwd()
            with atomic_file(target) as fh:
                n = spec.write_stream(docs, fh, options, report)
            report.files = [target]
            fsync_folder(folder)
    except InterruptedError:
        raise  # cancelled: not a failure to report
    except (NotADirectoryError, ValueError) as exc:
        if isinstance(exc, FormatError):
            raise
        raise StoreError(f"{target}: cannot write the export ({exc})") from exc
    except OSError as exc:
        raise StoreError(f"{target}: cannot write the export ({exc.strerror or exc})") from exc
    report.documents = n
    return n
