"""The one adapter from the event log to Socket.IO.

The domain only records events. A background task follows the event log (web/follow.py) and
hands each new event, in ``seq`` order, to the handlers that surfaces registered with
``subscribe``. Handlers do only what must be immediate (a call reaches the boards and the called
visitor's phone at once) and ask for slower work with ``later``: positions, estimates and counts
are computed after the event's immediate messages went out, coalesced to a few runs per second,
and each run says the ``seq`` it is current as of.

Message-queue mode (``TERMINPRAXIS_MESSAGE_QUEUE=redis://…``): the run_kiosk.py processes of a
location elect one leader through a lease in the shared database (queue_core/lease.py); only
the leader dispatches and its emits reach every process's clients through the queue. While the
queue is down, every process with the database serves its own clients from the log.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from flask import Flask, current_app, g, request

from queue_core.events import Event
from queue_core.office import Office

from .engine import engine_at, get_engine, open_engine, registry
from .extensions import socketio

Handler = Callable[[Event], None]
Job = Callable[[int], None]  # job(seq): slow work, current as of the log position seq
logger = logging.getLogger(__name__)


@dataclass
class Later:
    """A coalesced job: however often it is asked for, it runs at most once per ``interval``."""

    job: Job
    interval: float
    pending: bool = False
    last_end: float = 0.0
    wake: Any = None


@dataclass
class Relay:
    handlers: list[Handler] = field(default_factory=list)
    seq: int = 0  # the last event handed to the handlers
    running: bool = False
    role: str = "off"  # off | single | leader | standby | local (queue down) | upstream; a standby runs no jobs
    jobs: dict[Job, Later] = field(default_factory=dict)
    resets: list[Callable[[int], None]] = field(default_factory=list)
    _wake: Any = None
    _app: Flask | None = None

    def subscribe(self, handler: Handler) -> Handler:
        """Register ``handler(event)``; usable as a decorator (registering twice is a no-op)."""
        if handler not in self.handlers:
            self.handlers.append(handler)
        return handler

    def on_reset(self, hook: Callable[[int], None]) -> Callable[[int], None]:
        """Register ``hook(seq)``: called when a new chain of messages starts at ``seq`` (a process
        starts following, becomes leader, or the queue goes down or comes back)."""
        if hook not in self.resets:
            self.resets.append(hook)
        return hook

    def later(self, job: Job, interval: float = 0.25) -> None:
        """Run ``job(seq)`` soon, after this batch's immediate messages; at most once per ``interval``."""
        entry = self.jobs.setdefault(job, Later(job, interval))
        entry.pending = True
        if self.running and entry.wake is None:
            self._start_job(entry)
        elif entry.wake is not None:
            entry.wake.set()

    def dispatch(self, batch: list[Event]) -> None:
        """Hand each event, in order, to every handler; one handler's bug stops neither the others
        nor later events. Without the background task (tests, tools) the jobs run right after."""
        for event in batch:
            self.dispatch_one(event)
        if not self.running:
            self.run_pending()

    def dispatch_one(self, event: Event) -> None:
        """Each handler runs with the engine of the event's location (``get_engine().office`` is its
        office), so a call at one location is read and emitted with that location's desks and rooms."""
        shared = get_engine()  # the relay's lent connection, or this context's own
        g.engine, g.location = self._engine_for(shared, event.location), event.location
        try:
            for handler in self.handlers:
                try:
                    handler(event)
                except Exception:
                    logger.exception("relay: handler %r failed on event %s", handler, event.seq)
        finally:
            g.engine = shared
            g.pop("location", None)
        self.seq = event.seq

    @staticmethod
    def _engine_for(shared: Any, location: str) -> Any:
        engines = g.setdefault("location_engines", {})
        if "location_offices" not in g:  # read once per batch (an app context): two index lookups
            g.location_offices = registry(current_app._get_current_object(), shared.db).offices
        known = g.location_offices
        if location not in known:  # an event of a location no longer configured: the first one's view
            return shared
        found = engines.get(location)
        if found is None or found.office is not known[location] or found.db is not shared.db:
            found = engines[location] = engine_at(shared, location)
        return found

    def each_location(self) -> Iterator[Office]:
        """For a coalesced job: every active location in turn, with its engine in place."""
        shared = get_engine()
        found = registry(current_app._get_current_object(), shared.db)
        try:
            for place in found.active():
                g.engine, g.location = self._engine_for(shared, place.slug), place.slug
                yield g.engine.office
        finally:
            g.engine = shared
            g.pop("location", None)

    def run_pending(self) -> None:
        """Run every job that was asked for (in the caller's app context)."""
        for entry in list(self.jobs.values()):
            if entry.pending:
                entry.pending = False
                self._run(entry)

    def _run(self, entry: Later) -> None:
        try:
            entry.job(self.seq)
        except Exception:
            logger.exception("relay: job %r failed", entry.job)
        entry.last_end = time.monotonic()

    def start(self, app: Flask) -> None:
        """Follow the log in a background task (the runners call this)."""
        if self.running:
            return
        from . import follow

        self.running = True
        self._app = app
        self._wake = socketio.server.eio.create_event()
        for entry in self.jobs.values():
            self._start_job(entry)
        socketio.start_background_task(follow.run, self, app)

    def _start_job(self, entry: Later) -> None:
        entry.wake = socketio.server.eio.create_event()
        if entry.pending:
            entry.wake.set()
        socketio.start_background_task(self._job_loop, entry)

    def _job_loop(self, entry: Later) -> None:
        app = self._app
        engine = open_engine(app)  # its own connection: the job yields between tickets
        while self.running:
            entry.wake.wait(1.0)
            entry.wake.clear()
            if not entry.pending or self.role == "standby":
                continue
            delay = entry.last_end + entry.interval - time.monotonic()
            socketio.sleep(max(0.0, delay))  # 0: still let the event's immediate messages go first
            entry.pending = False
            with app.app_context():
                g.engine = engine_at_first(app, engine)
                try:
                    self._run(entry)
                finally:
                    g.pop("engine", None)

    def stop(self) -> None:
        self.running = False
        self.wake()

    def wake(self) -> None:
        """Something was committed in this process: look at the log now instead of at the next tick."""
        if self._wake is not None:
            self._wake.set()


relay = Relay()


def engine_at_first(app: Flask, engine: Any) -> Any:
    """The relay's engine for the installation's first location, fresh when its office changed."""
    office_now = registry(app, engine.db).office()
    return engine if engine.office is office_now else type(engine)(engine.db, office_now, engine.clock)


def init_app(app: Flask) -> None:
    """After any write request, wake the relay: in run_kiosk.py a call reaches the boards without
    waiting for the next look at the log (other processes still find it within the interval)."""

    @app.after_request
    def wake_relay(response):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            relay.wake()
        return response


def truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)
