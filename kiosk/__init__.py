"""The kiosk surface: touch check-in, the visitor's ticket, the phone status page.

Routes and handlers are defined at module level (kiosk.routes, kiosk.api, kiosk.events);
init_app() only registers the pages, because create_app() runs many times in the tests. The
composition root registers the API blueprint (``kiosk.api.bp``) and imports the /ticket handlers.
"""
from flask import Flask

from . import printer, routes, sheets
from .printer.health import report_printer


def init_app(app: Flask) -> None:
    """Register this surface's pages, the printer's health report and the staff pages' banner."""
    app.register_blueprint(routes.bp)
    app.register_blueprint(sheets.bp)  # info pages as sheets to print and take away
    app.extensions["printer_reporter"] = report_printer  # web.devices asks it with each kiosk report
    app.context_processor(printer.banner_context)  # the staff pages' printer banner
