"""Reading brat standoff: .txt/.ann pairs (a folder, or one pair) into annotated documents."""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.formats import safety
from annotator.formats.brat_conf import BratConf, parse_conf
from annotator.formats.errors import FormatError
from annotator.formats.spec import ImportOptions, ImportReport, Sourced
from annotator.model import ENTITY, TRIGGER, AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.quoting import show

__all__ = ["BratContext", "brat_pairs", "flatten", "parse_ann", "read_brat"]

_BOM = "\ufeff"
#: every character str.splitlines() breaks a line at: brat writes the text of a span on one line
_BREAKS = str.maketrans({c: " " for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"})
_DIGITS = frozenset("0123456789")


def flatten(text: str) -> str:
    """``text`` with each line-break character replaced by a space (as a span's text is written on its line)."""
    return text.translate(_BREAKS)


@dataclass
class BratContext:
    """What reading .ann lines may consult: role names by event and relation type, event type names."""

    event_roles: dict[str, set[str]] = field(default_factory=dict)
    relation_roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    event_types: set[str] = field(default_factory=set)
    entity_types: set[str] = field(default_factory=set)
    report: ImportReport = field(default_factory=ImportReport)

    @classmethod
    def build(cls, options: ImportOptions | None, conf: BratConf | None, report: ImportReport) -> BratContext:
        """From the project's schema, overridden by the annotation.conf beside the files."""
        ctx = cls(report=report)
        schema = options.schema if options is not None else None
        if schema is not None:
            ctx.entity_types |= set(schema.entity_types)
            for et in schema.event_types.values():
                ctx.event_types.add(et.name)
                ctx.event_roles[et.name] = set(et.roles)
            for rt in schema.relation_types.values():
                ctx.relation_roles[rt.name] = (
                    getattr(rt, "head_role", None) or "Arg1", getattr(rt, "tail_role", None) or "Arg2")
        if conf is not None:
            ctx.entity_types |= set(conf.entities)
            ctx.event_types |= set(conf.events) - conf.abstract
            ctx.event_roles.update(conf.event_roles())
            ctx.relation_roles.update(conf.relation_roles())
        return ctx

    def role(self, event_type: str, role: str) -> str:
        """The role a brat argument name stands for: ``Theme2`` is ``Theme`` unless ``Theme2`` is a role itself."""
        roles = self.event_roles.get(event_type)
        if roles is not None and role in roles:
            return role
        i = len(role)
        while i > 0 and role[i - 1] in _DIGITS:
            i -= 1
        if i == len(role) or i == 0:
            return role
        for j in range(i, len(role)):
            base, num = role[:j], role[j:]
            if num[0] != "0" and (len(num) > 1 or num >= "2") and (roles is None or base in roles):
                return base
            if roles is None:
                break
        return role


def _ids_error(where: str, line: int, what: str, ref: str, kinds: str) -> FormatError:
    return FormatError(where, line, f"{what} {show(ref)} names no {kinds} in this file")


def parse_ann(text: str, ann: str, where: str, doc_id: str, ctx: BratContext, shift: int = 0) -> AnnotatedDocument:
    """The annotations of one .ann file's content ``ann`` over the document ``text``.

    ``where`` names the .ann file in errors; ``shift`` is subtracted from every
    offset (1 when the .txt began with a byte order mark, which brat counts).
    """
    spans: dict[str, Span] = {}
    events: dict[str, tuple[Event, int]] = {}
    relations: dict[str, tuple[Relation, list[str], int]] = {}
    others: list[tuple[str, int, list[str], str]] = []  # A/M, N, #: (kind, line, fields, text)
    equivs: list[tuple[int, str, list[str]]] = []
    seen: dict[str, int] = {}
    n = len(text)
    if ann.startswith(_BOM):
        ann = ann[1:]
    for lineno, raw in enumerate(ann.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line or line.isspace():
            continue
        tab = line.find("\t")
        if tab <= 0:
            raise FormatError(where, lineno, "expected an id, a tab and an annotation")
        aid = line[:tab]
        rest = line[tab + 1:]
        kind = aid[0]
        if kind != "*":
            first = seen.setdefault(aid, lineno)
            if first != lineno:
                raise FormatError(where, lineno, f"duplicate id {show(aid)} (first on line {first})")
        if kind == "T":
            head, has_text, covered = rest.partition("\t")
            label, _, offs = head.strip().partition(" ")
            if not label or not offs:
                raise FormatError(where, lineno, f"{aid}: expected 'TYPE START END', got {show(head)}")
            frags: list[tuple[int, int]] = []
            for piece in offs.split(";"):
                se = piece.split()
                if len(se) != 2 or not (se[0].isdigit() and se[1].isdigit() and piece.isascii()) or len(piece) > 40:
                    raise FormatError(where, lineno, f"{aid}: expected 'TYPE START END[;START END...]', got {show(head)}")
                a, b = int(se[0]) - shift, int(se[1]) - shift
                if not 0 <= a < b <= n:
                    raise FormatError(where, lineno, f"{aid}: offsets {a + shift} {b + shift} are outside the text "
                                                     f"(length {n + shift}) or empty")
                frags.append((a, b))
            if has_text:  # the covered text, fragments in the order the line gives them
                expected = text[a:b] if len(frags) == 1 else " ".join(text[x:y] for x, y in frags)
                if covered != expected and covered != flatten(expected):
                    raise FormatError(where, lineno, f"{aid}: text {show(covered)} does not match the document, "
                                                     f"which has {show(expected)} there")
            if len(frags) > 1:
                frags.sort()
            span = Span(aid, label, frags[0][0], frags[-1][1], fragments=frags if len(frags) > 1 else None)
            spans[aid] = span
        elif kind == "E":
            parts = rest.split()
            if not parts:
                raise FormatError(where, lineno, f"{aid}: expected 'TYPE:TRIGGER [ROLE:ID ...]'")
            etype, colon, trig = parts[0].rpartition(":")
            if not colon or not etype or not trig:
                raise FormatError(where, lineno, f"{aid}: expected 'TYPE:TRIGGER', got {show(parts[0])}")
            args = []
            for p in parts[1:]:
                role, colon, ref = p.rpartition(":")
                if not colon or not role or not ref:
                    raise FormatError(where, lineno, f"{aid}: expected 'ROLE:ID', got {show(p)}")
                args.append(Argument(ctx.role(etype, role), ref))
            events[aid] = (Event(aid, etype, trig, args), lineno)
        elif kind == "R":
            parts = rest.split("\t", 1)[0].split()
            if len(parts) != 3:
                raise FormatError(where, lineno, f"{aid}: expected 'TYPE ARG1:ID ARG2:ID'")
            rtype = parts[0]
            pairs = [p.rpartition(":") for p in parts[1:]]
            if any(not c or not r or not ref for r, c, ref in pairs):
                raise FormatError(where, lineno, f"{aid}: expected 'TYPE ARG1:ID ARG2:ID'")
            (ra, _, a), (rb, _, b) = pairs
            hr, tr = ctx.relation_roles.get(rtype, ("Arg1", "Arg2"))
            if (ra, rb) == (tr, hr) or (ra, rb) == ("Arg2", "Arg1") and (hr, tr) == ("Arg1", "Arg2"):
                a, b = b, a
            elif (ra, rb) != (hr, tr) and (ra, rb) != ("Arg1", "Arg2"):
                ctx.report.note(f"relation roles {ra}/{rb} of {rtype} are not known; the first is read as the head")
            relations[aid] = (Relation(aid, rtype, a, b), [a, b], lineno)
        elif kind in "AMN#":
            head, _, tail = rest.partition("\t") if kind in "N#" else (rest, "", "")
            others.append((kind, lineno, head.split(), tail))
        elif kind == "*":
            parts = rest.split("\t", 1)[0].split()
            if len(parts) < 2:
                raise FormatError(where, lineno, "expected '*<TAB>TYPE ID ID ...'")
            equivs.append((lineno, parts[0], parts[1:]))
        else:
            raise FormatError(where, lineno, f"unknown annotation id {show(aid)} (brat ids start with T, E, R, A, M, N, # or *)")
    return _resolve(text, where, doc_id, ctx, spans, events, relations, others, equivs, seen)


def _resolve(
    text: str, where: str, doc_id: str, ctx: BratContext,
    spans: dict[str, Span],
    events: dict[str, tuple[Event, int]],
    relations: dict[str, tuple[Relation, list[str], int]],
    others: list[tuple[str, int, list[str], str]],
    equivs: list[tuple[int, str, list[str]]],
    seen: dict[str, int],
) -> AnnotatedDocument:
    """Check every reference, mark triggers, attach attributes, normalizations and notes; build the document."""
    for eid, (ev, lineno) in events.items():
        trig = spans.get(ev.trigger)
        if trig is None:
            raise _ids_error(where, lineno, f"{eid}: trigger", ev.trigger, "text-bound annotation (T)")
        trig.kind = TRIGGER
        for arg in ev.arguments:
            if arg.ref not in spans and arg.ref not in events:
                raise _ids_error(where, lineno, f"{eid}: argument {arg.role}", arg.ref, "entity or event")
    used = {s for _, ends, _ in relations.values() for s in ends}
    for span in spans.values():
        if span.kind == ENTITY and span.label in ctx.event_types and span.label not in ctx.entity_types \
                and span.id not in used:
            span.kind = TRIGGER  # an event type's trigger that no event uses yet
    for rid, (_rel, ends, lineno) in relations.items():
        for ref in ends:
            if ref not in spans and ref not in events:
                raise _ids_error(where, lineno, f"{rid}: argument", ref, "annotation")
    rels = [r for r, _, _ in relations.values()]
    if equivs:
        taken = set(relations)
        nums = [int(r[1:]) for r in relations if r[1:].isascii() and r[1:].isdigit() and len(r) < 12]
        nxt = max(nums, default=0) + 1
        for lineno, etype, members in equivs:
            for m in members:
                if m not in spans:
                    raise _ids_error(where, lineno, f"Equiv {etype}: member", m, "text-bound annotation (T)")
            for a, b in zip(members, members[1:]):
                while f"R{nxt}" in taken:
                    nxt += 1
                rid = f"R{nxt}"
                taken.add(rid)
                rels.append(Relation(rid, etype, a, b))
    targets: dict[str, Any] = {**spans, **{k: v[0] for k, v in events.items()}, **{k: v[0] for k, v in relations.items()}}
    notes: dict[str, list[str]] = {}
    for kind, lineno, fields, tail in others:
        if kind in "AM":
            if len(fields) not in (2, 3):
                raise FormatError(where, lineno, "expected 'NAME ID [VALUE]'")
            name, ref = fields[0], fields[1]
            value: Any = fields[2] if len(fields) == 3 else True
            owner = targets.get(ref)
            if owner is None:
                raise _ids_error(where, lineno, f"attribute {name}: target", ref, "T, E or R annotation")
            old = owner.attributes.get(name)
            if old is not None and old != value:
                raise FormatError(where, lineno, f"attribute {show(name)} of {ref} given twice ({show(old)} and {show(value)}); "
                                                 "an annotation holds one value per attribute")
            owner.attributes[name] = value
        elif kind == "N":
            if len(fields) != 3:
                raise FormatError(where, lineno, "expected 'Reference ID RESOURCE:ENTRY<TAB>TEXT'")
            typ, ref, link = fields
            res, colon, entry = link.partition(":")
            if not colon or not res or not entry:
                raise FormatError(where, lineno, f"expected RESOURCE:ENTRY, got {show(link)}")
            owner = targets.get(ref)
            if owner is None:
                raise _ids_error(where, lineno, "normalization: target", ref, "T, E or R annotation")
            if typ != "Reference":
                ctx.report.note(f"normalization type {show(typ)} read as a reference (brat writes 'Reference')")
            owner.normalizations.append(Normalization(res, entry, tail))
        else:
            if len(fields) != 2:
                raise FormatError(where, lineno, "expected 'AnnotatorNotes ID<TAB>NOTE'")
            typ, ref = fields
            owner = targets.get(ref)
            if owner is None:
                if ref in seen:
                    ctx.report.skip("notes on attribute, normalization or note lines (notes are kept on T, E and R)")
                    continue
                raise _ids_error(where, lineno, "note: target", ref, "annotation")
            if typ != "AnnotatorNotes":
                ctx.report.note(f"note type {show(typ)} read as a note (brat writes 'AnnotatorNotes')")
            notes.setdefault(ref, []).append(tail)
    for ref, lines in notes.items():
        targets[ref].note = "\n".join(lines)
    doc = Document(id=doc_id, text=text, name="")
    return AnnotatedDocument(doc, list(spans.values()), [e for e, _ in events.values()], rels)


# ----------------------------------------------------------------------------- files


def _read_text(path: str) -> tuple[str, bool]:
    """The text of a file and whether it began with a byte order mark (dropped from the text)."""
    limit = safety.MAX_LINE_BYTES
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FormatError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FormatError(path, None, f"file is larger than {safety.describe_size(limit)}; refused")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(path, line, f"not valid UTF-8: byte {exc.start} cannot be decoded") from None
    bom = text.startswith(_BOM)
    return (text[1:] if bom else text), bom


def brat_pairs(root: Path) -> list[tuple[str, str | None, str | None]]:
    """(document id, .txt path, .ann path) for every document under ``root`` (a folder, a .txt or an .ann).

    Hidden files and folders are skipped; pairs are sorted by relative path.
    """
    if root.is_file():
        suffix = root.suffix.lower()
        if suffix not in (".txt", ".ann"):
            raise FormatError(str(root), None, "a brat file ends in .ann or .txt")
        txt, ann = root.with_suffix(".txt"), root.with_suffix(".ann")
        return [(root.stem, str(txt) if txt.is_file() else None, str(ann) if ann.is_file() else None)]
    if not root.is_dir():
        raise FormatError(str(root), None, "no such file or folder")
    found: dict[tuple[str, str], list[str | None]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, root)
        for name in filenames:
            if name.startswith("."):
                continue
            stem, dot, ext = name.rpartition(".")
            ext = ext.lower()
            if not dot or ext not in ("txt", "ann"):
                continue
            slot = found.setdefault((rel, stem), [None, None])
            slot[0 if ext == "txt" else 1] = os.path.join(dirpath, name)
    out: list[tuple[str, str | None, str | None]] = []
    owner: dict[str, str] = {}
    for (_rel, stem), (txt, ann) in sorted(found.items()):
        path = ann or txt
        assert path is not None
        other = owner.setdefault(stem, path)
        if other is not path:
            raise FormatError(path, None, f"document id {show(stem)} is already taken by {other}")
        out.append((stem, txt, ann))
    return out


def read_brat(root: Path, options: ImportOptions | None, report: ImportReport) -> Iterator[Sourced]:
    """Yield one document per .txt/.ann pair under ``root``; FormatError for anything malformed."""
    conf_path = (root if root.is_dir() else root.parent) / "annotation.conf"
    conf = None
    if conf_path.is_file():
        try:
            conf = parse_conf(conf_path.read_bytes().decode("utf-8", "replace"), str(conf_path))
        except FormatError as exc:
            conf = None  # the role names come from the project's schema alone
            report.note(f"{exc} (its role names are not used)")
    ctx = BratContext.build(options, conf, report)
    for doc_id, txt, ann in brat_pairs(root):
        if txt is None:
            assert ann is not None
            raise FormatError(ann, None, f"no text file {Path(ann).with_suffix('.txt').name} beside it")
        text, bom = _read_text(txt)
        shift = 0
        if ann is not None and bom:
            shift = 1
            report.note("a .txt file began with a byte order mark: brat counts it, so offsets were moved by one")
        if ann is None:
            adoc = AnnotatedDocument(Document(id=doc_id, text=text, name=""))
        else:
            content = _read_text(ann)[0]
            adoc = parse_ann(text, content, ann, doc_id, ctx, shift)
        adoc.document.name = os.path.basename(txt)
        yield Sourced(adoc, ann or txt, None)
