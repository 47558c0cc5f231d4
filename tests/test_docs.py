"""Documentation stays complete: every setting and every CLI command is documented."""
from pathlib import Path

import click
import pytest

from queue_core.office import DESK_KEYS, OFFICE_DEFAULTS, SERVICE_KEYS, STAFF_KEYS
from terminpraxis.cli import cli
from web.config import KEYS as SERVER_KEYS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def documented_keys() -> str:
    return (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("key", sorted({*OFFICE_DEFAULTS, *SERVICE_KEYS, *DESK_KEYS, *STAFF_KEYS}))
def test_every_office_key_is_documented(key):
    assert f"`{key}`" in documented_keys(), f"docs/configuration.md does not document `{key}`"


@pytest.mark.parametrize("key", sorted(SERVER_KEYS))
def test_every_server_key_is_documented(key):
    assert f"`{key.lower()}`" in documented_keys(), f"docs/configuration.md does not document `{key.lower()}`"


def cli_commands(group: click.Group, prefix: str = "terminpraxis") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += cli_commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


@pytest.mark.parametrize("command", cli_commands(cli))
def test_every_cli_command_is_documented(command):
    assert f"`{command}" in (DOCS / "cli.md").read_text(), f"docs/cli.md does not document {command}"


def test_readme_opens_with_the_two_commands():
    head = "\n".join((DOCS.parent / "README.md").read_text().splitlines()[:40])
    assert "make run" in head and "make test" in head
