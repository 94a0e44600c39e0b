"""The annotation schema: entity, event and relation types, roles, attributes.

A schema is written in TOML (see ``docs/schema.md``) and loaded with
:meth:`Schema.from_toml` or :meth:`Schema.load`.  Loading checks the whole file
and raises :class:`SchemaError` naming the file and exactly what is wrong.

No Qt here: the GUI reads colours and hotkeys as plain strings.

The parts (types, roles, attributes, SchemaError) are in ``schema_types``,
reading the TOML in ``schema_toml`` and the hotkey checks in
``schema_hotkeys``; every name is importable from here as well.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import ENTITY, TRIGGER
from .schema_hotkeys import normalize_hotkey
from .schema_toml import parse_schema_toml
from .schema_types import (
    CARDINALITIES,
    CARDINALITY_FORMS,
    KIND_WORDS,
    AttributeDef,
    EntityType,
    EventType,
    RelationType,
    Role,
    SchemaError,
    cardinality_bounds,
    fallback_color,
)

__all__ = [
    "CARDINALITIES",
    "CARDINALITY_FORMS",
    "KIND_WORDS",
    "AttributeDef",
    "EntityType",
    "EventType",
    "RelationType",
    "Role",
    "Schema",
    "SchemaError",
    "cardinality_bounds",
    "default_schema_path",
    "fallback_color",
    "normalize_hotkey",
]


class Schema:
    """A loaded annotation schema.  Build it with :meth:`from_toml`, :meth:`load` or :meth:`default`.

    The four dicts keep file order.  Treat a Schema as read-only.
    """

    def __init__(
        self,
        name: str,
        entity_types: dict[str, EntityType],
        event_types: dict[str, EventType],
        relation_types: dict[str, RelationType],
        attributes: dict[str, AttributeDef],
        source: str = "",
        description: str = "",
    ) -> None:
        self.name = name
        self.description = description
        self.entity_types = entity_types
        self.event_types = event_types
        self.relation_types = relation_types
        self.attributes = attributes
        self.source = source
        self.dropped_hotkeys: list[str] = []
        """Hotkeys left out because the application uses them (see :meth:`from_toml`)."""
        self._hotkeys: dict[str, str] = {}
        for t in (*entity_types.values(), *event_types.values()):
            if t.hotkey:
                self._hotkeys[t.hotkey] = t.name
        self._attrs_for: dict[str, list[AttributeDef]] = {}
        self._attr_map: dict[str, dict[str, AttributeDef]] = {}
        kinds = (
            ("entity", entity_types),
            ("event", event_types),
            ("relation", relation_types),
        )
        for kind, types in kinds:
            for tname in types:
                defs = [a for a in attributes.values() if kind in a.applies_to or tname in a.applies_to]
                self._attrs_for[tname] = defs
                self._attr_map[tname] = {a.name: a for a in defs}

    def __repr__(self) -> str:
        return (
            f"Schema({self.name!r}: {len(self.entity_types)} entity, "
            f"{len(self.event_types)} event, {len(self.relation_types)} relation types)"
        )

    # ----------------------------------------------------------------- loading
    @classmethod
    def from_toml(
        cls, text: str, source_name: str = "schema.toml", *, drop_reserved_hotkeys: bool = False,
        data: dict[str, Any] | None = None,
    ) -> Schema:
        """Parse and check a schema from TOML text; raise :class:`SchemaError` if it is bad.

        A hotkey that the application uses itself (:mod:`annotator.shortcuts`)
        is an error.  With ``drop_reserved_hotkeys`` (for a schema already
        stored in a project by an older version) such a type keeps no hotkey
        instead, and :attr:`dropped_hotkeys` lists the messages.  ``data``: the
        TOML already parsed (``tomllib.loads(text)``), e.g. a project's cached copy.
        """
        parts = parse_schema_toml(text, source_name, drop_reserved_hotkeys=drop_reserved_hotkeys, data=data)
        schema = cls(
            parts.name,
            parts.entities,
            parts.events,
            parts.relations,
            parts.attributes,
            source=text,
            description=parts.description,
        )
        schema.dropped_hotkeys = parts.dropped_hotkeys
        return schema

    @classmethod
    def load(cls, path: str | Path) -> Schema:
        """Load a schema file (UTF-8 TOML)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemaError(p.name, [f"cannot read: {exc}"]) from None
        return cls.from_toml(text, p.name)

    @classmethod
    def default(cls) -> Schema:
        """The bundled ACE 2005 news schema (``resources/schemas/news.toml``)."""
        return cls.load(default_schema_path())

    # ------------------------------------------------------------------ lookups
    def label_kind(self, label: str) -> str | None:
        """``"entity"`` for an entity type, ``"trigger"`` for an event type, else None."""
        if label in self.entity_types:
            return ENTITY
        if label in self.event_types:
            return TRIGGER
        return None

    def color(self, type_name: str) -> str:
        """The ``#rrggbb`` colour of any entity, event or relation type.

        Unknown names get a stable light colour derived from the name.
        """
        for types in (self.entity_types, self.event_types, self.relation_types):
            t = types.get(type_name)
            if t is not None:
                return t.color
        return fallback_color(type_name)

    def hotkeys(self) -> dict[str, str]:
        """Key sequence (canonical Qt form, e.g. ``"Shift+A"``) -> entity or event type name."""
        return dict(self._hotkeys)

    def attributes_for(self, type_name: str) -> list[AttributeDef]:
        """The attributes an annotation of ``type_name`` may carry, in file order."""
        return list(self._attrs_for.get(type_name, ()))

    def attribute_def(self, type_name: str, attribute: str) -> AttributeDef | None:
        """The definition of ``attribute`` if annotations of ``type_name`` may carry it."""
        return self._attr_map.get(type_name, {}).get(attribute)

    def allowed_roles(self, event_type: str, filler_type: str) -> list[str]:
        """Roles of ``event_type`` that a filler of ``filler_type`` (entity or event type) may fill."""
        et = self.event_types.get(event_type)
        if et is None:
            return []
        return [r.name for r in et.roles.values() if filler_type in r.types]

    def allowed_relations(self, head_type: str, tail_type: str) -> list[str]:
        """Relation types that may link a ``head_type`` entity to a ``tail_type`` entity."""
        return [r.name for r in self.relation_types.values() if r.allows(head_type, tail_type)]


def default_schema_path() -> Path:
    """Where the bundled default schema lives (shipped in the package; see annotator/bundled.py)."""
    from .bundled import default_schema_path as bundled_schema

    return bundled_schema()
