"""Phones reach the status page: the QR uses the configured public origin, and a loopback one is
warned about at start-up and on the admin's health page."""
from __future__ import annotations

import re

from web.public import is_loopback
from terminpraxis.runner import phone_lines
from web.config import change as change_settings


def test_loopback_origins_are_recognised():
    for origin in ("http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000", "127.0.0.5"):
        assert is_loopback(origin), origin
    for origin in ("http://192.168.1.20:5000", "https://termine.musterstadt.de"):
        assert not is_loopback(origin), origin


def test_start_up_says_how_phones_reach_the_server():
    warned = "\n".join(phone_lines(None, "127.0.0.1", 5000))
    assert "http://127.0.0.1:5000/t/" in warned and "WARNING" in warned
    assert "TERMINPRAXIS_KIOSK_PUBLIC_URL=http://" in warned and "HOST=0.0.0.0" in warned
    fine = "\n".join(phone_lines("http://192.168.1.20:5000", "0.0.0.0", 5000))
    assert "http://192.168.1.20:5000/t/" in fine and "WARNING" not in fine


def test_ticket_qr_uses_the_public_origin(app, client):
    change_settings(app, KIOSK_PUBLIC_URL="http://192.168.1.20:5000")
    answer = client.post("/ohne-termin", data={"service": "notfall", "request_id": "qr"})
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-status-url="http://192\.168\.1\.20:5000/t/[\w-]+', page)
    assert "127.0.0.1" not in page and "localhost/t/" not in page


def test_start_up_prints_every_page_and_each_exists(app, client, capsys):
    from terminpraxis.runner import print_addresses

    print_addresses(app, "127.0.0.1", 5000, "all")
    printed = capsys.readouterr().out
    for path in ("/", "/display", "/t/", "/desk", "/desk/booking", "/buchen/", "/admin/", "/admin/texts",
                 "/admin/health", "/reports", "/reports/access-log"):
        assert f"http://127.0.0.1:5000{path}" in printed, path
    assert "WARNING: phones cannot reach" in printed  # the public origin is loopback here
    for path in re.findall(r"http://127\.0\.0\.1:5000(/[^\s<]*)\s", printed):
        assert client.get(path).status_code in (200, 302), path  # staff pages send to the sign-in
