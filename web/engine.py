"""The engine per request: one SQLite connection per request or greenlet, closed at teardown."""
from __future__ import annotations

from flask import Flask, current_app, g

from queue_core import Engine, Office, connect
from queue_core.clock import Clock, SystemClock


def office() -> Office:
    return current_app.extensions["terminpraxis"]["office"]


def clock() -> Clock:
    return current_app.extensions["terminpraxis"]["clock"]


def open_engine(app: Flask) -> Engine:
    """A new engine with its own connection (for CLI commands and background tasks)."""
    state = app.extensions["terminpraxis"]
    return Engine(connect(app.config["DATABASE"], app.config["SYNCHRONOUS"]), state["office"], state["clock"])


def get_engine() -> Engine:
    if "engine" not in g:
        g.engine = open_engine(current_app._get_current_object())
    return g.engine


def close_engine(_error: BaseException | None = None) -> None:
    engine = g.pop("engine", None)
    if engine is not None:
        engine.db.close()


def init_app(app: Flask, clock: Clock | None = None) -> None:
    app.extensions["terminpraxis"] = {
        "office": Office.from_mapping(app.config["OFFICE"]),
        "clock": clock or app.config.get("CLOCK") or SystemClock(),
    }
    app.teardown_appcontext(close_engine)
