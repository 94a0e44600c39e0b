"""Writing brat standoff: the lines written, ids kept or renumbered, safe file names, annotation.conf, reported losses."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.brat import FORMAT
from annotator.formats.output import FolderOutput
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.schema import Schema

BIND = Schema.from_toml(
    '[entities.Protein]\n[entities."Two words"]\n'
    '[events.Binding]\nroles.Theme = { types = ["Protein"], cardinality = "one_or_more" }\n'
    '[events.Reg]\nroles.Theme = { types = ["Binding", "Protein"], cardinality = "one" }\n'
    'roles.Theme2 = { types = ["Protein"], cardinality = "optional" }\n'
    '[relations.Part]\nhead = ["Protein"]\ntail = ["Protein"]\n'
    '[attributes.Negation]\napplies_to = ["event"]\n'
    '[attributes.Conf]\nvalues = ["High", "Low"]\napplies_to = ["event", "entity"]\ndefault = "High"\n',
    "bind.toml")

TEXT = "p53 binds Mdm2 and Tax\nto Rel."


def write(docs, folder: Path, schema: Schema = BIND) -> ExportReport:
    report = ExportReport()
    n = FORMAT.write_folder(docs, FolderOutput(folder), ExportOptions(schema), report)
    assert n == len(docs)
    return report


def doc(doc_id: str = "d1", **kw) -> AnnotatedDocument:
    return AnnotatedDocument(Document(id=doc_id, text=TEXT), **kw)


def lines(path: Path) -> list[str]:
    data = path.read_bytes().decode("utf-8")
    assert data == "" or data.endswith("\n")
    return data.split("\n")[:-1]


def test_lines_ids_and_repeated_roles(tmp_path):
    spans = [
        Span("T1", "Protein", 0, 3),
        Span("x7", "Protein", 10, 14, note="line one\nline two"),  # not a brat id: numbered after the highest
        Span("T5", "Protein", 19, 22, normalizations=[Normalization("UniProt", "P04637", "Tax protein")]),
        Span("T2", "Binding", 4, 9, kind="trigger"),
        Span("T9", "Protein", 23, 29, fragments=[(23, 25), (26, 29)]),  # "to" + "Rel" across the newline
    ]
    events = [Event("E3", "Binding", "T2", [Argument("Theme", "T1"), Argument("Theme", "x7"), Argument("Theme", "T5")],
                    attributes={"Negation": True, "Conf": "Low"})]
    write([doc(spans=spans, events=events)], tmp_path)
    ann = lines(tmp_path / "d1.ann")
    assert ann[:5] == [
        "T1\tProtein 0 3\tp53", "T10\tProtein 10 14\tMdm2", "T5\tProtein 19 22\tTax", "T2\tBinding 4 9\tbinds",
        "T9\tProtein 23 25;26 29\tto Rel",
    ]
    assert "E3\tBinding:T2 Theme:T1 Theme2:T10 Theme3:T5" in ann
    assert set(ann) >= {"A1\tNegation E3", "A2\tConf E3 Low", "N1\tReference T5 UniProt:P04637\tTax protein",
                        "#1\tAnnotatorNotes T10\tline one", "#2\tAnnotatorNotes T10\tline two"}
    assert (tmp_path / "d1.txt").read_bytes() == TEXT.encode("utf-8")


def test_a_numbered_role_that_is_a_role_itself_is_skipped(tmp_path):
    spans = [Span("T1", "Protein", 0, 3), Span("T2", "Protein", 10, 14), Span("T3", "Reg", 4, 9, kind="trigger")]
    ev = Event("E1", "Reg", "T3", [Argument("Theme", "T1"), Argument("Theme", "T2")])
    write([doc(spans=spans, events=[ev])], tmp_path)
    assert "E1\tReg:T3 Theme:T1 Theme3:T2" in lines(tmp_path / "d1.ann")


def test_transitive_relations_become_equiv_groups(tmp_path):
    schema = Schema.from_toml(
        '[entities.P]\n[relations.Alias]\nhead = ["P"]\ntail = ["P"]\nsymmetric = true\ntransitive = true\n', "a.toml") \
        if _has_transitive() else None
    if schema is None:
        pytest.skip("waiting for RelationType.transitive in the schema")
    spans = [Span(f"T{i}", "P", i, i + 1) for i in range(1, 7)]
    rels = [Relation("R1", "Alias", "T3", "T1"), Relation("R2", "Alias", "T1", "T2"), Relation("R3", "Alias", "T5", "T6"),
            Relation("R4", "Alias", "T4", "T4"), Relation("R5", "Alias", "T4", "T5", note="kept as an R line")]
    write([AnnotatedDocument(Document(id="d", text="abcdefgh"), spans=spans, relations=rels)], tmp_path, schema)
    ann = lines(tmp_path / "d.ann")
    assert "*\tAlias T1 T2 T3" in ann and "*\tAlias T5 T6" in ann
    assert "R4\tAlias Arg1:T4 Arg2:T4\t" in ann and "R5\tAlias Arg1:T4 Arg2:T5\t" in ann
    assert not any(x.startswith(("R1", "R2", "R3")) for x in ann)


def _has_transitive() -> bool:
    from annotator.schema import RelationType
    return "transitive" in getattr(RelationType, "__dataclass_fields__", {})


@pytest.mark.parametrize("ids", [
    ["../x", "x", "a/b", "a_b"],
    ["A", "a"],
    ["x" * 300, "x" * 301],
    ["with space", "ünïcödé", "emoji 🙂", "con", "..", ".hidden", "back\\slash", "nul\0l"],
])
def test_no_id_writes_outside_the_folder_and_no_two_share_a_file(tmp_path, ids):
    folder = tmp_path / "out"
    report = write([doc(i, spans=[Span("T1", "Protein", 0, 3)]) for i in ids], folder)
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 * len(ids) + 2 and {"annotation.conf", "visual.conf"} <= set(files)
    assert len({f.casefold() for f in files}) == len(files)  # also distinct on a case-insensitive disk
    assert all(p.parent == folder for p in folder.rglob("*"))
    assert sorted(tmp_path.iterdir()) == [folder]
    back = [s.doc for s in FORMAT.read(folder, ImportOptions(BIND), ImportReport())]
    assert len(back) == len(ids) and all(d.document.text == TEXT for d in back)
    if any(d.document.id not in ids for d in back):
        assert any("not safe file names" in n for n in report.notes)


def test_what_brat_cannot_hold_is_reported(tmp_path):
    d = doc(spans=[Span("T1", "Protein", 0, 3, annotator="ann1", attributes={"Conf": "High"}),
                   Span("T2", "Binding", 4, 9, kind="trigger")],
            events=[Event("E1", "Binding", "T2", [Argument("Theme", "T1", annotator="ann2")],
                          attributes={"Negation": False})])
    d.document.status = "done"
    d.document.meta = {"source": "x"}
    d.document.name = "A headline"
    report = write([d], tmp_path)
    assert report.left_out == {
        "annotator names on annotations (brat has none)": 2,
        "document statuses (brat has none)": 1,
        "document metadata (brat has none)": 1,
        "document names (brat names a document by its file)": 1,
    }
    assert any("false are not written" in n for n in report.notes)
    assert any("default" in n for n in report.notes)


def test_names_brat_cannot_hold_are_renamed_and_said(tmp_path):
    report = write([doc(spans=[Span("T1", "Two words", 0, 3)])], tmp_path)
    assert lines(tmp_path / "d1.ann") == ["T1\tTwo_words 0 3\tp53"]
    assert "Two_words" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert any("'Two words' written as 'Two_words'" in n for n in report.notes)


def test_annotation_conf_lines(tmp_path):
    write([], tmp_path)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    body = [x for x in conf.splitlines() if x and not x.startswith("#")]
    assert body == [
        "[entities]", "Protein", "Two_words",
        "[relations]", "Part\tArg1:Protein, Arg2:Protein",
        "[events]", "Binding\tTheme+:Protein", "Reg\tTheme:Binding|Protein, Theme2?:Protein",
        "[attributes]", "Negation\tArg:<EVENT>", "Conf\tArg:<EVENT>|<ENTITY>, Value:High|Low",
    ]


def test_export_of_an_empty_document_and_crlf_text(tmp_path):
    text = "one\r\ntwo\r\n"
    write([AnnotatedDocument(Document(id="e", text=text), spans=[Span("T1", "Protein", 0, 8)])], tmp_path)
    assert (tmp_path / "e.txt").read_bytes() == text.encode()
    assert lines(tmp_path / "e.ann") == ["T1\tProtein 0 8\tone  two"]  # the line break flattened on its line
    (back,) = [s.doc for s in FORMAT.read(tmp_path, ImportOptions(BIND), ImportReport())]
    assert (back.spans[0].start, back.spans[0].end) == (0, 8) and back.document.text == text


def test_odd_ids_are_renumbered(tmp_path):
    huge = "T" + "9" * 5000
    spans = [Span(huge, "Protein", 0, 3), Span("T01", "Protein", 10, 14), Span("T٣", "Protein", 19, 22),
             Span("T2", "Binding", 4, 9, kind="trigger")]
    events = [Event("E" + "7" * 5000, "Binding", "T2", [Argument("Theme", huge)])]
    write([doc(spans=spans, events=events)], tmp_path)
    assert lines(tmp_path / "d1.ann") == ["T3\tProtein 0 3\tp53", "T4\tProtein 10 14\tMdm2", "T5\tProtein 19 22\tTax",
                                          "T2\tBinding 4 9\tbinds", "E1\tBinding:T2 Theme:T3"]


def test_relation_role_names_are_written_and_read_back_through_the_conf(tmp_path):
    if not _has_transitive():
        pytest.skip("waiting for RelationType.head_role / tail_role in the schema")
    schema = Schema.from_toml('[entities.P]\n[entities.O]\n[relations.Employs]\nhead = ["O"]\ntail = ["P"]\n'
                              'head_role = "Employer"\ntail_role = "Employee"\n', "e.toml")
    spans = [Span("T1", "P", 0, 3), Span("T2", "O", 10, 14)]
    write([doc(spans=spans, relations=[Relation("R1", "Employs", "T2", "T1")])], tmp_path, schema)
    assert "R1\tEmploys Employer:T2 Employee:T1\t" in lines(tmp_path / "d1.ann")
    assert "Employs\tEmployer:O, Employee:P" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    # swapped on the line, and read with a schema that does not know the type: the conf beside the files decides
    (tmp_path / "d1.ann").write_text("T1\tP 0 3\tp53\nT2\tO 10 14\tMdm2\nR1\tEmploys Employee:T1 Employer:T2\n",
                                     encoding="utf-8")
    report = ImportReport()
    (back,) = [s.doc for s in FORMAT.read(tmp_path, ImportOptions(BIND), report)]
    r = back.relations[0]
    assert (r.head, r.tail) == ("T2", "T1") and not report.notes
