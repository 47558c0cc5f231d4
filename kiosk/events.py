"""Socket.IO namespace /ticket: one visitor's status, by the unguessable token.

A client connects with ``auth={"token": ...}`` (or ``?token=``); it joins the room named by the
token and gets ``status`` at once. Whenever the event log moves, every followed ticket whose
public status changed gets a new ``status`` (positions move when others are called, too).
"""
from __future__ import annotations

import threading
from collections import Counter

from flask import request
from flask_socketio import join_room

from queue_core.errors import NotFound
from queue_core.events import Event
from web.engine import get_engine
from web.extensions import socketio
from web.realtime import relay

from .common import ticket_status

NAMESPACE = "/ticket"
TOKEN_MAX = 64

_lock = threading.Lock()
_followers: Counter[str] = Counter()  # token → connected clients (this process)
_token_of: dict[str, str] = {}  # sid → token
_last_sent: dict[str, dict] = {}  # token → last status pushed by the relay


def _token(auth) -> str | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    token = token or request.args.get("token")
    if not isinstance(token, str) or not 0 < len(token) <= TOKEN_MAX:
        return None
    return token


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth=None):
    token = _token(auth)
    if token is None:
        return False
    engine = get_engine()
    try:
        ticket = engine.ticket_by_token(token)
    except NotFound:
        return False
    status = ticket_status(engine, ticket)
    join_room(token)
    with _lock:
        _followers[token] += 1
        _token_of[request.sid] = token
        _last_sent[token] = status
    socketio.emit("status", status, namespace=NAMESPACE, to=request.sid)
    return True


@socketio.on("status", namespace=NAMESPACE)
def resend(_data=None):
    """The page may ask again (e.g. after waking up); it gets the current status."""
    token = _token_of.get(request.sid)
    if token is None:
        return
    engine = get_engine()
    try:
        socketio.emit("status", ticket_status(engine, engine.ticket_by_token(token)),
                      namespace=NAMESPACE, to=request.sid)
    except NotFound:
        pass


@socketio.on("disconnect", namespace=NAMESPACE)
def disconnect(*_args):
    with _lock:
        token = _token_of.pop(request.sid, None)
        if token is not None:
            _followers[token] -= 1
            if _followers[token] <= 0:
                del _followers[token]
                _last_sent.pop(token, None)


@relay.subscribe
def push_status(event: Event) -> None:
    """Runs in the relay's app context for every new event, in seq order."""
    with _lock:
        tokens = list(_followers)
    if not tokens or (event.ticket_id is None and not event.kind.startswith("desk")):
        return
    engine = get_engine()
    for token in tokens:
        try:
            status = ticket_status(engine, engine.ticket_by_token(token))
        except NotFound:
            continue
        if _last_sent.get(token) == status:
            continue
        _last_sent[token] = status
        socketio.emit("status", status, namespace=NAMESPACE, to=token)
