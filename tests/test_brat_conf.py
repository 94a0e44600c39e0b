"""annotation.conf -> schema TOML: types, hierarchy, macros, cardinalities, relations, attributes, and what is not carried."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from annotator.formats.brat import read_schema
from annotator.formats.brat_conf import conf_to_toml, parse_conf
from annotator.formats.errors import FormatError
from annotator.formats.spec import ImportReport
from annotator.schema import Schema, SchemaError

DATA = Path(__file__).parent / "data" / "brat"

CONF = """\
# a comment
[entities]
!Thing
\tPerson
\tOrganization
\t!Place
\t\tGPE
\t\tLOC
Money

[relations]
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>
Located\tArg1:Person, Arg2:GPE
Located\tArg1:Organization, Arg2:LOC
Alias\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive
Sibling\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric
Employs\tEmployer:Organization, Employee:Person

[events]
<POG>=Person|Organization|<PLACE>
<PLACE>=GPE|LOC
!Life
\tMarry\tPerson-Arg{2}:Person, Place-Arg?:Place
\tMeet\tPerson-Arg{2-5}:Person, Who*:<POG>, Where{0-1}:LOC, Exactly{1}:GPE
Report\tReporter+:<POG>, Event-Arg:<EVENT>
Pay\tMoney-Arg:Money, Money-Arg:Organization
Quiet

[attributes]
Negation\tArg:<EVENT>
Mention\tArg:<ENTITY>|Marry, Value:Name|Nominal
Gone\tArg:Unknown
"""


def toml_of(text: str, where: str = "/x/demo/annotation.conf") -> tuple[dict, list[str]]:
    toml, notes = conf_to_toml(parse_conf(text, where))
    return tomllib.loads(toml), notes


def test_types_hierarchy_macros_and_cardinalities():
    data, notes = toml_of(CONF)
    assert data["name"] == "demo"
    assert list(data["entities"]) == ["Person", "Organization", "GPE", "LOC", "Money"]  # '!' parents dropped
    ev = data["events"]
    assert list(ev) == ["Marry", "Meet", "Report", "Pay", "Quiet"]
    assert ev["Marry"]["roles"] == {
        "Person-Arg": {"types": ["Person"], "cardinality": "2"},
        "Place-Arg": {"types": ["GPE", "LOC"], "cardinality": "optional"},  # a '!' parent means its children
    }
    meet = ev["Meet"]["roles"]
    assert meet["Person-Arg"]["cardinality"] == "2-5"
    assert meet["Who"] == {"types": ["Person", "Organization", "GPE", "LOC"], "cardinality": "any"}  # nested macro
    assert meet["Where"]["cardinality"] == "optional" and meet["Exactly"]["cardinality"] == "one"
    assert ev["Report"]["roles"]["Reporter"]["cardinality"] == "one_or_more"
    assert ev["Report"]["roles"]["Event-Arg"] == {"types": ["Marry", "Meet", "Report", "Pay", "Quiet"],
                                                  "cardinality": "one"}
    assert ev["Pay"]["roles"]["Money-Arg"]["types"] == ["Money", "Organization"]  # one role named twice: merged
    assert ev["Quiet"] == {}


def test_relations_merged_symmetric_transitive_and_roles():
    data, notes = toml_of(CONF)
    rel = data["relations"]
    assert list(rel) == ["Located", "Alias", "Sibling", "Employs"]
    assert rel["Located"] == {"head": ["Person", "Organization"], "tail": ["GPE", "LOC"]}
    assert rel["Alias"] == {"head": ["Person"], "tail": ["Person"], "symmetric": True, "transitive": True}
    assert rel["Sibling"] == {"head": ["Person"], "tail": ["Person"], "symmetric": True}
    assert rel["Employs"]["head_role"] == "Employer" and rel["Employs"]["tail_role"] == "Employee"
    assert any("Located: 2 lines merged" in n and "pairing" in n for n in notes)
    assert any("<OVERLAP>" in n for n in notes)


def test_attributes_and_what_is_dropped():
    data, notes = toml_of(CONF)
    attrs = data["attributes"]
    assert attrs["Negation"] == {"applies_to": ["event"]}  # no Value: a flag
    assert attrs["Mention"] == {"values": ["Name", "Nominal"], "applies_to": ["entity", "Marry"]}
    assert "Gone" not in attrs
    assert any("Gone" in n and "Unknown" in n for n in notes)


@pytest.mark.parametrize("text, line, words", [
    ("Person\n", 1, "before any [section]"),
    ("[events]\nMarry Person-Arg{x}:Person\n", 2, "cardinality must be"),
    ("[events]\nMarry Person-Arg{3-1}:Person\n", 2, "allows no filler"),
    ("[events]\n\nMarry Person-Arg\n", 3, "expected ROLE:TYPE"),
    ("[relations]\nLocated Arg1:Person\n", 2, "brat relations take two"),
    ("[attributes]\nNegation Value:A|B\n", 2, "has no Arg:"),
    ("[entities]\n!\n", 2, "'!' without a type name"),
])
def test_malformed_conf_lines(text, line, words):
    with pytest.raises(FormatError) as err:
        parse_conf(text, "annotation.conf")
    assert err.value.line == line and words in err.value.message, err.value.message


def test_unknown_sections_and_crlf(tmp_path):
    data, notes = toml_of("[entities]\r\nA\r\n[drawing]\r\nA bgColor:#fff\r\n")
    assert list(data["entities"]) == ["A"]
    assert any("[drawing]" in n for n in notes)


def test_read_schema_from_a_folder_a_file_and_none(tmp_path):
    report = ImportReport()
    toml = read_schema(DATA / "bio", report)
    assert toml is not None and read_schema(DATA / "bio" / "000-introduction.ann", ImportReport()) == toml
    assert any("Equiv" in n for n in report.notes)  # three Equiv lines merged: said
    assert read_schema(DATA / "dkpro", ImportReport()) is None
    (tmp_path / "annotation.conf").write_bytes(b"[entities]\n\xff\n")
    with pytest.raises(FormatError, match="UTF-8"):
        read_schema(tmp_path, ImportReport())


def test_the_tutorial_confs_load_as_schemas():
    for corpus in ("news", "bio"):
        toml = read_schema(DATA / corpus, ImportReport())
        try:
            schema = Schema.from_toml(toml, "annotation.conf")
        except SchemaError as exc:
            if "cardinality" in str(exc) or "transitive" in str(exc):
                pytest.skip("waiting for the schema's N / N-M cardinalities and transitive relations")
            raise
        assert schema.relation_types
        if corpus == "news":
            assert schema.event_types["Marry"].roles["Person-Arg"].cardinality == "2"
            assert schema.relation_types["Alias"].transitive
        else:
            assert list(schema.entity_types) == ["Protein", "Simple_chemical", "Complex", "Organism"]
            assert schema.relation_types["Equiv"].head_types == ("Protein", "Simple_chemical", "Organism")


def test_visual_conf_colours_are_carried(tmp_path):
    (tmp_path / "annotation.conf").write_text("[entities]\nPerson\nGPE\nMoney\n[relations]\nIn\tArg1:Person, Arg2:GPE\n"
                                              "[events]\nMeet\tWho*:Person\n[attributes]\n", encoding="utf-8")
    (tmp_path / "visual.conf").write_text(
        "[labels]\nPerson | Person | P\n[drawing]\nSPAN_DEFAULT\tfgColor:black, bgColor:lightgreen\n"
        "Person\tbgColor:#8EC5F5\nGPE\tfgColor:black, bgColor:#abc\nMoney\tbgColor:gold\nMeet\tbgColor:#ff9f9a\n"
        "In\tcolor:#1f6fb2, dashArray:3-3\n", encoding="utf-8")
    report = ImportReport()
    data = tomllib.loads(read_schema(tmp_path, report))
    assert data["entities"] == {"Person": {"color": "#8ec5f5"}, "GPE": {"color": "#aabbcc"}, "Money": {}}
    assert data["events"]["Meet"]["color"] == "#ff9f9a" and data["relations"]["In"]["color"] == "#1f6fb2"
    assert any("'gold'" in n and "Money" in n for n in report.notes)


def test_a_huge_cardinality_is_refused():
    with pytest.raises(FormatError, match="cardinality must be"):
        parse_conf("[events]\nMarry Person-Arg{" + "9" * 5000 + "}:Person\n", "annotation.conf")
