"""Reserving stock: one reservation per idempotency key, rejection when stock is short, and the
ReserveStock command event coming back out of the stack as StockReserved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from inventory_api import FunctionFailed, InventoryApi

from runner.testing import EventCapture, StackContext, assert_idempotent, eventually

STOCK = 20


@pytest.mark.parametrize("concurrency", [1, 4], ids=["retried", "sent-concurrently"])
def test_a_duplicate_reservation_reserves_once_and_answers_the_same(
    inventory: InventoryApi, isolation_key: str, concurrency: int
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=STOCK)
    order = {"idempotency_key": isolation_key, "sku": sku, "quantity": 1}

    def reserve(order: dict[str, Any]) -> dict[str, Any]:
        # Racing transactions may be cancelled (TransactionConflict): the handler raises and, as its
        # contract says, the caller retries with the same key.
        return eventually(lambda: inventory.reserve(order), retry_on=(FunctionFailed,), timeout=10)

    first = assert_idempotent(
        reserve,
        order,
        concurrency=concurrency,
        side_effects=lambda: STOCK - inventory.available(sku),  # units taken: one order of one unit
    )

    assert first["status"] == "RESERVED", first
    stored = inventory.reservation(isolation_key)
    assert stored is not None
    assert stored["reservation_id"] == first["reservation_id"]


def test_insufficient_stock_is_rejected_and_nothing_is_taken(
    inventory: InventoryApi, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=2)

    result = inventory.reserve({"idempotency_key": isolation_key, "sku": sku, "quantity": 3})

    assert (result["status"], result["reason"]) == ("REJECTED", "INSUFFICIENT_STOCK")
    assert inventory.stock(sku) == {"available": 2, "sequence": 1}
    assert inventory.reservation(isolation_key) is None


def test_a_reserve_stock_command_on_the_bus_comes_back_as_stock_reserved(
    stack: StackContext,
    inventory: InventoryApi,
    capture_events: Callable[..., EventCapture],
    correlation_id: str,
    isolation_key: str,
) -> None:
    # The capture's rule matches only events whose detail.correlation_id starts with this run's id:
    # other runs' and other shards' reservations never reach its queue.
    stock_reserved = capture_events(
        stack["EventBusName"],
        {"source": ["inventory.reservations"], "detail-type": ["StockReserved"]},
        run_id_path="detail.correlation_id",
    )
    sku = inventory.stocked_sku(isolation_key, available=10)

    inventory.send_command(
        "ReserveStock",
        {"idempotency_key": isolation_key, "sku": sku, "quantity": 4, "correlation_id": correlation_id},
    )

    [event] = stock_reserved.wait_for({"detail": {"correlation_id": correlation_id}})
    reservation = inventory.reservation(isolation_key)
    assert reservation is not None
    assert event["detail"] == {
        "reservation_id": reservation["reservation_id"],
        "sku": sku,
        "quantity": 4,
        "idempotency_key": isolation_key,
        "correlation_id": correlation_id,
    }
    assert inventory.available(sku) == 6
