"""doccano JSONL (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="doccano", title="doccano JSONL", carries="", cannot="not available yet")
