"""The climate, evaluated: the desk's two-tap note (API) and the before/after report for the office.

Routes are defined at module level (evaluation.routes); init_app() only registers them, because
create_app() runs many times in the tests.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the before/after report and the climate-note API route."""
    from . import routes

    app.register_blueprint(routes.bp)
