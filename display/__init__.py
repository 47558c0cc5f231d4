"""The display surface: the hallway board page, GET /api/v1/board and the /board namespace.

Routes and socket handlers are defined at module level (imported once); ``init_app`` only
registers the blueprint, so create_app() may run many times (tests).
"""
from flask import Flask

from web.config import settings

from . import api, events, speech  # noqa: F401  (module-level routes and /board handlers)
from .routes import bp


def init_app(app: Flask) -> None:
    """Register this surface's blueprint, API routes and Socket.IO handlers."""
    app.register_blueprint(bp)
    if settings(app).board_upstream:
        from .upstream import bp as upstream_bp

        app.register_blueprint(upstream_bp)
