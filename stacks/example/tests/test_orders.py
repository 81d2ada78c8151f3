"""The order saga behind POST /orders: reserve -> charge -> ship, each order one Step Functions execution;
a failure after the reservation is compensated (refund, release); the tests wait on the outcome through
GET /orders/{id}, never a fixed sleep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from api_client import ApiResponse, InventoryHttpApi
from inventory_api import InventoryApi

from runner.testing import EventCapture, StackContext, assert_idempotent

STOCK = 10


def _order(sku: str, **overrides: Any) -> dict[str, Any]:
    order = {
        "sku": sku,
        "quantity": 2,
        "amount_cents": 4_500,
        "payment_method": "pm_card_visa",
        "ship_to": {"country": "GB"},
    }
    return {**order, **overrides}


def test_an_order_is_reserved_charged_shipped_and_announced(
    stack: StackContext,
    api: InventoryHttpApi,
    inventory: InventoryApi,
    capture_events: Callable[..., EventCapture],
    correlation_id: str,
    isolation_key: str,
) -> None:
    order_shipped = capture_events(
        stack["EventBusName"],
        {"source": ["inventory.orders"], "detail-type": ["OrderShipped"]},
        run_id_path="detail.correlation_id",
    )
    sku = inventory.stocked_sku(isolation_key, available=STOCK)

    placed = api.place_order(isolation_key, _order(sku), correlation_id=correlation_id)

    assert placed.status == 202, placed
    order_id = placed.body["order_id"]
    outcome = api.outcome(order_id)
    assert outcome["status"] == "SHIPPED", outcome
    shipment = outcome["shipment"]
    assert inventory.saga_steps(order_id) == [
        "Reserve",
        "IsReserved",
        "Charge",
        "Ship",
        "PublishOrderShipped",
        "OrderShipped",
    ]
    assert api.available(sku) == STOCK - 2
    assert inventory.label(shipment["label_key"])["tracking_number"] == shipment["tracking_number"]
    [event] = order_shipped.wait_for({"detail": {"order_id": order_id}})
    assert event["detail"] == {
        "order_id": order_id,
        "sku": sku,
        "quantity": 2,
        "tracking_number": shipment["tracking_number"],
        "correlation_id": correlation_id,
    }


@pytest.mark.parametrize(
    ("order", "reason", "compensation"),
    [
        ({"payment_method": "pm_card_chargeDeclined"}, "PaymentDeclined", ["ReleaseStock"]),
        ({"amount_cents": 90_000}, "PaymentDeclined", ["ReleaseStock"]),
        ({"ship_to": {"country": "AQ"}}, "ShippingUnavailable", ["Refund", "ReleaseStock"]),
    ],
    ids=["card-declined", "amount-too-large", "destination-not-served"],
)
def test_a_failed_order_is_cancelled_and_compensated_in_reverse(
    api: InventoryHttpApi,
    inventory: InventoryApi,
    isolation_key: str,
    order: dict[str, Any],
    reason: str,
    compensation: list[str],
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=STOCK)

    placed = api.place_order(isolation_key, _order(sku, **order))

    order_id = placed.body["order_id"]
    outcome = api.outcome(order_id)
    assert (outcome["status"], outcome["reason"]) == ("CANCELLED", reason), outcome
    steps = inventory.saga_steps(order_id)
    assert steps[-1 - len(compensation) :] == [*compensation, "OrderCancelled"]
    # The compensation gave the reserved units back and marked the reservation released.
    assert api.available(sku) == STOCK
    assert api.reservation(order_id).body["status"] == "RELEASED"


def test_a_payment_gateway_timeout_is_retried_and_the_order_ships(
    api: InventoryHttpApi, inventory: InventoryApi, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=STOCK)

    placed = api.place_order(isolation_key, _order(sku, payment_method="pm_card_gatewayTimeout"))

    outcome = api.outcome(placed.body["order_id"])
    assert outcome["status"] == "SHIPPED", outcome
    assert api.available(sku) == STOCK - 2


def test_an_order_for_more_than_is_in_stock_is_rejected_before_any_charge(
    api: InventoryHttpApi, inventory: InventoryApi, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=1)

    placed = api.place_order(isolation_key, _order(sku, quantity=2))

    order_id = placed.body["order_id"]
    outcome = api.outcome(order_id)
    assert (outcome["status"], outcome["reason"], outcome["message"]) == (
        "CANCELLED",
        "ReservationRejected",
        "INSUFFICIENT_STOCK",
    )
    assert "Charge" not in inventory.saga_steps(order_id)
    assert api.available(sku) == 1


def test_a_repeated_order_starts_one_saga_and_a_reused_key_is_refused(
    api: InventoryHttpApi, inventory: InventoryApi, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=STOCK)
    order = _order(sku)

    order_ids: set[str] = set()

    def place(body: dict[str, Any]) -> ApiResponse:
        answer = api.place_order(isolation_key, body)
        order_ids.add(str(answer.body.get("order_id")))
        return answer

    first = assert_idempotent(
        place,
        order,
        concurrency=4,
        # Sagas started under the answered order ids; none before the first request (a fresh key).
        side_effects=lambda: sum(len(inventory.saga_executions(order_id)) for order_id in order_ids),
    )

    assert first.status == 202, first
    reused = api.place_order(isolation_key, {**order, "quantity": 3})
    assert (reused.status, reused.body["reason"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert api.outcome(first.body["order_id"])["status"] == "SHIPPED"
    assert api.available(sku) == STOCK - 2
