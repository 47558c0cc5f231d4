"""The desk surface: staff sign-in, the desk page, phone booking, the staff API and /desk socket.

Routes and handlers are defined at module level (desk.routes, desk.api, desk.events); init_app()
only registers them, because create_app() runs many times in the tests.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this surface's blueprint, API routes, Socket.IO handlers and sign-in/CSRF."""
    from web import auth

    from . import absences, admin, api, events, health, labels, locations, routes, texts  # noqa: F401  (they register on import)

    auth.init_app(app)
    labels.init_app(app)
    locations.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(absences.bp)
