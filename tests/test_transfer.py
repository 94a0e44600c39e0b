"""Import and export through the formats registry, from the command line, on real project files.

What every format shares: unknown labels refused with a list (or added with
--add-types), a carried schema for a new project, folder exports that need
-o, reports of what an export left out on stderr, and nothing written when
anything is wrong.
"""
from __future__ import annotations

import ast
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.formats import registry
from annotator.formats.errors import FormatError
from annotator.formats.output import FolderOutput, file_stem
from annotator.formats.spec import ImportReport
from annotator.importer import import_paths
from annotator.store import Project

FORMATS_DIR = Path(__file__).resolve().parent.parent / "annotator" / "formats"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def doc(doc_id: str, text: str, *ents: tuple[int, int, str]) -> dict:
    return {"id": doc_id, "text": text,
            "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in ents]}


def counts(db: Path) -> tuple[int, int, str]:
    """(documents, spans, schema source) read with plain sqlite3, not through the store."""
    con = sqlite3.connect(db)
    try:
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        n_spans = con.execute("SELECT count(*) FROM spans").fetchone()[0]
        row = con.execute("SELECT value FROM project WHERE key = 'schema'").fetchone()
        return n_docs, n_spans, row[0] if row else ""
    finally:
        con.close()


# ---------------------------------------------------------------- labels the schema lacks

def test_every_unknown_label_is_listed_with_where_it_first_occurs(tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        doc("a", "Kim met Lee.", (0, 3, "PER")),
        doc("b", "Acme Corp hired Kim.", (0, 9, "COMPANY"), (16, 19, "PER")),
        doc("c", "Paris and Acme.", (0, 5, "CITY"), (10, 14, "COMPANY")),
    )
    db = tmp_path / "p.db"
    Project.open(db).close()
    before = counts(db)
    r = run_cli("import", str(db), str(src))
    assert r.returncode == 1
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in r.stderr
    assert err.startswith(f"error: {src}:2: 2 labels not in the project's schema")
    assert f"entity 'CITY' (first at {src}:3)" in err
    assert f"entity 'COMPANY' (first at {src}:2)" in err
    assert "--add-types" in err
    assert counts(db) == before  # nothing written, not even document "a"


def test_add_types_adds_the_labels_and_imports_in_one_step(tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        doc("a", "Acme Corp hired Kim.", (0, 9, "COMPANY"), (16, 19, "PER")),
        doc("b", "Paris-Nord is near.", (0, 10, "B-ODD.name")),
    )
    db = tmp_path / "p.db"
    r = run_cli("import", str(db), str(src), "--add-types")
    assert r.returncode == 0, r.stderr
    assert "note: added 2 type(s) to the schema: B-ODD.name, COMPANY" in r.stderr
    with Project.open(db) as p:
        assert {"COMPANY", "B-ODD.name", "PER"} <= set(p.schema.entity_types)
        assert [s.label for s in p.get_annotated("a").spans] == ["COMPANY", "PER"]


def test_add_types_with_a_bad_document_writes_neither_types_nor_documents(tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        doc("a", "Acme Corp hired Kim.", (0, 9, "COMPANY")),
        doc("b", "short", (0, 99, "CITY")),  # the end is outside the text
    )
    db = tmp_path / "p.db"
    Project.open(db).close()
    before = counts(db)
    r = run_cli("import", str(db), str(src), "--add-types")
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: {src}:2:")
    assert counts(db) == before
    assert "COMPANY" not in before[2]


def test_add_types_infers_event_types_with_their_roles(tmp_path):
    record = {
        "id": "e", "text": "Rebels attacked Kabul.",
        "entities": [{"id": "T1", "start": 0, "end": 6, "label": "REBEL"},
                     {"id": "T2", "start": 16, "end": 21, "label": "GPE"}],
        "events": [{"id": "E1", "type": "Raid", "trigger": {"start": 7, "end": 15},
                    "arguments": [{"role": "Raider", "ref": "T1"}, {"role": "Place", "ref": "T2"}]}],
    }
    src = jsonl(tmp_path / "ev.jsonl", record)
    db = tmp_path / "p.db"
    assert run_cli("import", str(db), str(src), "--add-types").returncode == 0
    with Project.open(db) as p:
        raid = p.schema.event_types["Raid"]
        assert set(raid.roles) == {"Raider", "Place"}
        assert raid.roles["Raider"].types == ("REBEL",)
        adoc = p.get_annotated("e")
        assert [(a.role, a.ref) for a in adoc.events[0].arguments] == [("Raider", "T1"), ("Place", "T2")]


# ---------------------------------------------------------------- formats from the command line

def test_format_names_are_the_registry_names():
    r = run_cli("import", "--help")
    for name in ("brat", "doccano", "prodigy", "conll", "spacy", "hf", "jsonl", "oneie", "text"):
        assert name in r.stdout


def test_a_folder_format_without_output_is_refused(tmp_path):
    db = tmp_path / "p.db"
    jsonl(tmp_path / "in.jsonl", doc("a", "Kim met Lee.", (0, 3, "PER")))
    assert run_cli("import", str(db), str(tmp_path / "in.jsonl")).returncode == 0
    r = run_cli("export", str(db), "--format", "text")
    assert r.returncode == 1
    assert r.stderr.strip() == "error: Plain text (text) writes a folder of files; give it with -o FOLDER"


def test_a_lossy_export_says_what_it_left_out_on_stderr(tmp_path):
    db = tmp_path / "p.db"
    jsonl(tmp_path / "in.jsonl", doc("a", "Kim met Lee.", (0, 3, "PER"), (8, 11, "PER")),
          doc("b", "Nobody here."))
    assert run_cli("import", str(db), str(tmp_path / "in.jsonl")).returncode == 0
    out = tmp_path / "texts"
    r = run_cli("export", str(db), "--format", "text", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "warning: left out entities (plain text holds only the text): 2" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert (out / "a.txt").read_text(encoding="utf-8") == "Kim met Lee."


def test_a_file_no_format_recognises_is_refused_with_the_choices(tmp_path):
    weird = tmp_path / "data.xyz"
    weird.write_text("something\n")
    r = run_cli("import", str(tmp_path / "p.db"), str(weird))
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: {weird}: cannot tell the format of this file (extension .xyz); give --format")
    assert not (tmp_path / "p.db").exists()


def test_the_report_of_an_import_collects_notes(tmp_path):
    """The API the GUI uses: an ImportReport is filled in, the count returned."""
    src = jsonl(tmp_path / "in.jsonl", doc("a", "Acme hired Kim.", (0, 4, "COMPANY")))
    report = ImportReport()
    with Project.open(tmp_path / "p.db") as p:
        assert import_paths(p, [src], add_types=True, report=report) == 1
    assert report.lines() == ["added 1 type(s) to the schema: COMPANY"]


# ---------------------------------------------------------------- the registry and safe names

def test_every_registered_module_declares_its_format():
    for name, module in registry.MODULES.items():
        spec = registry.get(name)
        assert spec.name == name, module
        assert spec.title and spec.carries and spec.cannot, f"{name}: title, carries and cannot are shown to users"


def test_an_unknown_format_name_lists_the_choices():
    with pytest.raises(FormatError, match=r"unknown format 'xml' \(expected one of brat, "):
        registry.get("xml")


def _format_group(module: str) -> str | None:
    """The format a module in annotator/formats belongs to (brat_read -> brat), or None for shared helpers."""
    for mod in registry.MODULES.values():
        if module == mod or module.startswith(mod + "_"):
            return mod
    return None


def test_no_format_module_imports_another_formats_code():
    """Adding or changing a format touches no other format: shared code lives in helper modules,
    which import no format module themselves."""
    offences = []
    for path in sorted(FORMATS_DIR.glob("*.py")):
        group = _format_group(path.stem)
        if group is None:
            group = "<shared>"  # a shared helper imports no format at all, or the formats share through it
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level == 1:
                    names = [base] if base else [a.name for a in node.names]
                elif base.startswith("annotator.formats."):
                    names = [base.removeprefix("annotator.formats.")]
                elif base == "annotator.formats":
                    names = [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name.removeprefix("annotator.formats.") for a in node.names
                         if a.name.startswith("annotator.formats.")]
            for name in names:
                other = _format_group(name.split(".")[0])
                if other is not None and other != group:
                    offences.append(f"{path.name} imports {name}")
    assert offences == []


@pytest.mark.parametrize("doc_id", ["../x", "a/b", "/etc/passwd", "..", ".hidden", "con", "a\\b", "x" * 300,
                                    "caf\u00e9 du monde", "", "a\0b"])
def test_no_document_id_writes_outside_the_folder(tmp_path, doc_id):
    out = FolderOutput(tmp_path / "out")
    path = out.path_for(out.stem(doc_id) + ".ann")
    assert path.parent == tmp_path / "out"
    out.write_text(path.name.removesuffix(".ann") + ".txt", "x")
    assert [p.parent for p in (tmp_path / "out").iterdir()] == [tmp_path / "out"]


def test_two_ids_never_share_a_file(tmp_path):
    ids = ["a/b", "a_b", "a\\b", "A_B", "Doc", "doc", "DOC", "x" * 300, "x" * 301, ".a", "a"]
    out = FolderOutput(tmp_path / "out")
    stems = [out.stem(i) for i in ids]
    assert len({s.casefold() for s in stems}) == len(ids)
    assert out.stem("a/b") == stems[0]  # the same id, the same file
    assert file_stem("plain-id_1.2") == "plain-id_1.2"


def test_a_folder_export_syncs_once_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    import os

    src = jsonl(tmp_path / "in.jsonl", *(doc(f"d{i}", f"Text {i}.") for i in range(5)))
    calls: list[str] = []
    real_sync, real_fsync = os.sync, os.fsync
    monkeypatch.setattr(os, "sync", lambda: (calls.append("sync"), real_sync())[1])
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    with Project.open(tmp_path / "p.db") as p:
        import_paths(p, [src])
        calls.clear()
        from annotator.importer import export_to_path

        assert export_to_path(p, tmp_path / "out", "text") == 5
    assert calls.count("sync") == 1
    assert calls.count("fsync") <= 1  # the folder itself, after the renames; no fsync per file
    assert sorted(x.name for x in (tmp_path / "out").iterdir()) == [f"d{i}.txt" for i in range(5)]
    assert (tmp_path / "out" / "d3.txt").read_text(encoding="utf-8") == "Text 3."


def test_the_readme_table_of_formats_is_what_the_formats_declare():
    from annotator.formats.table import markdown_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "README.md: paste the output of `python -m annotator.formats.table`"


def test_unknown_event_and_relation_types_are_listed_too(tmp_path):
    record = {
        "id": "r", "text": "Kim met Lee in Paris.",
        "entities": [{"id": "T1", "start": 0, "end": 3, "label": "PER"},
                     {"id": "T2", "start": 8, "end": 11, "label": "PER"}],
        "events": [{"id": "E1", "type": "Meeting.Greet", "trigger": {"start": 4, "end": 7},
                    "arguments": [{"role": "Entity", "ref": "T1"}]}],
        "relations": [{"id": "R1", "type": "KNOWS", "head": "T1", "tail": "T2"}],
    }
    src = jsonl(tmp_path / "rel.jsonl", record)
    db = tmp_path / "p.db"
    r = run_cli("import", str(db), str(src))
    assert r.returncode == 1
    assert f"event 'Meeting.Greet' (first at {src}:1)" in r.stderr
    assert f"relation 'KNOWS' (first at {src}:1)" in r.stderr
    assert r.stderr.count("'Meeting.Greet'") == 1  # the trigger and the event name one type once


def test_add_types_gives_an_event_type_the_schema_has_the_roles_it_lacks(tmp_path):
    """Report is in the default schema without a role Reporter-Arg: --add-types adds the role, not a new type."""
    record = {
        "id": "rep", "text": "Kim said Acme merged.",
        "entities": [{"id": "T1", "start": 0, "end": 3, "label": "PER"}],
        "events": [{"id": "E1", "type": "Report", "trigger": {"start": 4, "end": 8},
                    "arguments": [{"role": "Reporter-Arg", "ref": "T1"}]}],
    }
    src = jsonl(tmp_path / "rep.jsonl", record)
    db = tmp_path / "p.db"
    refused = run_cli("import", str(db), str(src))
    assert refused.returncode == 1 and "Reporter-Arg" in refused.stderr
    r = run_cli("import", str(db), str(src), "--add-types")
    assert r.returncode == 0, r.stderr
    assert "note: added 1 type(s) to the schema: Report (roles Reporter-Arg)" in r.stderr
    with Project.open(db) as p:
        roles = p.schema.event_types["Report"].roles
        assert roles["Reporter-Arg"].types == ("PER",)
        assert "Content" in roles  # the roles it had are kept
        assert [(a.role, a.ref) for a in p.get_annotated("rep").events[0].arguments] == [("Reporter-Arg", "T1")]
