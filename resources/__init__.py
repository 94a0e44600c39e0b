"""Data files shipped inside the package as ``annotator.resources`` (see annotator/bundled.py)."""
