"""The desk surface: staff sign-in and the desk page (``routes``), the staff API (``api``) and the
/desk socket (``events``), with three features of their own: ``booking`` (phone booking, the day's
appointments, slips), ``admin`` (/admin) and ``reports`` (/reports).

Routes and handlers are defined at module level; init_app() only registers the pages, because
create_app() runs many times in the tests. The composition root registers the API blueprints
(``desk.api.bp``, ``desk.reports.api_bp``) and imports the /desk handlers.
"""
from flask import Flask

from web import auth

from . import absences, admin, booking, labels, locations, reports, routes

PAGES = (routes.bp, booking.bp, absences.bp, *admin.BLUEPRINTS, reports.bp)


def init_app(app: Flask) -> None:
    """Register this surface's pages and sign-in/CSRF."""
    auth.init_app(app)
    labels.init_app(app)
    locations.init_app(app)
    for blueprint in PAGES:
        app.register_blueprint(blueprint)
