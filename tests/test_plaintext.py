"""Plain-text import: files and folders, text kept byte for byte."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotator.formats.errors import FormatError
from annotator.formats.plaintext import read_text_paths, text_files


def test_one_file_is_one_document_with_crlf_kept(tmp_path: Path) -> None:
    raw = "Iraq\r\n\r\n\tBaghdad 🙂 قال\r\nCafe\u0301\rend\n"
    path = tmp_path / "news-1.txt"
    path.write_bytes(raw.encode("utf-8"))
    (doc,) = read_text_paths([path])
    d = doc.document
    assert d.text == raw
    assert (d.id, d.name, d.meta, d.status) == ("news-1", "news-1.txt", {"source": "news-1.txt"}, "new")
    assert doc.spans == [] and doc.events == [] and doc.relations == []


def test_accepts_string_paths(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (doc,) = read_text_paths([str(tmp_path / "a.txt")])
    assert doc.document.id == "a"


def test_folder_is_read_recursively_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.TXT").write_text("C\r\n", encoding="utf-8", newline="")
    (tmp_path / "sub" / "deeper").mkdir()
    (tmp_path / "sub" / "deeper" / "d.txt").write_text("D", encoding="utf-8")
    (tmp_path / "notes.md").write_text("skip", encoding="utf-8")
    (tmp_path / "a.ann").write_text("skip", encoding="utf-8")
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07\xff")  # macOS resource fork
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("skip", encoding="utf-8")
    (tmp_path / "dir.txt").mkdir()  # a folder named like a text file
    docs = list(read_text_paths([tmp_path]))
    assert [d.document.id for d in docs] == ["a", "b", "c", "d"]
    assert [d.document.text for d in docs] == ["A", "B", "C\r\n", "D"]
    assert docs[2].document.name == "c.TXT"
    assert text_files(tmp_path) == [tmp_path / "a.txt", tmp_path / "b.txt",
                                    tmp_path / "sub" / "c.TXT", tmp_path / "sub" / "deeper" / "d.txt"]


def test_files_and_folders_mixed_and_same_file_twice(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "x.txt").write_text("X", encoding="utf-8")
    (tmp_path / "y.txt").write_text("Y", encoding="utf-8")
    docs = list(read_text_paths([tmp_path / "y.txt", folder, folder / "x.txt"]))
    assert [d.document.id for d in docs] == ["y", "x"]


def test_same_stem_in_two_places_is_an_error(tmp_path: Path) -> None:
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "report.txt").write_text(sub, encoding="utf-8")
    docs = read_text_paths([tmp_path])
    assert next(docs).document.text == "one"
    with pytest.raises(FormatError) as info:
        next(docs)
    assert info.value.line is None
    assert info.value.path == str(tmp_path / "two" / "report.txt")
    assert "document id 'report' is already taken" in info.value.message


def test_invalid_utf8_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("line one\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(FormatError) as info:
        list(read_text_paths([path]))
    assert info.value.path == str(path)
    assert info.value.line is None
    assert str(info.value).startswith(f"{path}: not valid UTF-8")
    assert "byte 12 (line 2)" in info.value.message


def test_missing_path_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file or folder"):
        list(read_text_paths([tmp_path / "nope.txt"]))


def test_bom_is_dropped_but_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbfIraq\r\n")
    (doc,) = read_text_paths([path])
    assert doc.document.text == "\ufeffIraq\r\n"  # only the first, encoding-level BOM goes


def test_empty_file_gives_empty_document(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (doc,) = read_text_paths([tmp_path / "empty.txt"])
    assert doc.document.text == ""


def test_reading_is_lazy(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\xff")
    docs = read_text_paths([tmp_path])
    assert next(docs).document.id == "a"
    with pytest.raises(FormatError):
        next(docs)


def test_imported_text_round_trips_through_jsonl(tmp_path: Path) -> None:
    from annotator.formats.jsonl import read_jsonl, write_jsonl

    raw = "Iraq\r\n\tBaghdad 👩\u200d👩\u200d👧\r\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "n.txt").write_bytes(raw.encode("utf-8"))
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        write_jsonl(read_text_paths([tmp_path / "src"]), fh)
    (doc,) = read_jsonl(out)
    assert doc.document.text == raw
    assert doc.document.name == "n.txt"
    assert doc.document.meta == {"source": "n.txt"}
