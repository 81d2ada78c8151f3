"""Front doors: a REST API with a Lambda proxy and an SQS-integrated method, an HTTP API and a
function URL, each called over HTTP at the URL its stack output gives."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from runner.polling import eventually

from .corpus import DeployedApp, assert_destroyed_without_leftovers, deployed, http

pytestmark = pytest.mark.fidelity


@pytest.fixture(scope="module")
def app(endpoint, tmp_path_factory) -> Iterator[DeployedApp]:
    yield from deployed(endpoint, "api_front", 1001, tmp_path_factory)


def test_the_rest_api_serves_the_python_catalog_through_the_lambda_proxy(app):
    base = app.outputs["CatalogApiUrl"]
    assert http("GET", base + "items") == (200, {"items": ["apple", "pear"]})
    assert http("GET", base + "items/pear") == (200, {"name": "pear", "price": 4})
    assert http("GET", base + "items/kiwi") == (404, {"message": "no item kiwi"})


def test_the_rest_api_queues_an_order_through_its_sqs_integration(app):
    assert http("POST", app.outputs["CatalogApiUrl"] + "orders", {"order": 7}) == (202, {"queued": True})
    sqs = app.client("sqs")

    def queued() -> list[str]:
        answer = sqs.receive_message(QueueUrl=app.outputs["OrdersQueueUrl"], WaitTimeSeconds=1)
        return [message["Body"] for message in answer.get("Messages", [])]

    assert [json.loads(body) for body in eventually(queued, timeout=15)] == [{"order": 7}]


def test_the_http_api_greets_through_the_node_handler(app):
    status, body = http("GET", app.outputs["GreeterApiUrl"] + "hello/ann")
    assert (status, body) == (200, {"greeting": "hello ann", "route": "GET /hello/{name}"})


def test_the_function_url_answers_with_the_inline_node_22_handler(app):
    status, body = http("GET", app.outputs["ClockUrl"] + "now")
    assert status == 200
    assert body["path"] == "/now"
    assert isinstance(body["now"], int)


def test_log_retention_is_set_on_each_functions_log_group(app):
    logs = app.client("logs")
    groups = {
        group["logGroupName"]: group.get("retentionInDays")
        for group in logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{app.stack_names[0]}-")[
            "logGroups"
        ]
    }
    catalog = f"/aws/lambda/{app.outputs['CatalogFunctionName']}"
    assert groups[catalog] == 7
    assert sorted(days for name, days in groups.items() if "-Greeter" in name) == [3]


def test_python_logging_info_lands_in_the_catalog_log_in_the_lambda_format(app):
    http("GET", app.outputs["CatalogApiUrl"] + "items/apple")
    logs = app.client("logs")
    group = f"/aws/lambda/{app.outputs['CatalogFunctionName']}"

    def info_lines() -> list[str]:
        events = logs.filter_log_events(logGroupName=group, filterPattern="catalog request")["events"]
        return [event["message"] for event in events if "/items/apple" in event["message"]]

    line = eventually(info_lines, timeout=15)[0]
    assert line.startswith("[INFO]\t")
    assert line.rstrip("\n").endswith("\tcatalog request GET /items/apple")


def test_destroy_leaves_nothing_behind(app):
    assert_destroyed_without_leftovers(app)
