"""The kiosk surface: touch check-in, the visitor's ticket, the phone status page.

Routes and handlers are defined at module level (kiosk.routes, kiosk.api, kiosk.events);
init_app() only registers them, because create_app() runs many times in the tests.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register this surface's blueprint, API routes and Socket.IO handlers."""
    from . import api, events, printer, routes, sheets  # noqa: F401  (api, events, printer register on import)
    app.register_blueprint(routes.bp)
    app.register_blueprint(sheets.bp)  # info pages as sheets to print and take away
    from .printer.health import report_printer

    app.extensions["printer_reporter"] = report_printer  # web.devices asks it with each kiosk report
    app.context_processor(printer.banner_context)  # the staff pages' printer banner
