"""GET /api/v1/openapi.json: the OpenAPI 3.1 document of API v1, built from the app itself.

Paths and methods come from the routes of every /api/v1 blueprint (``web.api.api_blueprint``: each
surface's own, and web's), request bodies from the pydantic
models their ``api_body`` declares (the same models that validate them), security from
``login_required``. Every error answer has one documented shape (``Error``).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, jsonify

from .api import api_blueprint, is_api_blueprint
from .schemas import Body

bp = api_blueprint("openapi", __name__)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "field": {"type": "string"}, "retry_after": {"type": "integer"}},
    }},
}
OBJECT = {"type": "object"}
# What each method answers when it works; 204: call-next with nobody waiting.
SUCCESS = {"GET": ("200",), "POST": ("200", "201", "204")}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def document(app: Flask) -> dict[str, Any]:
    """The whole document for ``app`` (its /api/v1 routes as registered now)."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        owner = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        if not is_api_blueprint(owner) or owner is bp:
            continue
        view = app.view_functions[rule.endpoint]
        path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, method, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Terminpraxis API", "version": "1",
                 "description": "Check-in, ticket status and board (public); appointments, slots and calls "
                                "(staff: bearer token or the desk page's session with X-CSRFToken)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "session": {"type": "apiKey", "in": "cookie", "name": current_app.config.get("SESSION_COOKIE_NAME",
                                                                                          "session")}}},
    }


def _operation(rule, view, method: str, components: dict[str, Any]) -> dict[str, Any]:
    doc = (view.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint.split('.', 1)[1]}_{method.lower()}",
        "summary": doc.splitlines()[0] if doc else rule.endpoint,
        "parameters": [_parameter(converter, name) for converter, name in _CONVERTER.findall(rule.rule)],
        "responses": _responses(method),
    }
    if getattr(view, "required_role", None):
        operation["security"] = [{"bearer": []}, {"session": []}]
    model: type[Body] | None = getattr(view, "api_body", None)
    if model is not None:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
        operation["requestBody"] = {
            "required": not getattr(view, "api_body_optional", False),
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}
    return operation


def _parameter(converter: str, name: str) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string", "maxLength": 64}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _responses(method: str) -> dict[str, Any]:
    error = {"description": "refused or failed; see error.code",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    answers: dict[str, Any] = {}
    for status in SUCCESS.get(method, ("200",)):
        if status == "204":
            answers[status] = {"description": "nothing to return"}
        else:
            answers[status] = {"description": "done", "content": {"application/json": {"schema": OBJECT}}}
    answers["4XX"] = error
    answers["503"] = {**error, "description": "the store is busy or full; try again after Retry-After"}
    return answers


@bp.get("/openapi.json")
def openapi_document():
    """This document."""
    return jsonify(document(current_app._get_current_object()))
