"""Formats benchmark: brat and CoNLL import and export against JSONL on the same data, in one run.

    python benchmarks/bench_formats.py [--docs 10000] [--repeat 3] [--formats brat,conll]

The fixture is bench_core's: N documents of 120 words, 10 entities and 2
Conflict.Attack events with 2 arguments each (the news schema).  It is
imported from JSONL into a real project file, which is the source of every
export.  For each format:

- export: the whole project written in that format (a folder of .txt/.ann
  pairs for brat, one IOB2 file for CoNLL), through ``export_to_path`` as the
  command line does, against the JSONL export of the same project (the baseline);
- import: that export read back into a new project file (one transaction, with
  validation and label checks), through ``import_paths`` as the command line
  does, against importing the JSONL (the baseline).

For a folder format the export is also set beside the floor of writing the
same files with plain ``open()``/``write()`` from memory: creating thousands
of files costs what it costs on the machine's file system, whatever the format.

Each figure is the best of ``--repeat`` runs, printed as documents per second
and as the ratio to JSONL measured in the same run.  Not included: process
start-up and Python's import time (the command line pays them once), and the
GUI.  CoNLL carries entities only, so its files are smaller and the events are
counted as left out; brat carries everything.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_core import make_jsonl  # noqa: E402

from annotator.formats.spec import ExportReport  # noqa: E402
from annotator.importer import export_to_path, import_paths  # noqa: E402
from annotator.store import Project  # noqa: E402

OUTPUT = {"jsonl": "out.jsonl", "brat": "brat", "conll": "out.conll"}


def best(repeat: int, fn: Callable[[int], float]) -> float:
    return min(fn(i) for i in range(repeat))


def files_floor(folder: Path, scratch: Path) -> Callable[[int], float]:
    """Writing the files of an exported folder again with plain open()/write(), content in memory."""
    contents = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]

    def run(i: int) -> float:
        out = scratch / str(i)
        out.mkdir(parents=True)
        t0 = time.perf_counter()
        for name, data in contents:
            with open(out / name, "wb") as fh:
                fh.write(data)
        return time.perf_counter() - t0
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default="brat,conll")
    args = ap.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    tmp = Path(tempfile.mkdtemp(prefix="bench-formats-"))
    try:
        src = tmp / "fixture.jsonl"
        n_ent, n_ev = make_jsonl(src, args.docs)
        project = tmp / "source.db"
        with Project.open(project) as p:
            import_paths(p, [src])
        print(f"fixture: {args.docs:,} documents, {n_ent:,} entities, {n_ev:,} events")

        def export(fmt: str) -> Callable[[int], float]:
            def run(i: int) -> float:
                target = tmp / f"{fmt}-{i}" / OUTPUT[fmt]
                target.parent.mkdir(exist_ok=True)
                with Project.open(project, read_only=True) as p:
                    t0 = time.perf_counter()
                    export_to_path(p, target, fmt, report=ExportReport())
                    return time.perf_counter() - t0
            return run

        def import_(fmt: str) -> Callable[[int], float]:
            def run(i: int) -> float:
                db = tmp / f"in-{fmt}-{i}.db"
                with Project.open(db) as p:
                    t0 = time.perf_counter()
                    import_paths(p, [tmp / f"{fmt}-0" / OUTPUT[fmt]], fmt=fmt)
                    return time.perf_counter() - t0
            return run

        base_export = best(args.repeat, export("jsonl"))
        base_import = best(args.repeat, import_("jsonl"))
        n = args.docs

        def show(name: str, seconds: float, base: float) -> None:
            print(f"{name:<16} {seconds:8.3f} s  {n / seconds:10,.0f} docs/s   "
                  f"JSONL {base:8.3f} s  {n / base:10,.0f} docs/s   ratio {seconds / base:5.2f}")

        show("export jsonl", base_export, base_export)
        show("import jsonl", base_import, base_import)
        for fmt in formats:
            seconds = best(args.repeat, export(fmt))
            show(f"export {fmt}", seconds, base_export)
            exported = tmp / f"{fmt}-0" / OUTPUT[fmt]
            if exported.is_dir():
                floor = best(args.repeat, files_floor(exported, tmp / f"floor-{fmt}"))
                n_files = sum(1 for _ in exported.iterdir())
                print(f"{'':<16} the same {n_files:,} files written with open()/write(): {floor:.3f} s, "
                      f"ratio {seconds / floor:5.2f} (creating files is the floor for a folder format)")
            show(f"import {fmt}", best(args.repeat, import_(fmt)), base_import)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
