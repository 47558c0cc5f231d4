"""Shared start-up of run_kiosk.py and run_display.py (after eventlet's monkey patching)."""
from __future__ import annotations

import sys

from . import create_app
from .config import ConfigError
from .extensions import socketio
from queue_core.backup import BackupError, hold
from queue_core.errors import QueueError

# eventlet.wsgi serves 1,024 connections by default; a hallway of boards and phones needs more.
MAX_CONNECTIONS = 10_000


def serve(host: str, port: int, surfaces: str) -> None:
    try:
        app = create_app(surfaces=surfaces)
    except (ConfigError, QueueError) as error:
        sys.exit(f"terminpraxis: configuration error: {getattr(error, 'message', error)}")
    base = f"http://{host}:{port}"
    names = {"all": ["Kiosk /", "Board /display", "Desk /desk", "Status /status"],
             "board": ["Board /display"]}[surfaces]
    print(f"{app.config['OFFICE'].get('name', 'Terminpraxis')} — serving on {base}", flush=True)
    for entry in names:
        label, path = entry.split(" ")
        print(f"  {label:<7} {base}{path}", flush=True)
    # Held for the server's life: `terminpraxis restore` refuses while any server runs.
    try:
        in_use = hold(app.config["DATABASE"])  # noqa: F841 (open until the server ends)
    except BackupError as error:
        sys.exit(f"terminpraxis: {error.message}")
    from .realtime import relay

    relay.start(app)
    if surfaces == "all":
        from .housekeeping import start as start_housekeeping

        start_housekeeping(app)  # daily purge, missed appointments (one process does the work)
        # Surfaces' own background work, registered by their init_app (e.g. the outbox sender of
        # booking_public: confirmations, reminders, notices; only the main server sends).
        for start_worker in app.extensions.get("background_workers", []):
            start_worker(app)
    extra = {"max_size": MAX_CONNECTIONS} if app.config["ASYNC_MODE"] == "eventlet" else {}
    if app.config["ASYNC_MODE"] == "threading":
        extra["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, log_output=False, **extra)
