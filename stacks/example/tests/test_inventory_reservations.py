"""Reserving stock on the deployed stack: idempotency, rejection, and the ReserveStock command event."""

from __future__ import annotations

import json

import boto3
from inventory_api import InventoryApi, StackOutputs
from waits import eventually


def test_same_idempotency_key_twice_reserves_once_with_identical_responses(
    inventory: InventoryApi, idempotency_key: str
) -> None:
    sku = inventory.new_sku(20)
    order = {"idempotency_key": idempotency_key, "sku": sku, "quantity": 3}

    first = inventory.reserve(**order)
    retry = inventory.reserve(**order)

    assert first["status"] == "RESERVED", first
    assert retry == first
    assert inventory.stock(sku) == {"available": 17, "sequence": 1}
    stored = inventory.reservation(idempotency_key)
    assert stored is not None
    assert stored["reservation_id"] == first["reservation_id"]


def test_insufficient_stock_is_rejected_and_nothing_is_taken(
    inventory: InventoryApi, idempotency_key: str
) -> None:
    sku = inventory.new_sku(2)

    result = inventory.reserve(idempotency_key=idempotency_key, sku=sku, quantity=3)

    assert result["status"] == "REJECTED"
    assert result["reason"] == "INSUFFICIENT_STOCK"
    assert inventory.stock(sku) == {"available": 2, "sequence": 1}
    assert inventory.reservation(idempotency_key) is None


def test_reserve_stock_command_on_the_bus_makes_a_reservation(
    inventory: InventoryApi, stack_outputs: StackOutputs, idempotency_key: str
) -> None:
    sku = inventory.new_sku(10)
    command = {"idempotency_key": idempotency_key, "sku": sku, "quantity": 4, "correlation_id": "checkout-1"}

    sent = boto3.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack_outputs.EventBusName,
                "Source": "shop.checkout",
                "DetailType": "ReserveStock",
                "Detail": json.dumps(command),
            }
        ]
    )

    assert sent["FailedEntryCount"] == 0, sent
    stored = eventually(
        lambda: inventory.reservation(idempotency_key), what=f"the reservation for {idempotency_key}"
    )
    assert (stored["sku"], stored["quantity"], stored["correlation_id"]) == (sku, "4", "checkout-1")
    assert inventory.stock(sku) == {"available": 6, "sequence": 1}
