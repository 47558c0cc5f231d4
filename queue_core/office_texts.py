"""The office's own texts, as configured and as changed in /admin: the board's ticker line, the
board's other settings, and the kiosk's info pages.

Every surface reads them here (the board shows the ticker line, the kiosk the info pages, /admin
edits both), so no surface reaches into another one for them. ``config`` is the application's
configuration mapping (app-level keys such as ``BOARD_MESSAGE``, ``KIOSK_INFO_DIR``, ``CONFIG``
and the office mapping under ``OFFICE``); ``overrides`` are the keys saved in /admin
(``settings.overrides``). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

# Board settings: app-level keys (TERMINPRAXIS_BOARD_HISTORY=…) or lower-case keys in the office TOML.
BOARD_DEFAULTS: dict[str, Any] = {
    "board_history": 6,          # previous calls listed under the newest one
    "board_message": "",         # the office's ticker line
    "board_highlight_s": 10,     # how long the newest call stays highlighted
    "board_heartbeat_s": 30,     # how often a board reports (sound enabled, zone)
}
INFO_PAGES = ("procedure", "entitlement")
INFO_FALLBACK = "de"  # the office's language, for a language without its own page
# Without CONFIG or KIOSK_INFO_DIR: the project's own config/info folder.
PROJECT_INFO_DIR = Path(__file__).resolve().parent.parent / "config" / "info"


def board_setting(config: Mapping[str, Any], key: str) -> Any:
    """A board setting: the app-level key, else the office mapping's, else the default (typed like it)."""
    value = config.get(key.upper())
    if value is None:
        value = (config.get("OFFICE") or {}).get(key)
    if value is None:
        value = BOARD_DEFAULTS[key]
    return type(BOARD_DEFAULTS[key])(value)


def board_message(config: Mapping[str, Any], overrides: Mapping[str, Any]) -> str:
    """The board's ticker line: the one set in /admin, else the configuration's."""
    found = overrides.get("board_message")
    return board_setting(config, "board_message") if found is None else found


@dataclass(frozen=True)
class InfoSource:
    text: str
    markdown: bool  # False: the office's own trusted HTML file
    language: str


def info_key(language: str, page: str) -> str:
    """The /admin settings key of one info page in one language."""
    return f"info:{language}:{page}"


def info_dir(config: Mapping[str, Any]) -> Path:
    """Where the info pages' files are: KIOSK_INFO_DIR, else ``info/`` beside the configuration file."""
    configured = config.get("KIOSK_INFO_DIR")
    if configured:
        return Path(configured)
    if config.get("CONFIG"):
        return Path(config["CONFIG"]).resolve().parent / "info"
    return PROJECT_INFO_DIR


def info_source(config: Mapping[str, Any], overrides: Mapping[str, Any], page: str,
                language: str) -> InfoSource | None:
    """An info page's text in ``language`` (else German): the text edited in /admin wins over the
    files ``<info_dir>/<lang>/<page>.md`` or ``.html``. None when the office has no such page."""
    if page not in INFO_PAGES:
        return None
    folder = info_dir(config)
    for lang in (language, INFO_FALLBACK):
        edited = overrides.get(info_key(lang, page))
        if edited:
            return InfoSource(edited, True, lang)
        for suffix in (".md", ".html"):
            path = folder / lang / f"{page}{suffix}"
            if path.is_file():
                return InfoSource(path.read_text(encoding="utf-8"), suffix == ".md", lang)
    return None


def info_text(config: Mapping[str, Any], overrides: Mapping[str, Any], page: str, language: str) -> str:
    """The Markdown an admin edits for a page in exactly this language: the saved text, else the
    file's ('' when there is neither)."""
    if page not in INFO_PAGES:
        return ""
    edited = overrides.get(info_key(language, page))
    if edited:
        return edited
    path = info_dir(config) / language / f"{page}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
