"""Reserving stock through the API: one reservation per idempotency key, rejection when stock is short,
and reservations coming back out of the stack as StockReserved events (from the API and from a
ReserveStock command on the bus)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from api_client import ApiResponse, InventoryHttpApi
from inventory_api import InventoryApi

from runner.testing import EventCapture, StackContext, assert_idempotent, eventually

STOCK = 20
STOCK_RESERVED = {"source": ["inventory.reservations"], "detail-type": ["StockReserved"]}


@pytest.mark.parametrize("concurrency", [1, 4], ids=["retried", "sent-concurrently"])
def test_a_duplicate_reservation_reserves_once_and_answers_the_same(
    api: InventoryHttpApi, inventory: InventoryApi, isolation_key: str, concurrency: int
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=STOCK)

    def reserve(order: dict[str, object]) -> ApiResponse:
        # Racing requests with one key may conflict: the API answers 503 (Retry-After) and the client
        # retries, as HTTP clients do.
        return eventually(
            lambda: api.reserve(isolation_key, order), until=lambda answer: answer.status != 503, timeout=10
        )

    first = assert_idempotent(
        reserve,
        {"sku": sku, "quantity": 1},
        concurrency=concurrency,
        side_effects=lambda: STOCK - api.available(sku),  # units taken: one order of one unit
    )

    assert first.status == 201, first
    stored = api.reservation(isolation_key)
    assert (stored.status, stored.body["reservation_id"], stored.body["status"]) == (
        200,
        first.body["reservation_id"],
        "RESERVED",
    )


def test_insufficient_stock_is_refused_and_nothing_is_taken(
    api: InventoryHttpApi, inventory: InventoryApi, isolation_key: str
) -> None:
    sku = inventory.stocked_sku(isolation_key, available=2)

    refused = api.reserve(isolation_key, {"sku": sku, "quantity": 3})

    assert (refused.status, refused.body["reason"]) == (409, "INSUFFICIENT_STOCK")
    assert api.stock(sku).body == {"sku": sku, "available": 2, "sequence": 1}
    assert api.reservation(isolation_key).status == 404


def test_a_reservation_through_the_api_is_published_as_stock_reserved(
    stack: StackContext,
    api: InventoryHttpApi,
    inventory: InventoryApi,
    capture_events: Callable[..., EventCapture],
    correlation_id: str,
    isolation_key: str,
) -> None:
    # The capture's rule matches only events whose detail.correlation_id starts with this run's id:
    # other runs' and other shards' reservations never reach its queue.
    stock_reserved = capture_events(
        stack["EventBusName"], STOCK_RESERVED, run_id_path="detail.correlation_id"
    )
    sku = inventory.stocked_sku(isolation_key, available=10)

    reserved = api.reserve(isolation_key, {"sku": sku, "quantity": 4}, correlation_id=correlation_id)

    assert reserved.status == 201, reserved
    [event] = stock_reserved.wait_for({"detail": {"correlation_id": correlation_id}})
    assert event["detail"] == {
        "reservation_id": reserved.body["reservation_id"],
        "sku": sku,
        "quantity": 4,
        "idempotency_key": isolation_key,
        "correlation_id": correlation_id,
    }
    assert api.available(sku) == 6


def test_a_reserve_stock_command_on_the_bus_comes_back_as_stock_reserved(
    stack: StackContext,
    inventory: InventoryApi,
    capture_events: Callable[..., EventCapture],
    correlation_id: str,
    isolation_key: str,
) -> None:
    stock_reserved = capture_events(
        stack["EventBusName"], STOCK_RESERVED, run_id_path="detail.correlation_id"
    )
    sku = inventory.stocked_sku(isolation_key, available=10)

    inventory.send_command(
        "ReserveStock",
        {"idempotency_key": isolation_key, "sku": sku, "quantity": 4, "correlation_id": correlation_id},
    )

    [event] = stock_reserved.wait_for({"detail": {"correlation_id": correlation_id}})
    reservation = inventory.reservation(isolation_key)
    assert reservation is not None
    assert event["detail"]["reservation_id"] == reservation["reservation_id"]
    assert inventory.available(sku) == 6
