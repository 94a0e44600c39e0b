"""The demo project: built from the articles in ``seeds/`` on first use."""
from __future__ import annotations

from pathlib import Path

from .bundled import seeds_dir
from .formats.plaintext import read_text_paths
from .store import Project

SEEDS = seeds_dir()


def data_dir() -> Path:
    """The user's data directory for the annotator (platformdirs), created if missing."""
    from platformdirs import user_data_dir

    path = Path(user_data_dir("annotator", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_path() -> Path:
    return data_dir() / "demo.annotator.db"


def seed_documents(seeds: Path = SEEDS):
    """The seed articles as documents; each is named by its first line (the headline)."""
    for adoc in read_text_paths([seeds]):
        first = adoc.document.text.strip().splitlines()[0] if adoc.document.text.strip() else ""
        if first:
            adoc.document.name = first[:120]
        yield adoc


def ensure_demo(path: Path | None = None, seeds: Path = SEEDS) -> Path:
    """Create the demo project from ``seeds`` unless it exists already; return its path."""
    path = path or demo_path()
    with Project.open(path) as project:
        if project.document_count() == 0:
            project.import_documents(seed_documents(seeds))
    return path
