"""The schema's parts: entity, event and relation types, roles, attributes, and SchemaError."""
from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass, field
from typing import Any

from .quoting import one_line

__all__ = [
    "CARDINALITIES",
    "CARDINALITY_FORMS",
    "KIND_WORDS",
    "AttributeDef",
    "EntityType",
    "EventType",
    "RelationType",
    "Role",
    "SchemaError",
    "cardinality_bounds",
    "fallback_color",
]

CARDINALITIES: tuple[str, ...] = ("optional", "one", "one_or_more", "any")

#: Words an attribute's ``applies_to`` may use to mean "every type of this kind".
KIND_WORDS: tuple[str, ...] = ("entity", "event", "relation")


class SchemaError(ValueError):
    """A schema file that cannot be used.

    The message names the file, the TOML line when the TOML itself is broken,
    and exactly what is wrong; one line per problem when there are several.
    ``problems`` holds those lines without the file name prefix, ``line`` the
    TOML line number (or None) and ``source_name`` the file name.
    """

    def __init__(self, source_name: str, problems: list[str], line: int | None = None) -> None:
        self.source_name = source_name
        self.problems = list(problems)
        self.line = line
        self.problems = [one_line(p) for p in self.problems]  # one line each, whatever the names hold
        super().__init__("\n".join(f"{one_line(source_name)}: {p}" for p in self.problems))


@dataclass(frozen=True)
class EntityType:
    """A kind of entity mention, e.g. ``PER``."""

    name: str
    color: str
    hotkey: str | None = None
    description: str = ""


def cardinality_bounds(cardinality: str) -> tuple[int, int | None] | None:
    """``(min, max)`` fillers of a role's cardinality (max None: no limit); None when it is not one.

    The words of :data:`CARDINALITIES`, a count ``"N"`` (N >= 1; brat's
    ``{N}``) or a range ``"N-M"`` (0 <= N <= M, M >= 1; brat's ``{N-M}``).
    """
    if not isinstance(cardinality, str):
        return None
    fixed = _FIXED_BOUNDS.get(cardinality)
    if fixed is not None:
        return fixed
    lo, dash, hi = cardinality.partition("-")
    if not (lo.isascii() and lo.isdigit()) or (dash and not (hi.isascii() and hi.isdigit())):
        return None
    a = int(lo)
    b = int(hi) if dash else a
    if b < a or b == 0:
        return None
    return a, b


_FIXED_BOUNDS: dict[str, tuple[int, int | None]] = {
    "optional": (0, 1), "one": (1, 1), "one_or_more": (1, None), "any": (0, None),
}

#: How a bad cardinality's message lists what is allowed.
CARDINALITY_FORMS = ", ".join(CARDINALITIES) + ', a count such as "2" or a range such as "1-3"'


@dataclass(frozen=True)
class Role:
    """An argument role of an event type.

    ``types`` names the entity and event types that may fill it;
    ``cardinality`` is one of :data:`CARDINALITIES`, a count ``"2"`` or a
    range ``"1-3"`` (see :func:`cardinality_bounds`).  ``min`` and ``max``
    are the fewest and most fillers it takes (``max`` None: no limit).
    """

    name: str
    types: tuple[str, ...]
    cardinality: str = "optional"
    min: int = field(init=False, repr=False, compare=False)
    max: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bounds = cardinality_bounds(self.cardinality)
        if bounds is None:
            raise ValueError(f"role {self.name}: unknown cardinality {self.cardinality!r} (allowed: {CARDINALITY_FORMS})")
        object.__setattr__(self, "min", bounds[0])
        object.__setattr__(self, "max", bounds[1])

    @property
    def required(self) -> bool:
        """True when the role must be filled at least once."""
        return self.min > 0

    @property
    def hint(self) -> str:
        """A short form of the cardinality: ``0-1``, ``1``, ``1+``, ``any``, ``2``, ``1-3``."""
        if self.max is None:
            return "any" if self.min == 0 else f"{self.min}+"
        return str(self.max) if self.min == self.max else f"{self.min}-{self.max}"


@dataclass(frozen=True)
class EventType:
    """A kind of event, e.g. ``Life.Die``, with its roles in file order."""

    name: str
    color: str
    roles: dict[str, Role]
    hotkey: str | None = None
    description: str = ""


@dataclass(frozen=True)
class RelationType:
    """A directed (or symmetric) link type between two entity types.

    ``transitive``: an equivalence, as brat's ``Equiv`` (symmetric and
    transitive; implies ``symmetric``).  ``head_role`` and ``tail_role`` are
    the names of its two arguments in formats that name them (brat's
    ``Arg1``/``Arg2``).
    """

    name: str
    color: str
    head_types: tuple[str, ...]
    tail_types: tuple[str, ...]
    symmetric: bool = False
    description: str = ""
    transitive: bool = False
    head_role: str = "Arg1"
    tail_role: str = "Arg2"

    def __post_init__(self) -> None:
        if self.transitive and not self.symmetric:
            object.__setattr__(self, "symmetric", True)

    def allows(self, head_type: str, tail_type: str) -> bool:
        """Whether a relation of this type may link ``head_type`` to ``tail_type``."""
        if head_type in self.head_types and tail_type in self.tail_types:
            return True
        return self.symmetric and tail_type in self.head_types and head_type in self.tail_types


@dataclass(frozen=True)
class AttributeDef:
    """An attribute: a closed set of values, or a boolean flag when ``values`` is empty.

    ``applies_to`` holds type names and/or the words ``entity``, ``event``,
    ``relation`` (every type of that kind).
    """

    name: str
    values: tuple[str, ...]
    applies_to: tuple[str, ...]
    default: str | None = None

    @property
    def is_flag(self) -> bool:
        """True for a boolean attribute (values True / False)."""
        return not self.values

    def allows(self, value: Any) -> bool:
        """Whether ``value`` is a legal value of this attribute."""
        if self.is_flag:
            return isinstance(value, bool)
        return isinstance(value, str) and value in self.values


def fallback_color(name: str, lightness: float = 0.82) -> str:
    """A stable ``#rrggbb`` colour derived from ``name`` (same in every run)."""
    hue = (zlib.crc32(name.encode("utf-8")) % 360) / 360.0
    r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.55)
    return "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))
