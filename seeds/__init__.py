"""The demo articles, shipped inside the package as ``annotator.seeds`` (see annotator/bundled.py)."""
