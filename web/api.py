"""The JSON API's shared parts: a blueprint factory for /api/v1, its error format and strict JSON bodies.

Each surface owns its API routes on its own blueprint made by ``api_blueprint``; the composition
root registers them. Errors are always ``{"error": {"code": ..., "message": ...}}`` with a 4xx
status (503 when the store cannot write right now), the same for every blueprint: ``json_errors``
gives each one the same handlers, and ``init_app`` answers in JSON for any other error under /api/.
"""
from __future__ import annotations

import json
import math
import sqlite3
from typing import Any, Callable

from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from queue_core.errors import QueueError
from queue_core.store import StoreUnavailable, unavailable

from .errors import BadRequest, status_of

API_PREFIX = "/api/v1"
# Every blueprint made by api_blueprint, so the OpenAPI document knows the API's routes.
API_BLUEPRINT = "terminpraxis_api"


def api_blueprint(name: str, import_name: str, *, rate_limited: Callable[[Exception], Any] | None = None) -> Blueprint:
    """A blueprint for a surface's /api/v1 routes, answering errors in the API's JSON format.

    ``rate_limited`` answers a Flask-Limiter refusal of this blueprint's routes (default: 429
    ``rate_limited``), e.g. the kiosk's pause after wrong codes."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    setattr(bp, API_BLUEPRINT, True)
    json_errors(bp, rate_limited)
    return bp


def json_errors(bp: Blueprint, rate_limited: Callable[[Exception], Any] | None = None) -> None:
    """Give ``bp`` the API's answers to engine refusals and rate limits."""
    bp.register_error_handler(QueueError, queue_error)
    bp.register_error_handler(RateLimitExceeded, rate_limited or too_many_requests)


def is_api_blueprint(bp: Blueprint | None) -> bool:
    """Made by ``api_blueprint`` (its routes belong to the API document)."""
    return bool(getattr(bp, API_BLUEPRINT, False))


# Deeper than any body of this API; far below the parser's recursion limit.
JSON_MAX_DEPTH = 16


def error(status: int, code: str, message: str, **details: Any):
    """The API's error answer; ``retry_after`` in the details also becomes the Retry-After header."""
    response = jsonify({"error": {"code": code, "message": message, **details}})
    if "retry_after" in details:
        response.headers["Retry-After"] = str(details["retry_after"])
    return response, status


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 for anything else (as validated by ``api_body``, if declared)."""
    if "api_body" in g:
        return g.api_body
    if not request.is_json:
        raise BadRequest("send a JSON object (Content-Type: application/json)")
    try:
        data = current_app.json.loads(request.get_data())
    except ValueError as refused:
        raise BadRequest(f"the body is not acceptable JSON: {refused}") from None
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object")
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number this API accepts")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("numbers must be finite")
    return value


def check_json_value(value: Any, max_depth: int = JSON_MAX_DEPTH) -> None:
    """ValueError for nesting deeper than ``max_depth`` or a string SQLite cannot store (lone surrogate)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")  # UnicodeEncodeError (a ValueError) for an unpaired surrogate
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                raise ValueError(f"nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key in item:
                    key.encode("utf-8")
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with bodies refused (ValueError) that would crash or mislead later code:
    NaN/Infinity and 1e999, nesting deeper than JSON_MAX_DEPTH, unpaired surrogates.

    ``request.get_json(silent=True)`` therefore answers None for them instead of raising."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, parse_constant=_refuse_constant, parse_float=_finite_float, **kwargs)
        except RecursionError:
            raise ValueError(f"nested deeper than {JSON_MAX_DEPTH} levels") from None
        check_json_value(value)
        return value


def too_many_requests(_exc: Exception):
    return error(429, "rate_limited", "too many requests; please try later")


def queue_error(err: QueueError):
    details = {k: v for k, v in err.details.items()}
    return error(status_of(err), err.code, err.message, **details)


def store_unavailable(err: StoreUnavailable):
    """503 with Retry-After: JSON under /api/, a short page elsewhere (the kiosk retries by itself)."""
    current_app.logger.warning("store unavailable (%s): %s", err.code, err.__cause__ or err)
    if request.path.startswith("/api/"):
        return error(status_of(err), err.code, err.message, retry_after=err.retry_after)
    page = render_template("unavailable.html", retry_after=err.retry_after)
    return page, status_of(err), {"Retry-After": str(err.retry_after)}


def init_app(app: Flask) -> None:
    """Any HTTP error under /api/ answers in the API's JSON format (unknown routes, wrong methods,
    a body over MAX_CONTENT_LENGTH); a locked or full store answers 503 everywhere."""
    app.register_error_handler(StoreUnavailable, store_unavailable)

    @app.errorhandler(sqlite3.OperationalError)
    def sqlite_error(err: sqlite3.OperationalError):
        """A lock or a full disk met outside ``store.write`` (a read, a pragma): the same 503."""
        refusal = unavailable(err)
        if refusal is None:
            raise err
        refusal.__cause__ = err
        return store_unavailable(refusal)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if not request.path.startswith("/api/"):
            return friendly_page(err)
        return error(err.code or 500, (err.name or "error").lower().replace(" ", "_"), err.description or "")


def friendly_page(err: HTTPException):
    """Pages answer an unknown address (or a refused method) in the visitor's language, never Flask's English."""
    if err.code is None or err.code < 400:
        return err  # (a surface's own 404 handler, e.g. the kiosk's, is found by Flask before this one)
    office = current_app.config.get("OFFICE", {}).get("name", "")
    return render_template("error.html", code=err.code, office_name=office), err.code
