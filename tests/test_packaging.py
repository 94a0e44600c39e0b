"""The package as users get it: the wheel ships its resources, and they are found with importlib.resources."""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tokenize
import tomllib
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]

#: Files read at run time, as they sit in the repository -> where the wheel must hold them.
SHIPPED = {
    "resources/schemas/news.toml": "annotator/resources/schemas/news.toml",
    "resources/formats/annotator-jsonl.schema.json": "annotator/resources/formats/annotator-jsonl.schema.json",
    "resources/icons/annotator.svg": "annotator/resources/icons/annotator.svg",
    "resources/icons/annotator.png": "annotator/resources/icons/annotator.png",
    "resources/annotator.desktop": "annotator/resources/annotator.desktop",
}


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    skip = {".git", ".venv", "build", "dist", "tests", "benchmarks", "__pycache__", ".pytest_cache"}
    return {n for n in names if n in skip or n.endswith((".egg-info", ".db", ".db-wal", ".db-shm"))}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the tree (a stale build/ beside the sources cannot leak in).

    No build isolation: the test extras install setuptools, so no network is needed.
    """
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_copy_ignore)
    out = tmp / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    (whl,) = out.glob("annotator-*.whl")
    return whl


@pytest.mark.wheel
def test_the_wheel_ships_schema_json_schema_seeds_icon_desktop_file_and_licence(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for repo_path, wheel_path in SHIPPED.items():
            assert wheel_path in names, f"{wheel_path} is missing from the wheel"
            assert zf.read(wheel_path) == (ROOT / repo_path).read_bytes(), wheel_path
        seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
        assert seeds
        for name in seeds:
            assert zf.read(f"annotator/seeds/{name}") == (ROOT / "seeds" / name).read_bytes()
        # every package of the source tree is in the wheel (the package list is written out by hand)
        for init in (ROOT / "annotator").rglob("__init__.py"):
            assert init.relative_to(ROOT).as_posix() in names
        dist_info = f"annotator-{VERSION}.dist-info"
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        licence = zf.read(f"{dist_info}/licenses/LICENSE").decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()
    assert f"Version: {VERSION}" in metadata.splitlines()
    assert licence.startswith("MIT License")
    assert "Copyright (c) 2026 The annotator developers" in licence
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.wheel
def test_the_installed_wheel_works_from_a_folder_outside_the_repository(wheel, tmp_path):
    """Install the wheel's files alone (the dependencies come from this venv) and use them from elsewhere."""
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                        "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    work = tmp_path / "elsewhere"
    (work / "articles").mkdir(parents=True)
    (work / "articles" / "a.txt").write_text("Troops entered Mosul on Monday.\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(site), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, *args], cwd=work, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    where = run("-c", "import annotator, annotator.bundled as b; print(annotator.__file__); "
                      "print(b.default_schema_path()); print(b.seeds_dir()); print(b.icon_png_path())")
    for line in where.stdout.splitlines():
        assert Path(line).is_relative_to(site), f"{line} is not the installed copy"
    run("-m", "annotator", "import", "p.db", "articles")
    assert "documents: 1" in run("-m", "annotator", "stats", "p.db").stdout.splitlines()
    assert '"text": "Troops entered Mosul on Monday.\\n"' in run("-m", "annotator", "export", "p.db").stdout
    schema_text = run("-m", "annotator", "schema", "p.db").stdout
    assert schema_text == (ROOT / "resources" / "schemas" / "news.toml").read_text(encoding="utf-8")
    assert run("-m", "annotator", "--version").stdout == f"annotator {VERSION}\n"
    # the demo project is built from the seeds inside the package
    run("-c", "from pathlib import Path; from annotator.demo import ensure_demo; ensure_demo(Path('demo.db'))")
    assert "documents: 1" in run("-m", "annotator", "stats", "demo.db").stdout.splitlines()


def test_version_flag_prints_the_installed_version():
    r = subprocess.run([sys.executable, "-m", "annotator", "--version"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"annotator {VERSION}\n"


def test_bundled_finds_the_checkout_files_through_importlib_resources():
    """In the editable install, the mapped packages are the repository's top-level folders."""
    from importlib.resources import files

    from annotator import bundled
    from annotator.schema import Schema, default_schema_path

    assert Path(str(files("annotator.resources"))) == ROOT / "resources"
    assert bundled.default_schema_path() == ROOT / "resources" / "schemas" / "news.toml"
    assert default_schema_path() == ROOT / "resources" / "schemas" / "news.toml"
    assert bundled.jsonl_schema_path() == ROOT / "resources" / "formats" / "annotator-jsonl.schema.json"
    assert bundled.seeds_dir() == ROOT / "seeds"
    assert bundled.icon_svg_path() == ROOT / "resources" / "icons" / "annotator.svg"
    assert bundled.icon_png_path() == ROOT / "resources" / "icons" / "annotator.png"
    assert bundled.desktop_file_path() == ROOT / "resources" / "annotator.desktop"
    assert "PER" in Schema.default().entity_types


def _names_file(path: Path) -> bool:
    with tokenize.open(path) as fh:
        return any(tok.type == tokenize.NAME and tok.string == "__file__"
                   for tok in tokenize.generate_tokens(fh.readline))


def test_no_module_of_the_package_finds_files_through___file__():
    modules = sorted((ROOT / "annotator").rglob("*.py"))
    assert len(modules) > 10
    offenders = [p.relative_to(ROOT).as_posix() for p in modules if _names_file(p)]
    assert offenders == [], "use annotator.bundled (importlib.resources) instead of __file__"


def test_the_desktop_file_launches_the_command_with_the_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(ROOT / "resources" / "annotator.desktop", encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application"
    assert d["Name"] == "Annotator"
    assert d["Exec"].split()[0] == next(iter(PYPROJECT["project"]["scripts"]))
    assert d["Icon"] == Path("annotator.svg").stem
    assert d["Terminal"] == "false"
    assert d["Categories"].endswith(";")


def test_the_icon_png_is_the_svg_rendered_at_256(qapp):
    png = QImage(str(ROOT / "resources" / "icons" / "annotator.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert png.hasAlphaChannel()
    assert png.pixelColor(0, 0).alpha() == 0  # rounded corner: transparent
    assert png.pixelColor(128, 128).alpha() == 255
    assert QSvgRenderer(str(ROOT / "resources" / "icons" / "annotator.svg")).isValid()


def test_the_app_gets_the_window_icon_and_version(qapp):
    from annotator.qt.app import set_app_identity

    set_app_identity(qapp)
    assert not qapp.windowIcon().isNull()
    assert qapp.windowIcon().pixmap(32, 32).width() == 32
    assert qapp.applicationVersion() == VERSION
    assert qapp.desktopFileName() == Path("annotator.desktop").stem


def test_help_about_shows_the_version_and_licence(qtbot, tmp_path):
    from annotator.qt.mainwindow import MainWindow
    from annotator.store import Project

    path = tmp_path / "p.db"
    with Project.open(path):
        pass
    window = MainWindow(path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if "About" in a.text())
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    about.trigger()  # modal: returns once read_and_close has closed the box
    assert len(seen) == 1
    assert f"<b>Annotator</b> {VERSION}" in seen[0]
    assert "MIT licence" in seen[0]
    window.close()
