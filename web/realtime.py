"""The one adapter from the event log to Socket.IO.

The domain only records events. A background task follows the event log (``events.since``) and
hands each new event, in ``seq`` order, to the handlers that surfaces registered with
``subscribe``; the handlers turn it into emits on their namespaces. Because it follows the
database, it works the same in run_kiosk.py and in a separate run_display.py process.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask

from queue_core import events
from queue_core.events import Event

from .engine import open_engine
from .extensions import socketio

Handler = Callable[[Event], None]


class Relay:
    def __init__(self) -> None:
        self.handlers: list[Handler] = []
        self.seq = 0
        self.running = False

    def subscribe(self, handler: Handler) -> Handler:
        """Register ``handler(event)``; usable as a decorator."""
        self.handlers.append(handler)
        return handler

    def dispatch(self, batch: list[Event]) -> None:
        for event in batch:
            for handler in self.handlers:
                handler(event)
            self.seq = event.seq

    def start(self, app: Flask) -> None:
        """Follow the log from its current end, in a background task (the runners call this)."""
        if self.running:
            return
        self.running = True
        socketio.start_background_task(self._follow, app)

    def _follow(self, app: Flask) -> None:
        interval = app.config["DISPLAY_FOLLOW_INTERVAL_MS"] / 1000
        engine = open_engine(app)
        self.seq = events.latest_seq(engine.db)
        while self.running:
            with app.app_context():
                try:
                    self.dispatch(events.since(engine.db, self.seq))
                except Exception:  # a handler's bug must not stop every board's updates
                    app.logger.exception("relay: dispatching events failed")
            socketio.sleep(interval)


relay = Relay()
