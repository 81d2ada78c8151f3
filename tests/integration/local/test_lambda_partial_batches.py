"""Partial batch failures (`ReportBatchItemFailures`): SQS deletes only what succeeded, a DynamoDB
stream retries from the first failed record (engine patch `stream_batch_item_failures`), and a
stream keeps its place when a cancelled transaction writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from runner.local import LocalEndpoint
from runner.polling import eventually

from .lambda_testkit import client, endpoint_without, unique
from .recording import (
    RECORDING,
    deliveries,
    make_record_bucket,
    recorded,
    recorder,
    redelivering_queue,
    table_with_stream,
    wait_for_events,
)

PARTIAL_BATCH = (
    RECORDING
    + """
def handler(event, context):
    record_event(event)
    failures = []
    for record in event["Records"]:
        if "dynamodb" in record and record["dynamodb"]["Keys"]["sku"]["S"] == "bad":
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
        if record.get("body") == "bad":
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""
)


def _sku_is(name: str) -> Any:
    return lambda record: record["dynamodb"]["Keys"]["sku"]["S"] == name


def _stream_with_a_bad_record(
    endpoint: LocalEndpoint, bucket: str, bad_deliveries: int, on_failure: str | None = None
) -> list[Any]:
    """Records `first` and `bad` in one batch (the handler reports `bad` failed, always), then, once
    `bad` arrived `bad_deliveries` times, `after`: every event the handler received."""
    dynamodb = client(endpoint, "dynamodb")
    table, stream_arn = table_with_stream(dynamodb, "stock", "sku", "KEYS_ONLY")
    prefix = unique("partial-stream")
    destination = {"DestinationConfig": {"OnFailure": {"Destination": on_failure}}} if on_failure else {}
    client(endpoint, "lambda").create_event_source_mapping(
        EventSourceArn=stream_arn,
        FunctionName=recorder(endpoint, bucket, prefix, PARTIAL_BATCH),
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        **destination,
    )
    dynamodb.batch_write_item(
        RequestItems={table: [{"PutRequest": {"Item": {"sku": {"S": sku}}}} for sku in ("first", "bad")]}
    )
    eventually(
        lambda: recorded(endpoint, bucket, prefix),
        until=lambda found: deliveries(found, _sku_is("bad")) >= bad_deliveries,
        timeout=30,
        description=f"`bad` delivered {bad_deliveries} time(s)",
    )
    dynamodb.put_item(TableName=table, Item={"sku": {"S": "after"}})
    return eventually(
        lambda: recorded(endpoint, bucket, prefix),
        until=lambda found: deliveries(found, _sku_is("after")) >= 1,
        timeout=30,
        description="the record after the exhausted one",
    )


def test_stream_partial_batch_failure_retries_from_the_failed_record_then_moves_on(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    events = _stream_with_a_bad_record(endpoint, record_bucket, bad_deliveries=2)

    assert deliveries(events, _sku_is("first")) == 1
    assert deliveries(events, _sku_is("bad")) == 2  # once, then MaximumRetryAttempts=1 retry
    assert deliveries(events, _sku_is("after")) == 1


def test_exhausted_stream_retries_send_the_batch_to_the_on_failure_queue(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    sqs = client(endpoint, "sqs")
    queue_url = sqs.create_queue(QueueName=unique("stream-failures"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events = _stream_with_a_bad_record(endpoint, record_bucket, bad_deliveries=2, on_failure=queue_arn)

    messages = eventually(
        lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", []),
        timeout=20,
        description="the on-failure record",
    )
    record = json.loads(messages[0]["Body"])
    bad = next(r for event in events for r in event["Records"] if _sku_is("bad")(r))
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["DDBStreamBatchInfo"]["startSequenceNumber"] == bad["dynamodb"]["SequenceNumber"]


def test_without_its_patch_a_record_reported_failed_is_never_delivered_again(
    record_bucket_without_patch: tuple[LocalEndpoint, str],
) -> None:
    stock, bucket = record_bucket_without_patch
    events = _stream_with_a_bad_record(stock, bucket, bad_deliveries=1)

    assert deliveries(events, _sku_is("bad")) == 1  # checkpointed past, not retried


@pytest.fixture
def record_bucket_without_patch() -> Iterator[tuple[LocalEndpoint, str]]:
    with endpoint_without("stream_batch_item_failures") as stock:
        yield stock, make_record_bucket(stock)


def test_sqs_partial_batch_failure_deletes_only_the_successful_messages(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    sqs = client(endpoint, "sqs")
    queue_url, queue_arn = redelivering_queue(sqs, "partial")
    function = recorder(endpoint, record_bucket, "partial-sqs", PARTIAL_BATCH)
    mapping = client(endpoint, "lambda").create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=function, FunctionResponseTypes=["ReportBatchItemFailures"]
    )

    sqs.send_message(QueueUrl=queue_url, MessageBody="good")
    sqs.send_message(QueueUrl=queue_url, MessageBody="bad")
    events = eventually(
        lambda: recorded(endpoint, record_bucket, "partial-sqs"),
        until=lambda found: deliveries(found, lambda record: record["body"] == "bad") >= 2,
        timeout=30,
    )
    client(endpoint, "lambda").delete_event_source_mapping(UUID=mapping["UUID"])

    assert deliveries(events, lambda record: record["body"] == "good") == 1


def test_a_cancelled_transaction_does_not_make_the_stream_redeliver_old_records(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    """A cancelled transaction writes nothing to the stream; the poller keeps its place in the stream
    rather than start again from record one."""
    dynamodb = client(endpoint, "dynamodb")
    table, stream_arn = table_with_stream(dynamodb, "reservations", "key", "NEW_IMAGE")
    client(endpoint, "lambda").create_event_source_mapping(
        EventSourceArn=stream_arn,
        FunctionName=recorder(endpoint, record_bucket, "stream"),
        StartingPosition="TRIM_HORIZON",
        BatchSize=1,
    )
    dynamodb.put_item(TableName=table, Item={"key": {"S": "first"}})
    wait_for_events(endpoint, record_bucket, "stream", count=1)
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"key": {"S": "first"}},
                        "ConditionExpression": "attribute_not_exists(#k)",
                        "ExpressionAttributeNames": {"#k": "key"},
                    }
                }
            ]
        )
    dynamodb.put_item(TableName=table, Item={"key": {"S": "second"}})
    delivered = wait_for_events(endpoint, record_bucket, "stream", count=2)
    keys = [event["Records"][0]["dynamodb"]["Keys"]["key"]["S"] for event in delivered]
    assert sorted(keys) == ["first", "second"]
