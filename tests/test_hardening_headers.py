"""Security headers on every response; the pages work under their CSP in Chromium; no framing."""
from __future__ import annotations

import pytest

from conftest import add_account, sign_in
from hardening_helpers import StaffClient, call, open_office_config

PUBLIC = ["/", "/termin", "/ohne-termin", "/display", "/status", "/healthz", "/api/v1/board",
          "/static/kiosk/kiosk.css", "/no-such-page", "/api/v1/no-such-route", "/desk/login"]


@pytest.fixture
def server(live_server, tmp_path):
    running = live_server(TERMINPRAXIS_CONFIG=str(open_office_config(tmp_path)))
    add_account(tmp_path / "live.db", "abraun", role="admin")
    return running


def assert_security_headers(headers: dict[str, str], path: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
    assert "frame-ancestors 'none'" in policy, path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") == "no-referrer", path


def test_every_response_carries_the_security_headers_and_staff_pages_are_not_stored(server):
    for path in PUBLIC:
        _status, headers, _body = call(server.url + path)
        assert_security_headers(headers, path)
    staff = StaffClient(server.url)
    assert staff.sign_in("abraun", "browser-geheim-1") == 302
    for path in ("/desk", "/desk/booking", "/admin/", "/reports", "/api/v1/desks/210/state", "/desk/login"):
        status, headers, _body = staff.request(path)
        assert status == 200, path
        assert_security_headers(headers, path)
        assert headers.get("Cache-Control") == "no-store", path


def test_the_pages_run_under_their_policy_and_cannot_be_framed(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        for path in ("/", "/ohne-termin", "/display"):
            page.goto(server.url + path)
            page.wait_for_load_state("load")
        sign_in(page, server.url, "abraun", "/desk")
        for path in ("/desk", "/desk/booking", "/admin/", "/reports"):
            page.goto(server.url + path)
            page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        assert violations == []
        # another site framing the kiosk gets nothing
        framing = context.new_page()
        framing.set_content(f'<iframe src="{server.url}/" width="400" height="300"></iframe>')
        framing.wait_for_timeout(1000)
        framed = framing.frames[1]
        blocked = framed.url.startswith("chrome-error") or "Termin" not in framed.evaluate(
            "document.body ? document.body.innerText : ''")
        assert blocked, "the kiosk page rendered inside another site's frame"
    finally:
        context.close()


def test_the_session_cookie_is_secure_over_https(app):
    from test_desk_support import PASSWORD, csrf_from, make_staff

    make_staff(app, "abraun")
    client = app.test_client()
    page = client.get("/desk/login", base_url="https://termine.example")
    token = csrf_from(page.get_data(as_text=True))
    answer = client.post("/desk/login", base_url="https://termine.example",
                         data={"username": "abraun", "password": PASSWORD, "desk": "210", "csrf_token": token})
    assert answer.status_code == 302
    cookies = answer.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c for c in cookies), cookies
    assert "max-age" in answer.headers.get("Strict-Transport-Security", "")
    plain = app.test_client().get("/desk/login")
    assert all("Secure" not in c for c in plain.headers.getlist("Set-Cookie"))  # `make run` on plain HTTP
