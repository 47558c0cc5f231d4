"""Security headers on every response, and the session cookie's Secure flag over HTTPS.

One small ``after_request`` instead of a dependency: the pages load scripts, styles, fonts and
sounds only from ``/static`` and pass data through ``<script type="application/json">`` or
``data-`` attributes, so the policy needs no ``'unsafe-inline'`` anywhere.
"""
from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface

from .config import settings

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob:",  # the kiosk's read-aloud plays the speech it fetched (a blob: URL)
    "connect-src 'self'",  # Socket.IO, same origin (ws: and wss: included)
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Pages and API answers that may carry personal data: never kept by a browser or proxy cache.
STAFF_PREFIXES = ("/desk", "/admin", "/reports", "/api/")


def secure_request() -> bool:
    """Whether this request came over HTTPS (directly, or as the configured proxy says)."""
    return request.is_secure or settings().session_cookie_secure


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked ``Secure`` whenever the request itself is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(STAFF_PREFIXES) or g.get("staff_user"):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
