"""Two locations in one run_kiosk.py (real SQLite file, real Socket.IO over a real port): their
numbers, queues and boards never mix, and the URLs without a location stay the first location's."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from board_helpers import DEMO_CONFIG, ApiDesk, BoardClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NORD = """
[locations.nord]
name = "Bürgerbüro Nord"
address = "Nordstraße 5, 24937 Musterstadt"

[[locations.nord.desks]]
key = "n1"
room = "Nord 1"
zone = "Nord EG"
"""


@pytest.fixture
def two_locations(tmp_path, live_server):
    config = tmp_path / "two.toml"
    config.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + NORD, encoding="utf-8")
    server = live_server(TERMINPRAXIS_CONFIG=str(config))
    boards = [BoardClient(server.url).connect(), BoardClient(server.url + "?location=nord").connect()]
    yield server, boards
    for board in boards:
        board.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def calls_within(board: BoardClient, seconds: float) -> list[dict]:
    """Every ``called`` message the board receives within ``seconds``."""
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            name, data, _ = board.next(timeout=max(0.01, deadline - time.monotonic()))
        except AssertionError:
            break
        if name == "called":
            found.append(data)
    return found


def test_two_locations_in_one_process_never_mix(two_locations, tmp_path):
    server, (board_a, board_b) = two_locations
    _, snap_a, _ = board_a.next("snapshot")
    _, snap_b, _ = board_b.next("snapshot")
    assert (snap_a["location"], snap_b["location"]) == ("rathaus", "nord")

    rathaus = ApiDesk(server.url, tmp_path / "live.db")
    nord = ApiDesk(server.url + "/standort/nord", tmp_path / "live.db", staff=())
    nord.tokens = rathaus.tokens  # one account may work at both locations
    walk_in = {"walk_in": {"service": "notfall"}}
    at_a = rathaus.post("/check-in", walk_in)["ticket"]
    at_b = nord.post("/check-in", walk_in)["ticket"]
    assert at_a["number"] == at_b["number"] == "W 001"  # numbers are per location and day
    assert at_a["id"] != at_b["id"]

    # The kiosk at nord prints a QR that leads to nord's phone page.
    _, slip = get(f"{server.url}/standort/nord/ticket/{at_b['token']}")
    assert f'data-status-url="http://127.0.0.1:{server.port}/standort/nord/t/{at_b["token"]}' in slip

    called_a = rathaus.post("/desks/214/call-next", staff="abraun")["ticket"]
    assert called_a["id"] == at_a["id"]  # not nord's ticket, though it came later in the same second
    first = board_a.until_called("W 001")[0]
    assert first["room"] == "Zimmer 214"
    assert calls_within(board_b, 0.7) == []  # rathaus's call never reaches nord's board

    # Nothing waits at rathaus any more: nord's ticket stays nord's.
    request = urllib.request.Request(server.url + "/api/v1/desks/210/call-next", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {rathaus.tokens['hkoch']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
    with pytest.raises(urllib.error.HTTPError) as refused:  # a nord desk is no desk at rathaus
        rathaus.post("/desks/n1/call-next", staff="hkoch")
    assert refused.value.code in (400, 404, 422)

    called_b = nord.post("/desks/n1/call-next", staff="hkoch")["ticket"]
    assert called_b["id"] == at_b["id"] and called_b["room"] == "Nord 1"
    # The ticket's status names nord's room even at the address without a location (an old QR).
    _, status = get(f"{server.url}/api/v1/tickets/{at_b['token']}")
    assert json.loads(status)["room"] == "Nord 1"
    second = board_b.until_called("W 001")[0]
    assert second["room"] == "Nord 1"
    assert [c["room"] for c in calls_within(board_a, 0.7)] == []  # nord's call stays at nord

    # Each location's board page, the first one's also at the old URL; an unknown location is a 404.
    status, page = get(server.url + "/standort/nord/display")
    assert status == 200 and 'data-location="nord"' in page
    status, page = get(server.url + "/display")
    assert status == 200 and 'data-location=""' in page
    assert get(server.url + "/standort/sued/display")[0] == 404
    status, body = get(server.url + "/standort/nord/api/v1/board")  # the board's JSON: only its own calls
    assert status == 200 and json.loads(body)["location"] == "nord"
    assert {c["room"] for c in json.loads(body)["called"]} == {"Nord 1"}
    status, body = get(server.url + "/api/v1/board?location=nord")  # the API's own location parameter
    assert status == 200 and json.loads(body)["location"] == "nord"
    assert {c["room"] for c in json.loads(body)["called"]} == {"Nord 1"}
    assert get(server.url + "/api/v1/board?location=sued")[0] == 404
