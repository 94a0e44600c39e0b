"""Reading a schema's TOML: every table and key checked, all problems gathered into one SchemaError."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .quoting import ident, one_line, show
from .schema_hotkeys import check_hotkeys, normalize_hotkey
from .schema_types import (
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

__all__ = ["SchemaParts", "parse_schema_toml"]

_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


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
_RELATION_KEYS = ("color", "head", "tail", "symmetric", "transitive", "head_role", "tail_role", "description")
_ATTRIBUTE_KEYS = ("values", "applies_to", "default")


@dataclass
class SchemaParts:
    """What a checked schema file holds: the type tables in file order, ready for a Schema."""

    name: str
    description: str
    entities: dict[str, EntityType]
    events: dict[str, EventType]
    relations: dict[str, RelationType]
    attributes: dict[str, AttributeDef]
    dropped_hotkeys: list[str]


def parse_schema_toml(
    text: str, source_name: str = "schema.toml", *, drop_reserved_hotkeys: bool = False,
    data: dict[str, Any] | None = None,
) -> SchemaParts:
    """Parse and check schema TOML text; raise :class:`SchemaError` listing every problem.

    ``drop_reserved_hotkeys``: see :meth:`annotator.schema.Schema.from_toml`.
    ``data``: ``tomllib.loads(text)`` when the caller has it already (a project's cached copy).
    """
    try:
        if data is None:
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
            if isinstance(card, int) and not isinstance(card, bool):
                card = str(card)  # cardinality = 2 reads as "2"
            if cardinality_bounds(card) is None:
                r.add(f"{rwhere}: unknown cardinality {show(card)} (allowed: {CARDINALITY_FORMS})")
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
        transitive = t.get("transitive", False)
        if not isinstance(transitive, bool):
            r.add(f"{where}: transitive must be true or false, got {show(transitive)}")
            transitive = False
        elif transitive and "symmetric" in t and t["symmetric"] is False:
            r.add(f"{where}: transitive = true makes the type symmetric: drop symmetric = false")
        roles_of: dict[str, str] = {}
        for key, default in (("head_role", "Arg1"), ("tail_role", "Arg2")):
            value = t.get(key, default)
            if not isinstance(value, str) or not value.strip() or value != value.strip():
                r.add(f"{where}: {key} must be a non-empty name without surrounding spaces, got {show(value)}")
                value = default
            roles_of[key] = value
        if roles_of["head_role"] == roles_of["tail_role"]:
            r.add(f"{where}: head_role and tail_role are both {show(roles_of['head_role'])} (they must differ)")
        relations[lname] = RelationType(
            name=lname,
            color=r.color(t, where, lname, 0.38),
            head_types=ends["head"],
            tail_types=ends["tail"],
            symmetric=symmetric or transitive,
            description=r.string(t, "description", where, "") or "",
            transitive=transitive,
            head_role=roles_of["head_role"],
            tail_role=roles_of["tail_role"],
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

    dropped = check_hotkeys(entities, events, r.add, drop_reserved_hotkeys)
    if r.problems:
        raise SchemaError(source_name, r.problems)
    return SchemaParts(name, description, entities, events, relations, attributes, dropped)
