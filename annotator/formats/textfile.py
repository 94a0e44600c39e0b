"""Reading a UTF-8 text file as one document's text, shared by the formats that keep text in files."""
from __future__ import annotations

from pathlib import Path

from annotator.formats import safety
from annotator.formats.errors import FormatError

__all__ = ["decode_text", "read_text_file"]

_BOM = "\ufeff"


def read_text_file(path: Path) -> str:
    """The text of a UTF-8 file of at most 256 MB (line ends kept, no BOM); FormatError naming it otherwise."""
    limit = safety.MAX_LINE_BYTES
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)  # never more than the limit, whatever the file claims its size is
    if len(data) > limit:
        raise FormatError(
            str(path), None,
            f"file is larger than {safety.describe_size(limit)}, the limit for one document; refused without reading it",
        )
    return decode_text(data, str(path))


def decode_text(data: bytes, where: str) -> str:
    """The text of a plain-text file's bytes; raises :class:`FormatError` naming ``where`` if not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            where, None, f"not valid UTF-8: byte {exc.start} (line {line}) cannot be decoded"
        ) from None
    # Decoding bytes keeps every "\r\n", "\r" and "\t" exactly as on disk (the
    # same as open(..., newline="")).  A byte order mark is not text.
    if text.startswith(_BOM):
        text = text[1:]
    return text
