"""CSV exports: RFC 4180 quoting, no formula from data (full-width forms too), a German-Excel variant;
and a request_id reused for another walk-in service is a 409 (real server over a real port)."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import add_account
from hardening_helpers import StaffClient, call, open_office_config
from queue_core import Engine, Office, connect
from queue_core.clock import SystemClock
from web.config import _read_toml

SERVICE_NAME = "＝HYPERLINK(\"http://x\";\"y\");Teil 2"
STAFF_NAME = "=cmd|' /C calc'!A0;Chef"


@pytest.fixture
def server(live_server, tmp_path):
    config = open_office_config(tmp_path, **{'name = "Unterlagen abgeben"': f"name = {json.dumps(SERVICE_NAME)}"})
    running = live_server(TERMINPRAXIS_CONFIG=str(config))
    db_path = tmp_path / "live.db"
    add_account(db_path, "leitung", role="admin", name=STAFF_NAME)
    engine = Engine(connect(db_path), Office.from_mapping(_read_toml(config)), SystemClock())
    for i in range(3):
        ticket = engine.walk_in("unterlagen", request_id=f"csv-{i}").ticket
        call_ = engine.call_ticket(ticket.id, "210", "abraun", "Test")
        engine.start(call_.ticket.id, actor="abraun")
        engine.finish(call_.ticket.id, actor="abraun")
    engine.record_reading("leitung", "appointments_of_day", date=engine.now().date().isoformat())
    engine.db.close()
    return running


def every_field_is_quoted(text: str, separator: str) -> None:
    """RFC 4180 with every field in quotes (a quote inside doubled), so no separator splits a value."""
    field = r'"(?:[^"]|"")*"'
    line_shape = re.compile(f"^{field}(?:{re.escape(separator)}{field})*$")
    for line in text.lstrip("\ufeff").split("\r\n")[:-1]:
        assert line_shape.match(line), line
    assert text.endswith("\r\n")


def test_csv_exports_quote_everything_and_never_start_a_formula(server):
    admin = StaffClient(server.url)
    assert admin.sign_in("leitung", "browser-geheim-1") == 302
    status, headers, plain = admin.request("/reports/export?table=by_service&format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    every_field_is_quoted(plain, ",")
    rows = list(csv.DictReader(io.StringIO(plain.lstrip("\ufeff"))))
    names = {r["service"]: r["service_name"] for r in rows}
    assert names["unterlagen"] == "'" + SERVICE_NAME  # full-width ＝ neutralised, the ; kept inside the field
    served = next(r for r in rows if r["service"] == "unterlagen")
    assert served["served"] == "3"

    status, headers, german = admin.request("/reports/export?table=by_service&format=csv-de")
    assert status == 200 and "-excel.csv" in headers["Content-Disposition"]
    every_field_is_quoted(german, ";")
    rows = list(csv.DictReader(io.StringIO(german.lstrip("\ufeff")), delimiter=";"))
    assert "Anliegen" in rows[0] and "bedient" in rows[0]  # the page's German column headers
    row = next(r for r in rows if r["Anliegen (Schlüssel)"] == "unterlagen")
    assert row["Anliegen"] == "'" + SERVICE_NAME
    assert "," in row["Bearbeitung Ø min"] and "." not in row["Bearbeitung Ø min"]

    for variant in ("csv", "csv-de"):
        status, _headers, log = admin.request(f"/reports/access-log/export?format={variant}")
        assert status == 200
        reader = csv.reader(io.StringIO(log.lstrip("\ufeff")), delimiter=";" if variant == "csv-de" else ",")
        cells = [c for row in reader for c in row]
        assert "'" + STAFF_NAME in cells
        assert not any(c[:1] in "=+-@＝＋－＠" for c in cells if c and not c.lstrip("-").replace(",", "").isdigit())


def test_a_request_id_reused_for_another_service_is_a_409(server):
    first = call(server.url + "/api/v1/check-in", {"walk_in": {"service": "notfall"}, "request_id": "same-id"})
    assert first[0] == 201
    repeat = call(server.url + "/api/v1/check-in", {"walk_in": {"service": "notfall"}, "request_id": "same-id"})
    assert repeat[0] == 200 and json.loads(repeat[2])["ticket"]["id"] == json.loads(first[2])["ticket"]["id"]
    other = call(server.url + "/api/v1/check-in", {"walk_in": {"service": "unterlagen"}, "request_id": "same-id"})
    assert other[0] == 409
    assert json.loads(other[2])["error"]["code"] == "request_id_reused"
