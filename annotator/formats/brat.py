"""brat standoff: a folder of ``.txt``/``.ann`` pairs with an ``annotation.conf``, in both directions.

Reading is in :mod:`~annotator.formats.brat_read`, writing in
:mod:`~annotator.formats.brat_write`, annotation.conf (both ways) in
:mod:`~annotator.formats.brat_conf`.

* ``T1<TAB>Type 0 5;16 23<TAB>text``: a span (discontinuous with ``;``); a T
  that an E line uses as its trigger is a trigger span.  The text after the
  offsets must be the covered text (fragments joined with a space).
* ``E1<TAB>Type:T1 Role:T2 Role2:E3``: an event; ``Theme2`` is the role
  ``Theme`` again unless the schema has a role called ``Theme2``.
* ``R1<TAB>Type Arg1:T1 Arg2:T2``: a relation (the schema's head and tail role names also work).
* ``A1<TAB>Name ID [Value]`` (and old ``M``): an attribute, True when it has no value.
* ``N1<TAB>Reference ID Resource:Entry<TAB>text``: a normalization.
* ``#1<TAB>AnnotatorNotes ID<TAB>note``: a note (several on one annotation are joined with new lines).
* ``*<TAB>Type T1 T2 T3``: an Equiv group, read as relations chaining the members.

Document id = file stem, name = the .txt file's name.  Writing keeps ids that
are valid brat ids and numbers the others; names come from
:meth:`FolderOutput.stem`, so no id writes outside the folder.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from annotator.formats.brat_conf import read_conf
from annotator.formats.brat_read import read_brat
from annotator.formats.brat_write import write_brat
from annotator.formats.spec import FormatSpec, ImportOptions, ImportReport, Sourced

__all__ = ["FORMAT", "read_schema"]


def _read(path: Path, options: ImportOptions, report: ImportReport) -> Iterator[Sourced]:
    return read_brat(Path(path), options, report)


def read_schema(path: Path, report: ImportReport) -> str | None:
    """The schema TOML of the annotation.conf in the folder ``path`` (or beside the file), None when there is none."""
    path = Path(path)
    conf = (path if path.is_dir() else path.parent) / "annotation.conf"
    if not conf.is_file():
        return None
    return read_conf(conf, report)


def sniff(path: Path) -> bool:
    """An .ann file, or a folder with at least one .ann file in it or below it."""
    path = Path(path)
    if path.is_file():
        return path.suffix.lower() == ".ann"
    if not path.is_dir():
        return False
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if any(f.lower().endswith(".ann") and not f.startswith(".") for f in filenames):
            return True
    return False


FORMAT = FormatSpec(
    name="brat",
    title="brat standoff",
    carries="text; entities and event triggers (also discontinuous); events with nested and repeated "
    "arguments; relations; Equiv groups of transitive relation types; attributes (flags and values); "
    "notes; normalizations; the schema as annotation.conf (colours in visual.conf)",
    cannot="document status, metadata and names (the file name is the id; unsafe ids get a cleaned name); "
    "annotator names; review decisions; flags set to false; which member links to which inside an Equiv group; relations that "
    "link events; schema hotkeys, descriptions and attribute defaults; each counted or noted in the export report",
    read=_read,
    write_folder=write_brat,
    sniff=sniff,
    input="either",
    patterns=("*.ann", "*.txt"),
    carries_schema=True,
    read_schema=read_schema,
)
