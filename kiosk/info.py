"""Info pages from the office's configuration folder: <info_dir>/<lang>/<page>.md or .html.

German (the office's language) is the fallback for a language without its own file. Markdown is
rendered with raw HTML switched off, so a typo in a file cannot inject markup; .html files are the
office's own trusted content (same trust as the configuration file itself).
"""
from __future__ import annotations

import re
from pathlib import Path

import markdown
from flask import current_app
from markupsafe import Markup

PAGES = ("procedure", "entitlement")
FALLBACK = "de"


def info_dir() -> Path:
    configured = current_app.config.get("KIOSK_INFO_DIR")
    if configured:
        return Path(configured)
    config = current_app.config.get("CONFIG")
    if config:
        return Path(config).resolve().parent / "info"
    return Path(current_app.root_path).parent / "config" / "info"


def _render_markdown(text: str) -> str:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


def load(page: str, language: str) -> dict | None:
    """{'title', 'html'} of an info page, or None when the office has none."""
    if page not in PAGES:
        return None
    folder = info_dir()
    from web.engine import overridden  # texts edited in /admin win over the files

    for lang in (language, FALLBACK):
        edited = overridden(f"info:{lang}:{page}")
        if edited:
            return _page(_render_markdown(edited), page, lang)
        for suffix in (".md", ".html"):
            path = folder / lang / f"{page}{suffix}"
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                return _page(_render_markdown(text) if suffix == ".md" else text, page, lang)
    return None


# Phone numbers, amounts, dates and room numbers: digits with spaces, dashes, dots or slashes inside.
NUMBERS = re.compile(r"(?<![#\w])(?:\d[\d .,/–-]*\d|\d)")
TAG = re.compile(r"(<[^>]+>)")


def isolate_numbers(html: str) -> str:
    """Wrap numbers in text (never inside tags) in left-to-right isolates, so "0461 85-0000" or
    "Zimmer 214." keep their order inside Arabic sentences."""
    parts = TAG.split(html)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags
        parts[index] = NUMBERS.sub(lambda m: f'<bdi dir="ltr">{m.group(0)}</bdi>', parts[index])
    return "".join(parts)


def _page(html: str, page: str, lang: str) -> dict:
    html = isolate_numbers(html)
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    title = re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else page
    return {"title": title, "html": Markup(html), "language": lang}


def file_text(page: str, language: str) -> str:
    """The Markdown file of a page in exactly this language ('' when there is none): the admin's starting text."""
    path = info_dir() / language / f"{page}.md"
    return path.read_text(encoding="utf-8") if page in PAGES and path.is_file() else ""
