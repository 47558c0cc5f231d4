"""The office's own texts, as configured and as changed in /admin: the board's ticker line, the
board's other settings, and the kiosk's info pages.

Every surface reads them here (the board shows the ticker line, the kiosk the info pages, /admin
edits both), so no surface reaches into another one for them. ``server`` is the server's settings
(``web.config.Settings``: the configured ``board_message``, ``kiosk_info_dir`` and the
configuration file); ``overrides`` are the keys saved in /admin (``settings.overrides``). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Protocol

INFO_PAGES = ("procedure", "entitlement")
INFO_FALLBACK = "de"  # the office's language, for a language without its own page
# Without CONFIG or KIOSK_INFO_DIR: the project's own config/info folder.
PROJECT_INFO_DIR = Path(__file__).resolve().parent.parent / "config" / "info"


class ServerTexts(Protocol):
    """What these read of the server's settings (``web.config.Settings`` has it)."""
    board_message: str
    kiosk_info_dir: str | None
    config: str | None


def board_message(server: ServerTexts, overrides: Mapping[str, str]) -> str:
    """The board's ticker line: the one set in /admin, else the configuration's."""
    found = overrides.get("board_message")
    return server.board_message if found is None else found


@dataclass(frozen=True)
class InfoSource:
    text: str
    markdown: bool  # False: the office's own trusted HTML file
    language: str


def info_key(language: str, page: str) -> str:
    """The /admin settings key of one info page in one language."""
    return f"info:{language}:{page}"


def info_dir(server: ServerTexts) -> Path:
    """Where the info pages' files are: kiosk_info_dir, else ``info/`` beside the configuration file."""
    if server.kiosk_info_dir:
        return Path(server.kiosk_info_dir)
    if server.config:
        return Path(server.config).resolve().parent / "info"
    return PROJECT_INFO_DIR


def info_source(server: ServerTexts, overrides: Mapping[str, str], page: str,
                language: str) -> InfoSource | None:
    """An info page's text in ``language`` (else German): the text edited in /admin wins over the
    files ``<info_dir>/<lang>/<page>.md`` or ``.html``. None when the office has no such page."""
    if page not in INFO_PAGES:
        return None
    folder = info_dir(server)
    for lang in (language, INFO_FALLBACK):
        edited = overrides.get(info_key(lang, page))
        if edited:
            return InfoSource(edited, True, lang)
        for suffix in (".md", ".html"):
            path = folder / lang / f"{page}{suffix}"
            if path.is_file():
                return InfoSource(path.read_text(encoding="utf-8"), suffix == ".md", lang)
    return None


def info_text(server: ServerTexts, overrides: Mapping[str, str], page: str, language: str) -> str:
    """The Markdown an admin edits for a page in exactly this language: the saved text, else the
    file's ('' when there is neither)."""
    if page not in INFO_PAGES:
        return ""
    edited = overrides.get(info_key(language, page))
    if edited:
        return edited
    path = info_dir(server) / language / f"{page}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
