"""Printing as a subscriber of the check-in event: the check-in never waits for paper.

The kiosk's check-in (touch page or API) commits, notes "print this ticket here" with
``expect`` and answers at once. The relay hands the committed ``checked_in``/``walked_in``
event to ``print_checked_in``; whichever of the two comes second starts the job in a
background task. Only tickets checked in through this process are printed, so two kiosk
servers with a printer each print their own visitors' tickets. The outcome per ticket
(printed / failed / pending) and the counters live per process (``state``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from queue_core import Engine
from queue_core.events import Event
from queue_core.models import CheckIn
from queue_core.states import EventKind
from web.config import settings
from web.engine import get_engine, open_engine
from web.extensions import socketio
from web.realtime import relay

from ..common import current_language, status_url
from .receipt import Receipt, build, receipt_language, write
from .target import PrinterConfigError, Target, configured, parse_target
from . import transport
from .transport import open_printer

PRINTED, FAILED, PENDING = "printed", "failed", "pending"
CHECK_IN_EVENTS = (EventKind.CHECKED_IN, EventKind.WALKED_IN)
RECENT = 200  # tickets remembered per process (outcomes, events seen before their request)


def state(app: Flask) -> dict[str, Any]:
    """This process's printer state: last error {at, printer, error, number}, last success, counters."""
    return app.extensions.setdefault("kiosk_printer", {
        "lock": threading.Lock(), "guard": threading.Lock(), "last_error": None, "last_ok_at": None,
        "printed": 0, "failed": 0, "expected": OrderedDict(), "seen": OrderedDict(), "outcome": OrderedDict()})


def expect(result: CheckIn) -> str | None:
    """After a committed check-in in this request: print its ticket once its event comes by.

    Returns None (no printer configured, or a repeat of an earlier check-in), "failed" (the
    printer setting is wrong, or python-escpos is missing) or "pending". Never raises, never waits."""
    app = current_app._get_current_object()
    if not result.created or not configured(app):
        return None
    ticket = result.ticket
    try:
        parse_target(settings(app).kiosk_printer)
    except PrinterConfigError as error:
        _record_failure(app, str(settings(app).kiosk_printer)[:100], str(error), ticket.number)
        return FAILED
    if not transport.available():
        _record_failure(app, str(settings(app).kiosk_printer)[:100], transport.MISSING, ticket.number)
        return FAILED
    wish = (status_url(ticket.token), receipt_language(current_language()))
    info = state(app)
    with info["guard"]:
        _remember(info["outcome"], ticket.id, PENDING)
        if info["seen"].pop(ticket.id, None) is None:  # the usual order: the event comes later
            _remember(info["expected"], ticket.id, wish)
            return PENDING
    _start(app, get_engine(), ticket.id, wish)
    return PENDING


@relay.subscribe
def print_checked_in(event: Event) -> None:
    """The relay's handler (its app context, its engine): print a ticket this process expects."""
    if event.kind not in CHECK_IN_EVENTS or event.ticket_id is None:
        return
    app = current_app._get_current_object()
    if not configured(app):
        return
    info = state(app)
    with info["guard"]:
        wish = info["expected"].pop(event.ticket_id, None)
        if wish is None:  # not (yet) expected: another process's ticket, or our request is slower
            _remember(info["seen"], event.ticket_id, True)
            return
    _start(app, get_engine(), event.ticket_id, wish)


def outcome(app: Flask, ticket_id: int) -> str | None:
    """How printing this ticket went in this process: printed, failed, pending, or None."""
    return state(app)["outcome"].get(ticket_id)


def _start(app: Flask, engine: Engine, ticket_id: int, wish: tuple[str, str]) -> None:
    url, language = wish
    ticket = engine.ticket(ticket_id)
    try:
        target = parse_target(settings(app).kiosk_printer)
        if target is None:
            return
        receipt = build(engine, ticket, url, language)
        socketio.start_background_task(_job, app, target, receipt, ticket_id)
    except Exception as error:  # noqa: BLE001 - a receipt that cannot be made is a printer problem
        _finish(app, ticket_id, FAILED)
        _record_failure(app, str(settings(app).kiosk_printer)[:100], error, ticket.number)


def _job(app: Flask, target: Target, receipt: Receipt, ticket_id: int) -> None:
    info = state(app)
    timeout = _timeout(app)
    try:
        # One ticket at a time per printer; a printer busy longer than the timeout counts as a failure.
        if not info["lock"].acquire(timeout=timeout):
            raise TimeoutError("the printer is still busy with an earlier ticket")
        try:
            printer = open_printer(target, timeout, settings(app).kiosk_printer_profile or None)
            try:
                write(printer, receipt)
            finally:
                printer.close()
        finally:
            info["lock"].release()
    except Exception as error:  # noqa: BLE001 - any printer problem is reported, never raised
        _record_failure(app, str(target), error, receipt.number)
        _finish(app, ticket_id, FAILED)
        return
    info["last_ok_at"] = _now(app)
    info["printed"] += 1
    _finish(app, ticket_id, PRINTED)


def _finish(app: Flask, ticket_id: int, status: str) -> None:
    info = state(app)
    with info["guard"]:
        _remember(info["outcome"], ticket_id, status)


def _remember(recent: OrderedDict, key: int, value: Any) -> None:
    recent[key] = value
    recent.move_to_end(key)
    while len(recent) > RECENT:
        recent.popitem(last=False)


def _now(app: Flask) -> datetime:
    """The engine's clock (the tests' manual clock too), so printer times compare with event times."""
    return app.extensions["terminpraxis"]["clock"].now()


def _record_failure(app: Flask, target: str, error: BaseException | str, number: str | None) -> None:
    text = error if isinstance(error, str) else (f"{type(error).__name__}: {error}" if str(error)
                                                 else type(error).__name__)
    text = " ".join(text.split())[:200]
    info = state(app)
    info["last_error"] = {"at": _now(app), "printer": target, "error": text, "number": number}
    info["failed"] += 1
    app.logger.warning("receipt printer %s: %s (ticket %s)", target, text, number)
    try:
        engine = open_engine(app)
        try:
            engine.record_printer_error(target, text, number)
        finally:
            engine.db.close()
    except Exception:  # the log line above is all we can do
        app.logger.exception("could not record the printer error")


def _timeout(app: Flask) -> float:
    return min(max(settings(app).kiosk_printer_timeout, 0.1), 30.0)
