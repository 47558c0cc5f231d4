"""Bad input on the public API gets a 4xx JSON error, never a 500 (real server over a real port)."""
from __future__ import annotations

import http.client
import json

import pytest

from conftest import LiveServer, server_env
from hardening_helpers import call, open_office_config


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("input")
    running = LiveServer("run_kiosk.py", server_env(folder / "live.db", open_office_config(folder))).start()
    yield running
    running.stop()


def api_error(status: int, body: bytes) -> dict:
    assert 400 <= status < 500, (status, body[:200])
    error = json.loads(body)["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    return error


BAD_BODIES = {
    "deeply nested": b'{"walk_in": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    "nested a little too deep": json.dumps({"walk_in": {"service": [[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]}}).encode(),
    "infinite number": b'{"walk_in": {"service": "unterlagen"}, "request_id": 1e999}',
    "NaN": b'{"walk_in": {"service": "unterlagen"}, "request_id": NaN}',
    "lone surrogate in request_id": b'{"walk_in": {"service": "unterlagen"}, "request_id": "\\ud800"}',
    "lone surrogate in a key": b'{"walk_in": {"service": "unterlagen", "\\udfff": 1}}',
    "lone surrogate in a code": b'{"code": "\\ud800ABC"}',
    "invalid UTF-8": b'{"walk_in": {"service": "unter\xff\xfelagen"}}',
    "huge integer": b'{"walk_in": {"service": "unterlagen"}, "request_id": ' + b"9" * 5000 + b"}",
    "not an object": b"[1, 2, 3]",
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_a_bad_json_body_is_a_4xx_json_error(server, name):
    status, _headers, body = call(server.url + "/api/v1/check-in", BAD_BODIES[name])
    api_error(status, body)


def test_bad_json_on_a_staff_route_is_a_4xx_json_error_too(server):
    for body in (BAD_BODIES["deeply nested"], BAD_BODIES["infinite number"]):
        status, _headers, answer = call(server.url + "/api/v1/desks/210/call-next", body,
                                        headers={"Authorization": "Bearer nope"})
        api_error(status, answer)


def test_a_body_over_the_size_limit_is_refused_with_a_json_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest("POST", "/api/v1/check-in")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(20 * 1024 * 1024))
    connection.endheaders()
    connection.send(b'{"walk_in": {"service": "unterlagen"}, "request_id": "' + b"x" * 1000)
    response = connection.getresponse()  # answered without reading the 20 MB
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "request_entity_too_large"
    connection.close()
    # the server is still fine afterwards
    status, _headers, body = call(server.url + "/api/v1/check-in", {"walk_in": {"service": "unterlagen"}})
    assert status == 201, body
