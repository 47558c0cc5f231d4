"""GET /metrics: Prometheus text with the office's figures, no personal data, guarded access."""
from __future__ import annotations

import time
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from board_helpers import BoardClient, Desk
from conftest import MONDAY_0830, office_mapping
from test_desk_support import bearer, make_token
from queue_core.errors import IntakeClosed
from web.config import ConfigError
from web.engine import open_engine

OUTSIDE = {"REMOTE_ADDR": "192.0.2.7"}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, labels): value} parsed by the client library's own parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, frozenset(labels.items()))]


def test_figures_of_the_day(app, client, clock):
    with app.app_context():
        engine = open_engine(app)
        for _ in range(3):
            engine.walk_in("notfall")
        clock.advance(minutes=7)
        call = engine.call_next("210", "abraun")
        engine.recall(call.ticket.id, actor="abraun")
        engine.start(call.ticket.id, actor="abraun")
        clock.advance(minutes=12)
        engine.finish(call.ticket.id, actor="abraun")
        engine.db.close()
    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain; version=0.0.4")
    found = samples(response.get_data(as_text=True))
    loc = "rathaus"
    assert value(found, "terminpraxis_waiting_tickets", location=loc, service="notfall", kind="walk_in") == 2
    assert value(found, "terminpraxis_waiting_tickets", location=loc, service="erstantrag", kind="walk_in") == 0
    assert value(found, "terminpraxis_wait_seconds_count", location=loc, kind="walk_in") == 1
    assert value(found, "terminpraxis_wait_seconds_sum", location=loc, kind="walk_in") == 420
    assert value(found, "terminpraxis_wait_seconds_bucket", location=loc, kind="walk_in", le="300.0") == 0
    assert value(found, "terminpraxis_wait_seconds_bucket", location=loc, kind="walk_in", le="600.0") == 1
    assert value(found, "terminpraxis_service_seconds_sum", location=loc, service="notfall") == 720
    assert value(found, "terminpraxis_calls_today", location=loc, call="called") == 1
    assert value(found, "terminpraxis_calls_today", location=loc, call="recalled") == 1
    assert value(found, "terminpraxis_office_open", location=loc) == 1
    assert value(found, "terminpraxis_boards_connected", location=loc, zone="2. OG") == 0
    again = samples(client.get("/metrics").get_data(as_text=True))
    assert value(again, "terminpraxis_http_request_duration_seconds_count", method="GET", route="/metrics",
                 status="200") >= 1


def test_intake_stop_says_how_early(app, client, clock):
    with app.app_context():
        engine = open_engine(app)
        clock.set(MONDAY_0830 + timedelta(hours=3, minutes=15))  # 11:45, the cutoff is 30 min before 12:00
        with pytest.raises(IntakeClosed):
            engine.walk_in("notfall")
        engine.db.close()
    found = samples(client.get("/metrics").get_data(as_text=True))
    assert value(found, "terminpraxis_intake_stopped_before_close_seconds", location="rathaus",
                 reason="cutoff") == 15 * 60


def test_no_personal_data(app, client, clock):
    with app.app_context():
        engine = open_engine(app)
        booked = engine.book_appointment(service="erstantrag", starts_at=MONDAY_0830 + timedelta(minutes=30),
                                         staff="abraun", name="Zelinda Quarkmann", birth_date="1971-03-04",
                                         phone="0461 999 123", concern="Heizkosten Nachzahlung")
        ticket = engine.check_in(booked.code).ticket
        engine.walk_in("notfall", initial="Q")
        engine.db.close()
    client.get(f"/t/{ticket.token}")  # a phone page: its route is counted, never its token
    text = client.get("/metrics").get_data(as_text=True)
    for secret in ("Zelinda", "Quarkmann", "1971-03-04", "999 123", "Heizkosten", booked.code, ticket.token):
        assert secret not in text
    assert 'route="/t/<token>"' in text


def test_access_only_from_allowed_addresses_or_an_admin_token(app, client):
    refused = client.get("/metrics", environ_base=OUTSIDE)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    staff = make_token(app, "abraun")
    assert client.get("/metrics", environ_base=OUTSIDE, headers=bearer(staff)).status_code == 403
    assert client.get("/metrics", environ_base=OUTSIDE, headers=bearer("nope")).status_code == 401
    admin = make_token(app, "leitung", role="admin")
    assert client.get("/metrics", environ_base=OUTSIDE, headers=bearer(admin)).status_code == 200
    app.extensions["metrics"]["allow"] = __import__("web.metrics").metrics.allowed_networks("10.0.0.0/8, 192.0.2.7")
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200


def test_a_wrong_address_list_stops_the_start(db_path, clock):
    from terminpraxis import create_app

    with pytest.raises(ConfigError, match="metrics_allow"):
        create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                    "OFFICE": office_mapping(), "CLOCK": clock, "SECRET_KEY": "t",
                    "METRICS_ALLOW": "10.0.0.0/8, the office"})


def test_relay_lag_is_the_age_of_the_oldest_event_not_emitted(engine, clock):
    from queue_core.events import latest_seq
    from queue_core.monitoring import relay_lag

    engine.walk_in("notfall")
    handed_out = latest_seq(engine.db)
    clock.advance(seconds=30)
    engine.walk_in("notfall")
    clock.advance(seconds=5)
    engine.walk_in("notfall")
    clock.advance(seconds=2)
    lag = relay_lag(engine.db, handed_out, clock.now())
    assert (lag.pending, lag.seconds) == (2, 7.0)
    assert relay_lag(engine.db, latest_seq(engine.db), clock.now()).pending == 0


def scrape(url: str) -> dict:
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        return samples(response.read().decode())


def test_live_server_counts_its_boards_and_follows_the_log(live_server, tmp_path):
    server = live_server("run_kiosk.py")
    board = BoardClient(server.url, zone="2. OG").connect()
    house = BoardClient(server.url).connect()
    try:
        desk = Desk(tmp_path / "live.db")
        number, _ = desk.call("210", "abraun")
        board.until_called(number)
        desk.close()
        deadline = time.monotonic() + 10
        while value(found := scrape(server.url), "terminpraxis_relay_pending_events") != 0:
            assert time.monotonic() < deadline, "the relay never caught up"  # it emits within 20 ms
            time.sleep(0.05)
        assert value(found, "terminpraxis_boards_connected", location="rathaus", zone="2. OG") == 1
        assert value(found, "terminpraxis_boards_connected", location="rathaus", zone="all") == 1
        assert value(found, "terminpraxis_connected_clients", client="board") == 2
        assert value(found, "terminpraxis_relay_lag_seconds") == 0
        assert value(found, "terminpraxis_calls_today", location="rathaus", call="called") == 1
    finally:
        board.close()
        house.close()
    deadline = time.monotonic() + 10
    while value(scrape(server.url), "terminpraxis_connected_clients", client="board") != 0:
        assert time.monotonic() < deadline, "a closed board still counts as connected"
        time.sleep(0.1)
