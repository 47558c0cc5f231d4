"""The one adapter from the event log to Socket.IO.

The domain only records events. A background task follows the event log (``events.since``) and
hands each new event, in ``seq`` order, to the handlers that surfaces registered with
``subscribe``; the handlers turn it into emits on their namespaces. Because it follows the
database, it works the same in run_kiosk.py and in a separate run_display.py process.

Message-queue mode (``TERMINPRAXIS_MESSAGE_QUEUE=redis://…``): exactly one process follows the
log and emits; Flask-SocketIO carries its emits through the queue to every server's clients.
run_display.py then sets ``RELAY_FOLLOW=false`` (it only answers snapshots from the shared
database), while run_kiosk.py follows and emits as usual. ``TERMINPRAXIS_RELAY_FOLLOW`` overrides.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import Flask, g, request

from queue_core import events
from queue_core.events import Event

from .engine import current, open_engine
from .extensions import socketio

Handler = Callable[[Event], None]
logger = logging.getLogger(__name__)


class Relay:
    def __init__(self) -> None:
        self.handlers: list[Handler] = []
        self.seq = 0
        self.running = False
        self.following = False
        self._wake = None

    def subscribe(self, handler: Handler) -> Handler:
        """Register ``handler(event)``; usable as a decorator (registering twice is a no-op)."""
        if handler not in self.handlers:
            self.handlers.append(handler)
        return handler

    def dispatch(self, batch: list[Event]) -> None:
        """Hand each event, in order, to every handler; one handler's bug stops neither the others
        nor later events."""
        for event in batch:
            for handler in self.handlers:
                try:
                    handler(event)
                except Exception:
                    logger.exception("relay: handler %r failed on event %s", handler, event.seq)
            self.seq = event.seq

    def start(self, app: Flask) -> None:
        """Follow the log from its current end, in a background task (the runners call this)."""
        if self.running:
            return
        self.running = True
        follow = app.config.get("RELAY_FOLLOW")
        self.following = True if follow is None else _truthy(follow)
        if not self.following:
            print("  Events  from the message queue (another process follows the log)", flush=True)
            return
        self._wake = socketio.server.eio.create_event()
        socketio.start_background_task(self._follow, app)

    def stop(self) -> None:
        self.running = False
        self.wake()

    def wake(self) -> None:
        """Something was committed in this process: look at the log now instead of at the next tick."""
        if self._wake is not None:
            self._wake.set()

    def _follow(self, app: Flask) -> None:
        interval = app.config["DISPLAY_FOLLOW_INTERVAL_MS"] / 1000
        engine = open_engine(app)
        self.seq = events.latest_seq(engine.db)
        while self.running:
            try:
                batch = events.since(engine.db, self.seq)
            except Exception:  # e.g. the database briefly locked: try again next tick
                app.logger.exception("relay: reading the event log failed")
                batch = []
            if batch:
                with app.app_context():
                    # Handlers reach the engine through get_engine(): lend them the relay's own
                    # connection (with the office as of now) instead of opening one per batch.
                    engine.office = current(app, engine.db)["office"]
                    g.engine = engine
                    try:
                        self.dispatch(batch)
                    finally:
                        g.pop("engine", None)  # not closed at teardown: the relay keeps it
            if len(batch) >= 1000:  # more waiting: carry on at once, yielding to other greenlets
                socketio.sleep(0)
                continue
            self._wake.wait(interval)
            self._wake.clear()


relay = Relay()


def init_app(app: Flask) -> None:
    """After any write request, wake the relay: in run_kiosk.py a call reaches the boards without
    waiting for the next look at the log (other processes still find it within the interval)."""

    @app.after_request
    def wake_relay(response):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            relay.wake()
        return response


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)
