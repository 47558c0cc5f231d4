"""What staff see of the receipt printer: the banner on staff pages and the state behind
``GET /api/v1/printer`` (kiosk.api)."""
from __future__ import annotations

from datetime import time as day_time
from typing import Any

from flask import Flask, current_app

from queue_core import Engine
from queue_core.schedule import local_day, local_instant, wall_clock
from web.config import settings
from web.engine import get_engine

from .jobs import state
from .target import PrinterConfigError, configured, parse_target


def problem(app: Flask, engine: Engine) -> dict[str, Any] | None:
    """Today's last printer problem that no successful print in this process has followed, or None.

    Read from the event log (any process of this location may have printed), so a restart
    does not hide it; ``at`` is office-local time.
    """
    if not configured(app):
        return None
    now = engine.now()
    since = local_instant(engine.office, local_day(engine.office, now), day_time(0, 0))
    found = engine.last_printer_error(since)
    if found is None:
        return None
    last_ok = state(app)["last_ok_at"]
    if last_ok is not None and last_ok >= found.at:  # printed since (or in the same instant)
        return None
    return {"at": wall_clock(engine.office, found.at),
            "at_utc": found.at.isoformat(), "printer": found.printer, "error": found.error,
            "number": found.number}


def status(app: Flask, engine: Engine) -> dict[str, Any]:
    """The staff view of the printer (``GET /api/v1/printer``)."""
    spec = settings(app).kiosk_printer
    info = state(app)
    try:
        target = parse_target(spec)
        is_set, printer = target is not None, str(target) if target else None
    except PrinterConfigError:
        is_set, printer = True, str(spec)[:100]
    last_ok = info["last_ok_at"]
    found = problem(app, engine)
    return {"configured": is_set, "printer": printer, "ok": is_set and found is None,
            "problem": found, "last_printed_at": last_ok.isoformat() if last_ok else None,
            "printed": info["printed"], "failed": info["failed"]}


def banner_context() -> dict[str, Any]:
    """For the staff pages' banner: ``printer_problem()`` (called only for signed-in staff), defined
    only when a receipt printer is configured (else the staff pages carry no banner at all)."""
    if not configured(current_app._get_current_object()):
        return {}

    def printer_problem() -> dict[str, Any] | None:
        try:
            return problem(current_app._get_current_object(), get_engine())
        except Exception:  # noqa: BLE001 - a banner must never break a staff page
            current_app.logger.exception("printer banner")
            return None

    return {"printer_problem": printer_problem}
