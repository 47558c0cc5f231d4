"""The /board namespace over a real port: run_kiosk.py and run_display.py as subprocesses."""
from __future__ import annotations

import os
import time

import pytest

from board_helpers import ASYNC_MODES, ApiDesk, BoardClient, Desk, assert_chained, in_async_mode

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(params=ASYNC_MODES)
def live_server(live_server, request):
    return in_async_mode(live_server, request.param)


@pytest.fixture
def desk(tmp_path):
    desks: list[Desk] = []

    def open_desk() -> Desk:
        desks.append(Desk(tmp_path / "live.db"))
        return desks[-1]

    yield open_desk
    for d in desks:
        d.close()


@pytest.fixture(scope="module", params=ASYNC_MODES)
def shared_kiosk(request, tmp_path_factory):
    """One run_kiosk.py per async mode for the tests that only call and listen: their assertions
    are relative to the board's own snapshot, so earlier tests' calls do not matter."""
    from conftest import LiveServer, server_env

    folder = tmp_path_factory.mktemp(f"board-live-{request.param}")
    server = LiveServer("run_kiosk.py", server_env(folder / "live.db", TERMINPRAXIS_ASYNC_MODE=request.param))
    server.start()
    server.desk = Desk(folder / "live.db")
    yield server
    server.desk.close()
    server.stop()


@pytest.fixture
def boards():
    clients: list[BoardClient] = []

    def open_board(url: str, **kw) -> BoardClient:
        clients.append(BoardClient(url, **kw).connect())
        return clients[-1]

    yield open_board
    for client in clients:
        client.close()


def test_snapshot_on_connect_then_events_in_seq_order(shared_kiosk, boards):
    server = shared_kiosk
    d = server.desk
    first, _ = d.call("210", "abraun")
    board = boards(server.url)
    _, snapshot, _ = board.next("snapshot")
    assert snapshot["called"][0]["number"] == first and snapshot["called"][0]["room"] == "Zimmer 210"
    assert snapshot["seq"] >= 3 and set(snapshot["waiting"]) == {"appointment", "walk_in"}

    numbers = [d.call("214", "hkoch")[0] for _ in range(3)]
    seen = []
    for number in numbers:
        _, _, messages = board.until_called(number)
        seen += messages
    # the page ignores what its snapshot already holds (the relay may still be catching up);
    # past it, every message names the one before: nothing lost, nothing out of order
    seen = assert_chained(seen, snapshot["seq"])
    assert [data["number"] for name, data in seen if name == "called"] == numbers
    _, last, _ = board.next("update")  # the counts follow the calls, as of the newest event
    assert last["seq"] >= seen[-1][1]["seq"] and set(last["waiting"]) == {"appointment", "walk_in"}


def test_snapshot_on_request_after_a_gap(shared_kiosk, boards):
    server = shared_kiosk
    board = boards(server.url)
    _, first, _ = board.next("snapshot")
    number, _ = server.desk.call()
    board.until_called(number)
    board.sio.emit("snapshot", namespace="/board")  # what the page does when a seq is missing
    _, again, _ = board.next("snapshot")
    assert again["seq"] > first["seq"]
    assert again["called"][0]["number"] == number


def test_zone_board_gets_only_its_calls_in_an_unbroken_chain(shared_kiosk, boards):
    server = shared_kiosk
    board = boards(server.url, zone="2. OG Flur B")
    _, snapshot, _ = board.next("snapshot")
    assert snapshot["zone"] == "2. OG Flur B"
    d = server.desk
    elsewhere, _ = d.call("210", "abraun")   # zone "2. OG"
    here, _ = d.call("216", "hkoch")         # zone "2. OG Flur B"
    _, _, seen = board.until_called(here)
    seen = assert_chained(seen, snapshot["seq"])
    assert [data["number"] for name, data in seen if name == "called"] == [here]
    assert elsewhere not in str(seen)


def test_board_recovers_after_the_server_is_killed_and_restarted(live_server, desk, boards):
    server = live_server("run_kiosk.py")
    number, _ = desk().call()
    board = boards(server.url)
    _, before, _ = board.next("snapshot")
    server.kill()
    deadline = time.monotonic() + 5
    while board.sio.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not board.sio.connected
    server.start()
    _, after, _ = board.next("snapshot", timeout=15)  # the client reconnects by itself
    assert after["seq"] == before["seq"]
    assert after["called"] == before["called"] and after["called"][0]["number"] == number
    later, _ = desk().call("211", "pschulz")
    board.until_called(later)


def kiosk_db(server):
    from pathlib import Path

    return Path(server.env["TERMINPRAXIS_DATABASE"])


def _follow(live_server, desk, boards, **env):
    kiosk = live_server("run_kiosk.py", **env)
    display = live_server("run_display.py", **env)
    kiosk_board, display_board = boards(kiosk.url), boards(display.url)
    _, snap_k, _ = kiosk_board.next("snapshot")
    _, snap_d, _ = display_board.next("snapshot")
    assert snap_d == {**snap_k, "server_time": snap_d["server_time"]}
    d = ApiDesk(kiosk.url, kiosk_db(kiosk))  # the call is made in run_kiosk.py, through its API
    latencies = []
    for _ in range(5):
        number, committed = d.call(language="uk")
        event, arrived, _ = display_board.until_called(number)
        assert event["room"] == "Zimmer 214" and event["language"] == "uk"
        latencies.append((arrived - committed) * 1000)
        kiosk_event, _, _ = kiosk_board.until_called(number)
        assert kiosk_event["seq"] == event["seq"]
    return latencies, kiosk, display, display_board, d


def test_run_display_follows_the_database(live_server, desk, boards):
    latencies, *_ = _follow(live_server, desk, boards)
    print(f"\nrun_display.py follow mode: call → board {max(latencies):.0f} ms max of {len(latencies)}")
    assert max(latencies) < 500


@pytest.mark.skipif(not os.environ.get("TERMINPRAXIS_TEST_REDIS_URL"), reason="needs TERMINPRAXIS_TEST_REDIS_URL (make test)")
def test_run_display_through_the_message_queue(live_server, desk, boards, tmp_path):
    url = os.environ["TERMINPRAXIS_TEST_REDIS_URL"]
    import redis

    redis.Redis.from_url(url).flushdb()
    latencies, kiosk, display, board, d = _follow(live_server, desk, boards, TERMINPRAXIS_MESSAGE_QUEUE=url)
    print(f"\nrun_display.py message-queue mode: call → board {max(latencies):.0f} ms max of {len(latencies)}")
    assert max(latencies) < 500
    assert "from the message queue" in (tmp_path / f"live.{display.port}.log").read_text()
    assert "this process leads rathaus" in (tmp_path / f"live.{kiosk.port}.log").read_text()
    # Only run_kiosk.py leads: without it, run_display.py's boards hear nothing ...
    kiosk.stop()
    unheard, _ = desk().call("211", "pschulz")  # straight into the database: nobody follows it now
    with pytest.raises(AssertionError):
        board.next("called", timeout=0.6)
    # ... and the next leader goes on from the lease's seq: the call made meanwhile is not lost.
    kiosk.start()
    board.until_called(unheard, timeout=10)
    heard, _ = d.call("216", "hkoch")
    board.until_called(heard)
