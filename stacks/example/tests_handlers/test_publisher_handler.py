"""The Publisher handler fed with the real stream records the local engine kept for each table."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
from handler_env import LOW_STOCK_THRESHOLD, Handlers, LocalResources


def _stream_records(table_name: str, key_name: str, key_value: str) -> list[dict[str, Any]]:
    """Every stream record of `table_name` about one item, shaped as Lambda delivers them."""
    dynamodb = boto3.client("dynamodb")
    streams = boto3.client("dynamodbstreams")
    stream_arn = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        for record in streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]:
            if record["dynamodb"]["Keys"][key_name]["S"] == key_value:
                records.append({**record, "eventSourceARN": stream_arn})
    return records


def _drain(queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    bodies = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_a_new_reservation_becomes_one_stock_reserved_event_on_the_bus(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(50)
    key = f"key-{uuid.uuid4()}"
    reservation = handlers.reserve.handler(
        {"idempotency_key": key, "sku": sku, "quantity": 2, "correlation_id": "corr-7"}, None
    )
    _drain(resources.downstream_queue_url)
    records = _stream_records(resources.reservations_table, "idempotency_key", key)

    result = handlers.publisher.handler({"Records": records}, None)

    assert result == {"batchItemFailures": []}
    events = [body for body in _drain(resources.downstream_queue_url) if body["detail"]["sku"] == sku]
    assert len(events) == 1
    assert events[0]["source"] == "inventory.reservations"
    assert events[0]["detail-type"] == "StockReserved"
    assert events[0]["detail"] == {
        "reservation_id": reservation["reservation_id"],
        "sku": sku,
        "quantity": 2,
        "idempotency_key": key,
        "correlation_id": "corr-7",
    }


def test_stock_falling_below_the_threshold_alerts_once(
    handlers: Handlers, resources: LocalResources, stocked_sku: Any
) -> None:
    sku = stocked_sku(LOW_STOCK_THRESHOLD + 1)
    # threshold+1 -> threshold (no alert) -> threshold-1 (crosses: alert) -> threshold-2 (already below)
    for _ in range(3):
        handlers.reserve.handler({"idempotency_key": f"key-{uuid.uuid4()}", "sku": sku, "quantity": 1}, None)
    _drain(resources.alerts_queue_url)
    records = _stream_records(resources.inventory_table, "sku", sku)

    result = handlers.publisher.handler({"Records": records}, None)

    assert result == {"batchItemFailures": []}
    alerts = [json.loads(body["Message"]) for body in _drain(resources.alerts_queue_url)]
    assert [alert for alert in alerts if alert["sku"] == sku] == [
        {"sku": sku, "available": LOW_STOCK_THRESHOLD - 1, "threshold": LOW_STOCK_THRESHOLD}
    ]


def test_a_record_that_cannot_be_published_is_reported_as_the_batch_failure(
    handlers: Handlers, resources: LocalResources
) -> None:
    stream_arn = boto3.client("dynamodb").describe_table(TableName=resources.reservations_table)["Table"][
        "LatestStreamArn"
    ]
    broken = {  # an INSERT without the reservation's attributes
        "eventName": "INSERT",
        "eventSourceARN": stream_arn,
        "dynamodb": {"SequenceNumber": "42", "NewImage": {"idempotency_key": {"S": "k"}}},
    }

    result = handlers.publisher.handler({"Records": [broken]}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": "42"}]}
