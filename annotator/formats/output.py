"""Writing export files safely: atomic files, names from document ids that stay inside the folder.

:class:`FolderOutput` is what a folder format (brat, spaCy, Hugging Face,
plain text) writes through.  Every file goes to a temporary name in the
target folder and is renamed into place when complete, so an interrupted
export never leaves half a file under a real name; one sync at the end
(:meth:`FolderOutput.finish`) makes them all durable.  :func:`file_stem` maps a
document id to a file name that cannot leave the folder, and the folder
refuses to write one name twice, so two ids never share a file.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

__all__ = ["FolderOutput", "atomic_file", "file_stem"]

#: characters kept as they are in a file name; everything else becomes "_"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: names Windows reserves, whatever the extension
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_MAX_STEM = 100


def file_stem(doc_id: str) -> str:
    """A file name stem for ``doc_id``: the id itself when that is safe, else a cleaned id plus a hash.

    Safe means: only letters, digits, ``.``, ``_`` and ``-``; not starting with
    a dot; not a reserved device name; at most 100 characters.  Any other id
    is cleaned and given ``~`` and 10 hex digits of its SHA-1, so two
    different ids give two different stems (``a/b`` and ``a_b`` included:
    the ``~`` never occurs in a kept id).
    """
    cleaned = _UNSAFE.sub("_", doc_id).lstrip(".")
    if (
        cleaned == doc_id
        and doc_id
        and len(doc_id) <= _MAX_STEM
        and doc_id.split(".")[0].lower() not in _RESERVED
    ):
        return doc_id
    digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned[:_MAX_STEM - 11] or 'doc'}~{digest}"


@contextmanager
def atomic_file(path: Path, *, binary: bool = False, fsync: bool = True) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success fsync it and rename it to ``path``.

    On any error the temporary file is removed and an existing ``path`` is
    left as it was.  The file gets the permissions an ordinary new file gets.
    ``fsync=False`` leaves the flush to disk to the caller (one sync for a
    folder of thousands of files, see :meth:`FolderOutput.finish`).
    """
    folder = path.parent
    tmp = str(folder / f".{path.name}.{os.getpid()}.tmp")
    try:  # a plain name first: mkstemp's random names cost a third more per file
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # left by a crashed export of this pid number
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(folder))
    done = False
    try:
        mode = "wb" if binary else "w"
        kwargs = {} if binary else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
        done = True
    finally:
        if not done and os.path.exists(tmp):
            os.unlink(tmp)


class FolderOutput:
    """A folder that an export writes files into, each atomically, never outside it, never twice."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.written: list[Path] = []
        self._names: set[str] = set()
        self._stems: dict[str, str] = {}
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(f"{self.folder}: is a file; this format writes a folder")
        # the folder is made with its first file (or at finish), so an export that fails
        # before writing anything (spaCy missing, say) leaves no empty folder behind

    def stem(self, doc_id: str) -> str:
        """The file stem for ``doc_id`` in this export: :func:`file_stem`, made unique ignoring case.

        ``Doc`` and ``doc`` are two files on Linux but one on macOS or Windows;
        the second one seen gets a hash suffix.  The same id always gets the same stem.
        """
        stem = file_stem(doc_id)
        owner = self._stems.get(stem.casefold())
        if owner is not None and owner != doc_id:
            digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            stem = f"{stem[:_MAX_STEM - 11]}~{digest}"
        self._stems[stem.casefold()] = doc_id
        return stem

    def path_for(self, name: str) -> Path:
        """The path of ``name`` in the folder; refuses names that leave it or were written already."""
        if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"{name!r} is not a plain file name")
        key = name.casefold()  # one file on a case-insensitive disk
        if key in self._names:
            raise ValueError(f"{self.folder / name}: written twice in one export")
        self._names.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    @contextmanager
    def text(self, name: str) -> Iterator[TextIO]:
        """Write the text file ``name`` (UTF-8, ``\\n`` line ends)."""
        path = self.path_for(name)
        with atomic_file(path, fsync=False) as fh:
            yield fh  # type: ignore[misc]
        self.written.append(path)

    @contextmanager
    def binary(self, name: str) -> Iterator[IO[bytes]]:
        """Write the binary file ``name``."""
        path = self.path_for(name)
        with atomic_file(path, binary=True, fsync=False) as fh:
            yield fh
        self.written.append(path)

    def finish(self) -> None:
        """Make every file written durable at once: one ``sync`` rather than an fsync per file.

        An fsync per file made a 10,000-document brat export take 79 s here
        instead of 4 s.  Until this returns, a crash may leave some of the
        files empty; each is complete once it has.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        if hasattr(os, "sync"):
            os.sync()
        else:  # pragma: no cover - Windows has no sync(); fall back to a flush per file
            for path in self.written:
                with open(path, "rb+") as fh:
                    os.fsync(fh.fileno())

    def write_text(self, name: str, content: str) -> Path:
        """Write ``content`` as the file ``name``; returns its path."""
        with self.text(name) as fh:
            fh.write(content)
        return self.written[-1]

    def write_bytes(self, name: str, content: bytes) -> Path:
        """Write ``content`` as the binary file ``name``; returns its path."""
        with self.binary(name) as fh:
            fh.write(content)
        return self.written[-1]
