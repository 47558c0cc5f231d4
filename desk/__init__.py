"""The desk surface: staff sign-in, the desk page, phone booking, admin, the staff API and /desk socket.

Routes and handlers are defined at module level (desk.routes, desk.api, desk.events); init_app()
only registers the pages, because create_app() runs many times in the tests. The composition root
registers the API blueprint (``desk.api.bp``) and imports the /desk handlers.
"""
from flask import Flask

from web import auth

from . import absences, admin, health, labels, routes, texts  # noqa: F401  (health, texts: admin pages)


def init_app(app: Flask) -> None:
    """Register this surface's pages and sign-in/CSRF."""
    auth.init_app(app)
    labels.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(absences.bp)
