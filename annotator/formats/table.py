"""The table of formats in the README, made from the registry (``python -m annotator.formats.table``).

A test checks that README.md holds exactly this table, so the README cannot
drift from what the formats declare they carry and cannot carry.
"""
from __future__ import annotations

from . import registry

__all__ = ["markdown_table"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table() -> str:
    """One row per format: name, title, directions, input/output shape, what it carries, what it cannot."""
    rows = [
        "| `--format` | format | import | export | carries | cannot carry (reported when left out) |",
        "|---|---|---|---|---|---|",
    ]
    for spec in registry.all_formats():
        shape_in = {"file": "file", "folder": "folder", "either": "file or folder"}[spec.input]
        imp = shape_in if spec.can_read else "no"
        exp = ("folder" if spec.writes_folder else "file / stdout") if spec.can_write else "no"
        extra = f" (needs `pip install 'annotator[{spec.extra}]'`)" if spec.extra else ""
        rows.append(
            f"| `{spec.name}` | {_cell(spec.title)}{extra} | {imp} | {exp} | {_cell(spec.carries)} | {_cell(spec.cannot)} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown_table(), end="")
