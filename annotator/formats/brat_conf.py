"""brat's annotation.conf: read it into schema TOML (with notes on what cannot be carried), write it from a schema."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.formats.errors import FormatError
from annotator.quoting import ident, show

if TYPE_CHECKING:
    from annotator.formats.spec import ImportReport

__all__ = ["BratConf", "conf_to_toml", "parse_conf", "parse_visual", "read_conf"]

_SECTIONS = ("entities", "relations", "events", "attributes")
_KIND_MACROS = {"<ENTITY>": "entity", "<EVENT>": "event", "<RELATION>": "relation"}
@dataclass
class ConfRole:
    """A role of a brat event type: its filler type tokens (macros not yet expanded) and cardinality."""

    name: str
    types: list[str]
    cardinality: str


@dataclass
class ConfRelation:
    """A brat relation type, merged over every line that defines it."""

    name: str
    head_role: str
    tail_role: str
    head: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    symmetric: bool = False
    transitive: bool = False
    lines: int = 0
    pairs: set[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=set)


@dataclass
class BratConf:
    """What annotation.conf defines, in file order, plus notes on what the schema cannot carry."""

    name: str
    entities: list[str] = field(default_factory=list)
    events: dict[str, dict[str, ConfRole]] = field(default_factory=dict)
    relations: dict[str, ConfRelation] = field(default_factory=dict)
    attributes: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    macros: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    abstract: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def event_roles(self) -> dict[str, set[str]]:
        """Event type -> its role names (for reading ``Theme2`` as ``Theme``)."""
        return {name: set(roles) for name, roles in self.events.items()}

    def relation_roles(self) -> dict[str, tuple[str, str]]:
        """Relation type -> (head role, tail role) as the conf names them."""
        return {name: (r.head_role, r.tail_role) for name, r in self.relations.items()}


def _cardinality(role: str, where: str, line: int) -> tuple[str, str]:
    """Split ``Theme+`` / ``Arg{2}`` / ``Arg{1-3}`` into the role name and the schema's cardinality."""
    last = role[-1:]
    if last in ("?", "*", "+"):
        return role[:-1], {"?": "optional", "*": "any", "+": "one_or_more"}[last]
    if last == "}" and "{" in role:
        base, _, spec = role[:-1].rpartition("{")
        lo, dash, hi = spec.partition("-")
        if not (lo.isascii() and lo.isdigit()) or (dash and not (hi.isascii() and hi.isdigit())) or len(spec) > 20:
            raise FormatError(where, line, f"role {show(role)}: cardinality must be {{n}} or {{n-m}}")
        a = int(lo)
        b = int(hi) if dash else a
        if b < a or b == 0:
            raise FormatError(where, line, f"role {show(role)}: cardinality {{{spec}}} allows no filler")
        known = {(1, 1): "one", (0, 1): "optional"}
        return base, known.get((a, b)) or (str(a) if a == b else f"{a}-{b}")
    return role, "one"


def parse_conf(text: str, where: str) -> BratConf:
    """Parse annotation.conf text; FormatError (naming ``where`` and the line) for a line it cannot read."""
    conf = BratConf(name=Path(where).parent.name or "brat")
    section: str | None = None
    stack: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            stack = []
            if section not in _SECTIONS:
                conf.notes.append(f"annotation.conf: section [{section}] is not carried (line {lineno})")
            continue
        first, _, rest = stripped.replace("\t", " ").partition(" ")
        if first.startswith("<") and "=" in first and first.index("=") > first.index(">"):
            name, _, value = stripped.partition("=")
            conf.macros[name.strip()] = value.strip()
            continue
        if section is None:
            raise FormatError(where, lineno, "a definition before any [section]")
        if section not in _SECTIONS:
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        name = first
        abstract = name.startswith("!")
        if abstract:
            name = name[1:]
        if not name:
            raise FormatError(where, lineno, "'!' without a type name")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack:
            conf.children.setdefault(stack[-1][1], []).append(name)
        stack.append((indent, name))
        if abstract:
            conf.abstract.add(name)
            continue
        args = [a.strip() for a in rest.split(",") if a.strip()]
        if section == "entities":
            if name not in conf.entities:
                conf.entities.append(name)
            if args:
                conf.notes.append(f"annotation.conf: entity {ident(name)}: {show(rest.strip())} is not carried")
        elif section == "events":
            _event_line(conf, name, args, where, lineno)
        elif section == "relations":
            _relation_line(conf, name, args, where, lineno)
        else:
            _attribute_line(conf, name, args, where, lineno)
    return conf


def _split_arg(arg: str, where: str, line: int) -> tuple[str, list[str]]:
    role, colon, types = arg.partition(":")
    if not colon or not role or not types:
        raise FormatError(where, line, f"expected ROLE:TYPE, got {show(arg)}")
    return role, [t.strip() for t in types.split("|") if t.strip()]


def _event_line(conf: BratConf, name: str, args: list[str], where: str, line: int) -> None:
    roles = conf.events.setdefault(name, {})
    for arg in args:
        spec, types = _split_arg(arg, where, line)
        rname, card = _cardinality(spec, where, line)
        old = roles.get(rname)
        if old is None:
            roles[rname] = ConfRole(rname, types, card)
        else:
            old.types += [t for t in types if t not in old.types]


def _relation_line(conf: BratConf, name: str, args: list[str], where: str, line: int) -> None:
    if name.startswith("<"):
        conf.notes.append(f"annotation.conf: {name} rules are not carried (line {line})")
        return
    roles: list[tuple[str, list[str]]] = []
    sym = trans = False
    for arg in args:
        key, types = _split_arg(arg, where, line)
        if key == "<REL-TYPE>":
            flags = {f for t in types for f in t.split("-")}
            sym, trans = "symmetric" in flags, "transitive" in flags
        elif key.startswith("<"):
            conf.notes.append(f"annotation.conf: relation {ident(name)}: {key} is not carried")
        else:
            roles.append((key, types))
    if len(roles) != 2:
        raise FormatError(where, line, f"relation {show(name)} has {len(roles)} arguments; brat relations take two")
    (hr, ht), (tr, tt) = roles
    rel = conf.relations.get(name)
    if rel is None:
        rel = conf.relations[name] = ConfRelation(name, hr, tr)
    elif (hr, tr) != (rel.head_role, rel.tail_role):
        conf.notes.append(
            f"annotation.conf: relation {ident(name)}: roles {hr}/{tr} on line {line} read as {rel.head_role}/{rel.tail_role}"
        )
    rel.head += [t for t in ht if t not in rel.head]
    rel.tail += [t for t in tt if t not in rel.tail]
    rel.symmetric = rel.symmetric or sym
    rel.transitive = rel.transitive or trans
    rel.lines += 1
    rel.pairs.add((tuple(ht), tuple(tt)))


def _attribute_line(conf: BratConf, name: str, args: list[str], where: str, line: int) -> None:
    targets: list[str] = []
    values: list[str] = []
    for arg in args:
        key, items = _split_arg(arg, where, line)
        if key == "Arg":
            targets += items
        elif key == "Value":
            values += items
        else:
            conf.notes.append(f"annotation.conf: attribute {ident(name)}: {key} is not carried")
    if not targets:
        raise FormatError(where, line, f"attribute {show(name)} has no Arg:")
    old_targets, old_values = conf.attributes.setdefault(name, ([], []))
    old_targets += [t for t in targets if t not in old_targets]
    old_values += [v for v in values if v not in old_values]


# ----------------------------------------------------------------------------- to TOML


def _toml_str(s: str) -> str:
    """A TOML basic string (JSON's escapes, plus DEL, which TOML wants escaped)."""
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(map(_toml_str, items)) + "]"


class _Resolver:
    """Expands macros, ``<ENTITY>``/``<EVENT>`` and non-annotatable parents into type names."""

    def __init__(self, conf: BratConf, entities: list[str], events: list[str]) -> None:
        self.conf = conf
        self.entities = entities
        self.events = events
        self.known = set(entities) | set(events)

    def expand(self, token: str, depth: int = 0) -> list[str]:
        if depth > 20:
            return []
        if token == "<ENTITY>":
            return list(self.entities)
        if token == "<EVENT>":
            return list(self.events)
        if token == "<ANY>":
            return [*self.entities, *self.events]
        if token in self.conf.macros:
            out: list[str] = []
            for part in self.conf.macros[token].split("|"):
                out += [t for t in self.expand(part.strip(), depth + 1) if t not in out]
            return out
        if token in self.known:
            return [token]
        out = []
        for child in self.conf.children.get(token, ()):
            out += [t for t in self.expand(child, depth + 1) if t not in out]
        return out

    def types(self, tokens: list[str], what: str, notes: list[str]) -> list[str]:
        out: list[str] = []
        for tok in tokens:
            got = self.expand(tok)
            if not got:
                notes.append(f"annotation.conf: {what}: type {ident(tok)} is not defined; dropped")
            out += [t for t in got if t not in out]
        return out


def parse_visual(text: str) -> tuple[dict[str, str], list[str]]:
    """Type name -> ``#rrggbb`` from the [drawing] section of brat's visual.conf (``bgColor``, or ``color`` for arcs)."""
    colors: dict[str, str] = {}
    notes: list[str] = []
    section = ""
    for raw in text.lstrip("\ufeff").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            continue
        if section != "drawing":
            continue
        name, _, rest = line.replace("\t", " ").partition(" ")
        for item in rest.split(","):
            key, _, value = item.strip().partition(":")
            if key not in ("bgColor", "color") or (key == "color" and name in colors):
                continue
            value = value.strip().lower()
            if len(value) == 4 and value.startswith("#"):
                value = "#" + "".join(c * 2 for c in value[1:])
            if len(value) == 7 and value.startswith("#") and all(c in "0123456789abcdef" for c in value[1:]):
                colors[name] = value
            else:
                notes.append(f"visual.conf: colour {show(value)} of {ident(name)} is not #rrggbb; not carried")
    return colors, notes


def conf_to_toml(conf: BratConf, colors: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """The schema TOML that ``conf`` describes (with ``colors`` from visual.conf), and notes on what it could not carry."""
    notes = list(conf.notes)
    colors = colors or {}

    def color(name: str) -> str:
        c = colors.get(name)
        return f"color = {_toml_str(c)}" if c else ""

    reserved = {"entity", "event", "relation"}
    entities = [e for e in conf.entities if e not in reserved]
    events: list[str] = []
    for name in conf.events:
        if name in reserved or name in entities:
            notes.append(f"annotation.conf: event type {ident(name)} is already a type name; dropped")
        else:
            events.append(name)
    res = _Resolver(conf, entities, events)
    out = [f"# read from brat's annotation.conf\nname = {_toml_str(conf.name)}\n"]
    if entities:
        out.append("[entities]")
        out += [f"{_toml_str(e)} = {{ {color(e)} }}" for e in entities]
        out.append("")
    for name in events:
        out.append(f"[events.{_toml_str(name)}]\n{color(name)}")
        for role in conf.events[name].values():
            types = res.types(role.types, f"event {ident(name)} role {ident(role.name)}", notes)
            if not types:
                notes.append(f"annotation.conf: event {ident(name)}: role {ident(role.name)} has no known types; dropped")
                continue
            out.append(f"roles.{_toml_str(role.name)} = {{ types = {_toml_list(types)}, "
                       f"cardinality = {_toml_str(role.cardinality)} }}")
        out.append("")
    taken = set(entities) | set(events) | reserved
    relations: list[str] = []
    for rel in conf.relations.values():
        what = f"relation {ident(rel.name)}"
        if rel.name in taken:
            notes.append(f"annotation.conf: {what} is already a type name; dropped")
            continue
        ends = []
        for tokens in (rel.head, rel.tail):
            types = res.types(tokens, what, notes)
            kept = [t for t in types if t in entities]
            if len(kept) < len(types):
                notes.append(f"annotation.conf: {what}: event types as relation arguments are not carried")
            ends.append(kept)
        if not ends[0] or not ends[1]:
            notes.append(f"annotation.conf: {what} has no entity type on one side; dropped")
            continue
        if len(rel.pairs) > 1:
            notes.append(
                f"annotation.conf: {what}: {rel.lines} lines merged into one type; any of "
                f"{'|'.join(ends[0])} may now link to any of {'|'.join(ends[1])} (the pairing per line is not kept)"
            )
        relations.append(rel.name)
        out.append(f"[relations.{_toml_str(rel.name)}]\n{color(rel.name)}")
        out.append(f"head = {_toml_list(ends[0])}\ntail = {_toml_list(ends[1])}")
        if rel.symmetric:
            out.append("symmetric = true")
        if rel.transitive:
            out.append("transitive = true")
        if (rel.head_role, rel.tail_role) != ("Arg1", "Arg2"):
            out.append(f"head_role = {_toml_str(rel.head_role)}\ntail_role = {_toml_str(rel.tail_role)}")
        out.append("")
    known = set(entities) | set(events) | set(relations)
    for name, (targets, values) in conf.attributes.items():
        applies: list[str] = []
        for tok in targets:
            if tok in _KIND_MACROS:
                got = [_KIND_MACROS[tok]]
            elif tok == "<ANY>":
                got = ["entity", "event", "relation"]
            else:
                got = [t for t in res.expand(tok) if t in known] or ([tok] if tok in known else [])
            if not got:
                notes.append(f"annotation.conf: attribute {ident(name)}: type {ident(tok)} is not defined; dropped")
            applies += [t for t in got if t not in applies]
        if not applies:
            notes.append(f"annotation.conf: attribute {ident(name)} applies to no known type; dropped")
            continue
        out.append(f"[attributes.{_toml_str(name)}]")
        if values:
            out.append(f"values = {_toml_list(values)}")
        out.append(f"applies_to = {_toml_list(applies)}\n")
    return "\n".join(out) + "\n", notes


def read_conf(path: Path, report: ImportReport | None = None) -> str:
    """The schema TOML of the annotation.conf at ``path`` (colours from visual.conf beside it); notes what it cannot carry."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(str(path), None, f"not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise FormatError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    colors: dict[str, str] = {}
    notes: list[str] = []
    visual = path.with_name("visual.conf")
    if visual.is_file():
        try:
            colors, notes = parse_visual(visual.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            notes = [f"visual.conf: cannot be read ({exc}); colours not carried"]
    toml, more = conf_to_toml(parse_conf(text, str(path)), colors)
    notes += more
    if report is not None:
        for n in notes:
            report.note(n)
    return toml
