"""Sign-in throttle, dummy hash and server-side session validity (real server over a real port)."""
from __future__ import annotations

import threading

import pytest
import socketio as socketio_client

from conftest import LiveServer, add_account, server_env
from hardening_helpers import StaffClient, open_office_config

PASSWORD = "browser-geheim-1"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the module: each test signs in with accounts of its own (the throttle and the
    sessions are per account), so no test needs a fresh server."""
    folder = tmp_path_factory.mktemp("auth-live")
    running = LiveServer("run_kiosk.py", server_env(folder / "live.db",
                                                    TERMINPRAXIS_CONFIG=str(open_office_config(folder)))).start()
    add_account(running.db_path, "leitung", role="admin")
    yield running
    running.stop()


@pytest.fixture
def server(shared, request):
    """The shared server with two caseworker accounts for this test (``server.users``)."""
    tag = "".join(ch for ch in request.node.name.lower() if ch.isalnum())[-12:]
    shared.users = (f"a{tag}", f"h{tag}")
    for username in shared.users:
        add_account(shared.db_path, username)
    return shared


def test_wrong_passwords_from_one_address_never_refuse_a_colleague(server):
    victim, colleague_name = server.users
    guesser = StaffClient(server.url)
    token = guesser.csrf()
    statuses = [guesser.request("/desk/login", {"username": victim, "password": f"falsch-{i}",
                                                "csrf_token": token})[0] for i in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    status, headers, _page = guesser.request("/desk/login", {"username": victim, "password": "falsch",
                                                              "csrf_token": token})
    assert status == 429 and int(headers["Retry-After"]) >= 1
    # many names from the same address (a sweep of guessed accounts): each only counts for itself, so
    # more names than one name's limit (10), on top of the 13 tries above, are all still answered
    for i in range(11):
        assert guesser.request("/desk/login", {"username": f"niemand{i}", "password": "falsch",
                                               "csrf_token": token})[0] == 401
    colleague = StaffClient(server.url)  # behind the office's NAT: the same address
    assert colleague.sign_in(colleague_name, PASSWORD) == 302
    assert colleague.request("/desk")[0] == 200


def desk_socket(server, cookie: str) -> tuple[socketio_client.Client, threading.Event]:
    client = socketio_client.Client(reconnection=False)
    ended = threading.Event()
    client.on("disconnect", lambda *args: ended.set(), namespace="/desk")
    client.connect(server.url, headers={"Cookie": cookie}, namespaces=["/desk"], transports=["websocket"],
                   wait_timeout=10)
    return client, ended


def signed_in(server, username: str) -> StaffClient:
    client = StaffClient(server.url)
    assert client.sign_in(username, PASSWORD) == 302
    return client


def copy_of(client: StaffClient) -> dict[str, str]:
    """The session cookie as an attacker copied it (sent by hand, without the jar)."""
    return {"Cookie": client.cookie_header()}


def assert_session_over(server, stolen: dict[str, str], socket_ended: threading.Event) -> None:
    outsider = StaffClient(server.url)
    status, headers, _page = outsider.request("/desk", headers=stolen)
    assert status == 302 and "/desk/login" in headers["Location"]
    assert outsider.request("/api/v1/desks/210/state", headers=stolen)[0] == 401
    assert socket_ended.wait(10), "the account's /desk socket stayed open"


def test_sign_out_ends_every_session_and_socket_of_the_account(server):
    first = signed_in(server, server.users[0])
    second = signed_in(server, server.users[0])  # the same account on another computer
    stolen = copy_of(first)
    assert StaffClient(server.url).request("/desk", headers=stolen)[0] == 200
    socket, ended = desk_socket(server, second.cookie_header())
    try:
        token = first.csrf("/desk")
        assert first.request("/desk/logout", {"csrf_token": token})[0] == 302
        assert_session_over(server, stolen, ended)
        assert second.request("/desk")[0] == 302
    finally:
        socket.disconnect()


@pytest.mark.parametrize("change", ["password", "role", "disabled"])
def test_an_admins_change_ends_the_accounts_sessions_and_sockets(server, change):
    victim_name, other_name = server.users
    victim = signed_in(server, victim_name)
    other = signed_in(server, other_name)
    stolen = copy_of(victim)
    socket, ended = desk_socket(server, victim.cookie_header())
    other_socket, other_ended = desk_socket(server, other.cookie_header())
    admin = signed_in(server, "leitung")
    token = admin.csrf("/admin/")
    try:
        if change == "disabled":
            form = {"username": victim_name, "active": "0", "csrf_token": token}
            assert admin.request("/admin/staff/active", form)[0] == 302
        else:
            form = {"username": victim_name, "name": "Opfer", "role": "admin" if change == "role" else "staff",
                    "password": "ganz-neu-123" if change == "password" else "", "csrf_token": token}
            assert admin.request("/admin/staff", form)[0] == 302
        assert_session_over(server, stolen, ended)
        # a colleague's session and socket are untouched
        assert other.request("/desk")[0] == 200
        assert not other_ended.wait(0.5)
    finally:
        socket.disconnect()
        other_socket.disconnect()


def test_unknown_and_disabled_names_cost_one_argon2_check_like_a_known_name(app, monkeypatch):
    """No timing leak: every sign-in runs the same argon2 verification (bench/ measures the times)."""
    from argon2 import PasswordHasher

    from queue_core import accounts

    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
            checked.append(hash.split("$")[3])  # the parameters: m=…,t=…,p=…
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    monkeypatch.setattr(accounts, "_dummy", [])
    with app.app_context():
        from web.engine import get_engine

        engine = get_engine()
        db = engine.db
        for username in ("abraun", "hkoch"):
            engine.add_staff(username, name=username, role="staff", password=PASSWORD)
        engine.set_staff_active("hkoch", False)
        for username in ("abraun", "niemand", "hkoch"):
            assert accounts.verify_password(db, username, "falsch-falsch") is None
    assert len(checked) == 3 and len(set(checked)) == 1, checked
