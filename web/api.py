"""The JSON API's shared parts: the /api/v1 blueprint and its error format.

Errors are always ``{"error": {"code": ..., "message": ...}}`` with a 4xx status; surfaces add
their routes to ``bp`` in their own modules.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException

from queue_core.errors import QueueError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, code: str, message: str, **details: Any):
    return jsonify({"error": {"code": code, "message": message, **details}}), status


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 for anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("send a JSON object")
    return data


class BadRequest(QueueError):
    code = "bad_request"
    status = 400


class Forbidden(QueueError):
    code = "forbidden"
    status = 403


@bp.errorhandler(QueueError)
def queue_error(err: QueueError):
    details = {k: v for k, v in err.details.items()}
    return error(err.status, err.code, err.message, **details)


def init_app(app) -> None:
    """Any HTTP error under /api/ answers in the API's JSON format (unknown routes, wrong methods)."""
    app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if not request.path.startswith("/api/"):
            return friendly_page(err)
        return error(err.code or 500, (err.name or "error").lower().replace(" ", "_"), err.description or "")


def friendly_page(err: HTTPException):
    """Pages answer an unknown address (or a refused method) in the visitor's language, never Flask's English."""
    if err.code is None or err.code < 400 or (err.code == 404 and request.blueprint):
        return err  # a surface's own 404 handler (e.g. the kiosk's) already answered its pages
    from flask import current_app, render_template

    office = current_app.config.get("OFFICE", {}).get("name", "")
    return render_template("error.html", code=err.code, office_name=office), err.code
