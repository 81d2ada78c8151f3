"""The seed custom resource: writes stock, never overwrites it, and always answers the ResponseURL."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest
from handler_env import Handlers, LocalResources


class _ResponseCatcher(BaseHTTPRequestHandler):
    """Stands in for CloudFormation's pre-signed S3 URL: keeps each PUT body and its headers."""

    received: list[tuple[dict[str, str], dict[str, Any]]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def response_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _ResponseCatcher)
    _ResponseCatcher.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/response?signature=abc"
    server.shutdown()
    server.server_close()


def _event(request_type: str, url: str, table: str, stock: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/x/1",
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": "SeedStock",
        "ResourceType": "Custom::SeedStock",
        "ResourceProperties": {"ServiceToken": "arn", "TableName": table, "Stock": stock},
    }


def _available(resources: LocalResources, sku: str) -> int:
    item = boto3.client("dynamodb").get_item(TableName=resources.inventory_table, Key={"sku": {"S": sku}})
    return int(item["Item"]["available"]["N"])


def test_create_seeds_the_stock_and_answers_success(
    handlers: Handlers, resources: LocalResources, response_url: str
) -> None:
    skus = [f"SKU-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    # CloudFormation sends numbers as strings; a direct test invoke may send numbers: both must work.
    stock: list[dict[str, Any]] = [{"sku": skus[0], "available": "12"}, {"sku": skus[1], "available": 7}]

    handlers.seed_stock.handler(_event("Create", response_url, resources.inventory_table, stock), None)

    headers, body = _ResponseCatcher.received[-1]
    assert body["Status"] == "SUCCESS", body
    assert body["LogicalResourceId"] == "SeedStock"
    assert headers.get("Content-Type", "") == ""
    assert [_available(resources, sku) for sku in skus] == [12, 7]


def test_update_adds_missing_skus_without_resetting_existing_levels(
    handlers: Handlers, resources: LocalResources, response_url: str, stocked_sku: Any
) -> None:
    existing = stocked_sku(3)
    new_sku = f"SKU-{uuid.uuid4().hex[:8]}"
    stock = [{"sku": existing, "available": "100"}, {"sku": new_sku, "available": "5"}]
    event = {**_event("Update", response_url, resources.inventory_table, stock), "PhysicalResourceId": "p-1"}

    handlers.seed_stock.handler(event, None)

    _, body = _ResponseCatcher.received[-1]
    assert (body["Status"], body["PhysicalResourceId"]) == ("SUCCESS", "p-1")
    assert (_available(resources, existing), _available(resources, new_sku)) == (3, 5)


def test_delete_touches_nothing_and_answers_success(
    handlers: Handlers, resources: LocalResources, response_url: str, stocked_sku: Any
) -> None:
    sku = stocked_sku(9)
    event = {
        **_event("Delete", response_url, resources.inventory_table, [{"sku": sku, "available": "1"}]),
        "PhysicalResourceId": "p-2",
    }

    handlers.seed_stock.handler(event, None)

    assert _ResponseCatcher.received[-1][1]["Status"] == "SUCCESS"
    assert _available(resources, sku) == 9


def test_a_failure_is_answered_as_failed_with_the_reason(handlers: Handlers, response_url: str) -> None:
    event = _event("Create", response_url, "NoSuchTable", [{"sku": "S", "available": "1"}])

    handlers.seed_stock.handler(event, None)

    _, body = _ResponseCatcher.received[-1]
    assert body["Status"] == "FAILED"
    assert "ResourceNotFoundException" in body["Reason"]
