"""The annotation schema: entity, event and relation types, roles, attributes.

A schema is written in TOML (see ``docs/schema.md``) and loaded with
:meth:`Schema.from_toml` or :meth:`Schema.load`.  Loading checks the whole file
and raises :class:`SchemaError` naming the file and exactly what is wrong.

No Qt here: the GUI reads colours and hotkeys as plain strings.
"""
from __future__ import annotations

import colorsys
import dataclasses
import re
import tomllib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import ENTITY, TRIGGER
from .quoting import ident, one_line, show
from .shortcuts import reserved_keys

__all__ = [
    "CARDINALITIES",
    "KIND_WORDS",
    "AttributeDef",
    "EntityType",
    "EventType",
    "RelationType",
    "Role",
    "Schema",
    "SchemaError",
]

CARDINALITIES: tuple[str, ...] = ("optional", "one", "one_or_more", "any")

#: Words an attribute's ``applies_to`` may use to mean "every type of this kind".
KIND_WORDS: tuple[str, ...] = ("entity", "event", "relation")

_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Modifier order and key names as QKeySequence.toString() writes them, so that
# hotkeys() keys compare equal to what the GUI gets from Qt.
_MODIFIERS: tuple[str, ...] = ("Meta", "Ctrl", "Alt", "Shift")
_NAMED_KEYS: dict[str, str] = {
    **{f"f{i}": f"F{i}" for i in range(1, 36)},
    **{k.lower(): k for k in (
        "Space", "Tab", "Backspace", "Return", "Enter", "Ins", "Del", "Home", "End",
        "PgUp", "PgDown", "Left", "Right", "Up", "Down", "Esc",
    )},
    "insert": "Ins", "delete": "Del", "escape": "Esc", "pageup": "PgUp", "pagedown": "PgDown",
}
_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


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


def normalize_hotkey(text: str) -> str | None:
    """The canonical form of a Qt key-sequence string (``"shift+a"`` -> ``"Shift+A"``).

    Returns None when ``text`` is not a single key with optional modifiers.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip()
    # A trailing "+" is the plus key itself ("Shift++" or "+").
    if raw.endswith("++") or raw == "+":
        head, key = raw[:-2] if raw != "+" else "", "+"
        parts = [p for p in head.split("+")] if head else []
    else:
        *parts, key = raw.split("+")
    mods: set[str] = set()
    for part in parts:
        canon = next((m for m in _MODIFIERS if m.lower() == part.strip().lower()), None)
        if canon is None or canon in mods:
            return None
        mods.add(canon)
    key = key.strip()
    if len(key) == 1 and key.isprintable() and not key.isspace():
        key = key.upper()
    else:
        key = _NAMED_KEYS.get(key.lower(), "")
        if not key:
            return None
    return "+".join([m for m in _MODIFIERS if m in mods] + [key])


class _Reader:
    """Collects problems while turning the parsed TOML into dataclasses."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, msg: str) -> None:
        self.problems.append(msg)

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(f"{where}: expected a table, got {type(value).__name__}")
            return {}
        return value

    def keys(self, table: dict[str, Any], where: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                self.add(f"{where}: unknown key {show(key)} (allowed: {', '.join(allowed)})")

    def string(self, table: dict[str, Any], key: str, where: str, default: str | None = None) -> str | None:
        value = table.get(key, default)
        if value is not None and not isinstance(value, str):
            self.add(f"{where}: {key} must be a string, got {show(value)}")
            return default
        return value

    def names(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(f"{where}: {key} must be a list of strings, got {show(value)}")
            return ()
        seen: set[str] = set()
        for v in value:
            if v in seen:
                self.add(f"{where}: {key} lists {show(v)} twice")
            seen.add(v)
        return tuple(dict.fromkeys(value))

    def color(self, table: dict[str, Any], where: str, name: str, lightness: float) -> str:
        value = table.get("color")
        if value is None:
            return fallback_color(name, lightness)
        if not isinstance(value, str) or not _COLOR_RE.match(value):
            self.add(f"{where}: bad color {show(value)} (expected #rrggbb)")
            return fallback_color(name, lightness)
        return value.lower()

    def hotkey(self, table: dict[str, Any], where: str) -> str | None:
        value = table.get("hotkey")
        if value is None:
            return None
        canon = normalize_hotkey(value) if isinstance(value, str) else None
        if canon is None:
            self.add(f"{where}: bad hotkey {show(value)} (expected a key such as \"G\" or \"Shift+A\")")
        return canon


_TOP_KEYS = ("name", "description", "entities", "events", "relations", "attributes")
_ENTITY_KEYS = ("color", "hotkey", "description")
_EVENT_KEYS = ("color", "hotkey", "description", "roles")
_ROLE_KEYS = ("types", "cardinality")
_RELATION_KEYS = ("color", "head", "tail", "symmetric", "description")
_ATTRIBUTE_KEYS = ("values", "applies_to", "default")


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
    def from_toml(cls, text: str, source_name: str = "schema.toml", *, drop_reserved_hotkeys: bool = False) -> Schema:
        """Parse and check a schema from TOML text; raise :class:`SchemaError` if it is bad.

        A hotkey that the application uses itself (:mod:`annotator.shortcuts`)
        is an error.  With ``drop_reserved_hotkeys`` (for a schema already
        stored in a project by an older version) such a type keeps no hotkey
        instead, and :attr:`dropped_hotkeys` lists the messages.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = _LINE_RE.search(str(exc))
            line = int(m.group(1)) if m else None
            where = f"line {line}: " if line else ""
            raise SchemaError(source_name, [f"{where}invalid TOML: {one_line(str(exc))}"], line) from None
        r = _Reader()
        r.keys(data, "top level", _TOP_KEYS)
        name = r.string(data, "name", "top level", Path(source_name).stem) or Path(source_name).stem
        description = r.string(data, "description", "top level", "") or ""

        entities: dict[str, EntityType] = {}
        for ename, raw in r.table(data.get("entities", {}), "entities").items():
            where = f"entity type {ident(ename)}"
            t = r.table(raw, where)
            r.keys(t, where, _ENTITY_KEYS)
            entities[ename] = EntityType(
                name=ename,
                color=r.color(t, where, ename, 0.82),
                hotkey=r.hotkey(t, where),
                description=r.string(t, "description", where, "") or "",
            )

        raw_events = r.table(data.get("events", {}), "events")
        events: dict[str, EventType] = {}
        for vname, raw in raw_events.items():
            where = f"event type {ident(vname)}"
            t = r.table(raw, where)
            r.keys(t, where, _EVENT_KEYS)
            if vname in entities:
                r.add(f"{where}: name is already defined as an entity type")
            roles: dict[str, Role] = {}
            for rname, rraw in r.table(t.get("roles", {}), f"{where}: roles").items():
                rwhere = f"{where}: role {ident(rname)}"
                if isinstance(rraw, list):  # shorthand: Place = ["GPE", "LOC"]
                    rraw = {"types": rraw}
                if not isinstance(rraw, dict):
                    r.add(f"{rwhere}: expected a table or a list of types, got {type(rraw).__name__}")
                    continue
                rt = rraw
                r.keys(rt, rwhere, _ROLE_KEYS)
                card = rt.get("cardinality", "optional")
                if card not in CARDINALITIES:
                    r.add(f"{rwhere}: unknown cardinality {show(card)} (allowed: {', '.join(CARDINALITIES)})")
                    card = "optional"
                types = r.names(rt, "types", rwhere)
                if not types and "types" in rt:
                    r.add(f"{rwhere}: no filler types")
                elif "types" not in rt:
                    r.add(f"{rwhere}: missing 'types'")
                for ft in types:
                    if ft not in entities and ft not in raw_events:
                        r.add(f"{rwhere}: unknown filler type {show(ft)}")
                roles[rname] = Role(name=rname, types=types, cardinality=card)
            events[vname] = EventType(
                name=vname,
                color=r.color(t, where, vname, 0.78),
                roles=roles,
                hotkey=r.hotkey(t, where),
                description=r.string(t, "description", where, "") or "",
            )

        relations: dict[str, RelationType] = {}
        for lname, raw in r.table(data.get("relations", {}), "relations").items():
            where = f"relation type {ident(lname)}"
            t = r.table(raw, where)
            r.keys(t, where, _RELATION_KEYS)
            if lname in entities:
                r.add(f"{where}: name is already defined as an entity type")
            elif lname in events:
                r.add(f"{where}: name is already defined as an event type")
            ends: dict[str, tuple[str, ...]] = {}
            for end in ("head", "tail"):
                ends[end] = r.names(t, end, where)
                if not ends[end]:
                    r.add(f"{where}: {end} must list at least one entity type")
                for at in ends[end]:
                    if at in entities:
                        continue
                    if at in events:
                        r.add(f"{where}: {end} type {show(at)} is an event type, not an entity type")
                    else:
                        r.add(f"{where}: unknown {end} type {show(at)}")
            symmetric = t.get("symmetric", False)
            if not isinstance(symmetric, bool):
                r.add(f"{where}: symmetric must be true or false, got {show(symmetric)}")
                symmetric = False
            relations[lname] = RelationType(
                name=lname,
                color=r.color(t, where, lname, 0.38),
                head_types=ends["head"],
                tail_types=ends["tail"],
                symmetric=symmetric,
                description=r.string(t, "description", where, "") or "",
            )

        for tname in (*entities, *events, *relations):
            if tname in KIND_WORDS:
                r.add(f"type name {show(tname)} is reserved (it means every type of that kind)")

        attributes: dict[str, AttributeDef] = {}
        for aname, raw in r.table(data.get("attributes", {}), "attributes").items():
            where = f"attribute {ident(aname)}"
            t = r.table(raw, where)
            r.keys(t, where, _ATTRIBUTE_KEYS)
            values = r.names(t, "values", where)
            applies = r.names(t, "applies_to", where)
            if not applies:
                r.add(f"{where}: applies_to must name at least one type or kind")
            for target in applies:
                if target not in KIND_WORDS and target not in entities and target not in events \
                        and target not in relations:
                    r.add(f"{where}: applies_to names unknown type {show(target)}")
            default = t.get("default")
            if default is not None:
                if not values:
                    r.add(f"{where}: a flag attribute (no values) takes no default")
                    default = None
                elif not isinstance(default, str) or default not in values:
                    r.add(f"{where}: default {show(default)} is not one of its values ({', '.join(map(ident, values))})")
                    default = None
            attributes[aname] = AttributeDef(name=aname, values=values, applies_to=applies, default=default)

        seen_keys: dict[str, str] = {}
        taken = reserved_keys()
        dropped: list[str] = []
        for t in (*entities.values(), *events.values()):
            if t.hotkey is None:
                continue
            if t.hotkey in taken:
                message = (
                    f"hotkey {t.hotkey} of {ident(t.name)} is taken by the application"
                    f" ({taken[t.hotkey]}); choose another key"
                )
                if not drop_reserved_hotkeys:
                    r.add(message)
                    continue
                dropped.append(message)
                if t.name in entities:
                    entities[t.name] = dataclasses.replace(t, hotkey=None)
                else:
                    events[t.name] = dataclasses.replace(t, hotkey=None)
            elif t.hotkey in seen_keys:
                r.add(f"hotkey {t.hotkey} is used by both {ident(seen_keys[t.hotkey])} and {ident(t.name)}")
            else:
                seen_keys[t.hotkey] = t.name

        if r.problems:
            raise SchemaError(source_name, r.problems)
        schema = cls(name, entities, events, relations, attributes, source=text, description=description)
        schema.dropped_hotkeys = dropped
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
