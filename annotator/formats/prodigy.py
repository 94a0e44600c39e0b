"""Prodigy JSONL (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="prodigy", title="Prodigy JSONL", carries="", cannot="not available yet")
