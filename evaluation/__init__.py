"""The climate, evaluated: the desk's two-tap note (API) and the before/after report for the office.

Routes are defined at module level (evaluation.routes); init_app() only registers the report page,
because create_app() runs many times in the tests. The composition root registers the API
blueprint (``evaluation.routes.api_bp``).
"""
from flask import Flask

from . import routes


def init_app(app: Flask) -> None:
    """Register the before/after report."""
    app.register_blueprint(routes.bp)
