"""The Reserve handler against real DynamoDB transactions on the local engine."""

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


def _order(sku: str, quantity: int, **extra: Any) -> dict[str, Any]:
    return {"idempotency_key": f"key-{uuid.uuid4()}", "sku": sku, "quantity": quantity, **extra}


def test_same_key_twice_reserves_once_and_replays_the_first_response(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(10)
    order = _order(sku, 3)

    first = handlers.reserve.handler(order, None)
    second = handlers.reserve.handler(order, None)

    assert first["status"] == "RESERVED"
    assert second == first
    assert _available(resources, sku) == 7


def test_a_replay_after_stock_ran_out_still_returns_the_original_reservation(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(2)
    order = _order(sku, 2)
    first = handlers.reserve.handler(order, None)

    assert handlers.reserve.handler(order, None) == first
    assert _available(resources, sku) == 0


def test_insufficient_stock_is_rejected_and_leaves_stock_and_reservations_alone(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(1)
    order = _order(sku, 5)

    result = handlers.reserve.handler(order, None)

    assert result == {
        "status": "REJECTED",
        "reason": "INSUFFICIENT_STOCK",
        "idempotency_key": order["idempotency_key"],
        "sku": sku,
        "quantity": 5,
    }
    assert _available(resources, sku) == 1
    stored = boto3.client("dynamodb").get_item(
        TableName=resources.reservations_table, Key={"idempotency_key": {"S": order["idempotency_key"]}}
    )
    assert "Item" not in stored


def test_an_unknown_sku_is_rejected_as_insufficient_stock(handlers: Handlers) -> None:
    result = handlers.reserve.handler(_order(f"SKU-missing-{uuid.uuid4()}", 1), None)

    assert (result["status"], result["reason"]) == ("REJECTED", "INSUFFICIENT_STOCK")


def test_a_key_reused_for_a_different_order_is_rejected(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(10)
    order = _order(sku, 1)
    handlers.reserve.handler(order, None)

    result = handlers.reserve.handler({**order, "quantity": 4}, None)

    assert (result["status"], result["reason"]) == ("REJECTED", "IDEMPOTENCY_KEY_REUSED")
    assert _available(resources, sku) == 9


def test_an_eventbridge_command_is_unwrapped_and_its_correlation_id_stored(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(10)
    order = _order(sku, 2, correlation_id="corr-123")
    event = {"id": "event-1", "source": "shop.checkout", "detail-type": "ReserveStock", "detail": order}

    result = handlers.reserve.handler(event, None)

    assert result["status"] == "RESERVED"
    stored = boto3.client("dynamodb").get_item(
        TableName=resources.reservations_table, Key={"idempotency_key": {"S": order["idempotency_key"]}}
    )["Item"]
    assert stored["correlation_id"]["S"] == "corr-123"
    assert stored["reservation_id"]["S"] == result["reservation_id"]


def test_an_invalid_quantity_is_rejected_with_the_field_named(handlers: Handlers) -> None:
    result = handlers.reserve.handler({"idempotency_key": "k", "sku": "s", "quantity": 0}, None)

    assert result["status"] == "REJECTED"
    assert result["reason"] == "INVALID_REQUEST"
    assert "quantity" in result["message"]
