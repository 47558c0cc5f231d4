"""The /desk namespace: staff-only connections, live updates, and the two-colleagues race."""
from __future__ import annotations

import threading

from queue_core import events
from web.extensions import socketio
from web.realtime import relay

from test_desk_support import make_staff, sign_in


def desk_socket(app, client):
    return socketio.test_client(app, namespace="/desk", flask_test_client=client)


def received(socket, name):
    return [m["args"][0] for m in socket.get_received("/desk") if m["name"] == name]


def follow(app, engine, after: int) -> None:
    """What the relay's background task does in the real runner: hand new events to the handlers."""
    with app.app_context():
        relay.dispatch(events.since(engine.db, after))


def test_anonymous_socket_is_refused(app, client):
    socket = desk_socket(app, client)
    assert not socket.is_connected("/desk")


def test_bearer_header_does_not_open_the_socket(app):
    socket = socketio.test_client(app, namespace="/desk", headers={"Authorization": "Bearer x"},
                                  flask_test_client=app.test_client())
    assert not socket.is_connected("/desk")


def test_staff_socket_gets_snapshot_and_live_updates(app, client, engine):
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    socket = desk_socket(app, client)
    assert socket.is_connected("/desk")
    snapshot = received(socket, "snapshot")
    assert snapshot and snapshot[0]["seq"] == events.latest_seq(engine.db)
    start = snapshot[0]["seq"]
    walk_in = engine.walk_in("notfall").ticket  # a check-in at the kiosk
    client.post("/api/v1/desks/210/call-next", headers={"X-CSRFToken": token})
    client.get(f"/api/v1/desks/210/state")
    follow(app, engine, start)
    updates = received(socket, "update")
    kinds = [u["event"] for u in updates]
    assert "called" in kinds and "personal_data_read" not in kinds
    assert [u["seq"] for u in updates] == sorted(u["seq"] for u in updates)
    called = updates[kinds.index("called")]
    assert called["ticket_id"] == walk_in.id and called["desk"] == "210" and called["data"]["number"]
    socket.emit("snapshot", namespace="/desk")
    assert received(socket, "snapshot")[0]["seq"] == events.latest_seq(engine.db)
    socket.disconnect(namespace="/desk")


def test_socket_events_refuse_after_sign_out(app, client):
    make_staff(app, "abraun")
    token = sign_in(client, "abraun")
    socket = desk_socket(app, client)
    received(socket, "snapshot")
    client.post("/desk/logout", data={"csrf_token": token})
    # the socket keeps the session it connected with; a fresh one is refused
    assert not desk_socket(app, client).is_connected("/desk")


def race(app, calls):
    """Run the calls (each (client, desk, token)) at the same instant; return their statuses."""
    barrier = threading.Barrier(len(calls))
    statuses = [None] * len(calls)

    def run(index, client, desk, token):
        barrier.wait()
        statuses[index] = client.post(f"/api/v1/desks/{desk}/call-next",
                                      headers={"X-CSRFToken": token}).status_code

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return statuses


def test_two_colleagues_pressing_at_once_never_call_the_same_person(app, engine):
    make_staff(app, "abraun")
    make_staff(app, "hkoch")
    anna, hakan = app.test_client(), app.test_client()
    anna_token, hakan_token = sign_in(anna, "abraun", "210"), sign_in(hakan, "hkoch", "211")
    watcher = desk_socket(app, anna)
    start = received(watcher, "snapshot")[0]["seq"]
    for round_ in range(5):
        ticket = engine.walk_in("notfall").ticket  # one visitor both may take
        statuses = race(app, [(anna, "210", anna_token), (hakan, "211", hakan_token)])
        assert sorted(statuses) == [200, 204], statuses
        row = engine.db.execute("SELECT state, desk FROM tickets WHERE id = ?", (ticket.id,)).fetchone()
        assert row[0] == "called"
        # whoever got them finishes, so both desks are free for the next round
        engine.finish(ticket.id)
    called = engine.db.execute("SELECT COUNT(*) FROM events WHERE kind = 'called'").fetchone()[0]
    assert called == 5
    follow(app, engine, start)
    live = [u for u in received(watcher, "update") if u["event"] == "called"]
    assert len(live) == 5 and len({u["ticket_id"] for u in live}) == 5


def test_double_click_calls_once(app, engine):
    make_staff(app, "abraun")
    anna = app.test_client()
    token = sign_in(anna, "abraun", "210")
    engine.walk_in("notfall")
    engine.walk_in("notfall")
    statuses = race(app, [(anna, "210", token), (anna, "210", token)])
    assert sorted(statuses) == [200, 409]
    assert engine.db.execute("SELECT COUNT(*) FROM tickets WHERE state = 'called'").fetchone()[0] == 1
