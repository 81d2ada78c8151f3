"""Integration tests of the deployed inventory stack.

The runner (`serverless-pr-test test` / `run`) deploys the stack, then runs these with the AWS variables
(and AWS_ENDPOINT_URL for the local endpoint) and SPT_OUTPUTS_FILE, a JSON object of the stack outputs.
Every test works on its own uuid skus and keys, so shards can run in parallel against one stack.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import boto3
import pytest
from inventory_api import InventoryApi, StackOutputs
from waits import QueueWatcher

OUTPUTS_FILE_VARIABLE = "SPT_OUTPUTS_FILE"


@pytest.fixture(scope="session")
def stack_outputs() -> StackOutputs:
    path = os.environ.get(OUTPUTS_FILE_VARIABLE)
    if not path:
        pytest.skip(
            f"{OUTPUTS_FILE_VARIABLE} is not set: these tests need a deployed stack; run them through "
            "`serverless-pr-test run --local stacks/example` (or `test` after `deploy`)"
        )
    return StackOutputs.from_mapping(json.loads(Path(path).read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def inventory(stack_outputs: StackOutputs) -> InventoryApi:
    return InventoryApi(stack_outputs, boto3.client("lambda"), boto3.client("dynamodb"))


@pytest.fixture(scope="session")
def sqs_client() -> object:
    return boto3.client("sqs")


@pytest.fixture(scope="session")
def downstream(stack_outputs: StackOutputs, sqs_client: object) -> QueueWatcher:
    return QueueWatcher(sqs_client, stack_outputs.DownstreamQueueUrl)


@pytest.fixture(scope="session")
def alerts(stack_outputs: StackOutputs, sqs_client: object) -> QueueWatcher:
    return QueueWatcher(sqs_client, stack_outputs.AlertsQueueUrl)


@pytest.fixture
def idempotency_key() -> str:
    return f"test-{uuid.uuid4()}"
