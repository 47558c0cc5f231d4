"""Socket.IO namespace /ticket: one visitor's status, by the unguessable token.

A client connects with ``auth={"token": ...}`` (or ``?token=``); it joins the room named by the
token and gets ``status`` at once. A call reaches the called visitor's phone the moment the relay
reads it; then one pass over the line (queue_core/line_status.py) sends every followed ticket
whose public status changed (positions move when others are called, too). Each ``status``
carries ``seq``, the log position it is current as of; the page ignores one older than it has.
"""
from __future__ import annotations

import threading
from collections import Counter

from flask import request
from flask_socketio import join_room

from queue_core import events, line_status
from queue_core.errors import NotFound
from queue_core.events import Event
from web.engine import engine_of_ticket, get_engine
from web.extensions import socketio
from web.queue import RelayQueue
from web.realtime import relay

from .common import WAITING_STATES, ticket_status

NAMESPACE = "/ticket"
TOKEN_MAX = 64

_lock = threading.Lock()
_followers: Counter[str] = Counter()  # token → connected clients (this process)
_token_of: dict[str, str] = {}  # sid → token
_last_sent: dict[str, tuple[int, dict]] = {}  # token → (seq, status) last pushed
_touched: set[int] = set()  # tickets whose events came since the last pass
CALL_KINDS = ("called", "recalled")
LINE_INTERVAL_S = 0.5  # the line's positions and estimates: at most twice a second
YIELD_S = 0.0005


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
    seq = events.latest_seq(engine.db)
    status = ticket_status(engine_of_ticket(ticket), ticket)  # with its own location's office
    join_room(token)
    with _lock:
        _followers[token] += 1
        _token_of[request.sid] = token
        if token not in _last_sent or _last_sent[token][0] <= seq:
            _last_sent[token] = (seq, status)
    socketio.emit("status", {**status, "seq": seq}, namespace=NAMESPACE, to=request.sid)
    return True


@socketio.on("status", namespace=NAMESPACE)
def resend(_data=None):
    """The page may ask again (e.g. after waking up); it gets the current status."""
    token = _token_of.get(request.sid)
    if token is None:
        return
    engine = get_engine()
    try:
        seq = events.latest_seq(engine.db)
        ticket = engine.ticket_by_token(token)
        socketio.emit("status", {**ticket_status(engine_of_ticket(ticket), ticket), "seq": seq},
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
                if not _whole_line():
                    _last_sent.pop(token, None)


@relay.subscribe
def push_status(event: Event) -> None:
    """Runs in the relay's app context for every new event, in seq order: a call reaches the
    called visitor's phone at once; everyone's positions follow in one coalesced pass."""
    if event.ticket_id is None and not event.kind.startswith("desk"):
        return
    if event.ticket_id is not None and _whole_line():
        with _lock:
            _touched.add(event.ticket_id)
    if event.kind in CALL_KINDS and event.ticket_id is not None:
        engine = get_engine()
        try:
            ticket = engine.ticket(event.ticket_id)
        except NotFound:
            ticket = None
        if ticket is not None and (_whole_line() or ticket.token in _followers):
            _send(ticket.token, ticket_status(engine, ticket), event.seq)
    if _whole_line() or _followers:
        relay.later(push_line, LINE_INTERVAL_S)


def push_line(seq: int) -> None:
    """The public status of every followed ticket, as of ``seq``, in one pass; only changes are sent.

    With a message queue the followers are spread over processes, so the leader passes over the
    whole line and the queue carries each status to the process that holds its phone.
    """
    with _lock:
        touched, tokens = set(_touched), list(_followers)
        _touched.clear()
    whole = _whole_line()
    if not whole and not tokens:
        return
    followed = [] if whole else line_status.followed(get_engine(), tokens)
    for office in relay.each_location():  # each ticket's outlook with its own location's office
        engine = get_engine()
        tickets = line_status.whole_line(engine, touched) if whole else followed
        here = [ticket for ticket in tickets if ticket.location == office.location]
        for ticket, estimate in line_status.outlooks(engine, here):
            _send(ticket.token, ticket_status(engine, ticket, estimate), seq)
            if ticket.state not in WAITING_STATES and ticket.token not in _followers:
                _last_sent.pop(ticket.token, None)  # it left the line: nothing more to follow here
            # A call that arrives now goes out before the rest of the line. Not sleep(0): gevent does
            # not poll the network for it, so the caseworker's request would wait for the whole pass.
            socketio.sleep(YIELD_S)


def _send(token: str, status: dict, seq: int) -> None:
    """Emit ``status`` (as of ``seq``) unless it is what the phone has, or older than what it has."""
    with _lock:
        last = _last_sent.get(token)
        if last is not None and (last[0] > seq or last[1] == status):
            return
        _last_sent[token] = (seq, status)
    socketio.emit("status", {**status, "seq": seq}, namespace=NAMESPACE, to=token)


def _whole_line() -> bool:
    """With a message queue this process cannot see the phones of the others."""
    return isinstance(socketio.server.manager, RelayQueue)


@relay.on_reset
def _forget(_seq: int) -> None:
    """A new chain (new leader, queue back): send every status again rather than trust old records."""
    with _lock:
        _last_sent.clear()
