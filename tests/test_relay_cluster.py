"""Several server processes on one database and one Redis (real processes, real ports).

Exactly one run_kiosk.py leads; when it is killed a standby takes over and no call is delivered
twice or lost; a Redis outage loses no call either, while every process serves its own boards.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from board_helpers import ASYNC_MODES, BoardClient, Desk
from conftest import free_port

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (make test-tools)")]


class Redis:
    """A throw-away redis-server this test may stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        import redis

        deadline = time.monotonic() + 5
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(5)


@pytest.fixture
def queue():
    server = Redis().start()
    yield server
    server.stop()


@pytest.fixture
def boards():
    clients: list[BoardClient] = []

    def open_board(url: str) -> BoardClient:
        clients.append(BoardClient(url).connect())
        clients[-1].next("snapshot")
        return clients[-1]

    yield open_board
    for client in clients:
        client.close()


def log_of(server) -> str:
    return Path(server.env["TERMINPRAXIS_DATABASE"]).with_suffix(f".{server.port}.log").read_text()


def leader_among(servers, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        leading = [s for s in servers if "this process leads" in log_of(s)]
        if leading:
            assert len(leading) == 1, "two processes lead the same location"
            return leading[0]
        time.sleep(0.05)
    raise AssertionError("no process took the lead")


def calls_heard(board: BoardClient, numbers: list[str], timeout: float = 8.0) -> list[str]:
    """Every ``called`` number the board got until all of ``numbers`` arrived (or the timeout)."""
    heard: list[str] = []
    deadline = time.monotonic() + timeout
    while not set(numbers) <= set(heard) and time.monotonic() < deadline:
        try:
            name, data, _ = board.next("called", timeout=max(0.01, deadline - time.monotonic()))
        except AssertionError:
            break
        heard.append(data["number"])
    time.sleep(0.3)  # a repeat would come right behind
    while not board.messages.empty():
        name, data, _ = board.messages.get()
        if name == "called":
            heard.append(data["number"])
    return heard


def test_killed_leader_is_replaced_and_every_call_arrives_once(live_server, queue, boards, tmp_path):
    env = {"TERMINPRAXIS_MESSAGE_QUEUE": queue.url}
    servers = [live_server("run_kiosk.py", **env), live_server("run_kiosk.py", **env)]
    leader = leader_among(servers)
    standby = next(s for s in servers if s is not leader)
    board = boards(standby.url)
    desk = Desk(tmp_path / "live.db")
    try:
        before = [desk.call()[0] for _ in range(3)]
        assert calls_heard(board, before) == before  # through the leader and Redis, once each
        leader.kill()
        killed = time.monotonic()
        after = [desk.call()[0] for _ in range(3)]  # made while nobody leads yet
        heard = calls_heard(board, after)
        taken_over = time.monotonic() - killed
        assert heard == after, "every call once, in order, across the handover"
        assert "this process leads" in log_of(standby)
        print(f"\nhandover: calls made at the kill reached the board {taken_over:.2f} s after it")
    finally:
        desk.close()


@pytest.mark.parametrize("mode", ASYNC_MODES)
def test_redis_outage_loses_no_call(live_server, queue, boards, tmp_path, mode):
    env = {"TERMINPRAXIS_MESSAGE_QUEUE": queue.url, "TERMINPRAXIS_ASYNC_MODE": mode}
    servers = [live_server("run_kiosk.py", **env), live_server("run_kiosk.py", **env)]
    leader_among(servers)
    on_each = [boards(s.url) for s in servers]
    desk = Desk(tmp_path / "live.db")
    try:
        first = desk.call()[0]
        for board in on_each:
            assert calls_heard(board, [first]) == [first]
        queue.stop()
        time.sleep(0.8)  # both processes notice the queue is gone
        during = desk.call()[0]
        for board in on_each:  # each process serves its own boards from the log
            assert calls_heard(board, [during]) == [during]
        queue.start()
        time.sleep(1.0)  # listeners subscribe again; the leader publishes from where the queue stopped
        later = desk.call()[0]
        for board in on_each:  # and nobody hears the outage's call a second time
            assert calls_heard(board, [later]) == [later]
    finally:
        desk.close()


def test_board_server_without_the_database(live_server, queue, tmp_path):
    """run_display.py with no database path at all, started in an empty folder: snapshots from
    run_kiosk.py over HTTP, a call arrives on its board through Redis, and no file appears."""
    import os
    import sys

    from board_helpers import ApiDesk
    from conftest import DEMO_CONFIG, ROOT, server_env

    kiosk = live_server("run_kiosk.py", TERMINPRAXIS_MESSAGE_QUEUE=queue.url)
    leader_among([kiosk])
    desk = ApiDesk(kiosk.url, tmp_path / "live.db")
    first, _ = desk.call()
    elsewhere = tmp_path / "other-host"
    elsewhere.mkdir()
    env = {k: v for k, v in server_env(tmp_path / "unused.db").items() if k != "TERMINPRAXIS_DATABASE"}
    env.update(TERMINPRAXIS_CONFIG=str(DEMO_CONFIG), TERMINPRAXIS_MESSAGE_QUEUE=queue.url,
               TERMINPRAXIS_BOARD_UPSTREAM=kiosk.url)
    port = free_port()
    log = open(tmp_path / "display.log", "wb")
    display = subprocess.Popen([sys.executable, str(ROOT / "run_display.py"), "--port", str(port)],
                               cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT)
    board = None
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            assert display.poll() is None, (tmp_path / "display.log").read_text()
            try:
                import urllib.request

                with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                    if b'"queue":true' in response.read().replace(b" ", b""):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "run_display.py did not come up"
            time.sleep(0.1)
        board = BoardClient(url).connect()
        _, snapshot, _ = board.next("snapshot")
        assert snapshot["called"][0]["number"] == first  # from the main server
        number, _ = desk.call(language="tr")
        event, _, _ = board.until_called(number)
        assert event["room"] == "Zimmer 214" and event["language"] == "tr"
        ack = board.sio.call("heartbeat", {"seq": event["seq"]}, namespace="/board", timeout=5)
        assert ack["seq"] >= event["seq"]
        assert list(elsewhere.iterdir()) == [] and not os.path.exists(ROOT / "instance" / "unused.db")
    finally:
        if board:
            board.close()
        display.terminate()
        display.wait(10)


def test_board_upstream_needs_a_queue_and_a_board_server(tmp_path):
    from terminpraxis import create_app
    from web.config import ConfigError

    from conftest import DEMO_CONFIG

    base = {"TESTING": True, "CONFIG": str(DEMO_CONFIG), "ASYNC_MODE": "threading",
            "BOARD_UPSTREAM": "http://127.0.0.1:5000", "DATABASE": str(tmp_path / "never.db")}
    with pytest.raises(ConfigError, match="message_queue"):
        create_app(base, surfaces="board")
    with pytest.raises(ConfigError):
        create_app({**base, "MESSAGE_QUEUE": "redis://127.0.0.1:1"}, surfaces="all")
    assert not (tmp_path / "never.db").exists()
