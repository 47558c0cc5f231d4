"""Online booking for visitors (/buchen and its JSON API), the notices sent to them, and the
anonymous question after the visit (/t/<token>/rueckmeldung).

Routes are defined at module level (booking_public.routes, booking_public.api); init_app() only
registers the pages, because create_app() runs many times in the tests. The composition root
registers the API blueprint (``booking_public.api.bp``).
"""
from flask import Flask

from . import feedback, routes, sender
from .limits import limiter


def init_app(app: Flask) -> None:
    """Register the public booking pages, the outbox sender and the rate limit."""
    # The server runner and `terminpraxis send-notices` find the outbox sender here, so web/
    # never imports this surface.
    workers = app.extensions.setdefault("background_workers", [])
    if sender.start not in workers:
        workers.append(sender.start)
    app.extensions["notice_tick"] = sender.run_once

    limiter.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(feedback.bp)
