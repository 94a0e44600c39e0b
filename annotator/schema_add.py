"""Adding types to a schema (``--add-types``): the TOML source gains tables for the names it lacks.

:func:`add_types` keeps the old source as it is (comments and all) and appends
one table per new type, with every name quoted as TOML needs.  When the old
source cannot be extended that way (it writes a kind as one inline table,
``entities = { PER = {} }``), the whole schema is written out afresh by
:func:`schema_to_toml` instead.  :func:`schema_from_types` builds a schema of
only the given types (a brat folder without ``annotation.conf`` imported into a
new project).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .schema import Schema
from .schema_types import AttributeDef, EntityType, EventType, RelationType, Role, SchemaError, fallback_color

__all__ = ["add_types", "schema_from_types", "schema_to_toml", "toml_key", "toml_string"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}

# The lightness of the colour made from a name, as schema_toml uses when a type gives none.
_ENTITY_LIGHT, _EVENT_LIGHT, _RELATION_LIGHT = 0.82, 0.78, 0.38


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quoted, with quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(name: str) -> str:
    """``name`` as one TOML key: bare when TOML allows it (letters, digits, ``_``, ``-``), else quoted."""
    return name if _BARE_KEY.fullmatch(name) else toml_string(name)


def _strings(values: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _check_names(names: Iterable[str], what: str, source_name: str) -> None:
    for n in names:
        if not isinstance(n, str) or not n:
            raise SchemaError(source_name, [f"cannot add {what} {n!r}: a type name must be a non-empty string"])


# ---------------------------------------------------------------- tables


def _entity_table(name: str, color: str | None = None, hotkey: str | None = None, description: str = "") -> str:
    lines = [f"[entities.{toml_key(name)}]", f"color = {toml_string(color or fallback_color(name, _ENTITY_LIGHT))}"]
    if hotkey:
        lines.append(f"hotkey = {toml_string(hotkey)}")
    if description:
        lines.append(f"description = {toml_string(description)}")
    return "\n".join(lines) + "\n"


def _role_line(role: str, types: Iterable[str], cardinality: str) -> str:
    return f"roles.{toml_key(role)} = {{ types = {_strings(types)}, cardinality = {toml_string(cardinality)} }}"


def _event_table(name: str, roles: Iterable[tuple[str, Iterable[str], str]], color: str | None = None,
                 hotkey: str | None = None, description: str = "") -> str:
    lines = [f"[events.{toml_key(name)}]", f"color = {toml_string(color or fallback_color(name, _EVENT_LIGHT))}"]
    if hotkey:
        lines.append(f"hotkey = {toml_string(hotkey)}")
    if description:
        lines.append(f"description = {toml_string(description)}")
    lines += [_role_line(r, types, card) for r, types, card in roles]
    return "\n".join(lines) + "\n"


def _relation_table(rt: RelationType) -> str:
    lines = [f"[relations.{toml_key(rt.name)}]", f"color = {toml_string(rt.color)}",
             f"head = {_strings(rt.head_types)}", f"tail = {_strings(rt.tail_types)}"]
    if rt.transitive:
        lines.append("transitive = true")
    elif rt.symmetric:
        lines.append("symmetric = true")
    if rt.head_role != "Arg1":
        lines.append(f"head_role = {toml_string(rt.head_role)}")
    if rt.tail_role != "Arg2":
        lines.append(f"tail_role = {toml_string(rt.tail_role)}")
    if rt.description:
        lines.append(f"description = {toml_string(rt.description)}")
    return "\n".join(lines) + "\n"


def _attribute_table(a: AttributeDef) -> str:
    lines = [f"[attributes.{toml_key(a.name)}]"]
    if a.values:
        lines.append(f"values = {_strings(a.values)}")
    lines.append(f"applies_to = {_strings(a.applies_to)}")
    if a.default is not None:
        lines.append(f"default = {toml_string(a.default)}")
    return "\n".join(lines) + "\n"


def schema_to_toml(schema: Schema) -> str:
    """The whole of ``schema`` as TOML (no comments): what :meth:`Schema.from_toml` reads back as the same schema."""
    parts = [f"name = {toml_string(schema.name)}\n"]
    if schema.description:
        parts.append(f"description = {toml_string(schema.description)}\n")
    for e in schema.entity_types.values():
        parts.append(_entity_table(e.name, e.color, e.hotkey, e.description))
    for v in schema.event_types.values():
        parts.append(_event_table(v.name, ((r.name, r.types, r.cardinality) for r in v.roles.values()),
                                  v.color, v.hotkey, v.description))
    for rt in schema.relation_types.values():
        parts.append(_relation_table(rt))
    for a in schema.attributes.values():
        parts.append(_attribute_table(a))
    return "\n".join(parts)


# ---------------------------------------------------------------- adding


def _added(
    schema: Schema,
    entities: Iterable[str],
    events: Mapping[str, Mapping[str, Iterable[str]]],
    relations: Mapping[str, tuple[Iterable[str], Iterable[str]]],
    attributes: Mapping[str, tuple[Iterable[str], Iterable[str]]],
    source_name: str,
) -> tuple[list[str], Schema]:
    """The appended tables, and ``schema`` with the new types added (for the fallback)."""
    new_entities = [n for n in _unique(entities) if n not in schema.entity_types]
    _check_names(new_entities, "entity type", source_name)
    _check_names(events, "event type", source_name)
    _check_names(relations, "relation type", source_name)
    _check_names(attributes, "attribute", source_name)
    tables = [_entity_table(n) for n in new_entities]
    ents = dict(schema.entity_types)
    ents.update({n: EntityType(n, fallback_color(n, _ENTITY_LIGHT)) for n in new_entities})
    evs = dict(schema.event_types)
    for name, roles in events.items():
        wanted = {r: _unique(types) for r, types in roles.items()}
        _check_names(wanted, f"role of {name!r}:", source_name)
        old = schema.event_types.get(name)
        if old is None:
            tables.append(_event_table(name, ((r, t, "any") for r, t in wanted.items())))
            evs[name] = EventType(name, fallback_color(name, _EVENT_LIGHT),
                                  {r: Role(r, tuple(t), "any") for r, t in wanted.items()})
            continue
        missing = {r: t for r, t in wanted.items() if r not in old.roles}
        if missing:  # roles the type lacks: sub-tables of its table
            for r, t in missing.items():
                tables.append(f"[events.{toml_key(name)}.roles.{toml_key(r)}]\n"
                              f"types = {_strings(t)}\ncardinality = \"any\"\n")
            roles_now = dict(old.roles)
            roles_now.update({r: Role(r, tuple(t), "any") for r, t in missing.items()})
            evs[name] = EventType(old.name, old.color, roles_now, old.hotkey, old.description)
    rels = dict(schema.relation_types)
    for name, (head, tail) in relations.items():
        if name in schema.relation_types:
            continue
        rt = RelationType(name, fallback_color(name, _RELATION_LIGHT), tuple(_unique(head)), tuple(_unique(tail)))
        tables.append(_relation_table(rt))
        rels[name] = rt
    attrs = dict(schema.attributes)
    for name, (values, applies_to) in attributes.items():
        if name in schema.attributes:
            continue
        a = AttributeDef(name, tuple(_unique(values)), tuple(_unique(applies_to)))
        tables.append(_attribute_table(a))
        attrs[name] = a
    whole = Schema(schema.name, ents, evs, rels, attrs, description=schema.description)
    return tables, whole


def add_types(
    schema: Schema,
    entities: Iterable[str] = (),
    events: Mapping[str, Mapping[str, Iterable[str]]] = {},  # noqa: B006 (read only)
    relations: Mapping[str, tuple[Iterable[str], Iterable[str]]] = {},  # noqa: B006
    attributes: Mapping[str, tuple[Iterable[str], Iterable[str]]] = {},  # noqa: B006
    *,
    source_name: str = "schema",
) -> Schema:
    """A new Schema: ``schema`` with the given types that it lacks added; ``schema`` itself is left as it is.

    ``entities``: entity type names (a colour made from the name, no hotkey).
    ``events``: event type -> role -> filler types (roles take ``"any"``
    number of fillers); for an event type the schema has, only the roles it
    lacks are added.  ``relations``: type -> (head types, tail types).
    ``attributes``: name -> (values, applies_to); no values makes a flag.
    Names the schema already has are left as they are.  The source is the
    old one with a table appended per new type (or, when the old source
    cannot be extended, the whole schema written afresh).  Raises
    :class:`SchemaError` (naming ``source_name``) when the result is not a
    valid schema, e.g. a new name is already an event type.
    """
    tables, whole = _added(schema, entities, events, relations, attributes, source_name)
    if not tables:
        return schema
    drop = bool(schema.dropped_hotkeys)
    old = schema.source
    if old and not old.endswith("\n"):
        old += "\n"
    text = old + "\n# added by annotator (--add-types)\n\n" + "\n".join(tables)
    try:
        return Schema.from_toml(text, source_name, drop_reserved_hotkeys=drop)
    except SchemaError as exc:
        if exc.line is None:  # the TOML reads, the schema is wrong: say so
            raise
    # The old source writes a kind as one inline table: TOML cannot extend it.  Write it all out.
    return Schema.from_toml(schema_to_toml(whole), source_name, drop_reserved_hotkeys=drop)


def schema_from_types(
    entities: Iterable[str] = (),
    events: Mapping[str, Mapping[str, Iterable[str]]] = {},  # noqa: B006
    relations: Mapping[str, tuple[Iterable[str], Iterable[str]]] = {},  # noqa: B006
    attributes: Mapping[str, tuple[Iterable[str], Iterable[str]]] = {},  # noqa: B006
    *,
    name: str = "imported",
    source_name: str = "schema",
) -> Schema:
    """A fresh Schema with only the given types (arguments as for :func:`add_types`), called ``name``."""
    empty = Schema.from_toml(f"name = {toml_string(name)}\n", source_name)
    return add_types(empty, entities, events, relations, attributes, source_name=source_name)
