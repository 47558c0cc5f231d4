"""The engine per request: one SQLite connection per request or greenlet, closed at teardown.

Each location's office is the configuration's mapping with the overrides made in /admin on top
(queue_core.locations, queue_core.settings). Each app caches the built offices with their
``version``; every engine that is opened (per request, per background task, in run_display.py's
relay) reads the version with two indexed queries and rebuilds only when it moved, so a change
made in /admin — by this process or another one on the same database file — applies without a
restart. A request's location comes from its URL (web/locations.py) or, for a socket, from its
``location`` query; without one it is the installation's first location.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlite_utils import Database

from queue_core import Engine, Office, connect, locations
from queue_core.clock import Clock, SystemClock
from queue_core.errors import InvalidInput
from queue_core.locations import Registry

LOCATION_KEY = "terminpraxis.location"  # the WSGI environ key web/locations.py sets from the URL


def office() -> Office:
    """The office as it is now (in a request: as of this request's engine, at its location)."""
    if has_request_context():
        return get_engine().office
    return current_app.extensions["terminpraxis"]["office"]


def clock() -> Clock:
    return current_app.extensions["terminpraxis"]["clock"]


def registry(app: Flask, db: Database) -> Registry:
    """Every location with its office as of the database ``db``; rebuilt only when something changed."""
    state = app.extensions["terminpraxis"]
    version = locations.version(db)
    found = state["registry"]
    if found is not None and found.version == version and state["office"] is found.offices[found.primary]:
        return found
    with state["lock"]:
        found = state["registry"]
        shown = found.offices[found.primary] if found is not None else state["initial"]
        if state["office"] is not shown:  # an office put in place directly (tests): the new base
            state["base_office"] = state["office"]
        elif found is not None and found.version == version:
            return found

        def complain(slug: str, error: InvalidInput) -> None:
            app.logger.error("office settings of %s from /admin do not fit the configuration (%s): %s",
                             slug, error.details.get("field"), error.message)

        found = locations.load(db, app.config["OFFICE"], on_error=complain)
        if state["base_office"] is not None and not found.overrides[found.primary]:
            found = dataclasses.replace(found, offices={**found.offices, found.primary: state["base_office"]})
        state["registry"] = found
        state["office"] = found.offices[found.primary]
    return found


def current(app: Flask, db: Database, location: str | None = None) -> dict[str, Any]:
    """{'version', 'office', 'overrides'} of ``location`` (default: the first) as of the database ``db``."""
    found = registry(app, db)
    office_now = found.office(location)
    return {"version": found.version, "office": office_now, "overrides": found.overrides[office_now.location]}


def current_location() -> str | None:
    """The location of this request (None: the installation's first)."""
    if "location" in g:
        return g.location
    if not has_request_context():
        return None
    slug = request.environ.get(LOCATION_KEY)
    if slug is None and hasattr(request, "sid"):  # a Socket.IO handler: the location its page connected with
        slug = request.args.get("location") or None
    return slug


def overridden(key: str, default: Any = None) -> Any:
    """The value an admin set for ``key`` in /admin (board text, documents, info pages …), else ``default``."""
    return get_engine_state()["overrides"].get(key, default)


def get_engine_state() -> dict[str, Any]:
    engine = get_engine()
    return current(current_app._get_current_object(), engine.db, engine.office.location)


def connection(app: Flask, synchronous: str | None = None) -> Database:
    """A new connection to the office's database: the one place one is opened (docs/architecture.md
    "Connections": each belongs to one unit of work, a request, a task or the board's cache)."""
    return connect(app.config["DATABASE"], synchronous or app.config["SYNCHRONOUS"])


def open_engine(app: Flask, location: str | None = None) -> Engine:
    """A new engine with its own connection (for CLI commands and background tasks)."""
    state = app.extensions["terminpraxis"]
    db = connection(app)
    try:
        return Engine(db, current(app, db, location)["office"], state["clock"])
    except Exception:
        db.close()
        raise


def engine_at(engine: Engine, location: str) -> Engine:
    """An engine for ``location`` on ``engine``'s connection (the relay's handlers share one)."""
    app = current_app._get_current_object()
    return Engine(engine.db, current(app, engine.db, location)["office"], engine.clock)


def save_office_settings(new: dict[str, Any], *, actor: str | None) -> Office:
    """The engine's settings command at this request's location (desk keys stay unique in the installation)."""
    engine = get_engine()
    taken = locations.desks_elsewhere(engine.db, current_app.config["OFFICE"], engine.office.location)
    return engine.save_settings(new, actor=actor, desks_elsewhere=taken)


def active_location(slug: str) -> bool:
    """Whether ``slug`` is an active location of this installation."""
    place = registry(current_app._get_current_object(), get_engine().db).locations.get(slug)
    return place is not None and place.active


def engines_everywhere(app: Flask, engine: Engine) -> list[Engine]:
    """An engine per location on ``engine``'s connection (chores that each location needs done)."""
    found = registry(app, engine.db)
    return [Engine(engine.db, office_now, engine.clock) for office_now in found.offices.values()]


def engine_of_ticket(ticket: Any) -> Engine:
    """This request's engine, at the location of ``ticket`` (the first location's for one no longer known)."""
    engine = get_engine()
    if ticket.location == engine.office.location:
        return engine
    known = registry(current_app._get_current_object(), engine.db).offices
    return engine_at(engine, ticket.location) if ticket.location in known else engine


def get_engine() -> Engine:
    if "engine" not in g:
        g.engine = open_engine(current_app._get_current_object(), current_location())
    return g.engine


def close_engine(_error: BaseException | None = None) -> None:
    engine = g.pop("engine", None)
    if engine is not None:
        engine.db.close()


def init_app(app: Flask, clock: Clock | None = None) -> None:
    base = Office.from_mapping(app.config["OFFICE"])
    for mapping in list(locations.configured(app.config["OFFICE"]).values())[1:]:
        Office.from_mapping(mapping)  # a location of the file that is not valid stops the start, as the first
    app.extensions["terminpraxis"] = {
        "office": base,
        "initial": base,
        "base_office": None,
        "registry": None,
        "lock": threading.Lock(),
        "clock": clock or app.config.get("CLOCK") or SystemClock(),
    }
    app.teardown_appcontext(close_engine)
