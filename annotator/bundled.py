"""The files shipped inside the package (schema, JSON Schema, demo seeds, icon), found with importlib.resources.

``resources/`` and ``seeds/`` sit at the top of the repository and are mapped into the
package as ``annotator.resources`` and ``annotator.seeds`` (pyproject.toml
``[tool.setuptools.package-dir]``), so the same lookups work from a checkout, an
editable install and a wheel.  Nothing here uses ``__file__``.
"""
from __future__ import annotations

from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = [
    "DIST_NAME", "resource", "default_schema_path", "jsonl_schema_path", "seeds_dir",
    "icon_svg_path", "icon_png_path", "desktop_file_path", "version",
]

DIST_NAME = "annotator"
RESOURCES = "annotator.resources"
SEEDS = "annotator.seeds"


def _on_disk(item: Traversable, what: str) -> Path:
    """``item`` as a filesystem path; pip always unpacks the package, so it is one."""
    if isinstance(item, Path):
        return item
    raise RuntimeError(f"{what}: the annotator package is not unpacked on disk ({item}); "
                       "install it with pip")


def resource(*parts: str) -> Path:
    """A file under the bundled ``resources/`` folder, e.g. ``resource("schemas", "news.toml")``."""
    return _on_disk(resources.files(RESOURCES).joinpath(*parts), "/".join(parts))


def default_schema_path() -> Path:
    """The bundled default (ACE 2005 news) schema."""
    return resource("schemas", "news.toml")


def jsonl_schema_path() -> Path:
    """The JSON Schema of the native JSONL format."""
    return resource("formats", "annotator-jsonl.schema.json")


def seeds_dir() -> Path:
    """The folder of demo articles (``.txt`` files)."""
    return _on_disk(resources.files(SEEDS), "seeds")


def icon_svg_path() -> Path:
    """The application icon, scalable."""
    return resource("icons", "annotator.svg")


def icon_png_path() -> Path:
    """The application icon rendered at 256x256."""
    return resource("icons", "annotator.png")


def desktop_file_path() -> Path:
    """The freedesktop.org ``.desktop`` entry."""
    return resource("annotator.desktop")


def version() -> str:
    """The installed version of the annotator distribution (from its metadata)."""
    try:
        return metadata.version(DIST_NAME)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown (not installed)"
