"""Mutation check: apply one-line mutations to a copy of the project and see which tests catch them.

Usage (from the repository root)::

    .venv/bin/python tests/mutation/run_mutations.py            # every mutation, 2 at a time
    .venv/bin/python tests/mutation/run_mutations.py -k text -j 1
    .venv/bin/python tests/mutation/run_mutations.py --list
    .venv/bin/python tests/mutation/run_mutations.py --rev d4d509b   # the suite as it was at a commit

Each mutation is applied to a fresh copy of the repository (``annotator/``,
``tests/``, ``seeds/``, ``resources/``, ``pyproject.toml``) in a temporary
folder; the real working tree is never written.  The whole suite then runs in
the copy with ``PYTHONPATH`` pointing at it (the editable install's finder
comes after ``PYTHONPATH`` on ``sys.path``, and the runner checks that the copy
is what gets imported).  A baseline run of the unmutated copy comes first: a
test that fails there is not counted as catching anything.

This file is not collected by pytest: its name has no ``test_`` prefix.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COPY = ("annotator", "tests", "seeds", "resources", "benchmarks", "docs", "pyproject.toml", "README.md", "LICENSE")
MAPPED = ("resources", "seeds")  # pyproject package-dir: annotator.resources = resources/ ...
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "_shots", "*.db", "*.db-wal", "*.db-shm")


@dataclass(frozen=True)
class Mutation:
    """Replace ``old`` (must occur exactly once in ``path``) by ``new``: a one-line change."""

    name: str
    path: str
    old: str
    new: str


MUTATIONS: list[Mutation] = [
    # --- the offset conversion (annotator/text.py)
    Mutation("text: to_view bisect_left -> bisect_right", "annotator/text.py",
             "return cp + self._prefix[bisect_left(self._idx, cp)]",
             "return cp + self._prefix[bisect_right(self._idx, cp)]"),
    Mutation("text: CRLF shift 0", "annotator/text.py",
             '(-1 if m.group() == "\\r\\n" else 1)',
             '(0 if m.group() == "\\r\\n" else 1)'),
    Mutation("text: surrogate step-back removed", "annotator/text.py",
             "if lo > 0 and self.to_view(lo) > pos:",
             "if False and lo > 0 and self.to_view(lo) > pos:"),
    # --- double-click word lookup (annotator/qt/view_input.py)
    Mutation("_word_at: misses a word's first character", "annotator/qt/view_input.py",
             "if s + a <= cp < e + a:",
             "if s + a < cp < e + a:"),
    # --- OneIE export
    Mutation("oneie: trigger offset_end off by one", "annotator/formats/oneie.py",
             '"offset_start": trig.start, "offset_end": trig.end}',
             '"offset_start": trig.start, "offset_end": trig.end + 1}'),
    # --- offset bounds
    Mutation("store: span end may pass the text end", "annotator/store*.py",
             "0 <= span.start < span.end <= n)",
             "0 <= span.start < span.end <= n + 1)"),
    Mutation("validate: offset bound check removed", "annotator/validate.py",
             "if not (0 <= span.start < span.end <= text_len):",
             "if not (0 <= span.start < span.end):"),
    Mutation("jsonl: offset bound loosened", "annotator/formats/jsonl_fields.py",
             "if not 0 <= start < end <= length:",
             "if not 0 <= start < end <= length + 1:"),
    # --- unknown labels
    Mutation("store: unknown entity label accepted", "annotator/store*.py",
             'if span.kind == ENTITY and kind != "entity":',
             'if span.kind == ENTITY and kind not in ("entity", None):'),
    Mutation("validate: unknown entity label accepted", "annotator/validate.py",
             "if span.label not in schema.entity_types:",
             "if False and span.label not in schema.entity_types:"),
    # --- blank lines ending in \r (CRLF files)
    Mutation("jsonl: blank line with \\r is an error", "annotator/formats/jsonl.py",
             'if not line.strip(" \\t\\r\\n"):',
             'if not line.strip(" \\t\\n"):'),
    # --- undo of a cascade (Project.restore)
    Mutation("restore: cascaded arguments not put back", "annotator/store*.py",
             "for ev_id, pos, a in sorted(removal.arguments, key=lambda t: (t[0], t[1])):",
             "for ev_id, pos, a in sorted(removal.arguments[:0], key=lambda t: (t[0], t[1])):"),
    Mutation("restore: cascaded relations not put back", "annotator/store*.py",
             "insert_relation(pk, r, removal.relation_seq.get(r.id))",
             "insert_relation(pk, r, removal.relation_seq.get(r.id)) if False else None"),
    # --- behaviour behind the strengthened asserts
    Mutation("annlist: an edited row announces every row", "annotator/qt/annlist.py",
             "self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))",
             "self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.HEADERS) - 1))"),
    Mutation("view: a small scroll does not move the text", "annotator/qt/textview.py",
             "self.stack.scroll_by(float(delta), vh)",
             "self.stack.scroll_by(0.0, vh)"),
    Mutation("view: zoom does not change the font size", "annotator/qt/view_paint.py",
             "f.setPointSizeF(max(4.0, size + steps))",
             "f.setPointSizeF(max(4.0, size))"),
    Mutation("cli: import exits 1 after success", "annotator/cli.py",
             "warning: {incomplete} event(s) lack a required role; `annotator stats` lists them\", file=sys.stderr)\n    return EXIT_OK",
             "warning: {incomplete} event(s) lack a required role; `annotator stats` lists them\", file=sys.stderr)\n    return 1"),
]



_SITECUSTOMIZE = """\
# Written by run_mutations.py: map annotator.resources / annotator.seeds to this copy's folders,
# as pyproject's package-dir does (the editable install maps them to the real tree), and never
# import anything of the annotator package from the real tree.
import importlib.util, sys
from importlib.machinery import PathFinder
_MAP = {MAP!r}
class _CopyFinder:
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname in _MAP:
            return importlib.util.spec_from_file_location(
                fullname, _MAP[fullname] + "/__init__.py", submodule_search_locations=[_MAP[fullname]])
        parent = fullname.rpartition(".")[0]
        if parent in _MAP:
            return PathFinder.find_spec(fullname, [_MAP[parent]])
        return None
# the editable install's finder would serve modules missing from the copy from the real tree: drop it
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.meta_path.insert(0, _CopyFinder)
"""


def snapshot(dest: Path, rev: str | None = None) -> None:
    """Copy the parts of the repository the suite needs into ``dest``, once for the whole run.

    Every mutation starts from this one snapshot, so all runs see the same code
    even while others edit the working tree.  ``rev`` takes a committed revision
    (``git archive``) instead of the working tree.
    """
    if rev is not None:
        present = [n for n in COPY if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}:{n}"],
                                                     capture_output=True).returncode == 0]
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "--", *present],
                             capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=tar, check=True)
        return
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORE)
        elif src.exists():
            shutil.copy2(src, dest / name)


def place(snap: Path, dest: Path) -> None:
    """A fresh copy of the snapshot in ``dest``, with its ``sitecustomize.py``.

    The ``sitecustomize.py`` maps ``annotator.resources`` and ``annotator.seeds``
    to the copy's ``resources/`` and ``seeds/``, as pyproject's package-dir does,
    and removes the editable install's finder, so nothing is read from the real tree.
    """
    shutil.copytree(snap, dest, dirs_exist_ok=True)
    mapping = {f"annotator.{n}": str(dest / n) for n in MAPPED if (dest / n / "__init__.py").exists()}
    (dest / "sitecustomize.py").write_text(_SITECUSTOMIZE.replace("{MAP!r}", repr(mapping)), encoding="utf-8")


def apply(dest: Path, m: Mutation) -> str | None:
    """Apply ``m`` in the copy at ``dest``; the reason it cannot be applied, or None.

    ``m.path`` may be a glob (``annotator/store*.py``): the pattern must then
    occur exactly once in all the matching files together.
    """
    files = sorted(dest.glob(m.path))
    hits = [(f, f.read_text(encoding="utf-8")) for f in files]
    n = sum(src.count(m.old) for _, src in hits)
    if n != 1:
        return f"pattern found {n} times in {m.path} (the code changed?)"
    for f, src in hits:
        if m.old in src:
            f.write_text(src.replace(m.old, m.new), encoding="utf-8")
    return None


def _failures(report: Path, dest: Path) -> set[str]:
    """Ids (``path::name``) of the tests that failed or errored, from pytest's JUnit XML report."""
    out: set[str] = set()
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is None and case.find("error") is None:
            continue
        classname, name = case.get("classname", ""), case.get("name", "")
        if not classname:  # the module itself failed to import: pytest names it "tests.test_x"
            out.add(name.replace(".", "/") + ".py (collection error)")
            continue
        parts = classname.split(".")
        # "tests.test_x" or "tests.test_x.TestClass": the longest prefix that is a file
        for k in range(len(parts), 0, -1):
            path = "/".join(parts[:k]) + ".py"
            if (dest / path).exists():
                out.add("::".join([path, *parts[k:], name]))
                break
        else:
            out.add(f"{case.get('classname')}::{case.get('name')}")
    return out


def run_suite(dest: Path, timeout: float, tests: list[str] | None = None) -> tuple[set[str], str]:
    """Run pytest in the copy; (failed or erroring test ids, tail of output)."""
    env = dict(os.environ, PYTHONPATH=str(dest), PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen")
    probe = ("import annotator; print(annotator.__file__)\n"
             "try:\n    import annotator.bundled as b\nexcept ImportError:\n    pass\n"
             "else:\n    print(b.default_schema_path())\n")
    check = subprocess.run([sys.executable, "-c", probe], cwd=dest, env=env, capture_output=True, text=True)
    if not all(x.startswith(str(dest)) for x in check.stdout.split()) or not check.stdout.strip():
        raise SystemExit(f"error: the copy is not what gets imported: {check.stdout.strip() or check.stderr}")
    report = dest / "junit.xml"
    try:
        r = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=no", f"--junitxml={report}",
             *(tests or ["tests"])],
            cwd=dest, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"<timeout>"}, "timed out"
    failed = _failures(report, dest) if report.exists() else set()
    if r.returncode not in (0, 1) and not failed:
        failed.add(f"<pytest exit {r.returncode}>")
    return failed, "\n".join(r.stdout.splitlines()[-3:])


def one(m: Mutation | None, snap: Path, timeout: float, tests: list[str] | None = None,
        ) -> tuple[Mutation | None, str | None, set[str], str]:
    """Copy the snapshot, mutate (None: baseline) and run; (mutation, not-applied reason, failures, tail)."""
    with tempfile.TemporaryDirectory(prefix="annotator-mut-") as tmp:
        dest = Path(tmp)
        place(snap, dest)
        if m is not None:
            why = apply(dest, m)
            if why:
                return m, why, set(), ""
        failed, tail = run_suite(dest, timeout, tests)
        return m, None, failed, tail


def main(argv: list[str] | None = None) -> int:
    """Run the mutations and print caught / missed for each; exit 1 if any is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only mutations whose name contains this")
    ap.add_argument("-j", type=int, default=2, help="copies run at once (default 2)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per suite run")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--rev", help="mutate this git revision (git archive) instead of the working tree")
    ap.add_argument("tests", nargs="*", help="test files or ids to run (default: the whole suite)")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTATIONS if args.k.lower() in m.name.lower()]
    if args.list:
        for m in chosen:
            print(f"{m.name}  ({m.path})", flush=True)
        return 0
    snap_dir = tempfile.TemporaryDirectory(prefix="annotator-snap-")
    snap = Path(snap_dir.name)
    snapshot(snap, args.rev)
    _, _, base_failed, tail = one(None, snap, args.timeout, args.tests)
    if base_failed:
        print(f"baseline: {len(base_failed)} test(s) fail without any mutation (not counted):", flush=True)
        for t in sorted(base_failed):
            print(f"    {t}", flush=True)
    else:
        print(f"baseline: all tests pass ({tail.strip().splitlines()[-1] if tail.strip() else ''})", flush=True)
    missed = 0
    with ThreadPoolExecutor(max_workers=max(args.j, 1)) as pool:
        for m, why, failed, _tail in pool.map(lambda x: one(x, snap, args.timeout, args.tests), chosen):
            assert m is not None
            if why:
                print(f"NOT APPLIED  {m.name}: {why}", flush=True)
                missed += 1
                continue
            caught = sorted(failed - base_failed)
            if caught:
                print(f"caught       {m.name}: by {len(caught)} test(s)", flush=True)
                for t in caught:
                    print(f"    {t}", flush=True)
            else:
                print(f"MISSED       {m.name}", flush=True)
                missed += 1
            sys.stdout.flush()
    print(f"{len(chosen) - missed} of {len(chosen)} mutations caught", flush=True)
    snap_dir.cleanup()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
