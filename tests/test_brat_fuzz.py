"""Corrupted brat files are read whole or refused with one FormatError line naming the file; never a traceback."""
from __future__ import annotations

import random
from pathlib import Path

from annotator.formats.brat import FORMAT, read_schema
from annotator.formats.errors import FormatError
from annotator.formats.spec import ImportOptions, ImportReport
from annotator.schema import Schema

DATA = Path(__file__).parent / "data" / "brat"
SNIPPETS = [b"\t", b" ", b":", b";", b"\n", b"\r\n", b"T1", b"E1", b"R9", b"*", b"#", b"-1", b"99999", b"\xff", b"\xef\xbb\xbf",
            b"A1\tX T1 Y Z\n", b"E1\tX:E1 A:E1\n", b"\x00", b"\xf0\x9f\x99\x82", b"{", b"!", b"<EVENT>", b"0 0", b"1 0"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:
            del b[i:i + rng.randint(1, 8)]
        elif op == 1:
            b[i:i] = rng.choice(SNIPPETS)
        elif op == 2 and b:
            j = rng.randrange(len(b))
            b[j] = rng.randrange(256)
        else:
            lines = bytes(b).split(b"\n")
            rng.shuffle(lines)
            b = bytearray(b"\n".join(lines + lines[:1]))
    return bytes(b)


def test_corrupted_ann_and_conf_files(tmp_path):
    rng = random.Random(20261202)
    sources = sorted(p for p in DATA.glob("*/*.ann") if p.stat().st_size)
    schema = Schema.default()
    outcomes = {"read": 0, "refused": 0}
    for n in range(300):
        src = rng.choice(sources)
        folder = tmp_path / f"c{n}"
        folder.mkdir()
        (folder / src.with_suffix(".txt").name).write_bytes(src.with_suffix(".txt").read_bytes())
        (folder / src.name).write_bytes(mutate(rng, src.read_bytes()))
        conf = src.parent / "annotation.conf"
        if conf.exists() and n % 3 == 0:
            (folder / "annotation.conf").write_bytes(mutate(rng, conf.read_bytes()))
        try:
            read_schema(folder, ImportReport())
            docs = list(FORMAT.read(folder, ImportOptions(schema), ImportReport()))
            assert len(docs) == 1
            outcomes["read"] += 1
        except FormatError as exc:
            assert "\n" not in str(exc) and exc.path.startswith(str(folder))
            outcomes["refused"] += 1
    assert outcomes["read"] > 10 and outcomes["refused"] > 100, outcomes
