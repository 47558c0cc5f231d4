"""API v1 against its own OpenAPI document with schemathesis, over a real server: no server error and
no answer outside the documented schemas, with a bounded number of examples per operation."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from conftest import LiveServer, add_account, server_env
from hardening_helpers import call, open_office_config

EXAMPLES = 5  # per operation, so ~20 operations stay well under a minute
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema")
    db_path = folder / "live.db"
    server = LiveServer("run_kiosk.py", server_env(db_path, open_office_config(folder))).start()
    server.token = add_account(db_path, "abraun", role="admin", token=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_schema(api_server):
    return schemathesis.openapi.from_url(api_server.url + "/api/v1/openapi.json")


def test_the_document_is_openapi_3_1_with_the_bodies_it_validates(api_server):
    import json

    status, _headers, body = call(api_server.url + "/api/v1/openapi.json")
    document = json.loads(body)
    assert status == 200 and document["openapi"] == "3.1.0"
    operation = document["paths"]["/api/v1/check-in"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/CheckIn"
    assert document["components"]["schemas"]["CheckIn"]["properties"]["request_id"]["anyOf"][0]["maxLength"] == 100
    assert "security" in document["paths"]["/api/v1/appointments"]["post"]


def test_api_answers_within_its_documented_schemas(api_schema, api_server):
    """Every operation of the document, each with EXAMPLES generated requests (schemathesis' own
    pytest loader needs the schema at collection time, before the server runs)."""
    headers = {"Authorization": f"Bearer {api_server.token}"}
    failures: dict[str, str] = {}
    sent: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            sent.append(case.operation.label)
            case.call_and_validate(base_url=api_server.url, headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as failure:  # noqa: BLE001 - collected, so one report names every operation
            failures[operation.label] = str(failure)[:2000]
    assert failures == {}
    assert set(sent) == {operation.label for operation in operations}  # every operation was really called
