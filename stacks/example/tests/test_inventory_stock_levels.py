"""Stock levels on the deployed stack: the seeded stock and sequence-ordered updates."""

from __future__ import annotations

import uuid

from inventory_api import InventoryApi, StackOutputs


def test_initial_stock_was_seeded_by_the_custom_resource(
    inventory: InventoryApi, stack_outputs: StackOutputs
) -> None:
    seeded = {sku: inventory.stock(sku) for sku in stack_outputs.initial_stock}

    # No test reserves seeded skus, so the levels are exactly what the custom resource wrote.
    assert seeded == {
        sku: {"available": units, "sequence": 0} for sku, units in stack_outputs.initial_stock.items()
    }


def test_a_stale_stock_update_is_rejected_by_its_sequence(inventory: InventoryApi) -> None:
    sku = f"TEST-{uuid.uuid4().hex[:16]}"
    newer = inventory.update_stock(sku, available=10, sequence=7)

    older = inventory.update_stock(sku, available=99, sequence=6)
    duplicate = inventory.update_stock(sku, available=99, sequence=7)

    assert newer["status"] == "APPLIED", newer
    assert older == {"status": "STALE", "sku": sku, "sequence": 6, "current_sequence": 7}
    assert duplicate["status"] == "STALE"
    assert inventory.stock(sku) == {"available": 10, "sequence": 7}


def test_a_newer_stock_update_replaces_the_level(inventory: InventoryApi) -> None:
    sku = inventory.new_sku(10)

    result = inventory.update_stock(sku, available=25, sequence=2)

    assert result["status"] == "APPLIED", result
    assert inventory.stock(sku) == {"available": 25, "sequence": 2}
