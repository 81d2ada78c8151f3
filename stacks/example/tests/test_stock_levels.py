"""Stock levels: what the custom resource seeded, and the warehouse feed's updates, which arrive out of
order and more than once and must never move a level back to an older sequence."""

from __future__ import annotations

from typing import Any

from api_client import InventoryHttpApi
from inventory_api import InventoryApi

from runner.testing import assert_latest_wins


def test_initial_stock_was_seeded_by_the_custom_resource(
    api: InventoryHttpApi, inventory: InventoryApi
) -> None:
    initial_stock = inventory.outputs.initial_stock

    seeded = {sku: api.stock(sku).body for sku in initial_stock}

    # No test reserves seeded skus, so the levels are exactly what the custom resource wrote.
    assert seeded == {
        sku: {"sku": sku, "available": units, "sequence": 0} for sku, units in initial_stock.items()
    }


def test_stale_and_repeated_stock_updates_never_replace_the_newest_level(
    inventory: InventoryApi, isolation_key: str
) -> None:
    sku = f"SKU-{isolation_key}"
    levels: list[dict[str, Any]] = [
        {"sku": sku, "available": 10 * sequence, "sequence": sequence} for sequence in range(1, 6)
    ]
    answers: list[dict[str, Any]] = []

    assert_latest_wins(
        lambda level: answers.append(inventory.update_stock(level)),
        levels,
        sequence=lambda level: level["sequence"],
        read_state=lambda: inventory.stock(sku),
        expected=lambda newest: {"available": newest["available"], "sequence": newest["sequence"]},
        duplicates=3,
    )

    # Each update was either applied, moving the level forward, or refused as stale.
    applied = [answer["sequence"] for answer in answers if answer["status"] == "APPLIED"]
    assert applied == sorted(set(applied))
    assert {answer["status"] for answer in answers} == {"APPLIED", "STALE"}
