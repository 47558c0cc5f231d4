"""Socket.IO checks the Origin: a page of another origin (even another port of the same host) gets no feed."""
from __future__ import annotations

import pytest
import socketio as socketio_client

from conftest import add_account, free_port
from hardening_helpers import StaffClient, open_office_config


def connects(url: str, namespace: str, headers: dict[str, str]) -> bool:
    client = socketio_client.Client(reconnection=False)
    try:
        # polling: the websocket client would add an Origin header of its own
        client.connect(url, headers=headers, namespaces=[namespace], transports=["polling"], wait_timeout=5)
    except socketio_client.exceptions.ConnectionError:
        return False
    connected = namespace in client.namespaces
    client.disconnect()
    return connected


@pytest.fixture
def server(live_server, tmp_path):
    running = live_server(TERMINPRAXIS_CONFIG=str(open_office_config(tmp_path)))
    add_account(tmp_path / "live.db", "abraun")
    return running


def test_a_signed_in_caseworkers_feed_goes_to_the_own_origin_only(server):
    staff = StaffClient(server.url)
    assert staff.sign_in("abraun", "browser-geheim-1") == 302
    cookie = staff.cookie_header()
    evil = f"http://127.0.0.1:{free_port()}"
    assert connects(server.url, "/desk", {"Cookie": cookie, "Origin": server.url})
    assert not connects(server.url, "/desk", {"Cookie": cookie, "Origin": evil})
    assert not connects(server.url, "/board", {"Origin": evil})
    assert not connects(server.url, "/board", {"Origin": "null"})


def test_configured_public_origins_are_the_ones_allowed(live_server, tmp_path):
    public = "https://termine.musterstadt.example"
    server = live_server(TERMINPRAXIS_CONFIG=str(open_office_config(tmp_path)), TERMINPRAXIS_PUBLIC_ORIGINS=public)
    assert connects(server.url, "/board", {"Origin": public})
    assert not connects(server.url, "/board", {"Origin": "https://elsewhere.example"})


def test_an_empty_setting_never_switches_the_check_off():
    from terminpraxis import public_origins

    assert public_origins([]) is None and public_origins("") is None  # None: same origin only
    assert public_origins("https://a.example/, https://b.example") == ["https://a.example", "https://b.example"]
