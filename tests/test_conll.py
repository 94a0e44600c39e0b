"""CoNLL-2003 import and export: the corpora files, IOB1/IOB2, -DOCSTART-, bad tags, leave-outs, round trips."""
from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from annotator.formats import registry
from annotator.formats.errors import FormatError
from annotator.formats.iob import OVERLAP
from annotator.formats.spec import ExportOptions, ExportReport, ImportOptions, ImportReport
from annotator.model import TRIGGER, AnnotatedDocument, Argument, Document, Event, Normalization, Relation, Span
from annotator.schema import Schema
from annotator.store import Project

DATA = Path(__file__).parent / "data" / "conll"
SPACY_IOB = DATA / "ner-token-per-line.iob"
FORMAT = registry.get("conll")


def schema_for(*labels: str) -> Schema:
    return Schema.from_toml('name = "t"\n' + "".join(f"[entities.{lab}]\n" for lab in labels))


def read(path: Path, report: ImportReport | None = None) -> list[AnnotatedDocument]:
    return [s.doc for s in FORMAT.read(path, ImportOptions(Schema.default()), report or ImportReport())]


def write(docs, report: ExportReport | None = None) -> str:
    fh = io.StringIO()
    n = FORMAT.write_stream(docs, fh, ExportOptions(Schema.default()), report or ExportReport())
    assert n == len(docs)
    return fh.getvalue()


def pairs(path_or_text) -> list[tuple[str, str]]:
    """(token, last column) of every token line, -DOCSTART- and blank lines aside."""
    text = path_or_text.read_text("utf-8") if isinstance(path_or_text, Path) else path_or_text
    out = []
    for line in text.splitlines():
        cols = line.split()
        if cols and cols[0] != "-DOCSTART-":
            out.append((cols[0], cols[-1]))
    return out


def entity_list(adoc: AnnotatedDocument) -> list[tuple[str, str]]:
    t = adoc.document.text
    return [(s.label, t[s.start:s.end]) for s in sorted(adoc.spans, key=lambda s: (s.start, s.end))]


# ---------------------------------------------------------------- reading the corpora

def test_spacy_iob_file_without_sentence_breaks_and_typographic_quotes():
    report = ImportReport()
    (doc,) = read(SPACY_IOB, report)
    assert doc.document.id == "ner-token-per-line-1"
    text = doc.document.text
    assert "\n" not in text  # no blank line in the file: one sentence
    assert text.startswith("When Sebastian Thrun started working on self - driving cars at Google in 2007 , ")
    assert "seriously . “ I can tell you" in text
    assert "I was n’t worth talking to , ” said Thrun" in text
    assert text.endswith("with Recode earlier this week .")
    assert entity_list(doc) == [
        ("PERSON", "Sebastian Thrun"), ("ORG", "Google"), ("DATE", "2007"), ("NORP", "American"),
        ("PERSON", "Thrun"), ("ORG", "Recode"), ("DATE", "earlier this week"),
    ]
    assert report.lines() == ["text rebuilt from the tokens: single spaces between tokens, one sentence per line"]


def test_doccano_conll_two_sentences():
    (doc,) = read(DATA / "example.conll")
    assert doc.document.id == "example-1"
    assert doc.document.text == "JAPAN GET\nNadim Ladki"
    assert entity_list(doc) == [("LOC", "JAPAN"), ("PER", "Nadim Ladki")]


def test_doccano_example_with_one_or_two_spaces():
    (doc,) = read(DATA / "doccano-example.txt")
    assert doc.document.text.split("\n")[0] == "EU rejects German call to boycott British lamb ."
    assert entity_list(doc)[:3] == [("ORG", "EU"), ("MISC", "German"), ("MISC", "British")]


def test_trailing_blank_lines():
    (doc,) = read(DATA / "labeling.trailing.conll")
    assert doc.document.text == "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT ."
    assert entity_list(doc) == [("LOC", "JAPAN"), ("PER", "CHINA")]


def test_doccano_invalid_file_names_the_line():
    with pytest.raises(FormatError) as err:
        read(DATA / "labeling.invalid.conll")
    assert err.value.line == 1
    assert str(err.value).startswith(f"{DATA / 'labeling.invalid.conll'}:1: bad tag 'SOCCERO'")


def test_corpus_files_in_the_shared_folder_too():
    shared = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    files = sorted(shared.glob("doccano/backend/data_import/tests/data/sequence_labeling/*.conll"))
    if not files:
        pytest.skip("../shared/corpora is not here")
    for path in files:
        if "invalid" in path.name:
            with pytest.raises(FormatError):
                read(path)
        else:
            assert read(path)


# ---------------------------------------------------------------- CoNLL-2003 shapes

CONLL2003 = """\
-DOCSTART- -X- -X- O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
to TO I-VP O
boycott VB I-VP O
British JJ I-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O
Karl NNP I-NP I-PER
Fischer NNP I-NP I-PER
Hans NNP I-NP B-PER
Meyer NNP I-NP I-PER
"""


def test_conll2003_iob1_with_middle_columns_and_documents(tmp_path):
    path = tmp_path / "eng.train"
    path.write_text(CONLL2003, "utf-8")
    d1, d2 = read(path)
    assert (d1.document.id, d2.document.id) == ("eng-1", "eng-2")
    assert d1.document.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn"
    assert entity_list(d1) == [("ORG", "EU"), ("MISC", "German"), ("MISC", "British"), ("PER", "Peter Blackburn")]
    # IOB1: B- only between two spans of one type
    assert entity_list(d2) == [("LOC", "BRUSSELS"), ("PER", "Karl Fischer"), ("PER", "Hans Meyer")]


def test_iob2_stray_i_after_o_starts_a_span_and_bioes(tmp_path):
    path = tmp_path / "x.bio"
    path.write_text("a\tO\nb\tI-X\nc\tI-X\nd\tI-Y\ne\tS-Z\nf\tB-W\ng\tE-W\nh\tO\n", "utf-8")
    (doc,) = read(path)
    assert entity_list(doc) == [("X", "b c"), ("Y", "d"), ("Z", "e"), ("W", "f g")]


def test_sentence_boundary_ends_a_span(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("a\tB-X\n\nb\tI-X\n", "utf-8")
    (doc,) = read(path)
    assert entity_list(doc) == [("X", "a"), ("X", "b")]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("a\tO\nb\tB-\n", 2, "bad tag 'B-'"),
        ("a\tO\n\nb\tX-PER\n", 3, "bad tag 'X-PER'"),
        ("a\tO\nb\n", 2, "expected a token and a tag"),
        ("a\tO\nb c\tO\n", 2, "token 'b c' contains a space"),
        ("a\tper\n", 1, "bad tag 'per'"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "bad.conll"
    path.write_text(content, "utf-8")
    with pytest.raises(FormatError) as err:
        read(path)
    assert err.value.line == line
    assert message in err.value.message
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_not_utf8(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_bytes(b"a\tO\n\xff\tO\n")
    with pytest.raises(FormatError) as err:
        read(path)
    assert err.value.line == 2


def test_empty_file_has_no_documents(tmp_path):
    path = tmp_path / "e.conll"
    path.write_text("\n\n", "utf-8")
    assert read(path) == []


# ---------------------------------------------------------------- sniffing

def test_sniffer(tmp_path):
    tagged = tmp_path / "tagged.txt"
    tagged.write_text("EU\tB-ORG\nrejects\tO\n\n-DOCSTART- -X- O O\nx y O\n", "utf-8")
    prose = tmp_path / "prose.txt"
    prose.write_text("This is a story.\nIt has two lines.\n", "utf-8")
    ending_in_o = tmp_path / "o.tsv"
    ending_in_o.write_text("said\tO\nhello world\n", "utf-8")
    assert FORMAT.sniff(tagged)
    assert not FORMAT.sniff(prose)
    assert not FORMAT.sniff(ending_in_o)
    assert FORMAT.sniff(SPACY_IOB)
    assert registry.detect(tagged).name == "conll"
    assert registry.detect(prose).name == "text"


# ---------------------------------------------------------------- export

def test_export_of_prose_widens_and_writes_sentences():
    text = "The U.N. sent 30,000 troops.\nThey left on Monday. Nobody stayed."
    doc = AnnotatedDocument(Document("d1", text), spans=[
        Span("T1", "ORG", 4, 7),                          # "U.N" without the period
        Span("T2", "QTY", 14, 20),                        # "30,000"
        Span("T3", "DATE", text.index("Monday"), text.index("Monday") + 6),
    ])
    report = ExportReport()
    out = write([doc], report)
    assert out == (
        "-DOCSTART- -X- O O\n\n"
        "The\tO\nU.N.\tB-ORG\nsent\tO\n30,000\tB-QTY\ntroops\tO\n.\tO\n\n"
        "They\tO\nleft\tO\non\tO\nMonday\tB-DATE\n.\tO\n\n"
        "Nobody\tO\nstayed\tO\n.\tO\n\n"
    )
    assert report.expanded == ["d1: T1 'U.N' -> 'U.N.'"]
    assert not report.left_out


def test_a_span_across_a_line_break_keeps_its_sentence_whole():
    text = "New\nYork is big.\nYes."
    doc = AnnotatedDocument(Document("d", text), spans=[Span("T1", "GPE", 0, 8)])
    out = write([doc])
    assert "New\tB-GPE\nYork\tI-GPE\nis\tO" in out
    assert out.endswith(".\tO\n\nYes\tO\n.\tO\n\n")


def test_export_counts_what_conll_cannot_hold():
    text = "Gunmen killed two men in Baghdad and Basra yesterday."
    def at(p):
        i = text.index(p)
        return i, i + len(p)
    spans = [
        Span("T1", "PER", *at("Gunmen"), attributes={"Type": "Group"}, note="who?",
             normalizations=[Normalization("Wikidata", "Q1", "gunman")]),
        Span("T2", "PER", *at("two men")),
        Span("T3", "PER", *at("men")),                                  # inside T2: overlapping
        Span("T4", "GPE", at("Baghdad")[0], at("Basra")[1], fragments=[at("Baghdad"), at("Basra")]),
        Span("T5", "Life.Die", *at("killed"), kind=TRIGGER),
    ]
    doc = AnnotatedDocument(
        Document("d", text), spans=spans,
        events=[Event("E1", "Life.Die", "T5", [Argument("Victim", "T2")])],
        relations=[Relation("R1", "ORG-AFF", "T1", "T2")],
    )
    report = ExportReport()
    out = write([doc], report)
    assert report.left_out == Counter({
        "events (CoNLL has no events)": 1,
        "event triggers (CoNLL has no events)": 1,
        "relations (CoNLL has no relations)": 1,
        "attributes (CoNLL has no attributes)": 1,
        "notes (CoNLL has no notes)": 1,
        "normalizations (CoNLL has no normalizations)": 1,
        "pieces of discontinuous spans after the first (CoNLL spans are continuous)": 1,
        OVERLAP: 1,
    })
    assert pairs(out) == [
        ("Gunmen", "B-PER"), ("killed", "O"), ("two", "B-PER"), ("men", "I-PER"), ("in", "O"),
        ("Baghdad", "B-GPE"), ("and", "O"), ("Basra", "O"), ("yesterday", "O"), (".", "O"),
    ]


# ---------------------------------------------------------------- round trips through a project

def through_project(tmp_path, docs, labels) -> list[AnnotatedDocument]:
    with Project.open(tmp_path / "p.db", schema=schema_for(*labels)) as p:
        p.import_documents(docs)
    with Project.open(tmp_path / "p.db") as p:
        return list(p.iter_annotated())


def test_round_trip_spacy_iob_gives_the_same_tokens_and_tags(tmp_path):
    docs = through_project(tmp_path, read(SPACY_IOB), ["PERSON", "ORG", "DATE", "NORP"])
    report = ExportReport()
    out = write(docs, report)
    assert pairs(out) == pairs(SPACY_IOB)
    assert report.lossless


@pytest.mark.parametrize("name", ["example.conll", "labeling.trailing.conll", "doccano-example.txt"])
def test_round_trip_doccano_files(tmp_path, name):
    docs = through_project(tmp_path, read(DATA / name), ["LOC", "PER", "ORG", "MISC"])
    out = write(docs)
    assert pairs(out) == pairs(DATA / name)
    # sentences come back as they were
    blocks = [b for b in (DATA / name).read_text("utf-8").split("\n\n") if b.strip()]
    assert out.count("\n\n") - 1 == len(blocks)


def test_round_trip_iob1_comes_back_as_iob2_with_the_same_spans(tmp_path):
    path = tmp_path / "eng.train"
    path.write_text(CONLL2003, "utf-8")
    first = read(path)
    docs = through_project(tmp_path, first, ["ORG", "MISC", "PER", "LOC"])
    out = write(docs)
    assert [t for _, t in pairs(out)][9:11] == ["B-PER", "I-PER"]  # I-PER I-PER in IOB1
    again = tmp_path / "again.conll"
    again.write_text(out, "utf-8")
    second = read(again)
    assert [d.document.text for d in second] == [d.document.text for d in first]
    assert [entity_list(d) for d in second] == [entity_list(d) for d in first]


def test_through_import_paths_and_export_to_path(tmp_path):
    """The path the command line and the GUI take: detection, the report, an atomic file."""
    from annotator.importer import export_to_path, import_paths

    with Project.open(tmp_path / "p.db", schema=schema_for("PERSON", "ORG", "DATE", "NORP", "LOC", "PER")) as p:
        report = ImportReport()
        n = import_paths(p, [SPACY_IOB, DATA / "example.conll"], report=report)
        assert n == 2
        assert report.notes == ["text rebuilt from the tokens: single spaces between tokens, one sentence per line"]
        out = tmp_path / "out.conll"
        ereport = ExportReport()
        assert export_to_path(p, out, "conll", report=ereport) == 2
    assert pairs(out) == pairs(SPACY_IOB) + pairs(DATA / "example.conll")
    assert out.read_text("utf-8").count("-DOCSTART- -X- O O\n") == 2
    assert ereport.lossless


def test_a_bad_file_among_good_ones_imports_nothing(tmp_path):
    from annotator.importer import import_paths

    with Project.open(tmp_path / "p.db", schema=schema_for("LOC", "PER")) as p:
        with pytest.raises(FormatError) as err:
            import_paths(p, [DATA / "example.conll", DATA / "labeling.invalid.conll"])
        assert err.value.line == 1
        assert p.document_count() == 0
