"""brat standoff (placeholder: being written)."""
from __future__ import annotations

from .spec import FormatSpec

FORMAT = FormatSpec(name="brat", title="brat standoff", carries="", cannot="not available yet")
