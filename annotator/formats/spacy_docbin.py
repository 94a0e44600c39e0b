"""spaCy DocBin (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="spacy", title="spaCy DocBin", carries="", cannot="not available yet")
