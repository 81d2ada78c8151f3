"""What the stack tells others through its own wiring: reservations reach the Downstream queue
(EventBridge rule) and low stock reaches the Alerts queue (SNS subscription)."""

from __future__ import annotations

from api_client import InventoryHttpApi
from inventory_api import InventoryApi
from shared_queue import SharedQueue

from runner.testing import contains, eventually


def test_a_reservation_reaches_the_downstream_queue_as_stock_reserved(
    api: InventoryHttpApi, inventory: InventoryApi, downstream: SharedQueue, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=30)
    reserved = api.reserve(isolation_key, {"sku": sku, "quantity": 2})
    assert reserved.status == 201, reserved

    event = eventually(
        lambda: downstream.take(lambda event: event["detail"].get("idempotency_key") == isolation_key),
        description=f"StockReserved for {isolation_key} on the Downstream queue",
    )

    assert contains(
        event,
        {
            "source": "inventory.reservations",
            "detail-type": "StockReserved",
            "detail": {"reservation_id": reserved.body["reservation_id"], "sku": sku, "quantity": 2},
        },
    )


def test_stock_falling_below_the_threshold_alerts_through_sns_to_the_alerts_queue(
    api: InventoryHttpApi, inventory: InventoryApi, alerts: SharedQueue, isolation_key: str
) -> None:
    threshold = inventory.outputs.low_stock_threshold
    sku = inventory.stocked_sku(isolation_key, available=threshold + 1)

    reserved = api.reserve(isolation_key, {"sku": sku, "quantity": 2})
    assert reserved.status == 201, reserved

    alert = eventually(
        lambda: alerts.take(lambda alert: alert.get("sku") == sku),
        description=f"the low-stock alert for {sku} on the Alerts queue",
    )
    assert alert == {"sku": sku, "available": threshold - 1, "threshold": threshold}
