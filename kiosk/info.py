"""Info pages, rendered: the texts come from ``queue_core.office_texts`` (the /admin text, else
<info_dir>/<lang>/<page>.md or .html, German as the fallback).

Markdown is rendered with raw HTML switched off, so a typo in a file cannot inject markup; .html
files are the office's own trusted content (same trust as the configuration file itself).
"""
from __future__ import annotations

import re

import markdown
from flask import current_app
from markupsafe import Markup

from queue_core.office_texts import info_source
from web.engine import get_engine_state


def _render_markdown(text: str) -> str:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(text)


def load(page: str, language: str) -> dict | None:
    """{'title', 'html', 'language'} of an info page, or None when the office has none."""
    source = info_source(current_app.config, get_engine_state()["overrides"], page, language)
    if source is None:
        return None
    html = _render_markdown(source.text) if source.markdown else source.text
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    title = re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else page
    return {"title": title, "html": Markup(html), "language": source.language}
