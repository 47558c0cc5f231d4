"""Locations in the URL: ``/standort/<slug>/…`` serves every page of the location ``slug``.

A small WSGI middleware moves the segment into SCRIPT_NAME, so every route, link, redirect and
static file of the kiosk, the board, the phone page, the desk, /admin and /reports works under
it unchanged, and ``url_for`` keeps a visitor inside the location (the slip's QR leads to the
location's own phone page). The URLs without a location stay those of the installation's first
location, so nothing deployed before breaks. Sockets name their location in their ``location``
query (web.engine.current_location).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask import Flask, abort, g, request

from queue_core.locations import SLUG

from .engine import LOCATION_KEY, current_location, engine_at, open_engine, registry

PREFIX = "/standort/"


class LocationPrefix:
    """WSGI middleware: ``/standort/<slug>/rest`` → PATH_INFO ``/rest`` with SCRIPT_NAME extended."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or ""
        if path.startswith(PREFIX):
            slug, _, rest = path[len(PREFIX):].partition("/")
            if SLUG.fullmatch(slug):
                environ[LOCATION_KEY] = slug
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX + slug
                environ["PATH_INFO"] = "/" + rest
        return self.app(environ, start_response)


def location_path(slug: str | None, primary: str) -> str:
    """The URL prefix of a location ('' for the installation's first)."""
    return "" if not slug or slug == primary else PREFIX + slug


def init_app(app: Flask) -> None:
    """Install the middleware (call before Socket.IO's init_app, which wraps it) and refuse unknown or
    inactive locations before any other hook opens an engine."""
    app.wsgi_app = LocationPrefix(app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def known_location():
        slug = request.environ.get(LOCATION_KEY)
        if slug is None or request.endpoint == "static":  # a script or style is the same everywhere
            return None
        engine = open_engine(app)  # the first location's: it reads which locations there are
        place = registry(app, engine.db).locations.get(slug)
        if place is None or not place.active:
            # The "page does not exist" page is drawn with the first location's office.
            g.engine, g.location = engine, None
            abort(404)
        g.engine, g.location = engine_at(engine, slug), slug
        return None

    @app.context_processor
    def location_context() -> dict[str, Any]:
        slug = current_location()
        return {"location_slug": slug or "", "location_query": {"location": slug} if slug else {}}

