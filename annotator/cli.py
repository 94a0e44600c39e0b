"""The command line: ``annotator [PROJECT]`` opens the GUI; subcommands work headless.

A thin layer over :mod:`annotator.store` and :mod:`annotator.importer`.  Bad
input ends in one line on stderr, ``error: FILE:LINE: what is wrong``, a
non-zero exit code, no traceback, and an unchanged project.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .formats.errors import FormatError
from .model import STATUSES
from .schema import Schema, SchemaError
from .projectfile import holds_nothing, remove_project_files
from .store import Project, ReadOnlyError, StoreError

if TYPE_CHECKING:  # the format machinery is imported by the commands that use it, not by the window's start
    from .formats.spec import ExportOptions, ExportReport

COMMANDS = ("import", "export", "agree", "merge", "stats", "schema", "gui")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """An error to print as one line, without a traceback."""


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR


class _TtyProgress:
    """Progress on stderr, only when stderr is a terminal; at most ten updates a second."""

    def __init__(self, label: str, stream: TextIO | None = None, unit: str = "lines"):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.unit = unit
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done != total:
            return
        self.last = now
        if total:
            pct = min(100, done * 100 // total)
            self.stream.write(f"\r{self.label}: {done:,} of {total:,} {self.unit} ({pct}%)")
        else:
            self.stream.write(f"\r{self.label}: {done:,}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _opened(project: Project) -> Project:
    """Say on stderr where the backup went when opening upgraded an older project."""
    if project.backup_path is not None:
        print(f"note: {project.path} was upgraded from an older version of annotator; "
              f"a copy as it was is at {project.backup_path}", file=sys.stderr)
    return project


def _open_existing(path: str, *, read_only: bool = False) -> Project:
    """Open an existing project; ``read_only`` for commands that only read (nothing is written then)."""
    if not Path(path).exists():
        raise CliError(f"{path}: no such project file")
    return _opened(Project.open(path, create=False, read_only=read_only))


def _annotator_layer(name: str | None) -> str:
    """The layer ``--annotator NAME`` imports into: NAME's own (the default layer without the option)."""
    if name is None:
        return ""
    name = name.strip()
    if not name or name == "default":  # "gold" is the adjudicated layer: nobody's name is recorded on it
        raise CliError(f"--annotator {name!r}: give a person's name (or gold); "
                       "without --annotator the import goes into the default layer")
    return name


def cmd_import(args: argparse.Namespace) -> int:
    from .formats.spec import ImportReport
    from .importer import import_paths  # here, not at the top: the GUI's start does not need it

    layer = _annotator_layer(args.annotator)
    progress = _TtyProgress("importing")
    new = not any(Path(f"{args.project}{s}").exists() for s in ("", "-wal", "-shm", "-journal"))
    try:
        project = _opened(Project.open(args.project))
    except StoreError:
        if new and holds_nothing(Path(args.project)):
            remove_project_files(Path(args.project))
        raise
    try:
        with project:
            if project.read_only:
                raise ReadOnlyError(
                    f"{args.project}: project is read-only ({project.read_only_reason}); nothing was imported")
            report = ImportReport()
            try:
                n = import_paths(
                    project, args.paths, fmt=args.format,
                    annotator=layer if layer != "gold" else None,  # gold's annotations keep who made them
                    replace=args.replace, add_types=args.add_types, report=report,
                    progress=progress if progress.enabled else None, layer=layer,
                )
            finally:
                progress.finish()
            incomplete = project.incomplete_total()  # stored counts, not a pass over the project
    except BaseException:
        # a failed import into a new path leaves no empty project behind
        # (unless another process has put documents into it meanwhile)
        if new and holds_nothing(Path(args.project)):
            remove_project_files(Path(args.project))
        raise
    for line in report.lines():
        print(f"note: {line}", file=sys.stderr)
    into = f" as {layer}'s layer" if layer else ""
    print(f"imported {n} document{'s' if n != 1 else ''} into {args.project}{into}", file=sys.stderr)
    if incomplete:
        print(f"warning: {incomplete} event(s) lack a required role; `annotator stats` lists them", file=sys.stderr)
    return EXIT_OK


def _export_options(args: argparse.Namespace, project: Project) -> ExportOptions:
    from .formats.spec import ExportOptions

    split = args.split
    if split is not None and not 0.0 <= split < 1.0:
        raise CliError(f"--split {split}: give the dev share as a number from 0 up to (not including) 1, e.g. 0.2")
    return ExportOptions(schema=project.schema, split=split or None, seed=args.seed,
                         windows=args.windows, lang=args.lang)


def _say_report(report: ExportReport) -> None:
    """What the export could not carry (warnings) and what else to know (notes), on stderr."""
    for line in report.lines():
        if line.startswith("  "):
            print(line, file=sys.stderr)  # an item of the list above it
        elif line in report.notes:
            print(f"note: {line}", file=sys.stderr)
        else:
            print(f"warning: {line}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from .formats import registry
    from .formats.spec import ExportReport
    from .importer import export_jsonl, export_layer, export_to_path
    from .model import layer_title

    statuses = None
    if args.status:
        statuses = [s.strip() for s in args.status.split(",") if s.strip()]
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise CliError(f"unknown status {bad[0]!r} (expected one of {', '.join(STATUSES)})")
    spec = registry.get(args.format)
    if spec.writes_folder and not args.output:
        raise CliError(f"{spec.title} ({spec.name}) writes a folder of files; give it with -o FOLDER")
    report = ExportReport()
    with _open_existing(args.project, read_only=True) as project:
        options = _export_options(args, project)
        layer, chosen = export_layer(project, args.format, args.layer)
        if chosen and any(project.layers()):  # a layer other than the default one exists
            # more than the default layer: say which one this export holds
            print(f"note: exporting the {layer_title(layer)} layer (choose another with --layer NAME)", file=sys.stderr)
        if args.output:
            progress = _TtyProgress("exporting", unit="documents")
            try:
                n = export_to_path(project, args.output, args.format, statuses=statuses, options=options,
                                   report=report, progress=progress if progress.enabled else None, layer=layer)
            finally:
                progress.finish()
            _say_report(report)
            print(f"exported {n} document{'s' if n != 1 else ''} to {args.output}", file=sys.stderr)
        else:
            out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", closefd=False)
            with out:
                export_jsonl(project, out, fmt=args.format, statuses=statuses, options=options, report=report,
                             layer=layer)
            _say_report(report)
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from .merge import Source, merge_projects, names_for_sources

    names = names_for_sources(args.as_names, args.sources)
    sources: list[Source] = []
    new = not any(Path(f"{args.target}{s}").exists() for s in ("", "-wal", "-shm", "-journal"))
    try:
        for path in args.sources:
            if not Path(path).exists():
                raise CliError(f"{path}: no such project file")
            if Path(path).is_dir():
                raise CliError(f"{path}: is a folder, not a project file")
            # read-only: a source is never written (nor upgraded on disk)
            sources.append(Source(path, _opened(Project.open(path, create=False, read_only=True)), names.get(path)))
        try:
            with _opened(Project.open(args.target)) as target:  # created when missing
                if target.read_only:
                    raise ReadOnlyError(
                        f"{args.target}: project is read-only ({target.read_only_reason}); nothing was merged")
                progress = _TtyProgress("merging", unit="documents")
                try:
                    report = merge_projects(target, sources, replace=args.replace,
                                            progress=progress if progress.enabled else None)
                finally:
                    progress.finish()
        except BaseException:
            if new and holds_nothing(Path(args.target)):  # a refused merge into a new path leaves no file
                remove_project_files(Path(args.target))
            raise
    finally:
        for src in sources:
            src.project.close()
    for line in report.lines():
        print(f"note: {line}", file=sys.stderr)
    n = report.new_documents
    print(f"merged {len(sources)} project{'s' if len(sources) != 1 else ''} into {args.target} "
          f"({n} new document{'s' if n != 1 else ''})", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from .importer import export_layer
    from .model import layer_title

    with _open_existing(args.project, read_only=True) as project:
        project.layer, _ = export_layer(project, "", args.layer)  # the layer counted below
        by_status = project.counts_by_status()
        total = sum(by_status.values())
        print(f"documents: {total}")
        for status in STATUSES:
            print(f"  {status:<12} {by_status[status]:>8}")
        layers = project.layers()
        # a team project whose default layer holds nothing, asked for no layer: every layer's counts
        counted = layers if (args.layer is None and layers and "" not in layers) else [project.layer]
        if any(layers):  # more than the default layer: list them, and say which one the counts below are of
            print(f"layers: {', '.join(layer_title(n) for n in layers)}")
        schema = project.schema
        groups = (
            ("entities", schema.entity_types),
            ("events", schema.event_types),
            ("relations", schema.relation_types),
        )
        for layer in counted:
            if any(layers):
                more = "" if len(counted) > 1 else " (choose another with --layer NAME)"
                print(f"annotations of the {layer_title(layer)} layer{more}:")
            counts = project.counts_by_label(layer=layer)
            for title, types in groups:
                rows = [(name, counts[name]) for name in types if counts.get(name)]
                print(f"{title}: {sum(n for _, n in rows)}")
                for name, n in rows:
                    print(f"  {name:<32} {n:>8}")
            unknown = sorted(set(counts) - set(schema.entity_types) - set(schema.event_types)
                             - set(schema.relation_types))
            for name in unknown:
                print(f"  {name:<32} {counts[name]:>8}  (not in the schema)")
        # From the problem counts stored per document (an index of the documents that have any):
        # only the documents listed below are read and validated, whatever the project's size.
        n_incomplete = project.incomplete_total()
        print(f"incomplete events: {n_incomplete}" + (" (all layers)" if len(counted) > 1 else ""))
        shown: set[tuple[str, str, str | None]] = set()  # (layer, document, event): the count is of events
        lines = 0
        for doc_id in project.documents.incomplete_ids(20):
            for layer in counted:
                for p in _problems_in(project, doc_id, layer):
                    if p.severity == "incomplete" and lines < 20:
                        where = f"{doc_id} [{layer_title(layer)}]" if len(counted) > 1 else doc_id
                        print(f"  {where}: {p.message}")
                        shown.add((layer, doc_id, p.ref))
                        lines += 1
        if n_incomplete > len(shown):
            print(f"  ... and {n_incomplete - len(shown)} more incomplete event(s)")
    return EXIT_OK


def _problems_in(project: Project, doc_id: str, layer: str) -> list:
    """A document's validation problems in one layer."""
    with project.in_layer(layer):
        return project.problems(doc_id)


def cmd_schema(args: argparse.Namespace) -> int:
    with _open_existing(args.project, read_only=not args.set) as project:
        if args.set:
            new = Schema.load(args.set)
            project.set_schema(new)
            print(f"schema of {args.project} set from {args.set}", file=sys.stderr)
        else:
            sys.stdout.write(project.schema.source)
            if not project.schema.source.endswith("\n"):
                sys.stdout.write("\n")
    return EXIT_OK


def cmd_agree(args: argparse.Namespace) -> int:
    """Agreement of two annotators' layers (the first named is the reference): a table, or JSON for scripts."""
    from .agreement_report import AgreementError, agree_command

    with _open_existing(args.project, read_only=True) as project:
        try:
            text, notes = agree_command(project, args.annotators, args.labels, args.format)
        except AgreementError as exc:
            raise CliError(str(exc)) from None
    sys.stdout.write(text)
    for line in notes:
        print(f"note: {line}", file=sys.stderr)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the window on PROJECT; with none, on the last project opened, or else the demo."""
    try:
        from .qt.faststart import quicken_pyside_import_scan

        quicken_pyside_import_scan()  # before the window's modules are imported
        from .qt.app import NoDisplay, last_project, run_gui
    except ImportError as exc:  # Qt is missing
        raise CliError(f"the GUI cannot start ({exc}); use the import, export, stats and schema commands")
    project = args.project or last_project()
    if not project:
        from .demo import ensure_demo

        project = str(ensure_demo())
    try:
        return run_gui(project, annotator=args.annotator)
    except NoDisplay as exc:
        raise CliError(str(exc)) from None


class _VersionAction(argparse.Action):
    """``--version``: the version is read from the package metadata only when asked for (importlib.metadata
    takes some 10 ms of every start otherwise)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from .bundled import version

        sys.stdout.write(f"annotator {version()}\n")  # on stdout, as argparse's own version action
        parser.exit()


def _gui_arguments(g: argparse.ArgumentParser) -> None:
    g.add_argument("project", nargs="?", help="project file (default: the last one opened, else the demo project)")
    g.add_argument("--annotator", metavar="NAME", help="record NAME on the annotations made in this run")
    g.set_defaults(func=cmd_gui)


def gui_parser() -> argparse.ArgumentParser:
    """The parser of ``annotator gui``, alone: the window's start skips building the other commands'
    parsers, whose ``--format`` choices import every format's registry entry."""
    g = argparse.ArgumentParser(prog="annotator gui")
    _gui_arguments(g)
    return g


def build_parser() -> argparse.ArgumentParser:
    from .formats import registry

    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate entities, events and relations in text. "
        "With no command, opens the GUI on PROJECT (or on the demo project).",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _gui_arguments(sub.add_parser("gui", help="open the annotation window (the default)"))

    i = sub.add_parser("import", help="import documents into a project (created if missing)")
    i.add_argument("project", help="project file")
    i.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import (brat: a folder of .txt/.ann)")
    i.add_argument("--format", choices=["auto", *registry.names()], default="auto",
                   help="the input's format (default: recognised from each path)")
    i.add_argument("--add-types", action="store_true",
                   help="add labels the project's schema lacks as new types (else they are refused)")
    i.add_argument("--annotator", metavar="NAME",
                   help="import as NAME's layer (recorded on the annotations too): a document the project has "
                   "already, with the same text, gains NAME's annotations beside the others'")
    i.add_argument("--replace", action="store_true",
                   help="replace documents whose id already exists; with --annotator, replace only NAME's layer "
                   "of them")
    i.set_defaults(func=cmd_import)

    e = sub.add_parser("export", help="export annotations (to stdout without -o)")
    e.add_argument("project", help="project file")
    e.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    e.add_argument("--format", choices=registry.names(), default="jsonl",
                   help="jsonl (native, lossless; the default) or another format; "
                   "brat, spacy, hf and text write a folder (-o FOLDER)")
    e.add_argument("--split", type=float, metavar="SHARE",
                   help="spacy, hf: put this share of documents (e.g. 0.2) in a dev set beside the train set")
    e.add_argument("--seed", type=int, default=0, help="seed of the train/dev shuffle (default 0)")
    e.add_argument("--windows", action="store_true", help="oneie: one record per sentence window (wnd_id)")
    e.add_argument("--lang", default="en", help="language code for oneie's lang and spaCy's tokenizer (default en)")
    e.add_argument("--layer", metavar="NAME",
                   help="whose annotations: an annotator's name, gold or default (default: gold for the training "
                   "formats jsonl, spacy, conll, hf and oneie once the project has a gold layer, else default)")
    e.add_argument("--status", metavar="STATUS,...", help=f"only documents with these statuses ({','.join(STATUSES)})")
    e.set_defaults(func=cmd_export)

    m = sub.add_parser("merge", help="bring whole project files together, each annotator's work as a layer")
    m.add_argument("target", help="project file to merge into (created if missing)")
    m.add_argument("sources", nargs="+", metavar="SOURCE", help="project files to take documents and layers from "
                   "(opened read-only)")
    m.add_argument("--as", dest="as_names", action="append", metavar="NAME|SOURCE=NAME",
                   help="the layer a source's default annotations go into (default: the one annotator recorded "
                   "on them); repeat as SOURCE=NAME for several sources")
    m.add_argument("--replace", action="store_true",
                   help="replace a layer the target already has for a document (else refused)")
    m.set_defaults(func=cmd_merge)

    s = sub.add_parser("stats", help="documents by status and annotations by label")
    s.add_argument("project", help="project file")
    s.add_argument("--layer", metavar="NAME", help="count this layer's annotations: an annotator's name, gold or "
                   "default (the default)")
    s.set_defaults(func=cmd_stats)

    sc = sub.add_parser("schema", help="show or replace the annotation schema")
    sc.add_argument("project", help="project file")
    sc.add_argument("--set", metavar="FILE.toml", help="replace the schema (refused if annotations would become invalid)")
    sc.set_defaults(func=cmd_schema)
    ag = sub.add_parser("agree", help="agreement of two annotators: precision, recall, F1, kappa, event scores")
    ag.add_argument("project", help="project file")
    ag.add_argument("--annotators", metavar="A,B",
                    help="the two layers to compare, the reference first ('default' names the default layer); "
                    "without it, the project's only two layers besides gold")
    ag.add_argument("--labels", metavar="L1,L2", help="score only these entity labels and event types")
    ag.add_argument("--format", choices=["table", "json"], default="table",
                    help="table (aligned columns, the default) or json")
    ag.set_defaults(func=cmd_agree)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]
    if argv[0] == "gui":
        args = gui_parser().parse_args(argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FormatError, StoreError, SchemaError, CliError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # pragma: no cover - e.g. `annotator export p | head`
        return EXIT_OK
    except OSError as exc:
        name = getattr(exc, "filename", None)
        return _fail(f"{name}: {exc.strerror}" if name and exc.strerror else str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; the project is unchanged by the interrupted operation")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
