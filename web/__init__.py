"""The web application: create_app() wires configuration, engine, Socket.IO and the surfaces."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from . import config, engine
from .extensions import socketio


def create_app(test_config: Mapping[str, Any] | None = None, *, surfaces: str = "all") -> Flask:
    """Build the app. ``surfaces="board"`` serves only the hallway board (run_display.py)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    config.load(app, test_config)
    if app.config.get("BOARD_UPSTREAM") and (surfaces != "board" or not app.config["MESSAGE_QUEUE"]):
        raise config.ConfigError("board_upstream is for run_display.py with a message_queue (events come through it)")
    engine.init_app(app)
    _import_socket_handlers(surfaces)
    socketio.init_app(app, async_mode=app.config["ASYNC_MODE"], client_manager=_queue(app),
                      cors_allowed_origins=[])

    from . import api, i18n, realtime, status
    i18n.init_app(app)
    realtime.init_app(app)
    if not app.config.get("BOARD_UPSTREAM"):  # a board server without the database has its own /healthz
        app.register_blueprint(status.bp)

    import display
    display.init_app(app)
    if surfaces == "all":
        import desk
        import kiosk

        from desk import reports

        kiosk.init_app(app)
        desk.init_app(app)
        reports.init_app(app)
    api.init_app(app)  # last, so the surfaces' API routes are on the blueprint when it registers
    return app


def _queue(app: Flask):
    """The message queue's client manager (one Redis channel per location), None without a queue."""
    url = app.config["MESSAGE_QUEUE"]
    if not url:
        return None
    from .queue import RelayQueue, channel_for

    return RelayQueue(url, channel_for(app.extensions["terminpraxis"]["office"].location))


def _import_socket_handlers(surfaces: str) -> None:
    """Import the surfaces' Socket.IO handlers before ``socketio.init_app``.

    Flask-SocketIO replays on every ``init_app`` only the handlers declared before its first one;
    importing them first keeps them on every app (the tests build many).
    """
    import display.events  # noqa: F401

    if surfaces == "all":
        import desk.events  # noqa: F401
        import kiosk.events  # noqa: F401
