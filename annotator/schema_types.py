"""The schema's parts: entity, event and relation types, roles, attributes, and SchemaError."""
from __future__ import annotations

import colorsys
import zlib
from dataclasses import dataclass
from typing import Any

from .quoting import one_line

__all__ = [
    "CARDINALITIES",
    "KIND_WORDS",
    "AttributeDef",
    "EntityType",
    "EventType",
    "RelationType",
    "Role",
    "SchemaError",
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


@dataclass(frozen=True)
class Role:
    """An argument role of an event type.

    ``types`` names the entity and event types that may fill it;
    ``cardinality`` is one of :data:`CARDINALITIES`.
    """

    name: str
    types: tuple[str, ...]
    cardinality: str = "optional"

    @property
    def required(self) -> bool:
        """True when the role must be filled at least once."""
        return self.cardinality in ("one", "one_or_more")

    @property
    def max(self) -> int | None:
        """How many fillers the role takes at most (None: no limit)."""
        return 1 if self.cardinality in ("optional", "one") else None


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
    """A directed (or symmetric) link type between two entity types."""

    name: str
    color: str
    head_types: tuple[str, ...]
    tail_types: tuple[str, ...]
    symmetric: bool = False
    description: str = ""

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
