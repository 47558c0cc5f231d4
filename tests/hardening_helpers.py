"""Shared by the hardening tests: an always-open office file and small HTTP helpers over a real port."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import DEMO_CONFIG


def open_office_config(folder: Path, **replace: str) -> Path:
    """The demo office, open round the clock with no walk-in cutoff and no holidays (tests at any hour)."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace("walk_in_cutoff_min = 30", "walk_in_cutoff_min = 0").replace('holidays = "DE-SH"',
                                                                                       'holidays = ""')
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / "office.toml"
    path.write_text(text, encoding="utf-8")
    return path


def call(url: str, body: bytes | dict | None = None, *, method: str | None = None, timeout: float = 30,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; HTTP errors are answers too."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def timed(url: str) -> tuple[float, int]:
    started = time.monotonic()
    status, _headers, _body = call(url, timeout=10)
    return time.monotonic() - started, status
