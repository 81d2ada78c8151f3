"""What the deployed stack tells others: StockReserved events and low-stock alerts, end to end."""

from __future__ import annotations

from inventory_api import InventoryApi, StackOutputs
from waits import QueueWatcher


def test_a_reservation_reaches_the_downstream_queue_as_stock_reserved(
    inventory: InventoryApi, downstream: QueueWatcher, idempotency_key: str
) -> None:
    sku = inventory.new_sku(30)
    reservation = inventory.reserve(
        idempotency_key=idempotency_key, sku=sku, quantity=2, correlation_id=f"corr-{idempotency_key}"
    )
    assert reservation["status"] == "RESERVED", reservation

    event = downstream.wait_for(
        lambda event: event.get("detail", {}).get("idempotency_key") == idempotency_key,
        what=f"StockReserved for {idempotency_key}",
    )

    assert event["source"] == "inventory.reservations"
    assert event["detail-type"] == "StockReserved"
    assert event["detail"] == {
        "reservation_id": reservation["reservation_id"],
        "sku": sku,
        "quantity": 2,
        "idempotency_key": idempotency_key,
        "correlation_id": f"corr-{idempotency_key}",
    }


def test_stock_falling_below_the_threshold_alerts_through_sns_to_the_alerts_queue(
    inventory: InventoryApi, stack_outputs: StackOutputs, alerts: QueueWatcher, idempotency_key: str
) -> None:
    threshold = stack_outputs.low_stock_threshold
    sku = inventory.new_sku(threshold + 1)

    reservation = inventory.reserve(idempotency_key=idempotency_key, sku=sku, quantity=2)
    assert reservation["status"] == "RESERVED", reservation

    alert = alerts.wait_for(lambda alert: alert.get("sku") == sku, what=f"the low-stock alert for {sku}")
    assert alert == {"sku": sku, "available": threshold - 1, "threshold": threshold}
