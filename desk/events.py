"""Socket.IO namespace /desk: live updates for signed-in staff.

A connection needs a staff session (the desk page's cookie); others are refused. On connect the
server sends ``snapshot`` ({seq}); then every event of the log arrives as ``update`` in seq order
({seq, event, ticket_id, appointment_id, desk, actor, data}: numbers, services, desks — no names).
The page re-reads its state (GET /api/v1/desks/<desk>/state) on each update, and on a seq gap.
"""
from __future__ import annotations

import functools

from flask import request
from flask_socketio import disconnect, join_room

from queue_core import events
from queue_core.events import Event
from queue_core.states import EventKind
from web.auth import DESK_NAMESPACE, current_user, has_role, staff_room
from web.engine import get_engine
from web.extensions import socketio
from web.realtime import relay

NAMESPACE = DESK_NAMESPACE
# Events that are about reading, not about the queue: not pushed.
QUIET_KINDS = {EventKind.PERSONAL_DATA_READ}


def staff_only(handler):
    """Every /desk event refuses a caller without a staff session (and drops the connection)."""
    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        if not has_role(current_user(), "staff"):
            disconnect()
            return {"error": {"code": "unauthorized", "message": "sign in first"}}
        return handler(*args, **kwargs)
    return wrapper


def snapshot() -> dict:
    return {"seq": events.latest_seq(get_engine().db)}


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth=None):
    if request.headers.get("Authorization"):
        return False  # bearer tokens are for the HTTP API; the desk socket uses the session
    user = current_user()
    if not has_role(user, "staff"):
        return False
    join_room(staff_room(user))  # so ending the account's sessions closes this socket
    socketio.emit("snapshot", snapshot(), namespace=NAMESPACE, to=request.sid)
    return True


@socketio.on("snapshot", namespace=NAMESPACE)
@staff_only
def resend_snapshot(_data=None):
    socketio.emit("snapshot", snapshot(), namespace=NAMESPACE, to=request.sid)


def update_payload(event: Event) -> dict:
    return {"seq": event.seq, "event": event.kind, "ticket_id": event.ticket_id,
            "appointment_id": event.appointment_id, "desk": event.desk, "actor": event.actor,
            "data": event.data}


@relay.subscribe
def forward(event: Event) -> None:
    if event.kind in QUIET_KINDS:
        return
    socketio.emit("update", update_payload(event), namespace=NAMESPACE)
