"""The UpdateStock handler: sequence-conditioned writes against DynamoDB on the local engine."""

from __future__ import annotations

import uuid

import boto3
from handler_env import Handlers, LocalResources


def _item(resources: LocalResources, sku: str) -> dict[str, int]:
    item = boto3.client("dynamodb").get_item(
        TableName=resources.inventory_table, Key={"sku": {"S": sku}}, ConsistentRead=True
    )["Item"]
    return {"available": int(item["available"]["N"]), "sequence": int(item["sequence"]["N"])}


def test_an_older_or_repeated_sequence_is_rejected_as_stale(
    handlers: Handlers, resources: LocalResources
) -> None:
    sku = f"SKU-{uuid.uuid4().hex[:12]}"
    applied = handlers.update_stock.handler({"sku": sku, "available": 10, "sequence": 5}, None)

    older = handlers.update_stock.handler({"sku": sku, "available": 3, "sequence": 4}, None)
    repeated = handlers.update_stock.handler({"sku": sku, "available": 3, "sequence": 5}, None)

    assert applied == {"status": "APPLIED", "sku": sku, "available": 10, "sequence": 5}
    assert older == {"status": "STALE", "sku": sku, "sequence": 4, "current_sequence": 5}
    assert repeated["status"] == "STALE"
    assert _item(resources, sku) == {"available": 10, "sequence": 5}


def test_a_newer_sequence_replaces_the_level(handlers: Handlers, resources: LocalResources) -> None:
    sku = f"SKU-{uuid.uuid4().hex[:12]}"
    handlers.update_stock.handler({"sku": sku, "available": 10, "sequence": 1}, None)

    result = handlers.update_stock.handler({"sku": sku, "available": 4, "sequence": 2}, None)

    assert result["status"] == "APPLIED"
    assert _item(resources, sku) == {"available": 4, "sequence": 2}
