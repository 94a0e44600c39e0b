"""Fuzzing every importer: a damaged file imports, or is refused in one line, and the project is untouched.

For each format that can be read and written, a real export of
tests/data/jsonl/canonical.jsonl (entities, nested events, relations,
a discontinuous span, unicode) is the seed.  Hypothesis damages it: bytes
flipped, deleted, inserted or duplicated, lines swapped, the file cut short.
Each damaged file goes through ``import_paths`` (as the command line and the
GUI call it) into a real project file, with ``--add-types`` so that labels
are no obstacle.  The import must either succeed or raise one
:class:`FormatError` whose text is one line naming the damaged file; any
other exception is a bug, and a refused import must not have changed the
project (its documents and spans are counted with plain sqlite3).

CI runs ``CASES`` derandomized cases per format; ``ANNOTATOR_FUZZ=1`` runs 20x more.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats import registry
from annotator.formats.errors import FormatError
from annotator.formats.spec import ExportReport
from annotator.importer import export_to_path, import_paths
from annotator.store import Project

DATA = Path(__file__).resolve().parent / "data" / "jsonl" / "canonical.jsonl"
LONG = os.environ.get("ANNOTATOR_FUZZ") == "1"
CASES = 6000 if LONG else 300
PROFILE = settings(max_examples=CASES, deadline=None, derandomize=not LONG, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.function_scoped_fixture])

#: format -> (export target name, the file in it that is damaged: None = the target itself)
TARGETS = {
    "brat": ("out", "iraq-attacks.ann"),
    "doccano": ("out.jsonl", None),
    "prodigy": ("out.jsonl", None),
    "conll": ("out.conll", None),
    "hf": ("out", "train.jsonl"),
    "oneie": ("out.json", None),
    "spacy": ("out", "train.spacy"),
}


def _usable(fmt: str) -> bool:
    spec = registry.get(fmt)
    if not (spec.can_read and spec.can_write):
        return False
    if spec.extra:
        try:
            __import__(spec.extra)
        except ImportError:
            return False
    return True


def _commits(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        return (con.execute("SELECT count(*) FROM documents").fetchone()[0],
                con.execute("SELECT count(*) FROM spans").fetchone()[0])
    finally:
        con.close()


edits = st.lists(
    st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
        st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 40)),
        st.tuples(st.just("insert"), st.integers(0, 10**6),
                  st.sampled_from([b"\t", b"\n", b" ", b"-", b"0", b"9999999", b"{", b"]", b'"', b"\xff",
                                   b"T1", b"E1", b"B-", b"I-X", b";", b":", b"\r\n", b"\xc3"])),
        st.tuples(st.just("cut"), st.integers(0, 10**6), st.just(0)),
        st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    ),
    min_size=1, max_size=4,
)


def damage(data: bytes, ops: list[tuple]) -> bytes:
    for op, a, b in ops:
        if not data:
            break
        i = a % len(data)
        if op == "flip":
            data = data[:i] + bytes([data[i] ^ b]) + data[i + 1:]
        elif op == "delete":
            data = data[:i] + data[i + b:]
        elif op == "insert":
            data = data[:i] + b + data[i:]
        elif op == "cut":
            data = data[:i]
        else:  # swap two lines
            lines = data.split(b"\n")
            j, k = a % len(lines), b % len(lines)
            lines[j], lines[k] = lines[k], lines[j]
            data = b"\n".join(lines)
    return data


@pytest.mark.parametrize("fmt", sorted(TARGETS))
def test_a_damaged_file_imports_or_is_refused_in_one_line(tmp_path, fmt):
    if not _usable(fmt):
        pytest.skip(f"{fmt} cannot be both read and written here")
    source = tmp_path / "source.db"
    with Project.open(source) as p:
        import_paths(p, [DATA], add_types=True)
        schema_toml = p.schema.source
        target_name, inner = TARGETS[fmt]
        seed_target = tmp_path / "seed" / target_name
        seed_target.parent.mkdir()
        export_to_path(p, seed_target, fmt, report=ExportReport())
    seed_file = seed_target / inner if inner else seed_target
    seed = seed_file.read_bytes()
    assert seed, f"the {fmt} export wrote {seed_file} empty"

    db = tmp_path / "fuzz.db"
    with Project.open(db) as p:
        from annotator.schema import Schema

        p.set_schema(Schema.from_toml(schema_toml))
    seen = {"cases": 0, "imported": 0, "refused": 0}
    work = tmp_path / "case"

    @PROFILE
    @given(ops=edits)
    def run(ops: list[tuple]) -> None:
        seen["cases"] += 1
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(seed_target.parent, work)
        case_target = work / target_name
        damaged = case_target / inner if inner else case_target
        damaged.write_bytes(damage(seed, ops))
        before = _commits(db)
        try:
            with Project.open(db) as p:
                import_paths(p, [case_target], fmt=fmt, add_types=True, replace=True)
        except FormatError as exc:
            seen["refused"] += 1
            text = str(exc)
            assert "\n" not in text and "\r" not in text, text
            assert str(work) in text, f"the error does not name the file: {text}"
            assert _commits(db) == before, "a refused import changed the project"
            return
        seen["imported"] += 1

    run()
    print(f"\n{fmt}: {seen}")
    assert seen["cases"] >= CASES
