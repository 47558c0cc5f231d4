"""The Python lock covers what pyproject.toml asks for: every dependency of the package and of its
``test`` and ``printer`` extras is pinned in constraints.txt, so `make setup` installs exactly."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    """The PEP 503 normalised name of a requirement ("Flask-SocketIO>=5.5" → "flask-socketio")."""
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group()).lower()


def test_every_dependency_of_pyproject_is_pinned_in_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in ("test", "printer"):
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    pinned = {_name(line): line for line in (ROOT / "constraints.txt").read_text().splitlines()
              if line and not line[0].isspace() and not line.startswith("#")}
    assert wanted - pinned.keys() == set(), "run `make lock`: not pinned in constraints.txt"
    assert all("==" in line for line in pinned.values()), "constraints.txt pins exact versions"
