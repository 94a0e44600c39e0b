"""Import and export between files and a project, shared by the CLI and the GUI.

An import is all or nothing: every document is parsed and validated against
the project's schema inside one transaction, and the first problem aborts it
with a :class:`FormatError` that names the file and line.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .formats.errors import FormatError
from .formats.jsonl import doc_from_json, iter_jsonl_lines, write_jsonl
from .formats.oneie import write_oneie
from .formats.plaintext import read_text_paths, text_files
from .model import AnnotatedDocument
from .projectfile import fsync_folder
from .store import Project, ReadOnlyError, StoreError, WriteError

IMPORT_FORMATS = ("auto", "text", "jsonl")
EXPORT_FORMATS = ("jsonl", "oneie")

Progress = Callable[[int, int], None]
"""Called with (done, total) as work goes on; total is 0 when unknown."""


def detect_format(path: Path) -> str:
    """``jsonl`` for .jsonl/.json files, ``text`` for .txt files and folders."""
    if path.is_dir():
        return "text"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".txt", ".text", ""):
        return "text"
    raise FormatError(str(path), None, f"cannot tell the format from the extension {suffix!r}; use --format")


def count_lines(path: Path) -> int:
    """Number of lines in a file, read in blocks (for a progress total)."""
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return n


class _Source:
    """Yields documents from many files and remembers where the current one came from."""

    def __init__(self, paths: list[Path], fmt: str, progress: Progress | None):
        self.paths = paths
        self.fmt = fmt
        self.progress = progress
        self.where: tuple[str, int | None] = ("<input>", None)
        self.total = 0
        if progress is not None:
            for p in paths:
                kind = detect_format(p) if fmt == "auto" else fmt
                if kind == "jsonl":
                    self.total += count_lines(p)
                elif p.is_dir():
                    self.total += len(text_files(p))
                else:
                    self.total += 1
        self.done = 0

    def __iter__(self) -> Iterator[AnnotatedDocument]:
        for path in self.paths:
            if not path.exists():
                raise FormatError(str(path), None, "no such file or folder")
            kind = detect_format(path) if self.fmt == "auto" else self.fmt
            if kind == "jsonl":
                if path.is_dir():
                    raise FormatError(str(path), None, "is a folder; JSONL import takes files")
                stem = path.stem
                for line, obj in iter_jsonl_lines(path):
                    self.where = (str(path), line)
                    yield doc_from_json(obj, path=str(path), line=line, default_id=f"{stem}-{line}")
                    self._tick(line)
            elif kind == "text":
                for adoc in read_text_paths([path]):
                    src = adoc.document.meta.get("source")
                    self.where = (str(path / src) if path.is_dir() and src else str(path), None)
                    yield adoc
                    self._tick(self.done + 1)
            else:
                raise FormatError(str(path), None, f"unknown import format {kind!r}")

    def _tick(self, done: int) -> None:
        self.done = done
        if self.progress is not None:
            self.progress(done, self.total)


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    *,
    fmt: str = "auto",
    annotator: str | None = None,
    replace: bool = False,
    progress: Progress | None = None,
) -> int:
    """Import files into ``project``; returns the number of documents.

    Raises :class:`FormatError` (file and line) for anything wrong, and then
    nothing of the import is written.
    """
    if fmt not in IMPORT_FORMATS:
        raise FormatError("<arguments>", None, f"unknown import format {fmt!r} (expected {', '.join(IMPORT_FORMATS)})")
    source = _Source([Path(p) for p in paths], fmt, progress)

    def on_error(adoc: AnnotatedDocument, message: str) -> Exception:
        path, line = source.where
        return FormatError(path, line, message)

    try:
        return project.import_documents(source, replace=replace, annotator=annotator, on_error=on_error)
    except (ReadOnlyError, WriteError):
        raise  # about the project, not the input file
    except StoreError as exc:
        path, line = source.where
        raise FormatError(path, line, str(exc)) from exc


def export_jsonl(
    project: Project,
    out: TextIO,
    *,
    fmt: str = "jsonl",
    statuses: Iterable[str] | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Write the project's documents to ``out``, streaming; returns the count.

    ``fmt`` is ``jsonl`` (the native format) or ``oneie`` (event-extraction training layout).
    """
    if fmt not in EXPORT_FORMATS:
        raise FormatError("<arguments>", None, f"unknown export format {fmt!r} (expected {', '.join(EXPORT_FORMATS)})")
    total = project.document_count() if progress is not None else 0

    def docs() -> Iterator[AnnotatedDocument]:
        for i, adoc in enumerate(project.iter_annotated(statuses), 1):
            if cancelled is not None and cancelled():
                raise InterruptedError("export cancelled")
            yield adoc
            if progress is not None:
                progress(i, total)

    return (write_oneie if fmt == "oneie" else write_jsonl)(docs(), out)


def export_to_path(project: Project, path: str | Path, fmt: str = "jsonl", **kwargs) -> int:
    """Export to a file atomically: a temporary file in the same folder, fsynced, then renamed.

    Errors name ``path`` (never the temporary file), which is removed then;
    an existing file at ``path`` stays as it was.
    """
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"{target}: is a folder; give a file name to export to")
    folder = target.parent.resolve() if str(target.parent) else Path.cwd()
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(folder))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            n = export_jsonl(project, fh, fmt=fmt, **kwargs)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; an export is an ordinary file
        os.replace(tmp, target)
        tmp = None
        fsync_folder(folder)
    except InterruptedError:
        raise  # cancelled: not a failure to report
    except OSError as exc:
        raise StoreError(f"{target}: cannot write the export ({exc.strerror or exc})") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return n
