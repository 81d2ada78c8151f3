"""Asynchronous (`Event`) invokes: 202 at once, the handler runs, failures retried twice; `DryRun`."""

from __future__ import annotations

import json

from runner.local import LocalEndpoint
from runner.polling import eventually

from .lambda_handlers import COUNTS_CALLS, USES_BOTO3
from .lambda_testkit import (
    client,
    create_function,
    invoke_json,
    unique,
)


def test_event_invocation_returns_202_at_once_and_runs_the_handler(endpoint: LocalEndpoint) -> None:
    bucket = unique("async-bucket")
    client(endpoint, "s3").create_bucket(Bucket=bucket)
    name = create_function(endpoint, USES_BOTO3)

    response = client(endpoint, "lambda").invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}).encode()
    )

    assert response["StatusCode"] == 202
    eventually(
        lambda: client(endpoint, "s3").get_object(Bucket=bucket, Key="from-lambda.txt"),
        timeout=20,
        description="the Event invocation's S3 write",
    )


FAILS_AND_COUNTS = """
import uuid

import boto3

s3 = boto3.client("s3")

def handler(event, context):
    key = f"attempts/{uuid.uuid4().hex}"
    s3.put_object(Bucket=event["bucket"], Key=key, Body=context.aws_request_id.encode())
    raise RuntimeError("always fails")
"""


def test_a_failing_event_invocation_is_retried_twice_like_lambdas_async_queue(
    endpoint: LocalEndpoint,
) -> None:
    bucket = unique("attempts")
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=bucket)
    name = create_function(endpoint, FAILS_AND_COUNTS)

    client(endpoint, "lambda").invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}).encode()
    )

    attempts = eventually(
        lambda: s3.list_objects_v2(Bucket=bucket).get("Contents", []),
        until=lambda found: len(found) >= 3,
        timeout=30,
        description="three attempts",
    )
    assert len(attempts) == 3


def test_dry_run_checks_without_running_the_handler(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)

    response = client(endpoint, "lambda").invoke(FunctionName=name, InvocationType="DryRun")

    assert response["StatusCode"] == 204
    assert invoke_json(endpoint, name)["Body"]["calls"] == 1
