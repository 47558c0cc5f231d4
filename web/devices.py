"""POST /api/v1/devices: kiosks and boards report their health; the serving process adds the printer.

Public on purpose (a kiosk or a TV is never signed in): it stores only a device id, kind, zone,
language, abilities and version (queue_core.devices), bounded in size and number.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from importlib import metadata

from flask import current_app, jsonify

from queue_core import devices
from queue_core.errors import InvalidInput

from .api import api_blueprint, json_body
from .engine import get_engine

bp = api_blueprint("devices_api", __name__)

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
    # The kiosk surface registers how its receipt printer reports (a board-only server has none).
    reporter = current_app.extensions.get("printer_reporter") if kind == "kiosk" else None
    if reporter is not None:
        reporter()
    return jsonify({"ok": True})
