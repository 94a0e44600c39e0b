"""Fuzzing the importers with hypothesis: every case imports and round-trips, or is refused in one line.

Three importers: the JSONL reader (formats/jsonl.py), the plain-text reader
(formats/plaintext.py) and the whole import path of the command line
(importer.import_paths into a real project file).  Cases are valid documents
of the project's schema in canonical form, the same in other forms (keys
shuffled, optional keys left out, ASCII escapes, CRLF, a byte order mark), and
corruptions of them (bytes flipped, deleted or inserted; values of the wrong
type; offsets out of range; unknown labels; escaped lone surrogates; numbers
that are not finite; deep nesting).

CI runs ``CI_CASES`` cases per importer, derandomized (the same cases every
run); ``ANNOTATOR_FUZZ=1`` runs ``LONG_CASES`` random ones.  The number of
cases each test ran is checked at its end, so a silent shortfall fails.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.errors import FormatError
from annotator.formats.jsonl import doc_to_json, dumps_doc, read_jsonl, read_jsonl_stream
from annotator.formats.plaintext import decode_text, read_text_paths
from annotator.importer import import_paths
from annotator.model import STATUSES
from annotator.schema import Schema
from annotator.store import Project

CI_CASES = 2000
LONG_CASES = 50_000
LONG = os.environ.get("ANNOTATOR_FUZZ") == "1"
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "annotator-fuzz-ci", max_examples=CI_CASES, deadline=None, derandomize=True, database=None,
    suppress_health_check=_HEALTH,
)
settings.register_profile(
    "annotator-fuzz-long", max_examples=LONG_CASES, deadline=None, database=None,
    suppress_health_check=_HEALTH,
)
PROFILE = settings.get_profile("annotator-fuzz-long" if LONG else "annotator-fuzz-ci")
CASES = PROFILE.max_examples
DIGEST_EVERY = 500 if LONG else 25
"""Cases between two dumps of every table (a dump grows with the project; data_version is checked always)."""

SCHEMA = Schema.default()
ENTITY_TYPES = sorted(SCHEMA.entity_types)
EVENT_TYPES = sorted(SCHEMA.event_types)
RELATION_TYPES = sorted(SCHEMA.relation_types)

# ---------------------------------------------------------------- strategies
#
# Hypothesis draws a seed, the kind of case and a few strings of any Unicode;
# a random.Random on that seed builds the rest.  Thousands of small draws per
# case (one per field) made a case cost ~13 ms in hypothesis' engine alone;
# this costs well under one, so CI runs 2,000 cases per importer in seconds.
# A failing case is reproducible (derandomized) and printed as its seed and strings.

SPECIALS = [
    "\U0001F600", "\U0001F1EE\U0001F1F6", "e\u0301", "\u0301", "\u0308\u0301", "قتل مسلحون", "שלום",
    "\u200f", "\u202e", "\r\n", "\r", "\n", "\x00", "\t", "\u2028", "\u2029", "\x85", "\ufeff",
    "\U0010FFFF", "\U00020000", " ", "\\", '"', "\\ud800", "Mosul", "police", "\x7f", "\x1b",
]
_SHORT = ["", "", "", "x", "Zoë", "a b", "a\nb", "\u2028", "\U0001F600", "\x00", "'\"", "\\", "\r\n", "\ufeff"]
_NAMES = ["T1", "E1", "R1", "a\nb", "\u2028", "x y", "\U0001F600", "T01", "E", "T", "t1", "1"]
BAD_VALUES = [None, True, False, 0, -1, 1.5, 10**30, "", "x", "NOPE", "Conflict.Attack", "PER", [], {}, [0, 1], {"a": 1}]
INJECTIONS = ['"\\ud800"', '"a\\udfffb"', '"\\ud83d\\ude00"', "1e400", "-1e999", "NaN", "Infinity", "-0.0", "1E5",
              "[" * 70 + "]" * 70, "[" * 3000 + "]" * 3000, '{"a":' * 70 + "1" + "}" * 70, '"a\\nb"', '"\\u2028"',
              "12345678901234567890123456789", "9" * 5000]

_chars = st.characters(blacklist_categories=("Cs",))
unicode_pieces = st.lists(st.text(_chars, min_size=1, max_size=5), min_size=1, max_size=3)


class Gen:
    """Random documents and corruptions from one seed, mixing in the strings hypothesis drew."""

    def __init__(self, seed: int, pieces: list[str]) -> None:
        self.r = random.Random(seed)
        self.pieces = pieces

    def text(self) -> str:
        r = self.r
        pool = SPECIALS + self.pieces * 3
        return "".join(r.choice(pool) for _ in range(r.randint(0, 8)))

    def short(self) -> str:
        return self.r.choice(_SHORT + self.pieces)

    def name(self) -> str:
        return self.r.choice(_NAMES + self.pieces)

    def json_value(self, depth: int = 0) -> Any:
        r = self.r
        k = r.randint(0, 9 if depth < 2 else 6)
        if k <= 6:
            return [None, True, r.randint(-10**20, 10**20), r.uniform(-1e6, 1e6), r.choice([0.0, -0.0, 1e300, 5e-324]),
                    self.short(), r.randint(-3, 3)][k]
        if k <= 8:
            return [self.json_value(depth + 1) for _ in range(r.randint(0, 3))]
        return {self.short(): self.json_value(depth + 1) for _ in range(r.randint(0, 3))}

    def extent(self, n: int) -> dict[str, Any]:
        r = self.r
        start = r.randrange(n)
        end = r.randint(start + 1, n)
        out: dict[str, Any] = {"start": start, "end": end}
        if end - start >= 3 and r.random() < 0.2:
            m = r.randint(start + 1, end - 2)
            out["fragments"] = [[start, m], [r.randint(m + 1, end - 1), end]]
        return out

    def attributes(self, type_name: str) -> dict[str, Any]:
        r = self.r
        return {a.name: (r.choice(a.values) if a.values else r.random() < 0.5)
                for a in SCHEMA.attributes_for(type_name) if r.random() < 0.5}

    def maybe_annotator(self, item: dict[str, Any]) -> dict[str, Any]:
        if annotator := self.short():
            item["annotator"] = annotator
        return item

    def document(self) -> dict[str, Any]:
        """A document of the news schema as a canonical JSON object (its id is set per case)."""
        r = self.r
        text = self.text()
        n = len(text)
        used: set[str] = set()

        def new_id(prefix: str, i: int) -> str:
            wanted = f"{prefix}{i}" if r.random() < 0.6 else self.name()
            while wanted in used:
                wanted += "'"
            used.add(wanted)
            return wanted

        entities: list[dict[str, Any]] = []
        for i in range(r.randint(0, 5) if n else 0):
            ext = self.extent(n)
            label = r.choice(ENTITY_TYPES)
            e = {"id": new_id("T", i + 1), "start": ext["start"], "end": ext["end"], "label": label,
                 "text": text[ext["start"]:ext["end"]]}
            if "fragments" in ext:
                e["fragments"] = ext["fragments"]
            e["attributes"] = self.attributes(label)
            e["note"] = self.short()
            entities.append(self.maybe_annotator(e))
        events: list[dict[str, Any]] = []
        for i in range(r.randint(0, 3) if n else 0):
            etype = r.choice(EVENT_TYPES)
            ext = self.extent(n)
            trigger = {"start": ext["start"], "end": ext["end"], "text": text[ext["start"]:ext["end"]]}
            if "fragments" in ext:
                trigger["fragments"] = ext["fragments"]
            arguments: list[dict[str, Any]] = []
            for role in SCHEMA.event_types[etype].roles.values():
                fillers = [e["id"] for e in entities if e["label"] in role.types]
                fillers += [v["id"] for v in events if v["type"] in role.types]  # earlier events only: no cycles
                most = min(len(fillers), 2 if role.max is None else role.max)
                for ref in r.sample(fillers, r.randint(0, most)):
                    arguments.append(self.maybe_annotator({"role": role.name, "ref": ref}))
            ev = {"id": new_id("E", i + 1), "type": etype, "trigger": trigger, "arguments": arguments,
                  "attributes": self.attributes(etype), "note": self.short()}
            events.append(self.maybe_annotator(ev))
        relations: list[dict[str, Any]] = []
        for i in range(r.randint(0, 2) if entities else 0):
            rt = SCHEMA.relation_types[r.choice(RELATION_TYPES)]
            heads = [e["id"] for e in entities if e["label"] in rt.head_types]
            tails = [e["id"] for e in entities if e["label"] in rt.tail_types]
            if heads and tails:
                relations.append(self.maybe_annotator({
                    "id": new_id("R", i + 1), "type": rt.name, "head": r.choice(heads), "tail": r.choice(tails),
                    "attributes": {}, "note": self.short()}))
        obj: dict[str, Any] = {"id": ID}
        if name := self.short():
            obj["name"] = name
        obj.update(text=text, meta={self.short(): self.json_value() for _ in range(r.randint(0, 3))},
                   status=r.choice(STATUSES), entities=entities, events=events, relations=relations)
        return obj

    def variant(self, obj: dict[str, Any]) -> str:
        """The same document in another form: optional keys left out, keys shuffled, escapes, spacing."""
        r = self.r
        variant = json.loads(json.dumps(obj))
        for item in variant["entities"] + variant["events"] + variant["relations"]:
            for key in ("id", "attributes", "note", "text", "annotator"):
                if key in item and r.random() < 0.25:
                    del item[key]
        if r.random() < 0.5:
            variant["extra"] = self.json_value()
        if r.random() < 0.5:
            keys = list(variant)
            r.shuffle(keys)
            variant = {k: variant[k] for k in keys}
        seps = r.choice([(", ", ": "), (",", ":"), (" , ", " : ")])
        return json.dumps(variant, ensure_ascii=r.random() < 0.5, separators=seps)

    def mutated(self, obj: dict[str, Any], inject: bool) -> str:
        """A corruption of the document: wrong types, bad offsets or labels, taken ids, raw JSON injected."""
        r = self.r
        mutated = json.loads(json.dumps(obj))
        ids = [e["id"] for e in obj["entities"]] + [v["id"] for v in obj["events"]] or ["T1"]
        for _ in range(1 if inject else r.randint(1, 3)):
            if inject:
                # Half the time where anything goes (so the value itself is what is judged), else anywhere.
                spots = [("meta", "inj"), ("extra",), ("name",)]
                spots += [("entities", i, k) for i in range(len(obj["entities"])) for k in ("id", "note", "annotator")]
                spots += [("events", i, "attributes", "Polarity") for i in range(len(obj["events"]))]
                path = r.choice(spots) if r.random() < 0.5 else r.choice(_paths(mutated))
                mutated = _set(mutated, path, "\x00SENTINEL\x00")
                break
            path = r.choice(_paths(mutated))
            action = r.choice(["value", "delete", "offset", "label", "dup"])
            last = path[-1] if path else None
            if action == "delete" and isinstance(last, str):
                mutated = _set(mutated, path, None, delete=True)
            elif action == "offset" and last in ("start", "end"):
                mutated = _set(mutated, path, r.randint(-3, len(obj["text"]) + 3))
            elif action == "label" and last in ("label", "type", "role"):
                mutated = _set(mutated, path, r.choice(ENTITY_TYPES + EVENT_TYPES + ["NOPE", "Place"]))
            elif action == "dup" and last in ("id", "ref", "head", "tail"):
                mutated = _set(mutated, path, r.choice(ids))
            else:  # a copy: the values in BAD_VALUES are shared
                mutated = _set(mutated, path, json.loads(json.dumps(r.choice(BAD_VALUES))))
        line = json.dumps(mutated, ensure_ascii=False)
        if inject:
            line = line.replace('"\\u0000SENTINEL\\u0000"', r.choice(INJECTIONS))
        return line

    def corrupt_bytes(self, obj: dict[str, Any]) -> bytes:
        """The document's line with bytes flipped, deleted or inserted."""
        r = self.r
        raw = bytearray(json.dumps(obj, ensure_ascii=r.random() < 0.5).encode("utf-8"))
        for _ in range(r.randint(1, 4)):
            op = r.choice(["flip", "delete", "insert"])
            at = r.randint(0, len(raw))
            if op == "flip" and at < len(raw):
                raw[at] = r.randrange(256)
            elif op == "delete":
                del raw[at:at + r.randint(1, 8)]
            else:
                insert = r.choice([b"\n", b"\r", b"\xff", b"\xc3", b"\xed\xa0\x80", b"{", b'"', b"\\",
                                   bytes(r.randrange(256) for _ in range(r.randint(1, 4)))])
                raw[at:at] = insert
        return bytes(raw)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _set(obj: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    if not path:
        return value
    parent = obj
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return obj


ID = "@ID@"
"""Stands for the document id until the test gives each case its own (see :func:`case_bytes`)."""

KINDS = ["canonical", "canonical", "variant", "mutated", "mutated", "inject", "bytes"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, Any]:
    """``(kind, payload)``: ``canonical`` (a JSON object), ``variant``/``mutated`` (line text), ``bytes``."""
    gen = Gen(draw(st.integers(0, 2**63)), draw(unicode_pieces))
    kind = draw(st.sampled_from(KINDS))
    obj = gen.document()
    if kind == "canonical":
        return "canonical", obj
    if kind == "variant":
        return "variant", gen.variant(obj)
    if kind in ("mutated", "inject"):
        return "mutated", gen.mutated(obj, inject=kind == "inject")
    return "bytes", gen.corrupt_bytes(obj)


@st.composite
def raw_texts(draw: st.DrawFn) -> bytes:
    """Bytes of a plain-text file: text with the special characters, a BOM, invalid UTF-8."""
    gen = Gen(draw(st.integers(0, 2**63)), draw(unicode_pieces))
    r = gen.r
    kind = draw(st.sampled_from(["text", "bom", "binary", "spliced"]))
    if kind == "binary":
        return draw(st.binary(max_size=40))
    data = gen.text().encode("utf-8")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "spliced":
        at = r.randint(0, len(data))
        return data[:at] + r.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x00"]) + data[at:]
    return data


# ---------------------------------------------------------------- checking

_WHERE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): ")


def assert_one_line_error(exc: FormatError, path: Path, with_line: bool = True) -> None:
    text = str(exc)
    assert "\n" not in text and len(text.splitlines()) == 1, text
    if with_line:
        m = _WHERE.match(text)
        assert m is not None and m.group("path") == str(path), text
    else:
        assert text.startswith(f"{path}: "), text


def export_form(obj: dict[str, Any], doc_id: str) -> dict[str, Any]:
    """A generated document as the exporter writes it (formats/jsonl.py): every key, each of one JSON type."""

    def as_text(value: Any, empty: str) -> str:
        return json.dumps(value, ensure_ascii=False) if value else empty

    def pieces(item: dict[str, Any]) -> list[list[int]]:
        return item.get("fragments") or [[item["start"], item["end"]]]

    def common(item: dict[str, Any]) -> dict[str, Any]:
        return {"attributes": as_text(item["attributes"], "{}"), "note": item["note"],
                "annotator": item.get("annotator", ""), **not_reviewed, "normalizations": "[]"}

    not_reviewed = {"review": "", "reviewer": "", "review_note": ""}

    return {
        "id": doc_id, "name": obj.get("name") or doc_id, "text": obj["text"], "meta": as_text(obj["meta"], "{}"),
        "status": obj["status"],
        "entities": [{"id": e["id"], "start": e["start"], "end": e["end"], "label": e["label"], "text": e["text"],
                      "fragments": pieces(e), **common(e)} for e in obj["entities"]],
        "events": [{"id": v["id"], "type": v["type"],
                    "trigger": {**v["trigger"], "fragments": pieces(v["trigger"])},
                    "arguments": [{"role": a["role"], "ref": a["ref"], "annotator": a.get("annotator", ""),
                                   **not_reviewed} for a in v["arguments"]],
                    **common(v)} for v in obj["events"]],
        "relations": [{"id": r["id"], "type": r["type"], "head": r["head"], "tail": r["tail"], **common(r)}
                      for r in obj["relations"]],
    }


def case_bytes(kind: str, payload: Any, doc_id: str) -> tuple[bytes, bool]:
    """The file content for a case, and whether it is one line in canonical export form."""
    if kind == "canonical":
        obj = export_form(payload, doc_id)
        return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8"), True
    if kind == "bytes":
        return payload.replace(ID.encode(), doc_id.encode()), False
    return (payload.replace(ID, doc_id) + "\n").encode("utf-8"), False


def _same_but_id(a: str, b: str) -> bool:
    da, db = json.loads(a), json.loads(b)
    da["id"] = db["id"] = None
    return da == db


def digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        rows = [list(conn.execute(f"SELECT * FROM {t} ORDER BY 1"))
                for t in ("documents", "spans", "events", "arguments", "relations", "project")]
    finally:
        conn.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# ---------------------------------------------------------------- the JSONL reader

def _read(data: bytes, path: Path) -> list[Any]:
    """The reader on bytes in memory (fast); every document as its JSON object."""
    return [doc_to_json(d) for d in read_jsonl_stream(io.BytesIO(data), str(path), path.stem)]


def test_fuzz_jsonl_reader(tmp_path: Path) -> None:
    path = tmp_path / "case.jsonl"
    seen = {"cases": 0, "read": 0, "refused": 0, "from disk": 0}

    @PROFILE
    @given(case=cases())
    def run(case: tuple[str, Any]) -> None:
        seen["cases"] += 1
        kind, payload = case
        data, canonical = case_bytes(kind, payload, "doc")
        on_disk = seen["cases"] % 20 == 0  # the file reader too, now and then: it must agree
        if on_disk:
            seen["from disk"] += 1
            path.write_bytes(data)
        try:
            docs = _read(data, path)
        except FormatError as exc:
            seen["refused"] += 1
            assert_one_line_error(exc, path)
            if on_disk:
                with pytest.raises(FormatError) as info:
                    list(read_jsonl(path))
                assert str(info.value) == str(exc)
            return
        seen["read"] += 1
        if on_disk:
            assert [doc_to_json(d) for d in read_jsonl(path)] == docs
        for obj in docs:
            line = json.dumps(obj, ensure_ascii=False)
            if canonical:
                assert (line + "\n").encode("utf-8") == data
            # What is written reads back to the same document.
            assert _read((line + "\n").encode("utf-8"), path) == [obj]

    run()
    print(f"\nJSONL reader: {seen}")
    assert seen["cases"] >= CASES


# ---------------------------------------------------------------- the plain-text reader

def _expected_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def test_fuzz_plaintext_reader(tmp_path: Path) -> None:
    path = tmp_path / "case.txt"
    seen = {"cases": 0, "read": 0, "refused": 0, "from disk": 0}

    @PROFILE
    @given(data=raw_texts())
    def run(data: bytes) -> None:
        seen["cases"] += 1
        expected = _expected_text(data)
        on_disk = seen["cases"] % 20 == 0
        if on_disk:
            seen["from disk"] += 1
            path.write_bytes(data)
        try:
            if on_disk:
                (doc,) = read_text_paths([path])
                assert doc.document.id == "case" and doc.spans == []
                text = doc.document.text
            else:
                text = decode_text(data, str(path))
        except FormatError as exc:
            seen["refused"] += 1
            assert expected is None, str(exc)
            assert_one_line_error(exc, path, with_line=False)
            return
        seen["read"] += 1
        assert text == expected

    run()
    print(f"\nplain-text reader: {seen}")
    assert seen["cases"] >= CASES


# ---------------------------------------------------------------- the import path of the command line

def test_fuzz_import_path(tmp_path: Path) -> None:
    """Import into one real project: each case adds its documents whole, or changes nothing."""
    seen = {"cases": 0, "imported": 0, "refused": 0, "text files": 0}
    folder = tmp_path / "cases"
    folder.mkdir()
    with Project.open(tmp_path / "fuzz.annotator.db") as project:
        db = sqlite3.connect(project.path)  # a second connection: its data_version moves on every commit

        def commits() -> int:
            return db.execute("PRAGMA data_version").fetchone()[0]

        def last_pk() -> int:
            return db.execute("SELECT coalesce(max(pk), 0) FROM documents").fetchone()[0]

        def export(doc_id: str) -> str:
            return dumps_doc(project.get_annotated(doc_id))

        @PROFILE
        @given(case=st.one_of(cases(), cases(), cases(), raw_texts().map(lambda b: ("text", b))))
        def run(case: tuple[str, Any]) -> None:
            seen["cases"] += 1
            n = seen["cases"]
            if case[0] == "text":
                seen["text files"] += 1
                path, data, canonical = folder / f"c{n}.txt", case[1], False
            else:
                kind, payload = case
                path = folder / f"c{n}.jsonl"
                data, canonical = case_bytes(kind, payload, f"c{n}")
            path.write_bytes(data)
            before_pk = last_pk()
            before_commits = commits()
            # A dump of every table now and then; the commit counter on every case (a dump is slow).
            before = digest(project.path) if n % DIGEST_EVERY == 0 else None
            try:
                import_paths(project, [path])
            except FormatError as exc:
                seen["refused"] += 1
                assert_one_line_error(exc, path, with_line=path.suffix == ".jsonl")
                assert commits() == before_commits, "a refused import committed something"
                if before is not None:
                    assert digest(project.path) == before
                return
            finally:
                path.unlink()
            seen["imported"] += 1
            new_ids = [r[0] for r in db.execute("SELECT id FROM documents WHERE pk > ? ORDER BY pk", (before_pk,))]
            assert new_ids, "an import that succeeds adds documents"
            for doc_id in new_ids:
                line = export(doc_id)
                if canonical:
                    assert (line + "\n").encode("utf-8") == data
                if path.suffix == ".txt":
                    assert json.loads(line)["text"] == _expected_text(data)
                if canonical:
                    continue  # given back byte for byte: nothing more to check
                # Re-import of the export, under another id, gives the same export.
                again = json.loads(line)
                again["id"] = f"{doc_id}#again"
                re_path = folder / f"c{n}-again.jsonl"
                re_path.write_text(json.dumps(again, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")
                try:
                    import_paths(project, [re_path])
                finally:
                    re_path.unlink()
                assert _same_but_id(export(again["id"]), line)

        try:
            run()
        finally:
            db.close()
    print(f"\nimport path: {seen}")
    assert seen["cases"] >= CASES
