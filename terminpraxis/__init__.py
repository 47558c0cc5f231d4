"""The composition root: create_app() wires configuration, engine, Socket.IO and the surfaces.

The only package that imports the surfaces (kiosk, display, desk, booking_public, evaluation);
``web`` is the plumbing below them and never imports one (tests/test_architecture.py).
"""
from __future__ import annotations

from typing import Any, Mapping

from flask import Blueprint, Flask

import booking_public
import desk
import display
import evaluation
import kiosk
from booking_public import api as booking_api
from desk import api as desk_api
from desk import reports
from display import api as display_api
from evaluation import routes as evaluation_routes
from kiosk import api as kiosk_api
from queue_core import store
from web import api, config, devices, engine, i18n, locations, metrics, openapi, realtime, security, states, status
from web.api import StrictJSONProvider
from web.config import settings
from web.extensions import limiter, socketio
from web.queue import RelayQueue, channel_for

# The /api/v1 blueprints, each owned by one surface (web's own: device reports, the OpenAPI document).
BOARD_API: tuple[Blueprint, ...] = (display_api.bp, devices.bp, openapi.bp)
API: tuple[Blueprint, ...] = BOARD_API + (kiosk_api.bp, desk_api.bp, reports.api_bp, booking_api.bp,
                                          evaluation_routes.api_bp)


def create_app(test_config: Mapping[str, Any] | None = None, *, surfaces: str = "all") -> Flask:
    """Build the app. ``surfaces="board"`` serves only the hallway board (run_display.py)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    config.load(app, test_config)
    if settings(app).board_upstream and (surfaces != "board" or not settings(app).message_queue):
        raise config.ConfigError("board_upstream is for run_display.py with a message_queue (events come through it)")
    app.json = StrictJSONProvider(app)
    # A write waiting for another process's lock sleeps cooperatively, so other requests go on.
    store.lock_wait.sleep = socketio.sleep
    store.lock_wait.limit_s = float(settings(app).database_busy_wait_s)
    engine.init_app(app)
    locations.init_app(app)  # first of the request hooks: the URL's location before anything opens an engine
    limiter.init_app(app)
    _import_socket_handlers(surfaces)
    socketio.init_app(app, async_mode=settings(app).async_mode, client_manager=_queue(app),
                      cors_allowed_origins=public_origins(settings(app).public_origins))

    security.init_app(app)
    i18n.init_app(app)
    realtime.init_app(app)
    metrics.init_app(app)
    if not settings(app).board_upstream:  # a board server without the database has its own /healthz
        app.register_blueprint(status.bp)
    app.register_blueprint(states.bp)  # the queue's words for templates and scripts

    api.init_app(app)
    display.init_app(app)
    if surfaces == "all":
        kiosk.init_app(app)
        desk.init_app(app)
        booking_public.init_app(app)
        evaluation.init_app(app)
    for blueprint in API if surfaces == "all" else BOARD_API:
        app.register_blueprint(blueprint)
    return app


def _queue(app: Flask):
    """The message queue's client manager (one Redis channel per location), None without a queue."""
    url = settings(app).message_queue
    if not url:
        return None
    return RelayQueue(url, channel_for(app.extensions["terminpraxis"]["office"].location))


def _import_socket_handlers(surfaces: str) -> None:
    """Import the surfaces' Socket.IO handlers before ``socketio.init_app``.

    Flask-SocketIO replays on every ``init_app`` only the handlers declared before its first one;
    importing them first keeps them on every app (the tests build many). Imported here, not at
    the top, so that a board-only server (run_display.py) carries no /desk or /ticket handlers.
    """
    import display.events  # noqa: F401

    if surfaces == "all":
        import desk.events  # noqa: F401
        import kiosk.events  # noqa: F401


def public_origins(configured: Any) -> list[str] | None:
    """Socket.IO's allowed origins: the configured list, else None (python-engineio: same origin only).

    Never ``[]``: python-engineio reads an empty list as "no check at all".
    """
    if isinstance(configured, str):
        configured = [part for part in configured.split(",")]
    origins = [o.strip().rstrip("/") for o in configured or [] if isinstance(o, str) and o.strip()]
    return origins or None
