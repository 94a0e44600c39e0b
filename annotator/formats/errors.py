"""The one error type that every format reader raises for bad input."""
from __future__ import annotations

from annotator.quoting import one_line


class FormatError(ValueError):
    """Input that a format reader cannot accept, located by file and line.

    ``str(error)`` reads ``"path:line: message"``, or ``"path: message"`` when
    the problem has no single line (``line`` is ``None``).  Lines are 1-based.
    The text is always one line: any line break in the path or the message
    (from a user's id, say) is written as an escape.
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = one_line(str(message))
        where = one_line(self.path) if line is None else f"{one_line(self.path)}:{line}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type[FormatError], tuple[str, int | None, str]]:
        # Exceptions pickle through ``self.args``, which here holds the
        # formatted text; rebuild from the parts instead (multiprocessing).
        return (type(self), (self.path, self.line, self.message))
