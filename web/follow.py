"""How a process follows the event log: alone, or as leader/standby on a message queue.

Alone (no queue): read the log from its end and hand every event to the relay's handlers.

With a queue, per location:
- The leader holds the lease (queue_core/lease.py), reads the log from the lease's ``seq`` and
  emits; the emits reach every process through Redis. After each event that went out it moves
  ``seq`` on, and it records it with each renewal, so a standby taking over starts right after the
  last event published: none skipped (calls published twice are dropped on arrival, web/queue.py).
- A standby only renews its hope: it takes the lease when it runs out (at most ``LEASE_TTL_S`` +
  ``RENEW_S`` after the leader died).
- Queue down (a publish failed, or this process is not subscribed): every process follows the log
  itself and emits to its own clients only. The leader keeps ``seq`` where the queue stopped and
  publishes again from there once the queue is back, so the other processes' clients miss nothing.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import time

from flask import Flask, g

from queue_core import events, lease
from queue_core.events import Event

from .config import settings
from .engine import connection, current, open_engine
from .realtime import engine_at_first
from .extensions import socketio
from .queue import RelayQueue

LEASE_TTL_S = 1.0
RENEW_S = 0.25
LOCAL_MIN_S = 1.0  # once the queue failed, serve from the log at least this long before trying it again
logger = logging.getLogger(__name__)


def run(relay, app: Flask) -> None:
    """The relay's background task."""
    manager = socketio.server.manager
    if settings(app).board_upstream:  # no database: events only through the queue
        listen(manager)
        relay.role = "upstream"
        print(f"  Events  from the message queue; snapshots from {settings(app).board_upstream}", flush=True)
    elif isinstance(manager, RelayQueue):
        Follower(relay, app, manager).loop()
    else:
        single(relay, app)


def listen(manager) -> None:
    """Subscribe to the queue now, not when the first client connects (python-socketio's default)."""
    server = socketio.server
    if not server.manager_initialized:
        server.manager_initialized = True
        manager.initialize()


def _dispatch(relay, app: Flask, engine, batch: list[Event], stop_on_failure: RelayQueue | None = None) -> int:
    """Hand ``batch`` to the handlers with the relay's connection lent; returns the last seq handed
    out (with ``stop_on_failure``: the last one whose emits reached the queue)."""
    done = relay.seq
    with app.app_context():
        # Handlers reach the engine through get_engine(): lend them the relay's own connection
        # (with the office as of now) instead of opening one per batch.
        g.engine = engine_at_first(app, engine)
        try:
            for event in batch:
                relay.dispatch_one(event)
                if stop_on_failure is not None and stop_on_failure.failed:
                    break
                done = event.seq
        finally:
            g.pop("engine", None)  # not closed at teardown: the relay keeps it
    return done


def _read(app: Flask, engine, seq: int) -> list[Event]:
    try:
        return events.since(engine.db, seq)
    except Exception:  # e.g. the database briefly locked: try again next tick
        app.logger.exception("relay: reading the event log failed")
        return []


def _pause(relay, interval: float, batch: list[Event]) -> None:
    if len(batch) >= 1000:  # more waiting: carry on at once, yielding to other greenlets
        socketio.sleep(0)
        return
    relay._wake.wait(interval)
    relay._wake.clear()


def single(relay, app: Flask) -> None:
    """No queue: this process alone follows the log (unless RELAY_FOLLOW says no)."""
    from .realtime import truthy

    follow = settings(app).relay_follow
    if follow is not None and not truthy(follow):
        relay.role = "off"
        return
    interval = settings(app).display_follow_interval_ms / 1000
    engine = open_engine(app)
    relay.seq = events.latest_seq(engine.db)
    relay.role = "single"
    reset(relay, relay.seq)
    while relay.running:
        batch = _read(app, engine, relay.seq)
        if batch:
            _dispatch(relay, app, engine, batch)
        _pause(relay, interval, batch)


def reset(relay, seq: int) -> None:
    """A new chain of messages starts at ``seq`` (start, new leader, queue down or back)."""
    for hook in relay.resets:
        try:
            hook(seq)
        except Exception:
            logger.exception("relay: reset hook %r failed", hook)


class Follower:
    """Leader or standby of one location on a message queue (see the module's docstring)."""

    def __init__(self, relay, app: Flask, queue: RelayQueue):
        from .realtime import truthy

        self.relay, self.app, self.queue = relay, app, queue
        follow = settings(app).relay_follow
        self.may_lead = follow is None or truthy(follow)
        self.interval = settings(app).display_follow_interval_ms / 1000
        self.engine = open_engine(app)
        # The lease's own connection: its renewals need no fsync (a lost renewal only repeats events).
        self.lease_db = connection(app, "NORMAL")
        lease.ensure_table(self.lease_db)
        self.location = current(app, self.engine.db)["office"].location
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.leading = False
        self.held_until = 0.0
        self.next_lease = 0.0
        self.published = 0
        self.local = False
        self.local_since = 0.0

    def loop(self) -> None:
        listen(self.queue)
        self.relay.role = "standby"
        deadline = time.monotonic() + 2  # give the listener its first subscription before judging the queue
        while not self.queue.subscribed and time.monotonic() < deadline:
            socketio.sleep(0.02)
        if not self.may_lead:
            print("  Events  from the message queue (a run_kiosk.py leads; this process stands by)", flush=True)
        try:
            while self.relay.running:
                self._tend_lease()
                batch = self._step()
                _pause(self.relay, self.interval, batch)
        finally:
            if self.leading:
                lease.release(self.lease_db, self.location, self.holder)

    def _tend_lease(self) -> None:
        now = time.time()
        if not self.may_lead or now < self.next_lease:
            return
        self.next_lease = now + RENEW_S
        try:
            if self.leading:
                if lease.renew(self.lease_db, self.location, self.holder, now, LEASE_TTL_S, self.published):
                    self.held_until = now + LEASE_TTL_S
                    return
                self.leading = False
                self.app.logger.warning("relay: lease of %s lost; standing by", self.location)
            found = lease.current(self.lease_db, self.location)
            if found is not None and found.holder != self.holder and found.expires > now:
                return
            got = lease.acquire(self.lease_db, self.location, self.holder, now, LEASE_TTL_S,
                                events.latest_seq(self.engine.db))
        except Exception:
            self.app.logger.exception("relay: lease of %s could not be tended", self.location)
            return
        if got is not None:
            self.leading, self.held_until, self.published = True, now + LEASE_TTL_S, got.seq
            self.relay.seq = got.seq
            reset(self.relay, got.seq)
            print(f"  Events  this process leads {self.location} from seq {got.seq}", flush=True)

    def _healthy(self) -> bool:
        if self.local:  # try the queue again once it is heard, but not more than once a second
            return self.queue.healthy() and time.monotonic() - self.local_since > LOCAL_MIN_S
        return self.queue.healthy() and not self.queue.failed

    def _step(self) -> list[Event]:
        leading = self.leading and time.time() < self.held_until - RENEW_S / 2
        if self._healthy():
            if self.local:
                self._leave_local(leading)
            if not leading:
                self.relay.role = "standby"
                return []
            self.relay.role = "leader"
            batch = _read(self.app, self.engine, self.relay.seq)
            if batch:
                self.published = _dispatch(self.relay, self.app, self.engine, batch, stop_on_failure=self.queue)
                self._record()
            return batch
        if not self.local:
            self._enter_local()
        batch = _read(self.app, self.engine, self.relay.seq)
        if batch:
            _dispatch(self.relay, self.app, self.engine, batch)
        return batch

    def _record(self) -> None:
        """Write the published position at once: a standby must not repeat more than it has to."""
        try:
            if lease.renew(self.lease_db, self.location, self.holder, time.time(), LEASE_TTL_S, self.published):
                self.held_until = time.time() + LEASE_TTL_S
        except Exception:
            self.app.logger.exception("relay: recording the published position failed")

    def _enter_local(self) -> None:
        """The queue is down: serve this process's own clients from the log."""
        self.local = True
        self.local_since = time.monotonic()
        self.queue.local_only = True
        if self.leading:
            start = self.published
        else:
            found = lease.current(self.lease_db, self.location)
            start = found.seq if found else events.latest_seq(self.engine.db)
        self.relay.seq = start
        self.relay.role = "local"
        reset(self.relay, start)
        self.app.logger.warning("relay: message queue down; serving local clients from seq %s", start)

    def _leave_local(self, leading: bool) -> None:
        """The queue is back: the leader publishes again from where the queue stopped; a standby
        first hands its own clients what the log holds now (the leader's repeats are dropped)."""
        if not leading:
            batch = _read(self.app, self.engine, self.relay.seq)
            if batch:
                _dispatch(self.relay, self.app, self.engine, batch)
        self.local = False
        self.queue.local_only = False
        self.queue.failed = False
        if leading:
            self.relay.seq = self.published
            reset(self.relay, self.published)
        self.app.logger.warning("relay: message queue back")
