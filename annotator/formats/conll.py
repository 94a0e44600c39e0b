"""CoNLL-2003 (IOB2) (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="conll", title="CoNLL-2003 (IOB2)", carries="", cannot="not available yet")
