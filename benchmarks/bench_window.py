"""The real window under Xvfb, measured from outside as a user sees it, beside a bare QPlainTextEdit.

Two figures per document size (0.25, 1 and 4 MB of news text, ``fixture.sized_fixture``
at the news density, ~10k entities and 2k events per MB):

* **launch to first content**: from just before ``Popen`` of ``python -m annotator
  PROJECT`` until a probe rectangle in the middle of the text column shows text
  on the X server's screen (at least 0.5% of its pixels dark).  It includes the
  process start, every Python import, opening the project file (SQLite),
  reading the document, building the window and its panels, the first paint
  from the event loop and the X round trips up to the pixels on the server.  It
  does not include whatever the window does after those pixels are there (the
  rest of a large document loading in slices, validation, panel fills).  The
  baseline is ``python bare.py TEXT.txt``: the same interpreter and
  environment, a QApplication with one 1280x820 QPlainTextEdit that reads the
  same text from a file and ``setPlainText``s it before ``show()``.
* **hotkey to screen change**: with the window settled, xdotool double-clicks a
  word in the text column (a selection), the benchmark waits 0.7 s, grabs
  the region around the word, sends the entity hotkey through XTest (no
  process start in the timing) and polls until at least 60 pixels of the region
  differ.  It includes the key's trip through the X server, Qt's key handling,
  the tagging, the store write (SQLite commit), the undo command, whatever
  panel updates run before control returns to the event loop, and the repaint
  that reaches the screen.  It does not include what runs after the change is
  on screen (the debounced validation, later panel updates).  The baseline
  types one character over a double-clicked word of a bare QPlainTextEdit
  holding the same text.

The project file is built beforehand (not timed) and copied fresh before each
launch, so every launch opens the same file with no WAL left over.  Settings
(QSettings) live in a fresh XDG_CONFIG_HOME per launch: default layout.
Screen grabs are XGetImage calls through ctypes on the probe rectangle only
(about 1 ms each), so the poll adds little to the figures; it still shares the
2 cores with the process under test, as it does for the baseline.

Bytecode: an installed annotator has its modules compiled (pip writes the
``.pyc`` files at install time), so the launches run with a bytecode cache
(``PYTHONPYCACHEPREFIX`` in the temporary folder, written by the untimed
warm-up launch), even where the environment sets ``PYTHONDONTWRITEBYTECODE``
as this development machine does.  ``--no-bytecode-cache`` keeps that setting:
each launch then also compiles some 150 modules from source (about 90 ms).  Medians of
``--repeat`` runs (default 5).  Needs Xvfb, xdotool, libX11 and libXtst.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WIN_W, WIN_H = 1280, 820
# The probe for "text is on screen": inside the text column of the default layout
# (docks take 0-345 and 975-1280) and inside the bare editor alike; window coordinates.
PROBE = (480, 200, 300, 360)
DARK = 100                 # green channel below this: a glyph pixel
CONTENT_FRACTION = 0.005   # of the probe's pixels dark: text is shown
CHANGED_PIXELS = 60        # pixels that differ: the hotkey's result is shown
HOTKEYS = ("p", "o", "g", "l")  # PER, ORG, GPE, LOC in the default schema

BARE = '''\
import sys
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication(sys.argv[:1])
with open(sys.argv[1], encoding="utf-8") as fh:
    text = fh.read()
edit = QPlainTextEdit()
edit.setPlainText(text)
edit.resize(%d, %d)
edit.show()
sys.exit(app.exec())
''' % (WIN_W, WIN_H)


class _XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte)),
                ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
                ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
                ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


class Screen:
    """One Xlib connection to the virtual screen: grab a rectangle's green channel, press a key."""

    def __init__(self, display: str):
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XGetImage.restype = ctypes.POINTER(_XImage)
        self.x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                       ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        self.x11.XDestroyImage.argtypes = [ctypes.POINTER(_XImage)]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.dpy = self.x11.XOpenDisplay(display.encode())
        if not self.dpy:
            raise SystemExit(f"cannot open display {display}")
        self.root = self.x11.XDefaultRootWindow(self.dpy)

    def grab(self, x: int, y: int, w: int, h: int) -> np.ndarray:
        """The green channel of the rectangle, as an (h, w) uint8 array (a copy)."""
        img = self.x11.XGetImage(self.dpy, self.root, x, y, w, h, 0xFFFFFFFF, 2)  # ZPixmap
        im = img.contents
        buf = ctypes.string_at(im.data, im.bytes_per_line * im.height)
        arr = np.frombuffer(buf, np.uint8).reshape(im.height, im.bytes_per_line)[:, 1:4 * w:4].copy()
        self.x11.XDestroyImage(img)
        return arr

    def key(self, name: str) -> None:
        code = self.x11.XKeysymToKeycode(self.dpy, self.x11.XStringToKeysym(name.encode()))
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.dpy, code, 0, 0)
        self.x11.XSync(self.dpy, 0)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    r, w = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1400x900x24", "-wr",
                             "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as fh:
        number = fh.readline().strip()
    if not number:
        raise SystemExit("Xvfb did not start")
    return proc, f":{number}"


class Bench:
    def __init__(self, display: str, tmp: Path, repeat: int, before: Path | None = None, *,
                 no_bytecode: bool = False):
        self.display, self.tmp, self.repeat, self.before = display, tmp, repeat, before
        self.no_bytecode = no_bytecode
        self.screen = Screen(display)
        self.origin = (0, 0)  # windows map at 0,0 without a window manager (checked in warm_up)
        (tmp / "bare.py").write_text(BARE)

    def env(self) -> dict[str, str]:
        cfg = Path(tempfile.mkdtemp(prefix="cfg-", dir=self.tmp))
        env = dict(os.environ, DISPLAY=self.display, XDG_CONFIG_HOME=str(cfg), HOME=str(cfg),
                   QT_QPA_PLATFORM="xcb", XDG_RUNTIME_DIR=str(cfg))
        if not self.no_bytecode:  # as installed: pip compiles the bytecode; here the warm-up launch writes it
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.tmp / "pycache")
        return env

    def command(self, kind: str, size: str) -> list[str]:
        if kind in ("app", "before"):
            run = self.tmp / f"run-{size}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{run}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.tmp / f"{'b' if kind == 'before' else 'p'}-{size}.db", run)
            return [sys.executable, "-m", "annotator", str(run)]
        return [sys.executable, str(self.tmp / "bare.py"), str(self.tmp / f"t-{size}.txt")]

    def probe(self) -> np.ndarray:
        x, y, w, h = PROBE
        return self.screen.grab(self.origin[0] + x, self.origin[1] + y, w, h)

    def wait_content(self, proc: subprocess.Popen, t0: float, timeout: float = 60) -> float:
        need = CONTENT_FRACTION * PROBE[2] * PROBE[3]
        while time.perf_counter() - t0 < timeout:
            if int((self.probe() < DARK).sum()) >= need:
                return time.perf_counter() - t0
            if proc.poll() is not None:
                raise SystemExit(f"the process exited with code {proc.returncode} before showing text")
            time.sleep(0.001)
        raise SystemExit("no text on screen after 60 s")

    def launch(self, kind: str, size: str) -> tuple[subprocess.Popen, float]:
        cmd = self.command(kind, size)
        env = self.env()
        cwd = self.before if kind == "before" else ROOT  # python -m annotator runs the checkout in cwd
        blank = self.probe()
        assert int((blank < DARK).sum()) == 0, "the screen is not blank before a launch"
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return proc, self.wait_content(proc, t0)

    def stop(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.2)  # the X server unmaps the window

    def settle(self, quiet: float = 1.0, timeout: float = 30) -> None:
        """Until the probe has not changed for ``quiet`` seconds."""
        last, since, t0 = self.probe(), time.perf_counter(), time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            time.sleep(0.05)
            now = self.probe()
            if (now != last).any():
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return

    def warm_up(self, kind: str, size: str) -> None:
        """One untimed launch: the page cache, and a check that the window is at 0,0."""
        proc, _ = self.launch(kind, size)
        try:
            out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(proc.pid),
                                  "getwindowgeometry", "--shell"], env=self.env(), capture_output=True,
                                 text=True, timeout=20).stdout
            geo = dict(line.split("=", 1) for line in out.split() if "=" in line)
            if geo and (geo.get("X"), geo.get("Y")) != ("0", "0"):
                print(f"  note: {kind} window at {geo.get('X')},{geo.get('Y')}")
        finally:
            self.stop(proc)

    def launches(self, kind: str, size: str) -> list[float]:
        self.warm_up(kind, size)
        times = []
        for _ in range(self.repeat):
            proc, dt = self.launch(kind, size)
            self.stop(proc)
            times.append(dt)
        return times

    def keystrokes(self, kind: str, size: str) -> tuple[list[float], int]:
        """Launch once, then per repeat: double-click a word, key, time until the screen changes."""
        proc, _ = self.launch(kind, size)
        times: list[float] = []
        misses = 0
        try:
            self.settle(1.5)
            time.sleep(1.0)
            env = self.env()
            for k in range(self.repeat + 4):
                if len(times) >= self.repeat:
                    break
                x, y = 560 + 37 * (k % 5), 120 + 44 * k
                subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y), "click", "--repeat", "2",
                                "--delay", "60", "1"], env=env, check=False, timeout=20)
                time.sleep(0.7)
                region = (x - 160, y - 45, 320, 80)
                before = self.screen.grab(*region)
                t0 = time.perf_counter()
                self.screen.key("x" if kind == "bare" else HOTKEYS[k % 4])
                dt = None
                while time.perf_counter() - t0 < 3:
                    if int((self.screen.grab(*region) != before).sum()) >= CHANGED_PIXELS:
                        dt = time.perf_counter() - t0
                        break
                    time.sleep(0.0005)
                if dt is None:
                    misses += 1
                else:
                    times.append(dt)
                time.sleep(0.8)  # the debounced validation and panel updates
        finally:
            self.stop(proc)
        return times, misses


def build(tmp: Path, sizes: list[str], before: Path | None = None) -> None:
    from annotator.schema import Schema
    from annotator.store import Project
    from fixture import sized_fixture

    schema = Schema.default()
    for size in sizes:
        adoc = sized_fixture(float(size), "news", schema, f"news-{size}MB")
        (tmp / f"t-{size}.txt").write_text(adoc.document.text, encoding="utf-8")
        with Project.open(tmp / f"p-{size}.db") as p:
            p.import_documents([adoc])
        print(f"fixture {size} MB: {len(adoc.document.text.encode()):,} bytes, {len(adoc.spans):,} spans, "
              f"{len(adoc.events):,} events")
        if before is not None:  # the older checkout builds its own file (it may not open a newer one)
            jsonl = tmp / f"x-{size}.jsonl"
            for cmd, cwd in (([sys.executable, "-m", "annotator", "export", str(tmp / f"p-{size}.db"), "-o", str(jsonl)],
                              ROOT),
                             ([sys.executable, "-m", "annotator", "import", str(tmp / f"b-{size}.db"), str(jsonl)],
                              before)):
                subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def row(name: str, real: list[float], base: list[float], target: float, extra: str = "") -> None:
    r, b = statistics.median(real), statistics.median(base)
    ratio = r / b
    mark = "ok" if ratio <= target else "MISSED"
    print(f"  {name:<30} {r * 1000:8.0f} ms   bare {b * 1000:6.0f} ms   {ratio:5.2f}x  "
          f"(target <= {target}x: {mark}){extra}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", default="0.25,1,4")
    ap.add_argument("--only", choices=("launch", "key"), default=None)
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="keep the environment's PYTHONDONTWRITEBYTECODE: every launch compiles the application's "
                         "modules from source (as the figures before 2026-12-02 did)")
    ap.add_argument("--before", type=Path, metavar="CHECKOUT",
                    help="also run the application from another checkout (e.g. a git worktree of an older commit)")
    args = ap.parse_args()
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install xvfb xdotool")
    sizes = args.sizes.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="bench-window-"))
    xvfb, display = start_xvfb()
    try:
        build(tmp, sizes, args.before)
        bench = Bench(display, tmp, args.repeat, args.before, no_bytecode=args.no_bytecode_cache)
        print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; medians of {args.repeat}; bytecode "
              f"{'compiled at every launch' if args.no_bytecode_cache else 'cached, as installed'}")
        for size in sizes:
            print(f"{size} MB")
            if args.only in (None, "launch"):
                base = bench.launches("bare", size)
                if args.before:
                    row("launch, before", bench.launches("before", size), base, 1.5)
                real = bench.launches("app", size)
                row("launch to first content", real, base, 1.5)
            if args.only in (None, "key"):
                base, bmiss = bench.keystrokes("bare", size)
                if args.before:
                    old, omiss = bench.keystrokes("before", size)
                    if old:
                        row("hotkey, before", old, base, 1.5, f"  [{omiss} keys changed nothing]" if omiss else "")
                    else:
                        print(f"  hotkey, before: no measurement ({omiss} keys changed nothing)")
                real, rmiss = bench.keystrokes("app", size)
                extra = f"  [{rmiss} app / {bmiss} bare keys changed nothing]" if rmiss or bmiss else ""
                if real and base:
                    row("hotkey to screen change", real, base, 1.5, extra)
                else:
                    print(f"  hotkey to screen change: no measurement{extra}")
        print(f"load after: {os.getloadavg()[0]:.2f}")
    finally:
        xvfb.kill()
        xvfb.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
