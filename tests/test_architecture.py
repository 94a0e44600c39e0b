"""The house rules: import-linter's layer contracts hold, annotator/ has no import cycle, modules stay small.

The cycle check walks the import graph itself, with ``ast``: every import anywhere in a
file counts, including those inside functions and under ``if TYPE_CHECKING:``, because
moving an import into a function hides a cycle from Python without removing it.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "annotator"

MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 400

# module -> {imported module -> line numbers of the imports}
Graph = dict[str, dict[str, list[int]]]


# ---------------------------------------------------------------- the import graph

def module_names(package_dir: Path) -> dict[str, Path]:
    """Every module of the package in ``package_dir``, by dotted name (a package by its own name)."""
    top = package_dir.name
    found: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [top, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _nearest_module(name: str, modules: Mapping[str, Path]) -> str | None:
    """``name`` if it is a module, else its closest enclosing module (``a.b.Thing`` -> ``a.b``)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported_modules(node: ast.Import | ast.ImportFrom, module: str, is_package: bool,
                      modules: Mapping[str, Path]) -> Iterable[str]:
    """The package's own modules that one import statement loads."""
    top = next(iter(modules)).partition(".")[0]
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == top or alias.name.startswith(top + "."):
                target = _nearest_module(alias.name, modules)
                if target:
                    yield target
        return
    if node.level:
        # `from . import x` in a.b.c means a.b; one more dot per level goes one package up
        base_parts = module.split(".") if is_package else module.split(".")[:-1]
        if node.level > 1:
            base_parts = base_parts[:-(node.level - 1)]
        base = ".".join([*base_parts, *([node.module] if node.module else [])])
    else:
        base = node.module or ""
    if not (base == top or base.startswith(top + ".")):
        return
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        target = submodule if submodule in modules else _nearest_module(base, modules)
        if target:
            yield target


def import_graph(package_dir: Path) -> Graph:
    """Who imports whom inside the package: every import statement, wherever it stands."""
    modules = module_names(package_dir)
    graph: Graph = {name: {} for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported_modules(node, name, is_package, modules):
                    if target != name:
                        graph[name].setdefault(target, []).append(node.lineno)
    return graph


def strongly_connected(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, each sorted, in name order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def describe_cycles(graph: Graph) -> list[str]:
    """One paragraph per cycle: its modules, and each import inside it with its line numbers."""
    out = []
    for component in strongly_connected(graph):
        members = set(component)
        lines = [f"cycle of {len(component)}: {', '.join(component)}"]
        for source in component:
            for target, linenos in sorted(graph[source].items()):
                if target in members:
                    where = ", ".join(str(n) for n in sorted(set(linenos)))
                    lines.append(f"    {source} -> {target} (line {where})")
        out.append("\n".join(lines))
    return out


# ---------------------------------------------------------------- the graph code, on packages made here

def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / next(iter(files)).split("/")[0]


def test_a_function_level_import_that_closes_a_cycle_is_found(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import helper\n",
        "pkg/b.py": "def helper():\n    from pkg import a\n    return a\n",
        "pkg/leaf.py": "import os\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.a"] == {"pkg.b": [1]}
    assert graph["pkg.b"] == {"pkg.a": [2]}
    assert strongly_connected(graph) == [["pkg.a", "pkg.b"]]
    [text] = describe_cycles(graph)
    assert "pkg.b -> pkg.a (line 2)" in text


def test_a_type_checking_import_counts(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": ("from typing import TYPE_CHECKING\n"
                         "if TYPE_CHECKING:\n"
                         "    from ..d import Thing\n"),
        "pkg/d.py": "import pkg.sub.c\nclass Thing: ...\n",
    })
    graph = import_graph(pkg)
    assert graph["pkg.sub.c"] == {"pkg.d": [3]}
    assert graph["pkg.d"] == {"pkg.sub.c": [1]}
    assert strongly_connected(graph) == [["pkg.d", "pkg.sub.c"]]


def test_imports_resolve_to_modules_not_names(tmp_path):
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "from . import x\n",          # a submodule by name, from the package itself
        "pkg/x.py": "from pkg.y import Y, y_helper\nimport json\n",
        "pkg/y.py": "from . import z\nfrom .z import Z\nclass Y: ...\n",
        "pkg/z.py": "from os import path\nclass Z: ...\n",
    })
    graph = import_graph(pkg)
    assert graph == {
        "pkg": {"pkg.x": [1]},
        "pkg.x": {"pkg.y": [1, 1]},
        "pkg.y": {"pkg.z": [1, 2]},
        "pkg.z": {},
    }
    assert strongly_connected(graph) == []


def test_tarjan_finds_each_component_once():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["a"], "g": []}
    assert strongly_connected(graph) == [["a", "b", "c"], ["d", "e"]]


# ---------------------------------------------------------------- the rules, on annotator/

def test_no_import_cycles_in_annotator():
    cycles = describe_cycles(import_graph(PACKAGE))
    assert not cycles, "import cycles in annotator/ (function-level and TYPE_CHECKING imports count):\n" + "\n".join(cycles)


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter's `lint-imports` on the pyproject.toml in ``cwd``."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", code, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_a_layer_violation_qt_outside_qt_and_panels_reaching_across(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    model = tmp_path / "annotator" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nfrom .store import Project\n", encoding="utf-8")
    text = tmp_path / "annotator" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nimport PySide6.QtCore\n", encoding="utf-8")
    doclist = tmp_path / "annotator" / "qt" / "doclist.py"
    doclist.write_text(doclist.read_text(encoding="utf-8") + "\nfrom .validation import ValidationPanel\n",
                       encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert "annotator.model -> annotator.store" in result.stdout, result.stdout
    assert "annotator.text -> PySide6" in result.stdout, result.stdout
    assert "annotator.qt.doclist -> annotator.qt.validation" in result.stdout, result.stdout
    assert "3 broken" in result.stdout, result.stdout


def test_every_module_has_a_layer(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "annotator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "annotator" / "newroom.py").write_text('"""Unplaced."""\n', encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert "annotator.newroom" in result.stdout + result.stderr


# ---------------------------------------------------------------- sizes

def oversized(package_dir: Path) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and classes over MAX_CLASS_LINES, one line each."""
    found = []
    for name, path in module_names(package_dir).items():
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"module {name}: {lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - start + 1
                if size > MAX_CLASS_LINES:
                    found.append(f"class {name}.{node.name}: {size} lines")
    return found


def test_size_check_sees_big_modules_and_classes(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_CLASS_LINES))  # class line + this = 401
    pkg = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/big.py": "class Big:\n" + body + "\n" * (MAX_MODULE_LINES - MAX_CLASS_LINES),
        "pkg/ok.py": "class Fine:\n" + body[: body.index("    x399")] + "\n" * 99,
    })
    assert oversized(pkg) == ["module pkg.big: 501 lines", "class pkg.big.Big: 401 lines"]


def test_modules_and_classes_are_small():
    found = oversized(PACKAGE)
    assert not found, (f"over {MAX_MODULE_LINES} lines a module or {MAX_CLASS_LINES} a class; split by job:\n"
                       + "\n".join(found))
