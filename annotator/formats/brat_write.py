"""Writing brat standoff: a .txt and an .ann per document, and annotation.conf from the schema."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.formats.brat_read import flatten
from annotator.formats.output import FolderOutput
from annotator.formats.review_loss import leave_out_reviews
from annotator.formats.spec import ExportOptions, ExportReport
from annotator.model import AnnotatedDocument, Relation
from annotator.quoting import show
from annotator.schema import Schema

__all__ = ["ann_lines", "safe_name", "schema_to_conf", "schema_to_visual", "write_brat"]

#: characters a brat name cannot hold (they separate fields in .ann and annotation.conf)
_UNSAFE_CHARS = " \t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\u00a0:,|"
_SAFE_TABLE = str.maketrans({c: "_" for c in _UNSAFE_CHARS})


def safe_name(name: str) -> str:
    """``name`` with the characters brat uses as separators (spaces, ``:``, ``,``, ``|``) replaced by ``_``."""
    return name.translate(_SAFE_TABLE)


class _Names:
    """Type, role and attribute names as brat can hold them; each renaming is reported once."""

    def __init__(self, report: ExportReport) -> None:
        self.report = report
        self.cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        out = self.cache.get(name)
        if out is None:
            out = self.cache[name] = safe_name(name) or "_"
            if out != name:
                self.report.note(f"name {show(name)} written as {show(out)} (brat names hold no spaces, ':', ',' or '|')")
        return out


def _numbered(ids: Iterable[str], prefix: str) -> tuple[dict[str, str], int]:
    """Keep ``ids`` that are already brat ids of this prefix (``T12``); returns the kept map and the next free number."""
    kept: dict[str, str] = {}
    top = 0
    for i in ids:
        num = i[1:]
        if i[:1] == prefix and num.isascii() and num.isdigit() and num[0] != "0" and len(num) < 10 and i not in kept:
            kept[i] = i
            top = max(top, int(num))
    return kept, top + 1


def _assign(ids: list[str], prefix: str) -> dict[str, str]:
    """Brat ids for ``ids``: the valid ones kept, the others numbered after the highest kept one."""
    kept, nxt = _numbered(ids, prefix)
    out: dict[str, str] = {}
    for i in ids:
        if i in out:
            continue
        if kept.get(i) == i:
            out[i] = i
        else:
            out[i] = f"{prefix}{nxt}"
            nxt += 1
    return out


def _key(bid: str) -> tuple[int, str]:
    num = bid[1:]
    return (int(num), bid) if num.isascii() and num.isdigit() and len(num) < 10 else (1 << 62, bid)


def _components(rels: list[Relation], tids: dict[str, str]) -> list[list[str]]:
    """The connected groups of span ids that ``rels`` link, each sorted by brat id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rels:
        parent[find(tids[r.head])] = find(tids[r.tail])
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted((sorted(g, key=_key) for g in groups.values()), key=lambda g: _key(g[0]))


def ann_lines(adoc: AnnotatedDocument, schema: Schema, names: _Names, report: ExportReport) -> list[str]:
    """The lines of the .ann file for one document (without line ends)."""
    text = adoc.document.text
    tids = _assign([s.id for s in adoc.spans], "T")
    eids = _assign([e.id for e in adoc.events], "E")
    rids = _assign([r.id for r in adoc.relations], "R")
    refs = {**tids, **eids}
    out: list[str] = []
    extras: list[tuple[str, Any]] = []  # (brat id, annotation) for A, N and # lines
    annotators = 0
    for s in adoc.spans:
        pieces = s.pieces()
        offs = ";".join(f"{a} {b}" for a, b in pieces)
        covered = flatten(" ".join(text[a:b] for a, b in pieces))
        out.append(f"{tids[s.id]}\t{names(s.label)} {offs}\t{covered}")
        extras.append((tids[s.id], s))
        annotators += bool(s.annotator)
    for e in adoc.events:
        trig = tids.get(e.trigger)
        if trig is None:
            report.leave_out("events whose trigger span is missing", 1)
            continue
        et = schema.event_types.get(e.type)
        declared = set(et.roles) if et is not None else set()
        used: dict[str, int] = {}
        args = []
        for a in e.arguments:
            ref = refs.get(a.ref)
            annotators += bool(a.annotator)
            if ref is None:
                report.leave_out("event arguments that name no annotation", 1)
                continue
            role = names(a.role)
            k = used.get(role, 0) + 1
            while k > 1 and f"{a.role}{k}" in declared:  # Theme2 is a role of its own: use Theme3
                k += 1
            used[role] = k
            args.append(f" {role}{k if k > 1 else ''}:{ref}")
        out.append(f"{eids[e.id]}\t{names(e.type)}:{trig}{''.join(args)}")
        extras.append((eids[e.id], e))
        annotators += bool(e.annotator)
    equiv: dict[str, list[Relation]] = {}
    for r in adoc.relations:
        annotators += bool(r.annotator)
        if r.head not in tids or r.tail not in tids:
            report.leave_out("relations whose ends are not spans", 1)
            continue
        rt = schema.relation_types.get(r.type)
        if rt is not None and getattr(rt, "transitive", False) and r.head != r.tail \
                and not (r.attributes or r.note or r.normalizations):
            equiv.setdefault(r.type, []).append(r)
            continue
        hr = names(getattr(rt, "head_role", None) or "Arg1")
        tr = names(getattr(rt, "tail_role", None) or "Arg2")
        out.append(f"{rids[r.id]}\t{names(r.type)} {hr}:{tids[r.head]} {tr}:{tids[r.tail]}\t")
        extras.append((rids[r.id], r))
    for rtype, rels in equiv.items():
        for group in _components(rels, tids):
            out.append(f"*\t{names(rtype)} {' '.join(group)}")
        report.note("relations of transitive types are written as brat Equiv (*) groups: "
                    "which member links to which inside a group is not kept")
    out += _extra_lines(extras, names, report)
    if annotators:
        report.leave_out("annotator names on annotations (brat has none)", annotators)
    leave_out_reviews(adoc, report, "brat")
    return out


def _extra_lines(extras: list[tuple[str, Any]], names: _Names, report: ExportReport) -> list[str]:
    """A lines (attributes), N lines (normalizations) and # lines (notes) for the annotations written."""
    attrs: list[str] = []
    norms: list[str] = []
    notes: list[str] = []
    for bid, ann in extras:
        for name, value in ann.attributes.items():
            if value is True:
                attrs.append(f"{names(name)} {bid}")
            elif value is False or value is None:
                report.note("attribute flags that are false are not written (brat writes only the flags that are set)")
            else:
                if not isinstance(value, str):
                    report.note(f"attribute value {show(value)} written as text")
                attrs.append(f"{names(name)} {bid} {names(str(value))}")
        for nz in ann.normalizations:
            res, entry = safe_name(nz.resource) or "_", nz.entry.translate(_NO_SPACE) or "_"
            if (res, entry) != (nz.resource, nz.entry):
                report.note(f"normalization {show(nz.resource + ':' + nz.entry)} written as {show(res + ':' + entry)}")
            norms.append(f"Reference {bid} {res}:{entry}\t{flatten(nz.text)}")
        if ann.note:
            parts = ann.note.split("\n")
            if any(flatten(p) != p for p in parts):
                report.note("note line breaks other than \\n are written as separate note lines")
                parts = ann.note.splitlines()
            notes += [f"AnnotatorNotes {bid}\t{p}" for p in parts]
    out = [f"A{i}\t{a}" for i, a in enumerate(attrs, 1)]
    out += [f"N{i}\t{n}" for i, n in enumerate(norms, 1)]
    out += [f"#{i}\t{n}" for i, n in enumerate(notes, 1)]
    return out


_NO_SPACE = str.maketrans({c: "_" for c in " \t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\u00a0"})


def write_brat(docs: Iterable[AnnotatedDocument], out: FolderOutput, options: ExportOptions, report: ExportReport) -> int:
    """Write ``<stem>.txt`` and ``<stem>.ann`` per document and ``annotation.conf``; returns how many documents."""
    names = _Names(report)
    notes: list[str] = []
    out.write_text("annotation.conf", schema_to_conf(options.schema, notes))
    out.write_text("visual.conf", schema_to_visual(options.schema))
    for t in (*options.schema.entity_types, *options.schema.event_types, *options.schema.relation_types):
        names(t)
    for n in notes:
        report.note(n)
    count = 0
    renamed: list[str] = []
    statuses = metas = named = 0
    for adoc in docs:
        doc = adoc.document
        stem = out.stem(doc.id)
        if stem != doc.id:
            renamed.append(f"{show(doc.id)} -> {stem}")
        out.write_text(f"{stem}.txt", doc.text)
        lines = ann_lines(adoc, options.schema, names, report)
        out.write_text(f"{stem}.ann", "".join(f"{line}\n" for line in lines))
        statuses += doc.status != "new"
        metas += bool(doc.meta)
        named += doc.name not in (doc.id, f"{doc.id}.txt", f"{stem}.txt")
        count += 1
    report.leave_out("document statuses (brat has none)", statuses)
    report.leave_out("document metadata (brat has none)", metas)
    report.leave_out("document names (brat names a document by its file)", named)
    if renamed:
        more = f" and {len(renamed) - 3} more" if len(renamed) > 3 else ""
        report.note(f"{len(renamed)} document id(s) are not safe file names and were written as "
                    f"{', '.join(renamed[:3])}{more}; read back, the file name is the id")
    return count


# ----------------------------------------------------------------------------- from a schema


def _card_suffix(card: str) -> str:
    fixed = {"one": "", "optional": "?", "any": "*", "one_or_more": "+"}
    if card in fixed:
        return fixed[card]
    return "{" + card + "}"


def schema_to_conf(schema: Schema, notes: list[str]) -> str:
    """annotation.conf text for ``schema``; what brat cannot hold is added to ``notes``."""
    n = safe_name
    out = [f"# annotation.conf written by annotator from the schema {schema.name!r}", "", "[entities]", ""]
    out += [n(e) for e in schema.entity_types]
    out += ["", "[relations]", ""]
    for rt in schema.relation_types.values():
        hr = n(getattr(rt, "head_role", "Arg1") or "Arg1")
        tr = n(getattr(rt, "tail_role", "Arg2") or "Arg2")
        args = [f"{hr}:{'|'.join(map(n, rt.head_types))}", f"{tr}:{'|'.join(map(n, rt.tail_types))}"]
        trans = bool(getattr(rt, "transitive", False))
        if rt.symmetric and trans:
            args.append("<REL-TYPE>:symmetric-transitive")
        elif rt.symmetric:
            args.append("<REL-TYPE>:symmetric")
        elif trans:
            args.append("<REL-TYPE>:transitive")
        out.append(f"{n(rt.name)}\t{', '.join(args)}")
    out += ["", "[events]", ""]
    for et in schema.event_types.values():
        args = [f"{n(r.name)}{_card_suffix(r.cardinality)}:{'|'.join(map(n, r.types))}" for r in et.roles.values()]
        out.append(f"{n(et.name)}\t{', '.join(args)}" if args else n(et.name))
    out += ["", "[attributes]", ""]
    kinds = {"entity": "<ENTITY>", "event": "<EVENT>", "relation": "<RELATION>"}
    defaults = 0
    for a in schema.attributes.values():
        targets = "|".join(kinds.get(t) or n(t) for t in a.applies_to)
        line = f"{n(a.name)}\tArg:{targets}"
        if a.values:
            line += ", Value:" + "|".join(map(n, a.values))
        defaults += a.default is not None
        out.append(line)
    if defaults:
        notes.append(f"annotation.conf: {defaults} attribute default value(s) not written (brat has no defaults)")
    if any(t.hotkey or t.description for t in (*schema.entity_types.values(), *schema.event_types.values())):
        notes.append("annotation.conf: the hotkeys and descriptions of types are not written (brat has no place for them)")
    return "\n".join(out) + "\n"


def schema_to_visual(schema: Schema) -> str:
    """visual.conf text with the colour of every type (``bgColor`` of spans, ``color`` of relation arcs)."""
    n = safe_name
    out = ["# visual.conf written by annotator: the colours of the schema's types", "", "[labels]", "", "[drawing]", ""]
    out += [f"{n(t.name)}\tbgColor:{t.color}" for t in (*schema.entity_types.values(), *schema.event_types.values())]
    out += [f"{n(t.name)}\tcolor:{t.color}" for t in schema.relation_types.values()]
    return "\n".join(out) + "\n"
