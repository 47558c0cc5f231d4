"""Fuzz of its own (Hypothesis) over every JSON endpoint and every form, against a real server:
no answer is a 5xx, and every API error has the documented shape."""
from __future__ import annotations

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import LiveServer, add_account, server_env
from hardening_helpers import StaffClient, call, open_office_config

EXAMPLES = 12  # per route

FIELDS = ["code", "walk_in", "service", "initial", "language", "request_id", "name", "staff", "starts_at",
          "duration_min", "birth_date", "phone", "concern", "notes", "documents", "outcome", "desk", "note",
          "username", "password", "role", "active", "text", "lang", "page", "documents_other", "next"]
API_ROUTES = ["/api/v1/check-in", "/api/v1/appointments/no-visit", "/api/v1/appointments",
              "/api/v1/appointments/1/cancel", "/api/v1/appointments/1/rebook", "/api/v1/appointments/1/by-post",
              "/api/v1/desks/210/call-next", "/api/v1/desks/210/pause", "/api/v1/desks/210/resume",
              "/api/v1/tickets/1/finish", "/api/v1/tickets/1/transfer", "/api/v1/tickets/1/call",
              "/api/v1/tickets/1/recall"]
PUBLIC_FORMS = ["/termin", "/ohne-termin", "/desk/login"]
STAFF_FORMS = ["/desk/choose", "/desk/booking/no-visit", "/desk/booking", "/desk/appointments/1/rebook",
               "/admin/settings/desks", "/admin/settings/services", "/admin/settings/hours",
               "/admin/settings/caseworkers", "/admin/settings/board", "/admin/settings/documents",
               "/admin/info", "/admin/staff", "/admin/staff/active"]

texts = st.text(max_size=40) | st.sampled_from(["", " ", "erstantrag", "210", "abraun", "2026-11-23T09:00",
                                                 "9" * 400, "=1+1", "<b>x</b>", "\ud800", "1e999"])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5),
                           max_leaves=12)
shaped = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)
bodies = st.one_of(shaped, json_values, st.just({"walk_in": {"service": "notfall"}})).map(
    lambda value: json.dumps(value).encode()) | st.binary(max_size=60)
form_values = st.binary(max_size=30) | texts.map(lambda t: t.encode("utf-8", "surrogatepass"))
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8).map(str), st.lists(form_values, max_size=3),
                        max_size=6)


def encode_form(form: dict[str, list[bytes]], token: str | None) -> bytes:
    """Form fields as a browser would send them, but any bytes (invalid UTF-8 too)."""
    pairs = [f"{urllib.parse.quote(key.encode('utf-8', 'surrogatepass'))}={urllib.parse.quote_from_bytes(v)}"
             for key, values in form.items() for v in values]
    if token:
        pairs.append(f"csrf_token={token}")
    return "&".join(pairs).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    db_path = folder / "live.db"
    running = LiveServer("run_kiosk.py", server_env(db_path, open_office_config(folder),
                                                    TERMINPRAXIS_SIGN_IN_LIMIT="1000 per minute",
                                                    TERMINPRAXIS_KIOSK_WRONG_CODE_LIMIT="1000 per minute")).start()
    running.token = add_account(db_path, "abraun", role="admin", token=True)
    yield running
    running.stop()


def assert_answer(path: str, status: int, body: bytes) -> None:
    assert status < 500, (path, status, body[:300])
    if path.startswith("/api/") and status >= 400:
        error = json.loads(body)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), (path, body[:300])


def fuzz(paths: list[str], strategy, send) -> None:
    for path in paths:
        @given(value=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(value):
            status, _headers, body = send(path, value)
            assert_answer(path, status, body)

        run()


def test_every_json_endpoint_answers_any_body_without_a_server_error(server):
    def send(path: str, body: bytes):
        return call(server.url + path, body, headers={"Authorization": f"Bearer {server.token}"})

    fuzz(API_ROUTES, bodies, send)


def test_every_form_answers_any_fields_without_a_server_error(server):
    staff = StaffClient(server.url)
    assert staff.sign_in("abraun", "browser-geheim-1") == 302
    token = staff.csrf("/desk/booking")

    def send_public(path: str, form):
        return call(server.url + path, encode_form(form, None),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})

    def send_staff(path: str, form):
        status, headers, page = staff.request(path, headers={"Content-Type": "application/x-www-form-urlencoded"},
                                              raw=encode_form(form, token))
        return status, headers, page.encode()

    fuzz(PUBLIC_FORMS, forms, send_public)
    fuzz(STAFF_FORMS, forms, send_staff)
    assert staff.request("/desk")[0] == 200  # still signed in: the fuzz really reached the staff forms
