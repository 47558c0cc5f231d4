"""Online booking for visitors (/buchen and its JSON API), the notices sent to them, and the
anonymous question after the visit (/t/<token>/rueckmeldung).

Routes are defined at module level (online.routes, online.api); init_app() only registers them,
because create_app() runs many times in the tests.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public booking pages, their API routes and the rate limit."""
    from . import api, feedback, routes, sender  # noqa: F401  (api adds its routes to the /api/v1 blueprint on import)
    from .limits import limiter

    # The server runner and `terminpraxis send-notices` find the outbox sender here, so web/
    # never imports this surface.
    workers = app.extensions.setdefault("background_workers", [])
    if sender.start not in workers:
        workers.append(sender.start)
    app.extensions["notice_tick"] = sender.run_once

    limiter.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(feedback.bp)
