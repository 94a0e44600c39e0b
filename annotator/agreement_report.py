"""Agreement of two layers of a project: choosing them, reading their pairs, and the table and JSON renderings."""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .agreement import agreement
from .model import GOLD_LAYER, AnnotatedDocument, layer_title, parse_layer

if TYPE_CHECKING:
    from .store import Project

__all__ = [
    "AgreementError",
    "Table",
    "agree_command",
    "check_labels",
    "choose_layers",
    "document_order",
    "document_pair",
    "document_table",
    "entity_label_table",
    "event_type_table",
    "layer_pairs",
    "notes",
    "overall_table",
    "project_agreement",
    "render_json",
    "render_table",
    "shown",
    "split_names",
    "worst_f1",
]

GOLD = GOLD_LAYER


class AgreementError(ValueError):
    """A request that cannot be scored (unknown annotator or label, not two annotators): one line for the user."""


shown = layer_title


# --- the project side ---------------------------------------------------------------------------------------

def choose_layers(project: Project, names: Sequence[str] | None) -> tuple[str, str]:
    """The (reference, candidate) layers: ``names`` (two, "default" for the default layer), else the only two.

    Without names the project must hold exactly two layers besides gold.
    AgreementError (naming the project and its layers) otherwise, and for an
    unknown name, a single name, or the same name twice.
    """
    layers = project.layers()
    listing = ", ".join(shown(x) for x in layers) or "none"
    where = str(project.path or "project")
    if names is None:
        people = [x for x in layers if x != GOLD]
        if len(people) != 2:
            raise AgreementError(
                f"{where}: {len(people)} annotator layer(s) ({listing}); name the two to compare "
                "with --annotators A,B (A is the reference)")
        return people[0], people[1]
    given = [n for n in (x.strip() for x in names) if n]
    if len(given) != 2:
        raise AgreementError(f"--annotators takes two names, A,B (A is the reference); got {len(given)}")
    ref, cand = (parse_layer(n) for n in given)
    for name, layer in zip(given, (ref, cand)):
        if layer not in layers:
            raise AgreementError(f"{where}: no annotator {name!r} (its layers: {listing})")
    if ref == cand:
        raise AgreementError(f"--annotators names {given[0]!r} twice; give two different annotators")
    return ref, cand


def check_labels(project: Project, labels: Sequence[str]) -> list[str]:
    """``labels`` stripped, each an entity or event type of the project's schema; AgreementError otherwise."""
    schema = project.schema
    known = set(schema.entity_types) | set(schema.event_types)
    out = [x.strip() for x in labels if x.strip()]
    if not out:
        raise AgreementError("--labels takes one or more entity or event type names, L1,L2")
    for label in out:
        if label not in known:
            raise AgreementError(
                f"{project.path or 'project'}: no entity or event type {label!r} in the schema "
                f"(it has: {', '.join(sorted(known)) or 'none'})")
    return out


def layer_pairs(project: Project, reference: str, candidate: str) -> Iterator[tuple[AnnotatedDocument, AnnotatedDocument]]:
    """(reference's, candidate's) version of every document of the project, in import order.

    Two streams of the project's documents, one per layer, read side by side:
    one document of each in memory at a time.
    """
    for ref, cand in zip(project.iter_annotated(layer=reference), project.iter_annotated(layer=candidate), strict=True):
        if ref.document.id != cand.document.id:  # pragma: no cover - both streams are in import order
            raise AgreementError(f"{project.path}: the layers' documents came in different orders")
        yield ref, cand


def document_pair(project: Project, doc_id: str, reference: str, candidate: str) -> tuple[AnnotatedDocument, AnnotatedDocument]:
    """(reference's, candidate's) version of one document: the pairs of :func:`layer_pairs`, read one at a time.

    For a caller that scores between other work (the Agreement dialog): no
    read is left open between two documents.  StoreError when the document is gone.
    """
    return project.get_annotated(doc_id, layer=reference), project.get_annotated(doc_id, layer=candidate)


def split_names(text: str | None) -> list[str] | None:
    """A comma-separated command-line list (None when the option was not given)."""
    return None if text is None else [x.strip() for x in text.split(",")]


def agree_command(project: Project, annotators: str | None, labels: str | None, fmt: str) -> tuple[str, list[str]]:
    """What ``annotator agree`` prints: the table or the JSON, and the notes for stderr (JSON only; the table holds them).

    Every check (annotators, labels) is made before any document is read.
    """
    ref, cand = choose_layers(project, split_names(annotators))
    wanted = check_labels(project, split_names(labels) or []) if labels is not None else None
    result = project_agreement(project, ref, cand, wanted)
    if fmt == "json":
        return render_json(result), notes(result)
    return render_table(result), []


def project_agreement(project: Project, reference: str, candidate: str, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """:func:`annotator.agreement.agreement` of two layers of ``project`` (names as stored: "" = default)."""
    return agreement(layer_pairs(project, reference, candidate), reference=reference, candidate=candidate,
                     labels=labels)


# --- tables -------------------------------------------------------------------------------------------------

Table = tuple[list[str], list[list[str]]]
"""A heading row and the rows under it, every cell a string; the first column is a name, the rest numbers."""

MEASURES = (
    ("Entities, exact", ("entities", "exact")),
    ("Entities, overlap", ("entities", "overlap")),
    ("Trigger identification", ("events", "trigger_identification")),
    ("Trigger classification", ("events", "trigger_classification")),
    ("Argument identification", ("events", "argument_identification")),
    ("Argument classification", ("events", "argument_classification")),
)


def num(x: float | None) -> str:
    """A figure with three decimals, "-" when undefined."""
    return "-" if x is None else f"{x:.3f}"


def _figure_cells(f: dict[str, Any]) -> list[str]:
    return [num(f["precision"]), num(f["recall"]), num(f["f1"]), str(f["tp"]), str(f["fp"]), str(f["fn"])]


def overall_table(result: dict[str, Any]) -> Table:
    """One row per measure (precision, recall, F1 and the counts), then the token kappa."""
    rows = [[title, *_figure_cells(result[a][b])] for title, (a, b) in MEASURES]
    ent = result["entities"]
    rows.append([f"Entity token kappa ({ent['tokens']:,} tokens)", "", "", num(ent["kappa"]), "", "", ""])
    return ["", "precision", "recall", "F1", "tp", "fp", "fn"], rows


def _low_first(f1: float | None, name: str) -> tuple[int, float, str]:
    return (1, 0.0, name) if f1 is None else (0, f1, name)


def entity_label_table(result: dict[str, Any]) -> Table:
    """Entity labels, lowest exact F1 first: exact precision/recall/F1, overlap F1, how many each annotated."""
    items = sorted(result["per_label"]["entities"].items(), key=lambda kv: _low_first(kv[1]["exact"]["f1"], kv[0]))
    rows = []
    for label, f in items:
        e, o = f["exact"], f["overlap"]
        rows.append([label, num(e["precision"]), num(e["recall"]), num(e["f1"]), num(o["f1"]),
                     str(e["tp"] + e["fn"]), str(e["tp"] + e["fp"])])
    ref, cand = shown(result["reference"]), shown(result["candidate"])
    return ["Entity label", "exact P", "exact R", "exact F1", "overlap F1", ref, cand], rows


def event_type_table(result: dict[str, Any]) -> Table:
    """Event types, lowest trigger classification F1 first: the three measures that carry the type."""
    items = sorted(result["per_label"]["events"].items(),
                   key=lambda kv: _low_first(kv[1]["trigger_classification"]["f1"], kv[0]))
    rows = []
    for t, f in items:
        trig = f["trigger_classification"]
        rows.append([t, num(trig["f1"]), num(f["argument_identification"]["f1"]),
                     num(f["argument_classification"]["f1"]), str(trig["tp"] + trig["fn"]), str(trig["tp"] + trig["fp"])])
    ref, cand = shown(result["reference"]), shown(result["candidate"])
    return ["Event type", "trigger F1", "arg id F1", "arg class F1", f"{ref} events", f"{cand} events"], rows


def worst_f1(doc: dict[str, Any]) -> float | None:
    """The lowest of a document's defined F1s (entities exact, trigger and argument classification)."""
    f1s = [doc["entities"]["exact"]["f1"], doc["events"]["trigger_classification"]["f1"],
           doc["events"]["argument_classification"]["f1"]]
    defined = [f for f in f1s if f is not None]
    return min(defined) if defined else None


def document_order(result: dict[str, Any]) -> list[str]:
    """Document ids, the lowest :func:`worst_f1` first (documents without any F1 last, then by id)."""
    docs = result["per_document"]
    return sorted(docs, key=lambda d: _low_first(worst_f1(docs[d]), d))


def document_table(result: dict[str, Any]) -> Table:
    """Documents, lowest F1 first: entity exact and overlap F1, kappa, trigger and argument classification F1."""
    ref, cand = shown(result["reference"]), shown(result["candidate"])
    only = {"both": "", "reference": f"{ref} only", "candidate": f"{cand} only"}
    rows = []
    for doc_id in document_order(result):
        d = result["per_document"][doc_id]
        ent, ev = d["entities"], d["events"]
        rows.append([doc_id, num(ent["exact"]["f1"]), num(ent["overlap"]["f1"]), num(ent["kappa"]),
                     num(ev["trigger_classification"]["f1"]), num(ev["argument_classification"]["f1"]),
                     only[d["annotated_by"]]])
    return ["Document (lowest F1 first)", "exact F1", "overlap F1", "kappa", "trigger F1", "arg F1", "annotated"], rows


def notes(result: dict[str, Any]) -> list[str]:
    """What the reader of the figures must know: documents only one annotator annotated, and how they count."""
    ref, cand = shown(result["reference"]), shown(result["candidate"])
    docs = result["documents"]
    out = []
    for who, ids, how in ((ref, docs["only_reference"], "false negatives"), (cand, docs["only_candidate"], "false positives")):
        if ids:
            listed = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
            out.append(f"{len(ids)} document(s) annotated by {who} only count with all of {who}'s annotations "
                       f"unmatched ({how}): {listed}")
    if docs["neither"]:
        out.append(f"{docs['neither']} document(s) that neither annotated are not counted")
    return out


def _aligned(table: Table) -> list[str]:
    head, rows = table
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = []
    for r in (head, *rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_table(result: dict[str, Any]) -> str:
    """The figures as plain-text tables with aligned columns, for the terminal."""
    ref, cand = shown(result["reference"]), shown(result["candidate"])
    n = result["documents"]["compared"]
    lines = [f"Agreement of {cand} against {ref} (the reference): {n} document{'s' if n != 1 else ''}"]
    if result["labels"] is not None:
        lines.append(f"labels: {', '.join(result['labels'])}")
    lines += [f"note: {x}" for x in notes(result)]
    for table in (overall_table(result), entity_label_table(result), event_type_table(result), document_table(result)):
        if table[1]:
            lines.append("")
            lines += _aligned(table)
    return "\n".join(lines) + "\n"


def render_json(result: dict[str, Any]) -> str:
    """The figures as JSON (null for an undefined figure)."""
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
