"""A full line on the phones: 300 tickets followed over a real port, one call, every position right."""
from __future__ import annotations

import time

import pytest

from board_helpers import DEMO_CONFIG

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LINE = 300


def big_office(folder):
    """The demo office with a one-minute service and six caseworkers for it: 300 walk-ins fit into
    the day until late evening (the capacity check refuses walk-ins the day cannot serve)."""
    import tomllib

    from queue_core import Office

    extra = "".join(f'\n[[staff]]\nusername = "aushilfe{i}"\nname = "Aushilfe {i}"\nservices = ["unterlagen"]\n'
                    for i in range(3))
    path = folder / "big-office.toml"
    text = DEMO_CONFIG.read_text().replace('prefix = "U"\nminutes = 5', 'prefix = "U"\nminutes = 1')
    assert "minutes = 1" in text
    path.write_text(text + extra)
    with path.open("rb") as handle:
        return path, Office.from_mapping(tomllib.load(handle))


def test_every_phone_of_a_300_ticket_line_shows_its_new_position(live_server, tmp_path):
    from bench.wsclient import Swarm
    from queue_core import Engine, SystemClock, connect, events

    config, office = big_office(tmp_path)
    server = live_server("run_kiosk.py", TERMINPRAXIS_CONFIG=str(config))
    engine = Engine(connect(tmp_path / "live.db"), office, SystemClock())
    try:
        tickets = [engine.walk_in("unterlagen").ticket for _ in range(LINE)]
        latest: dict[str, dict] = {}

        def on_status(conn, name, data, at):
            if name == "status":
                latest[data["number"]] = data

        phones = Swarm("127.0.0.1", server.port, namespace="/ticket")
        phones.open(LINE, on_status, batch=100, queries=[f"token={t.token}" for t in tickets])
        deadline = time.monotonic() + 20
        while len(latest) < LINE and time.monotonic() < deadline:
            phones.poll(on_status, 0.05)
        assert len(latest) == LINE and latest[tickets[-1].number]["position"] == LINE

        call = engine.call_next("214", "abraun")
        called_seq = events.latest_seq(engine.db)
        expected = {t.number: engine.outlook(engine.ticket(t.id)).position
                    for t in tickets if t.id != call.ticket.id}

        def settled() -> bool:
            return latest[call.ticket.number]["state"] == "called" and all(
                latest[n]["position"] == p and latest[n]["seq"] >= called_seq for n, p in expected.items())

        deadline = time.monotonic() + 20
        while not settled() and time.monotonic() < deadline:
            phones.poll(on_status, 0.05)
        wrong = {n: (latest[n]["position"], p) for n, p in expected.items() if latest[n]["position"] != p}
        assert not wrong, f"{len(wrong)} phones show a wrong position, e.g. {list(wrong.items())[:3]}"
        assert latest[call.ticket.number]["state"] == "called" and latest[call.ticket.number]["room"] == "Zimmer 214"
        assert sorted(expected.values()) == list(range(1, LINE))  # everyone moved up by one
        phones.close()
    finally:
        engine.db.close()
