"""The saga's compensation: releasing a reservation gives its units back exactly once."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
from handler_env import Handlers, LocalResources


def _available(resources: LocalResources, sku: str) -> int:
    item = boto3.client("dynamodb").get_item(
        TableName=resources.inventory_table, Key={"sku": {"S": sku}}, ConsistentRead=True
    )["Item"]
    return int(item["available"]["N"])


def test_releasing_twice_gives_the_units_back_once_and_marks_the_reservation_released(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(10)
    key = f"ord-{uuid.uuid4().hex}"
    handlers.reserve.handler({"idempotency_key": key, "sku": sku, "quantity": 4}, None)

    first = handlers.release.handler({"idempotency_key": key}, None)
    again = handlers.release.handler({"idempotency_key": key}, None)

    assert first == again == {"status": "RELEASED", "idempotency_key": key, "sku": sku, "quantity": 4}
    assert _available(resources, sku) == 10
    stored = boto3.client("dynamodb").get_item(
        TableName=resources.reservations_table, Key={"idempotency_key": {"S": key}}, ConsistentRead=True
    )["Item"]
    assert stored["status"]["S"] == "RELEASED"


def test_releasing_an_unknown_reservation_changes_nothing(handlers: Handlers) -> None:
    key = f"ord-{uuid.uuid4().hex}"

    assert handlers.release.handler({"idempotency_key": key}, None) == {
        "status": "NOT_RESERVED",
        "idempotency_key": key,
    }
