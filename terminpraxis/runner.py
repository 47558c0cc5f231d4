"""Shared start-up of run_kiosk.py and run_display.py (after eventlet's monkey patching)."""
from __future__ import annotations

import sys

from queue_core.backup import BackupError, hold
from queue_core.errors import QueueError
from web.config import ConfigError, settings
from web.extensions import socketio
from web.housekeeping import start as start_housekeeping
from web.public import is_loopback, lan_address
from web.realtime import relay

from . import create_app

# eventlet.wsgi serves 1,024 connections by default; a hallway of boards and phones needs more.
MAX_CONNECTIONS = 10_000


PAGES = {"all": [("Kiosk", "/"), ("Board", "/display"), ("Desk", "/desk"), ("Booking", "/desk/booking"),
                 ("Appointments", "/desk/appointments"), ("Online", "/buchen/"), ("Admin", "/admin/"),
                 ("Texts", "/admin/texts"), ("Health", "/admin/health"), ("Reports", "/reports"),
                 ("Access log", "/reports/access-log"), ("Status", "/status")],
         "board": [("Board", "/display"), ("Status", "/status")]}


def print_addresses(app, host: str, port: int, surfaces: str) -> None:
    """Every page's address, and how phones reach the server (with a warning when they cannot)."""
    base = f"http://{host}:{port}"
    print(f"{app.config['OFFICE'].get('name', 'Terminpraxis')} — serving on {base}", flush=True)
    for label, path in PAGES[surfaces]:
        print(f"  {label:<13} {base}{path}", flush=True)
    if surfaces != "all":
        return
    for line in phone_lines(settings(app).kiosk_public_url, host, port):
        print(line, flush=True)


def phone_lines(public: str | None, host: str, port: int) -> list[str]:
    """What `make run` says about the phone status page (the ticket's QR code)."""
    origin = public or f"http://{host}:{port}"
    lines = [f"  Phones        {origin}/t/<ticket>  (the QR code on each ticket; KIOSK_PUBLIC_URL)"]
    if is_loopback(origin):
        guess = lan_address()
        lines.append("  WARNING: phones cannot reach " + origin + " (this computer only).")
        lines.append(f"           Start with HOST=0.0.0.0 TERMINPRAXIS_KIOSK_PUBLIC_URL=http://{guess}:{port} make run")
    return lines


def serve(host: str, port: int, surfaces: str) -> None:
    try:
        app = create_app(surfaces=surfaces)
    except (ConfigError, QueueError) as error:
        sys.exit(f"terminpraxis: configuration error: {getattr(error, 'message', error)}")
    print_addresses(app, host, port, surfaces)
    # Held for the server's life: `terminpraxis restore` refuses while any server runs. A board
    # server fed by the main server (board_upstream) has no database to hold.
    try:
        in_use = None if app.config.get("BOARD_UPSTREAM") else hold(app.config["DATABASE"])  # noqa: F841
    except BackupError as error:
        sys.exit(f"terminpraxis: {error.message}")
    relay.start(app)
    if surfaces == "all":
        start_housekeeping(app)  # daily purge, missed appointments (one process does the work)
        # Surfaces' own background work, registered by their init_app (e.g. the outbox sender of
        # booking_public: confirmations, reminders, notices; only the main server sends).
        for start_worker in app.extensions.get("background_workers", []):
            start_worker(app)
    extra = {"max_size": MAX_CONNECTIONS} if settings(app).async_mode == "eventlet" else {}
    if settings(app).async_mode == "threading":
        extra["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, log_output=False, **extra)
