"""Plain UTF-8 text files: one file, one document without annotations."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.formats.errors import FormatError
from annotator.formats.textfile import decode_text, read_text_file
from annotator.formats.output import FolderOutput
from annotator.formats.spec import ExportOptions, ExportReport, FormatSpec, ImportOptions, ImportReport, Sourced
from annotator.model import ENTITY, AnnotatedDocument, Document

__all__ = ["decode_text", "read_text_paths", "text_files"]


def _is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def text_files(folder: str | os.PathLike[str]) -> list[Path]:
    """All ``.txt`` files under ``folder``, recursively, sorted by relative path.

    The suffix is matched without regard to case.  Hidden files and folders
    (name starting with ``.``, such as macOS ``._name.txt`` resource forks)
    are skipped.
    """
    root = Path(folder)
    found: list[tuple[str, Path]] = []
    for path in root.rglob("*"):
        if path.suffix.lower() != ".txt" or not path.is_file():
            continue
        rel = path.relative_to(root)
        if _is_hidden(rel):
            continue
        found.append((rel.as_posix(), path))
    found.sort()
    return [path for _, path in found]


def read_text_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[AnnotatedDocument]:
    """Yield one document per text file.

    A path to a file gives one document; a path to a folder gives every
    ``.txt`` file under it (see :func:`text_files`).  Each document has
    id = file stem, name = file name, ``meta = {"source": file name}`` and
    status ``new``.  Line ends are kept exactly (CRLF stays CRLF); a leading
    UTF-8 byte order mark is dropped.

    Raises :class:`FormatError` (with ``line`` ``None``) for a path that does
    not exist, a file that is not valid UTF-8, a file larger than
    ``safety.MAX_LINE_BYTES`` (256 MB, read no further), and two files with the same
    stem (which would give two documents the same id).  A file reached twice
    (named alone and inside a folder also given) is read once.
    """
    seen: dict[str, Path] = {}
    for given in paths:
        root = Path(given)
        if root.is_dir():
            files = text_files(root)
        elif root.is_file():
            files = [root]
        else:
            raise FormatError(str(root), None, "no such file or folder")
        for path in files:
            doc_id = path.stem
            resolved = path.resolve()
            other = seen.setdefault(doc_id, resolved)
            if other is not resolved:
                if other == resolved:
                    continue  # the same file named twice (say, alone and in its folder)
                raise FormatError(
                    str(path), None, f"document id {doc_id!r} is already taken by {other}"
                )
            text = read_text_file(path)
            document = Document(
                id=doc_id, text=text, name=path.name, meta={"source": path.name}
            )
            yield AnnotatedDocument(document=document)


# ---------------------------------------------------------------- the registry's view

def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    for adoc in read_text_paths([path]):
        src = adoc.document.meta.get("source")
        yield Sourced(adoc, str(path / src) if path.is_dir() and src else str(path), None)


def _write(docs: Iterable[AnnotatedDocument], out: FolderOutput, options: ExportOptions, report: ExportReport) -> int:
    n = 0
    for adoc in docs:
        out.write_text(f"{out.stem(adoc.document.id)}.txt", adoc.document.text)
        entities = sum(1 for s in adoc.spans if s.kind == ENTITY)
        report.leave_out("entities (plain text holds only the text)", entities)
        report.leave_out("events (plain text holds only the text)", len(adoc.events))
        report.leave_out("relations (plain text holds only the text)", len(adoc.relations))
        n += 1
    return n


def _sniff(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in (".txt", ".text", "")


FORMAT = FormatSpec(
    name="text",
    title="Plain text",
    carries="the text of each document, one .txt file each (file name = document id)",
    cannot="annotations, status and metadata",
    read=_read,
    write_folder=_write,
    sniff=_sniff,
    input="either",
    patterns=("*.txt",),
)
