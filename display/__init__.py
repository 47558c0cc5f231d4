"""The display surface: the hallway board page, GET /api/v1/board and the /board namespace.

Routes and socket handlers are defined at module level (imported once); ``init_app`` only
registers the pages, so create_app() may run many times (tests). The composition root registers
the API blueprint (``display.api.bp``).
"""
from flask import Flask

from web.config import settings

from . import events, speech, upstream  # noqa: F401  (the /board handlers; speech: a board page route)
from .routes import bp


def init_app(app: Flask) -> None:
    """Register this surface's pages (and the upstream's, for a board server without the database)."""
    app.register_blueprint(bp)
    if settings(app).board_upstream:
        app.register_blueprint(upstream.bp)
