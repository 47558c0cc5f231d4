"""Device health reports in the shared database: stored per device, aged out, bad input refused."""
from __future__ import annotations


from queue_core import devices


def test_reports_are_kept_per_device_and_age_out(engine, clock):
    devices.report(engine.db, clock.now(), "board-aaaa", "board", zone="2. OG", sound="yes", speech="no")
    devices.report(engine.db, clock.now(), "board-aaaa", "board", zone="2. OG", sound="blocked", speech="yes")
    found = devices.listing(engine.db, clock.now())
    assert [(d["id"], d["sound"], d["speech"], d["silent"]) for d in found] == [("board-aaaa", "blocked", "yes", False)]
    clock.advance(minutes=10)
    assert devices.listing(engine.db, clock.now())[0]["silent"]  # not heard from: marked
    clock.advance(seconds=devices.KEEP.total_seconds())
    devices.report(engine.db, clock.now(), "kiosk-bbbb", "kiosk", language="ar")
    assert [d["id"] for d in devices.listing(engine.db, clock.now())] == ["kiosk-bbbb"]  # the old one is gone


def test_device_api_refuses_bad_reports_with_json(client):
    good = {"id": "kiosk-abcd", "kind": "kiosk", "language": "de", "sound": "unknown"}
    assert client.post("/api/v1/devices", json=good).json == {"ok": True}
    for bad in ({**good, "id": "x"}, {**good, "kind": "toaster"}, {**good, "sound": "loud"},
                {**good, "zone": ["a"]}, {**good, "kind": "printer"}):
        answer = client.post("/api/v1/devices", json=bad)
        assert answer.status_code in (400, 422) and answer.json["error"]["code"], bad
    assert client.post("/api/v1/devices", data="nope").status_code == 400
