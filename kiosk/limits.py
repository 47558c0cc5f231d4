"""Rate limit for check-in by code: 10 wrong codes a minute per kiosk/IP, then a pause.

Flask-Limiter counts only the requests that flagged ``g.kiosk_wrong_code`` (``deduct_when``), and
the form route and the API share one budget (``shared_limit``). Walk-ins are never limited.
Storage is in memory, per server process (a kiosk talks to one server).
"""
from __future__ import annotations

from flask import g, request

from web.config import settings

from web.extensions import limiter, retry_after  # noqa: F401  (the kiosk's pages and API use both)

def _limit() -> str:
    return settings().kiosk_wrong_code_limit


def _wrong_code(_response) -> bool:
    return bool(g.get("kiosk_wrong_code"))


def _not_a_code_request() -> bool:
    """The API's walk-ins share the endpoint with codes; only code attempts are limited."""
    if request.path.startswith("/api/"):
        data = request.get_json(silent=True)
        return not (isinstance(data, dict) and "code" in data)
    return False


wrong_codes = limiter.shared_limit(_limit, scope="kiosk-wrong-code", deduct_when=_wrong_code,
                                   exempt_when=_not_a_code_request)


def mark_wrong_code() -> None:
    g.kiosk_wrong_code = True
