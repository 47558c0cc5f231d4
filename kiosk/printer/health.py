"""The receipt printer on the admin's health page: its state, reported with the kiosk's own report."""
from __future__ import annotations

import re

from flask import current_app

from queue_core import devices
from web.devices import process_name, version
from web.engine import get_engine

from .staff import status
from .target import configured


def report_printer() -> None:
    """The receipt printer this process drives, if one is configured: its state as staff see it."""
    app = current_app._get_current_object()
    if not configured(app):
        return
    engine = get_engine()
    state = status(app, engine)
    problem = state["problem"]
    text = "ok" if state["ok"] else f"failed: {problem['error']}" if problem else "failed"
    devices.report(engine.db, engine.now(), "printer:" + re.sub(r"[^A-Za-z0-9._:-]", "-", state["printer"] or "printer")[:50], "printer",
                   printer=text, version=version(), process=process_name(),
                   detail=f"{state['printed']} printed, {state['failed']} failed")
