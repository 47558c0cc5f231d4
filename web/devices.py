"""POST /api/v1/devices: kiosks and boards report their health; the serving process adds the printer.

Public on purpose (a kiosk or a TV is never signed in): it stores only a device id, kind, zone,
language, abilities and version (queue_core.devices), bounded in size and number.
"""
from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from importlib import metadata

from flask import current_app, jsonify

from queue_core import devices
from queue_core.errors import InvalidInput

from .api import bp, json_body
from .engine import get_engine

REPORTED = ("zone", "language", "sound", "speech", "detail")


@lru_cache(maxsize=1)
def version() -> str:
    """The installed Terminpraxis version: a board still showing an old page reports the old one."""
    try:
        return metadata.version("terminpraxis")
    except metadata.PackageNotFoundError:
        return "unknown"


def process_name() -> str:
    return f"{os.path.basename(sys.argv[0]) or 'python'} pid {os.getpid()}"


@bp.post("/devices")
def device_report():
    """``{"id", "kind": "kiosk"|"board", "zone", "language", "sound", "speech", "version", "detail"}``."""
    data = json_body()
    kind = data.get("kind")
    if kind not in ("kiosk", "board"):
        raise InvalidInput("kind is kiosk or board")
    engine = get_engine()
    fields = {key: data.get(key) for key in REPORTED}
    devices.report(engine.db, engine.now(), data.get("id"), kind, version=data.get("version") or version(),
                   process=process_name(), **fields)
    if kind == "kiosk" and "kiosk" in current_app.blueprints:  # a board-only server drives no printer
        report_printer()
    return jsonify({"ok": True})


def report_printer() -> None:
    """The receipt printer this process drives, if one is configured: its state as staff see it."""
    from kiosk import printer

    app = current_app._get_current_object()
    if not printer.configured(app):
        return
    engine = get_engine()
    state = printer.status(app, engine)
    problem = state["problem"]
    text = "ok" if state["ok"] else f"failed: {problem['error']}" if problem else "failed"
    devices.report(engine.db, engine.now(), "printer:" + re.sub(r"[^A-Za-z0-9._:-]", "-", state["printer"] or "printer")[:50], "printer",
                   printer=text, version=version(), process=process_name(),
                   detail=f"{state['printed']} printed, {state['failed']} failed")
