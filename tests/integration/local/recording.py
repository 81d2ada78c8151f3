"""Recording handlers for trigger tests: each writes the event it received to a bucket on the engine,
and the tests read the events back (what AWS would have sent, as the handler saw it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runner.local import LocalEndpoint
from runner.polling import eventually

from .lambda_testkit import client, create_function, unique

# What every recording handler starts with: the event it got, written to the record bucket.
RECORDING = """
import json
import os
import uuid

import boto3

s3 = boto3.client("s3")

def record_event(event):
    s3.put_object(
        Bucket=os.environ["RECORD_BUCKET"],
        Key=f"{os.environ['RECORD_PREFIX']}/{uuid.uuid4().hex}.json",
        Body=json.dumps(event),
    )
"""

RECORDER = (
    RECORDING
    + """
def handler(event, context):
    record_event(event)
    if "poison" in json.dumps(event):
        raise ValueError("poison message")
    return {"recorded": True}
"""
)

# A stream handler that calls back into the endpoint (EventBridge) while the write that triggered it
# may still be in flight: no deadlock, and the event reaches a second function through a rule.
STREAM_TO_BUS = (
    RECORDING
    + """
events = boto3.client("events")

def handler(event, context):
    record_event(event)
    for record in event["Records"]:
        events.put_events(Entries=[{
            "Source": "test.inventory",
            "DetailType": "ItemChanged",
            "Detail": json.dumps({"keys": record["dynamodb"]["Keys"], "change": record["eventName"]}),
            "EventBusName": os.environ["BUS_NAME"],
        }])
"""
)


# Longer than a cold start on a loaded machine (measured up to 1.3 s): a message still being handled
# must not come back, as AWS advises a visibility timeout well above the function's run time.
REDELIVERY_SECONDS = "4"


def table_with_stream(dynamodb: Any, prefix: str, key: str, view_type: str) -> tuple[str, str]:
    """A new on-demand table keyed by the string `key`, its stream on: (table name, stream ARN)."""
    table = unique(prefix)
    stream_arn = dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
    )["TableDescription"]["LatestStreamArn"]
    return table, stream_arn


def redelivering_queue(sqs: Any, prefix: str) -> tuple[str, str]:
    """A new queue whose unacknowledged messages come back after REDELIVERY_SECONDS: (URL, ARN)."""
    attributes = {"VisibilityTimeout": REDELIVERY_SECONDS}
    queue_url = sqs.create_queue(QueueName=unique(prefix), Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue_url, arn


def make_record_bucket(endpoint: LocalEndpoint) -> str:
    bucket = unique("records")
    client(endpoint, "s3").create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture
def record_bucket(endpoint: LocalEndpoint) -> str:
    return make_record_bucket(endpoint)


def recorder(endpoint: LocalEndpoint, bucket: str, prefix: str, source: str = RECORDER, **env: str) -> str:
    name = create_function(
        endpoint, source, environment={"RECORD_BUCKET": bucket, "RECORD_PREFIX": prefix, **env}
    )
    return str(client(endpoint, "lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def recorded(endpoint: LocalEndpoint, bucket: str, prefix: str) -> list[Any]:
    s3 = client(endpoint, "s3")
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/").get("Contents", [])
    return [json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()) for item in listing]


def wait_for_events(endpoint: LocalEndpoint, bucket: str, prefix: str, count: int = 1) -> list[Any]:
    return eventually(
        lambda: recorded(endpoint, bucket, prefix),
        until=lambda events: len(events) >= count,
        timeout=30,
        description=f"{count} event(s) recorded under {prefix}/",
    )


def deliveries(events: list[Any], key: Any) -> int:
    """How many records matching `key` the recorded events carried (a redelivery counts again)."""
    return sum(1 for event in events for record in event["Records"] if key(record))
