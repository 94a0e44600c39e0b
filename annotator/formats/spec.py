"""What a format module declares: its reader, its writer, how to recognise it, and its reports.

Every format is one module in :mod:`annotator.formats` that defines ``FORMAT``,
a :class:`FormatSpec`.  :mod:`annotator.formats.registry` lists the modules;
nothing else needs to know a format by name.

Readers yield :class:`Sourced` documents (the document and where it came
from, for error messages) and raise
:class:`~annotator.formats.errors.FormatError` for anything malformed.  They
may note things the user should know in an :class:`ImportReport` ("text
rebuilt with single spaces", "3 rejected answers skipped").

Writers never drop anything silently: whatever the format cannot hold is
counted in the :class:`ExportReport` ("left out events (CoNLL has no events): 12"),
and spans that had to be widened to token boundaries are listed there.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

from ..model import AnnotatedDocument
from ..schema import Schema

if TYPE_CHECKING:
    from .output import FolderOutput

__all__ = [
    "ExportOptions",
    "ExportReport",
    "FormatSpec",
    "ImportOptions",
    "ImportReport",
    "Sourced",
]


@dataclass(slots=True)
class Sourced:
    """A document read from a file, with where it came from (``line`` is 1-based, or None)."""

    doc: AnnotatedDocument
    path: str
    line: int | None = None


@dataclass
class ImportOptions:
    """What a reader may consult: the schema the import is checked against."""

    schema: Schema


@dataclass
class ImportReport:
    """What an import wants the user to know besides the count: notes, and items skipped."""

    notes: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def note(self, message: str) -> None:
        """Say ``message`` once, however often it is noted."""
        if message not in self.notes:
            self.notes.append(message)

    def skip(self, what: str, n: int = 1) -> None:
        """Count ``n`` items skipped on purpose (``what`` says which, e.g. "records answered 'reject'")."""
        self.skipped[what] += n

    def lines(self) -> list[str]:
        """Each note and each skip count as one line for the user."""
        out = list(self.notes)
        out += [f"skipped {n:,} {what}" for what, n in self.skipped.items()]
        return out


@dataclass
class ExportOptions:
    """Choices for an export; formats use the ones that apply to them."""

    schema: Schema
    #: share of documents that go to the dev set (spacy, hf); None writes one set
    split: float | None = None
    #: seed of the shuffle that splits train from dev
    seed: int = 0
    #: oneie: one record per sentence window (``wnd_id``) instead of per document
    windows: bool = False
    #: language code written where a format records one (oneie ``lang``, spaCy's blank pipeline)
    lang: str = "en"


@dataclass
class ExportReport:
    """What an export could not carry, and how often; spans widened to tokens; files written."""

    left_out: Counter[str] = field(default_factory=Counter)
    expanded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    documents: int = 0

    #: at most this many expanded spans are listed one by one
    MAX_LISTED = 20

    def leave_out(self, what: str, n: int = 1) -> None:
        """Count ``n`` items the format cannot hold (``what`` says which and why)."""
        if n:
            self.left_out[what] += n

    def expand(self, description: str) -> None:
        """Record one span widened to the tokens it touches (``doc: T3 'U.N' -> 'U.N.'``)."""
        self.expanded.append(description)

    def note(self, message: str) -> None:
        """Say ``message`` once."""
        if message not in self.notes:
            self.notes.append(message)

    @property
    def lossless(self) -> bool:
        """True when nothing was left out or changed."""
        return not self.left_out and not self.expanded

    def lines(self) -> list[str]:
        """The report for the user, one line per item: left out, expanded, notes."""
        out = [f"left out {what}: {n:,}" for what, n in self.left_out.items()]
        if self.expanded:
            out.append(f"widened {len(self.expanded):,} span(s) to whole tokens:")
            out += [f"  {e}" for e in self.expanded[: self.MAX_LISTED]]
            if len(self.expanded) > self.MAX_LISTED:
                out.append(f"  ... and {len(self.expanded) - self.MAX_LISTED:,} more")
        out += self.notes
        return out


Reader = Callable[[Path, ImportOptions, ImportReport], Iterator[Sourced]]
"""Reads one file or folder; yields documents; raises FormatError for bad input."""

StreamWriter = Callable[[Iterable[AnnotatedDocument], TextIO, ExportOptions, ExportReport], int]
"""Writes documents to one text stream (a file or stdout); returns how many."""

FolderWriter = Callable[[Iterable[AnnotatedDocument], "FolderOutput", ExportOptions, ExportReport], int]
"""Writes documents as files in a folder through :class:`FolderOutput`; returns how many."""

Sniffer = Callable[[Path], bool]
"""True when the file or folder looks like this format (for ``--format auto``); never raises."""


@dataclass(frozen=True)
class FormatSpec:
    """One format, as the registry, the importer, the CLI and the GUI see it."""

    name: str
    #: a short title for menus: "brat standoff"
    title: str
    #: one line each for the README table and the GUI: what it carries, what it cannot
    carries: str
    cannot: str
    read: Reader | None = None
    #: exactly one of these two for a format that can be written
    write_stream: StreamWriter | None = None
    write_folder: FolderWriter | None = None
    sniff: Sniffer | None = None
    #: "file", "folder" or "either": what the reader takes
    input: Literal["file", "folder", "either"] = "file"
    #: file name patterns for the GUI's dialogs, e.g. ("*.jsonl", "*.json")
    patterns: tuple[str, ...] = ()
    #: True when the input carries its own schema (brat's annotation.conf), so
    #: ``--add-types`` does not apply to it
    carries_schema: bool = False
    #: the schema carried by an input, as TOML text, or None when it has none
    read_schema: Callable[[Path, ImportReport], str | None] | None = None
    #: an extra a writer or reader needs ("spacy"), installed with pip install 'annotator[EXTRA]'
    extra: str | None = None

    @property
    def can_read(self) -> bool:
        return self.read is not None

    @property
    def can_write(self) -> bool:
        return self.write_stream is not None or self.write_folder is not None

    @property
    def writes_folder(self) -> bool:
        return self.write_folder is not None
