"""Concurrent DynamoDB transactions on the engine: one idempotent reservation, one decrement.

The previous engine (moto) lost or doubled a write in 3 of 30 such trials, so every trial must be
exact: DynamoDB's conditional transactions are what the example's idempotency rests on.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from runner.local import LocalEndpoint

from .cfn_testkit import EngineUnderTest, unique

TRIALS = 25
RACERS = 8
FILLER_ITEMS = 200  # a larger table makes each request slower, widening any race window


@pytest.fixture
def fixed(local_engine: LocalEndpoint) -> EngineUnderTest:
    return EngineUnderTest(url=local_engine.url)


def _table(dynamodb: Any, key: str) -> str:
    name = unique("txn")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def _reserve(dynamodb: Any, reservations: str, inventory: str, key: str, sku: str) -> None:
    """The example app's Reserve: idempotency record and stock decrement in one transaction."""
    # A cancelled racer is expected: the record is already there.
    with contextlib.suppress(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": reservations,
                        "Item": {"key": {"S": key}},
                        "ConditionExpression": "attribute_not_exists(#key)",
                        "ExpressionAttributeNames": {"#key": "key"},
                    }
                },
                {
                    "Update": {
                        "TableName": inventory,
                        "Key": {"sku": {"S": sku}},
                        "UpdateExpression": "SET available = available - :one",
                        "ConditionExpression": "available >= :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )


def test_racing_identical_transactions_commit_exactly_once(fixed: EngineUnderTest) -> None:
    dynamodb = fixed.client("dynamodb")
    reservations, inventory = _table(dynamodb, "key"), _table(dynamodb, "sku")
    for index in range(FILLER_ITEMS):
        dynamodb.put_item(
            TableName=inventory, Item={"sku": {"S": f"filler-{index}"}, "available": {"N": "1"}}
        )

    outcomes = []
    for trial in range(TRIALS):
        key, sku = f"key-{trial}", f"sku-{trial}"
        dynamodb.put_item(TableName=inventory, Item={"sku": {"S": sku}, "available": {"N": "20"}})
        barrier = threading.Barrier(RACERS)

        def race(key: str = key, sku: str = sku, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            _reserve(dynamodb, reservations, inventory, key, sku)

        racers = [threading.Thread(target=race) for _ in range(RACERS)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        recorded = "Item" in dynamodb.get_item(TableName=reservations, Key={"key": {"S": key}})
        item = dynamodb.get_item(TableName=inventory, Key={"sku": {"S": sku}})["Item"]
        outcomes.append((recorded, item["available"]["N"]))

    assert outcomes == [(True, "19")] * TRIALS
