"""Core benchmark: JSONL import and export against floors measured in the same run.

    python benchmarks/bench_core.py [--docs 10000] [--quick]

Figures printed:
- import of N documents (10 entities and 2 events with arguments each) from
  JSONL, against inserting the same rows with the sqlite3 module's
  ``executemany`` in one transaction (target: at most 2x);
- export of the same project to JSONL, against a bare SELECT of the same rows
  plus ``json.dumps`` per document (target: at most 1.5x);
- peak memory of the export at 1x and 4x the project size, each in a fresh process with its own
  high-water mark (VmHWM; target: flat), and a control export that holds every document (must grow);
- parsing the JSONL alone (``read_jsonl``, every line checked and turned into
  model objects), against ``json.loads`` of each line (information);
- validating one large document (10,000 entities, 5,000 events with arguments,
  5,000 relations) against the news schema, and the same at 4x: the time must
  grow linearly (target: 4x size takes at most 5x the time, and 1x < 1 s).

These replace the timed asserts that used to sit in the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.formats.jsonl import read_jsonl  # noqa: E402
from annotator.importer import export_jsonl, import_paths  # noqa: E402
from annotator.model import AnnotatedDocument, Argument, Document, Event, Relation, Span  # noqa: E402
from annotator.schema import Schema  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.validate import validate_document  # noqa: E402

WORDS = ("the police said militants attacked a checkpoint near the city on Monday and "
         "officials reported that several people were killed while others were injured in "
         "the northern province where forces continue operations against fighters").split()
ENT_LABELS = ("PER", "ORG", "GPE", "LOC", "FAC")


def make_jsonl(path: Path, n_docs: int, seed: int = 7) -> tuple[int, int]:
    """N documents, 10 entities and 2 Conflict.Attack events (2 arguments) each."""
    rng = random.Random(seed)
    n_ent = n_ev = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for d in range(n_docs):
            words = [rng.choice(WORDS) for _ in range(120)]
            offsets = []
            pos = 0
            for w in words:
                offsets.append((pos, pos + len(w)))
                pos += len(w) + 1
            text = " ".join(words)
            idx = sorted(rng.sample(range(120), 14))
            ents = []
            for k, i in enumerate(idx[:10]):
                s, e = offsets[i]
                ents.append({"id": f"T{k + 1}", "start": s, "end": e, "label": rng.choice(ENT_LABELS),
                             "text": text[s:e], "attributes": {}, "note": ""})
            evs = []
            for k, i in enumerate(idx[10:12]):
                s, e = offsets[i]
                evs.append({"id": f"E{k + 1}", "type": "Conflict.Attack",
                            "trigger": {"start": s, "end": e, "text": text[s:e]},
                            "arguments": [{"role": "Attacker", "ref": ents[2 * k]["id"]},
                                          {"role": "Target", "ref": ents[2 * k + 1]["id"]}],
                            "attributes": {}, "note": ""})
            # Attacker takes PER/ORG/GPE; Target takes PER/ORG/VEH/FAC/WEA: pick labels that fit
            for k in range(2):
                ents[2 * k]["label"] = "ORG"
                ents[2 * k + 1]["label"] = "PER"
            n_ent += len(ents)
            n_ev += len(evs)
            fh.write(json.dumps({"id": f"doc{d}", "text": text, "meta": {}, "status": "new",
                                 "entities": ents, "events": evs, "relations": []}, ensure_ascii=False) + "\n")
    return n_ent, n_ev


def baseline_import(src: Path, db_path: Path, times: dict | None = None) -> float:
    """The floor: the same rows, prepared in advance, inserted with executemany (wall seconds).

    ``times``, when given, receives ``wall`` and ``cpu`` (this process's user + system time) of the inserts.
    """
    Project.open(db_path).close()  # same tables and indexes as the real import
    docs, texts, spans, events, args = [], [], [], [], []
    spk = epk = apk = 0
    with open(src, encoding="utf-8") as fh:
        for dpk, line in enumerate(fh, 1):
            o = json.loads(line)
            docs.append((dpk, o["id"], o["id"], "{}", "new", "", "", "", 0, 0))
            texts.append((dpk, o["text"]))
            ids = {}
            for seq, e in enumerate(o["entities"], 1):
                spk += 1
                ids[e["id"]] = spk
                spans.append((spk, dpk, e["id"], seq, "entity", e["label"], e["start"], e["end"], None, "{}", "", "",
                              None, "", "", "", ""))
            for seq, ev in enumerate(o["events"], 1):
                spk += 1
                t = ev["trigger"]
                spans.append((spk, dpk, f"X{seq}", 100 + seq, "trigger", ev["type"], t["start"], t["end"], None, "{}", "",
                              "", None, "", "", "", ""))
                epk += 1
                events.append((epk, dpk, ev["id"], seq, ev["type"], spk, "{}", "", "", None, "", "", "", ""))
                for pos, a in enumerate(ev["arguments"]):
                    apk += 1
                    args.append((apk, dpk, epk, pos, a["role"], ids[a["ref"]], None, "", "", "", "", ""))
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    t0 = time.perf_counter()
    c0 = cpu_seconds()
    with conn:
        conn.executemany(
            "INSERT INTO documents (pk, id, name, meta, status, checksum, created, updated, "
            "n_errors, n_incomplete) VALUES (?,?,?,?,?,?,?,?,?,?)", docs)
        conn.executemany("INSERT INTO texts (doc, text) VALUES (?, ?)", texts)  # m005: texts apart
        # m007: layer, review, reviewer, review_note after the older columns; and the document's layer row
        conn.executemany(f"INSERT INTO spans VALUES ({','.join('?' * 17)})", spans)
        conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * 14)})", events)
        conn.executemany(f"INSERT INTO arguments VALUES ({','.join('?' * 12)})", args)
        conn.executemany("INSERT INTO layers (doc, name) VALUES (?, '')", [(d[0],) for d in docs])
    dt = time.perf_counter() - t0
    if times is not None:
        times.update(wall=dt, cpu=cpu_seconds() - c0)
    conn.close()
    return dt


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (other processes' load does not count)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def baseline_export(db_path: Path, out: Path) -> float:
    """The floor: a bare SELECT of the same rows plus json.dumps per document.

    It selects the columns the export writes and dumps them as dicts with the
    same keys, so both write the same amount of JSON; it skips everything the
    real export adds (model objects, trigger spans inlined into events, ids
    for argument fillers, decoding stored attributes).
    """
    conn = sqlite3.connect(db_path)
    t0 = time.perf_counter()
    with open(out, "w", encoding="utf-8") as fh:
        spans = conn.execute(
            'SELECT doc, id, start, "end", label, attributes, note FROM spans ORDER BY doc, seq')
        evs = conn.execute("SELECT doc, id, type, trigger, attributes, note FROM events ORDER BY doc, seq")
        args = conn.execute("SELECT doc, event, role, filler_span FROM arguments ORDER BY doc, event, position")
        s_row, e_row, a_row = next(spans, None), next(evs, None), next(args, None)
        for dpk, did, text, meta, status in conn.execute(
                "SELECT d.pk, d.id, t.text, d.meta, d.status FROM documents d JOIN texts t ON t.doc = d.pk "
                "ORDER BY d.pk"):
            ents, events, arguments = [], [], []
            while s_row is not None and s_row[0] == dpk:
                ents.append({"id": s_row[1], "start": s_row[2], "end": s_row[3], "label": s_row[4],
                             "text": text[s_row[2]:s_row[3]], "attributes": s_row[5], "note": s_row[6]})
                s_row = next(spans, None)
            while e_row is not None and e_row[0] == dpk:
                events.append({"id": e_row[1], "type": e_row[2], "trigger": e_row[3],
                               "attributes": e_row[4], "note": e_row[5]})
                e_row = next(evs, None)
            while a_row is not None and a_row[0] == dpk:
                arguments.append({"event": a_row[1], "role": a_row[2], "ref": a_row[3]})
                a_row = next(args, None)
            fh.write(json.dumps({"id": did, "text": text, "meta": meta, "status": status, "entities": ents,
                                 "events": events, "arguments": arguments}, ensure_ascii=False) + "\n")
    dt = time.perf_counter() - t0
    conn.close()
    return dt


def export_peak_memory(db_path: Path, out: Path, *, hoard: bool = False) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process that exports the project to a file, and its growth during the export.

    The peak is the kernel's high-water mark of this process's own memory
    (``VmHWM`` in ``/proc/self/status``), which starts afresh at ``exec``.
    ``getrusage().ru_maxrss``, used before, is inherited from the parent
    process through ``fork`` (Linux keeps the larger of the two): a child of
    this benchmark, which holds the fixture, read the benchmark's own peak,
    "flat" by construction.  ``hoard=True`` is the control: the child keeps
    every document in a list first (a regression the figure must show).
    """
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "def hwm():\n"
        "    for ln in open('/proc/self/status'):\n"
        "        if ln.startswith('VmHWM:'):\n"
        "            return int(ln.split()[1]) / 1024\n"
        "from annotator.store import Project\n"
        "from annotator.importer import export_jsonl\n"
        f"p = Project.open({str(db_path)!r}, create=False)\n"
        "base = hwm()\n"
        f"hoard = list(p.iter_annotated()) if {hoard!r} else None\n"
        f"with open({str(out)!r}, 'w', encoding='utf-8') as fh:\n"
        "    export_jsonl(p, fh)\n"
        "peak = hwm()\n"
        "print(peak, peak - base)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak, growth = map(float, r.stdout.split())
    return peak, growth


def bench_parse(src: Path, repeat: int) -> None:
    """read_jsonl over the whole file, against json.loads of each line."""
    def real() -> float:
        t0 = time.perf_counter()
        n = sum(len(d.spans) for d in read_jsonl(src))
        dt = time.perf_counter() - t0
        assert n > 0
        return dt

    def base() -> float:
        t0 = time.perf_counter()
        with open(src, encoding="utf-8") as fh:
            for ln in fh:
                json.loads(ln)
        return time.perf_counter() - t0

    line("parse (read_jsonl)", best_of(repeat, real), "s", best_of(repeat, base), None)


def big_document(n: int) -> AnnotatedDocument:
    """2n entities and triggers, n events with 2 arguments, n relations, all valid in the news schema."""
    text = "abcd " * (2 * n)
    spans: list[Span] = []
    events: list[Event] = []
    relations: list[Relation] = []
    for i in range(n):
        spans.append(Span(f"T{2 * i}", "PER", 10 * i, 10 * i + 4))
        spans.append(Span(f"T{2 * i + 1}", "Conflict.Attack", 10 * i + 5, 10 * i + 9, kind="trigger"))
        events.append(Event(f"E{i}", "Conflict.Attack", f"T{2 * i + 1}",
                            [Argument("Attacker", f"T{2 * i}"), Argument("Target", f"T{2 * i}")],
                            attributes={"Polarity": "Negative"}))
        relations.append(Relation(f"R{i}", "PER-SOC", f"T{2 * i}", f"T{2 * ((i + 1) % n)}"))
    return AnnotatedDocument(Document(id="big", text=text), spans, events, relations)


def bench_validate(repeat: int) -> None:
    """validate_document on one large document at 1x and 4x: linear growth."""
    schema = Schema.default()
    times = {}
    for k in (1, 4):
        doc = big_document(5000 * k)

        def run(doc: AnnotatedDocument = doc) -> float:
            t0 = time.perf_counter()
            problems = validate_document(schema, doc)
            dt = time.perf_counter() - t0
            assert problems == [], problems[:3]
            return dt

        times[k] = best_of(repeat, run)
    print(f"{'validate 10k entities':<24} {times[1]:10.3f} s   target < 1 s {'OK' if times[1] < 1 else 'MISS'}")
    line("validate 40k entities", times[4], "s", times[1], 5.0)


def best_of(n: int, fn) -> float:
    return min(fn() for _ in range(n))


def line(name: str, value: float, unit: str, base: float | None, target: float | None) -> None:
    if base is None:
        print(f"{name:<24} {value:10.3f} {unit}")
        return
    ratio = value / base if base else float("inf")
    ok = "" if target is None else ("OK" if ratio <= target else "MISS")
    tgt = "" if target is None else f"target <= {target}x"
    print(f"{name:<24} {value:10.3f} {unit}   baseline {base:8.3f} {unit}   ratio {ratio:5.2f}   {tgt} {ok}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-core-"))
    src = tmp / "in.jsonl"
    n_ent, n_ev = make_jsonl(src, args.docs)
    print(f"fixture: {args.docs:,} documents, {n_ent:,} entities, {n_ev:,} events, "
          f"{src.stat().st_size / 1e6:.1f} MB of JSONL")

    def real_import() -> float:
        p_path = tmp / "real.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(p_path) + suffix).unlink(missing_ok=True)
        p = Project.open(p_path)
        t0 = time.perf_counter()
        import_paths(p, [src])
        dt = time.perf_counter() - t0
        p.close()
        return dt

    def base_import() -> float:
        b_path = tmp / "base.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(b_path) + suffix).unlink(missing_ok=True)
        return baseline_import(src, b_path)

    t_base = best_of(args.repeat, base_import)
    t_imp = best_of(args.repeat, real_import)
    line("import", t_imp, "s", t_base, 2.0)
    bench_parse(src, args.repeat)
    bench_validate(args.repeat)

    p = Project.open(tmp / "real.db")

    def real_export() -> float:
        t0 = time.perf_counter()
        with open(tmp / "out.jsonl", "w", encoding="utf-8", newline="\n") as fh:
            export_jsonl(p, fh)
        return time.perf_counter() - t0

    t_exp_base = best_of(args.repeat, lambda: baseline_export(tmp / "real.db", tmp / "base-out.jsonl"))
    t_exp = best_of(args.repeat, real_export)
    p.close()
    line("export", t_exp, "s", t_exp_base, 1.5)
    same = (tmp / "out.jsonl").read_bytes() == src.read_bytes()
    print(f"export == input, byte for byte: {same}")

    # memory: 1x and 4x the project
    big_src = tmp / "in4.jsonl"
    make_jsonl(big_src, args.docs * 4, seed=8)
    big = Project.open(tmp / "big.db")
    import_paths(big, [big_src])
    big.close()
    peak1, grow1 = export_peak_memory(tmp / "real.db", tmp / "m1.jsonl")
    peak4, grow4 = export_peak_memory(tmp / "big.db", tmp / "m4.jsonl")
    print(f"export peak RSS 1x       {peak1:10.1f} MB   (growth during export {grow1:.1f} MB; fresh process, VmHWM)")
    print(f"export peak RSS 4x       {peak4:10.1f} MB   (growth during export {grow4:.1f} MB)   "
          f"ratio 4x/1x {peak4 / peak1:4.2f}   target flat (<= 1.2) {'OK' if peak4 / peak1 <= 1.2 else 'MISS'}")
    # the control: an export that holds every document must read as growing, or the figure proves nothing
    hpeak1, _ = export_peak_memory(tmp / "real.db", tmp / "m1.jsonl", hoard=True)
    hpeak4, _ = export_peak_memory(tmp / "big.db", tmp / "m4.jsonl", hoard=True)
    caught = hpeak4 / hpeak1 > 1.2
    print(f"control: holding every document: {hpeak1:.1f} MB at 1x, {hpeak4:.1f} MB at 4x, ratio "
          f"{hpeak4 / hpeak1:4.2f}: the measurement {'catches' if caught else 'DOES NOT catch'} that regression")
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
