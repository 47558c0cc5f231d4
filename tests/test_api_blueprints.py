"""Each surface owns its /api/v1 routes on its own blueprint (registered by the composition root):
every one answers errors in the same JSON format, and the OpenAPI document lists all of them."""
from __future__ import annotations

from flask_limiter.errors import RateLimitExceeded

from queue_core.errors import QueueError
from web.api import API_PREFIX, is_api_blueprint, queue_error
from web.openapi import document

OWNERS = {"kiosk", "display", "desk", "booking_public", "evaluation", "web"}


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX + "/")]


def test_every_api_route_sits_on_an_api_blueprint_of_its_own_package(app):
    owners: dict[str, set[str]] = {}
    for rule in api_rules(app):
        blueprint = app.blueprints[rule.endpoint.rpartition(".")[0]]
        assert is_api_blueprint(blueprint), f"{rule.rule} is on {blueprint.name}, not an api_blueprint"
        owners.setdefault(blueprint.import_name.split(".")[0], set()).add(blueprint.name)
    assert set(owners) == OWNERS
    names = [name for blueprints in owners.values() for name in blueprints]
    assert len(names) == len(set(names))  # one blueprint belongs to one package


def test_every_api_blueprint_has_the_shared_error_handlers(app):
    api = [name for name, blueprint in app.blueprints.items() if is_api_blueprint(blueprint)]
    assert len(api) >= len(OWNERS)
    for name in api:
        handlers = app.error_handler_spec[name]
        assert handlers[None][QueueError] is queue_error, name
        assert RateLimitExceeded in handlers[429], name  # Flask files HTTP errors under their code


def test_each_surface_refuses_in_the_same_json_shape(client):
    refusals = [
        ("get", "/api/v1/tickets/nope", None, 404, "not_found"),             # kiosk
        ("get", "/api/v1/board?zone=nowhere", None, 404, "unknown_zone"),    # display
        ("get", "/api/v1/appointments/1", None, 401, "unauthorized"),        # desk
        ("get", "/api/v1/stats", None, 401, "unauthorized"),                 # desk's reports
        ("get", "/api/v1/online/bookings/nope", None, 404, "not_found"),     # booking_public
        ("post", "/api/v1/climate", {}, 401, "unauthorized"),                # evaluation
        ("post", "/api/v1/devices", {"kind": "toaster"}, 422, "invalid"),    # web
        ("get", "/api/v1/no-such-route", None, 404, "not_found"),            # nobody's
    ]
    for method, path, body, status, code in refusals:
        answer = getattr(client, method)(path, json=body)
        assert (answer.status_code, answer.is_json) == (status, True), path
        error = answer.get_json()["error"]
        assert error["code"] == code and isinstance(error["message"], str) and error["message"], path


def test_the_openapi_document_lists_every_api_route(app):
    with app.test_request_context():
        paths = document(app)["paths"]
    for rule in api_rules(app):
        if rule.rule.endswith("/openapi.json"):
            continue
        path = rule.rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
        assert path in paths, rule.rule
        assert set(paths[path]) >= {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}, rule.rule


def test_queue_core_knows_no_http_status_and_web_maps_every_refusal():
    import inspect

    from queue_core import backup, errors, online, store
    from web.errors import STATUS, status_of

    refusals = [cls for module in (errors, backup, online, store)
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, (errors.QueueError, store.StoreUnavailable)) and cls.__module__ == module.__name__]
    assert all(not hasattr(cls, "status") for cls in refusals), "HTTP statuses belong to web/errors.py"
    assert set(refusals) - {store.Busy, store.StorageFull} <= set(STATUS)  # both answer as StoreUnavailable
    assert {status_of(errors.NotFound("x")), status_of(errors.InvalidInput("x")), status_of(errors.SlotTaken("x")),
            status_of(store.Busy("x"))} == {404, 422, 409, 503}
