"""The house's floors, read from the code: who imports whom among the top-level packages.

Every ``import`` counts, also one inside a function (an import moved into a function to dodge a
cycle is still an arrow). The rules (docs/architecture.md):
- ``queue_core`` imports only itself, the standard library and third-party libraries, and no
  web framework;
- no surface (kiosk, display, desk, …) imports another surface;
- only the composition root ``terminpraxis`` imports a surface (``web`` is the plumbing below them);
- no cycle between the packages.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROOT_PACKAGE = "terminpraxis"  # the composition root: create_app, the CLI, the runner
PACKAGES = (ROOT_PACKAGE, "queue_core", "web", "kiosk", "display", "desk", "booking_public", "evaluation")
SURFACES = ("kiosk", "display", "desk", "booking_public", "evaluation")
FRAMEWORKS = ("flask", "flask_babel", "flask_limiter", "flask_socketio", "flask_wtf", "socketio", "engineio",
              "eventlet", "werkzeug", "jinja2")


def imported_modules(path: Path, root: Path) -> set[str]:
    """Absolute names of every module ``path`` imports, at any depth of the file."""
    package = list(path.relative_to(root).parent.parts)  # what "." means in this file
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
                # "from . import x" may name a module x: count the package and the submodule
                found.update(f"{stem}.{alias.name}" for alias in node.names)
                found.add(stem)
            else:
                found.add(node.module)
    return found


def package_edges(root: Path, packages: tuple[str, ...]) -> set[tuple[str, str]]:
    """(file, imported top-level name) for every import in the packages' files."""
    edges = set()
    for top in packages:
        for path in sorted((root / top).rglob("*.py")):
            for module in imported_modules(path, root):
                edges.add((path.relative_to(root).as_posix(), module.split(".")[0]))
    return edges


def violations(root: Path, packages: tuple[str, ...] = PACKAGES, surfaces: tuple[str, ...] = SURFACES,
               composition_root: str = ROOT_PACKAGE) -> list[str]:
    """Every broken rule, as a readable line (empty: the house is in order)."""
    edges = package_edges(root, packages)
    found = []
    for source, target in sorted(edges):
        owner = source.split("/")[0]
        if owner == target:
            continue
        if owner == "queue_core" and (target in packages or target in FRAMEWORKS or target.startswith("flask_")):
            found.append(f"{source} imports {target}: queue_core stands on nothing of the project or the web")
        if owner in surfaces and target in surfaces:
            found.append(f"{source} imports {target}: a surface never imports another surface")
        elif target in surfaces and owner != composition_root:
            found.append(f"{source} imports {target}: only {composition_root} imports the surfaces")
        if target == composition_root:
            found.append(f"{source} imports {target}: nothing imports the composition root")
    graph: dict[str, set[str]] = {top: set() for top in packages}
    for source, target in edges:
        owner = source.split("/")[0]
        if target in graph and target != owner:
            graph[owner].add(target)
    found.extend(f"import cycle: {' → '.join(cycle)}" for cycle in _cycles(graph))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        for target in sorted(graph[node]):
            visit(target, path + [node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return cycles


def test_the_import_rules_hold():
    assert violations(ROOT) == []


def test_the_composition_root_is_the_one_that_registers_the_surfaces():
    edges = package_edges(ROOT, PACKAGES)
    assert {target for source, target in edges if source.startswith(f"{ROOT_PACKAGE}/")} >= set(SURFACES)


def test_the_checker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    files = {
        "queue_core/__init__.py": "",
        "queue_core/engine.py": "import json\nfrom flask import g\n",
        "web/__init__.py": "",
        "web/api.py": "from queue_core import engine\n",
        "kiosk/__init__.py": "from . import routes\n",
        "kiosk/routes.py": "from web import api\n\ndef page():\n    from display.board import text\n",
        "display/__init__.py": "",
        "display/board.py": "from ..kiosk import routes\n",
        "desk/__init__.py": "def later():\n    import web.api\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "web/engine.py").write_text("def f():\n    from kiosk import routes\n", encoding="utf-8")
    (tmp_path / "terminpraxis").mkdir()
    (tmp_path / "terminpraxis/__init__.py").write_text("import kiosk\nimport desk\n", encoding="utf-8")
    (tmp_path / "desk/api.py").write_text("from terminpraxis import create_app\n", encoding="utf-8")
    found = violations(tmp_path)
    assert "queue_core/engine.py imports flask: queue_core stands on nothing of the project or the web" in found
    assert "kiosk/routes.py imports display: a surface never imports another surface" in found
    assert "display/board.py imports kiosk: a surface never imports another surface" in found
    assert "web/engine.py imports kiosk: only terminpraxis imports the surfaces" in found
    assert "desk/api.py imports terminpraxis: nothing imports the composition root" in found
    assert any(line.startswith("import cycle:") and "kiosk" in line and "web" in line for line in found)
    assert not any(line.startswith("terminpraxis/") for line in found)  # the root may import surfaces
    assert not any(line.startswith("desk/__init__") for line in found)  # desk → web is the rule
