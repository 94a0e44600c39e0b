"""Hugging Face token classification (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="hf", title="Hugging Face token classification", carries="", cannot="not available yet")
