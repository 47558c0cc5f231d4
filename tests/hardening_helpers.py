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


class StaffClient:
    """A cookie-keeping HTTP client that does not follow redirects (like a browser tab, minus the page)."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, path: str, form: dict | None = None, *, headers: dict[str, str] | None = None,
                json_body: dict | None = None, raw: bytes | None = None) -> tuple[int, dict[str, str], str]:
        from urllib.parse import urlencode

        data = raw
        request = urllib.request.Request(self.base + path, headers=headers or {})
        if form is not None:
            data = urlencode(form).encode()
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            request.add_header("Content-Type", "application/json")
        request.data = data
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")

    def csrf(self, path: str = "/desk/login") -> str:
        import re

        _status, _headers, page = self.request(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def sign_in(self, username: str, password: str) -> int:
        token = self.csrf()
        status, _headers, _page = self.request("/desk/login", {"username": username, "password": password,
                                                               "desk": "210", "csrf_token": token})
        return status

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
