"""The engine per request: one SQLite connection per request or greenlet, closed at teardown.

The office is the configuration's mapping with the overrides made in /admin on top
(queue_core.settings). Each app caches the built office with the settings' ``version``; every
engine that is opened (per request, per background task, in run_display.py's relay) reads the
version with one indexed query and rebuilds only when it moved, so a change made in /admin — by
this process or another one on the same database file — applies without a restart.
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlite_utils import Database

from queue_core import Engine, Office, connect, settings
from queue_core.clock import Clock, SystemClock
from queue_core.errors import InvalidInput


def office() -> Office:
    """The office as it is now (in a request: as of this request's engine)."""
    if has_request_context():
        return get_engine().office
    return current_app.extensions["terminpraxis"]["office"]


def clock() -> Clock:
    return current_app.extensions["terminpraxis"]["clock"]


def current(app: Flask, db: Database) -> dict[str, Any]:
    """{'version', 'office', 'overrides'} as of the database ``db``; rebuilt only when the settings changed."""
    state = app.extensions["terminpraxis"]
    version = settings.version(db)
    cached = state["current"]
    if cached["version"] == version and state["office"] is cached["office"]:
        return cached
    with state["lock"]:
        cached = state["current"]
        if state["office"] is not cached["office"]:  # an office put in place directly (tests): the new base
            state["base_office"] = state["office"]
        elif cached["version"] == version:
            return cached
        found = settings.overrides(db)
        office_now = state["base_office"]
        if found:
            try:
                office_now = Office.from_mapping(settings.effective_mapping(app.config["OFFICE"], found))
            except InvalidInput as error:  # the file changed under the overrides: keep the file's office
                app.logger.error("office settings from /admin do not fit the configuration (%s): %s",
                                 error.details.get("field"), error.message)
        cached = {"version": version, "office": office_now, "overrides": found}
        state["current"] = cached
        state["office"] = office_now
    return cached


def overridden(key: str, default: Any = None) -> Any:
    """The value an admin set for ``key`` in /admin (board text, documents, info pages …), else ``default``."""
    return get_engine_state()["overrides"].get(key, default)


def get_engine_state() -> dict[str, Any]:
    engine = get_engine()
    return current(current_app._get_current_object(), engine.db)


def open_engine(app: Flask) -> Engine:
    """A new engine with its own connection (for CLI commands and background tasks)."""
    state = app.extensions["terminpraxis"]
    db = connect(app.config["DATABASE"], app.config["SYNCHRONOUS"])
    return Engine(db, current(app, db)["office"], state["clock"])


def get_engine() -> Engine:
    if "engine" not in g:
        g.engine = open_engine(current_app._get_current_object())
    return g.engine


def close_engine(_error: BaseException | None = None) -> None:
    engine = g.pop("engine", None)
    if engine is not None:
        engine.db.close()


def init_app(app: Flask, clock: Clock | None = None) -> None:
    base = Office.from_mapping(app.config["OFFICE"])
    app.extensions["terminpraxis"] = {
        "office": base,
        "base_office": base,
        "current": {"version": 0, "office": base, "overrides": {}},
        "lock": threading.Lock(),
        "clock": clock or app.config.get("CLOCK") or SystemClock(),
    }
    app.teardown_appcontext(close_engine)
