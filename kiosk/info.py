"""Info pages, rendered: the texts come from ``queue_core.office_texts`` (the /admin text, else
<info_dir>/<lang>/<page>.md or .html, German as the fallback).

German (the office's language) is the fallback for a language without its own file. Markdown is
rendered with raw HTML switched off, and links and images keep only http(s), mailto:, tel: and
relative addresses, so neither a typo in a file nor a text edited in /admin can inject markup or a
``javascript:`` link; .html files are the office's own trusted content (same trust as the
configuration file itself).
"""
from __future__ import annotations

import html as html_text
import re
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from queue_core.office_texts import info_source
from web.config import settings
from web.engine import get_engine_state


SAFE_SCHEMES = ("http", "https", "mailto", "tel")
# Browsers ignore these anywhere in a URL ("java\tscript:" is "javascript:").
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """True for http(s), mailto:, tel: and relative addresses (as a browser would read the attribute)."""
    plain = _IGNORED_IN_URLS.sub("", html_text.unescape(url or ""))
    try:
        scheme = urlsplit(plain).scheme.lower()
    except ValueError:
        return False
    return scheme == "" and not plain.startswith("\\") or scheme in SAFE_SCHEMES


class _SafeLinks(Treeprocessor):
    """Drops unsafe ``href``/``src`` values: the link text (or image alt text) stays as plain text."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not safe_url(value):
                    del element.attrib[attribute]


def _render_markdown(text: str) -> str:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)  # last: after links are built
    return md.convert(text)


def load(page: str, language: str) -> dict | None:
    """{'title', 'html', 'language'} of an info page, or None when the office has none."""
    source = info_source(settings(), get_engine_state()["overrides"], page, language)
    if source is None:
        return None
    html = _render_markdown(source.text) if source.markdown else source.text
    html = isolate_numbers(html)
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    title = re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else page
    return {"title": title, "html": Markup(html), "language": source.language}


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
