"""The integration tests' SharedQueue on a real queue (local engine) that several waiting tests read."""

from __future__ import annotations

import importlib.util
import json
import sys
import uuid
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from handler_env import LocalResources

from runner.testing import eventually

SHARED_QUEUE_PATH = Path(__file__).resolve().parent.parent / "tests" / "shared_queue.py"


@pytest.fixture(scope="module")
def shared_queue() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_tests_shared_queue", SHARED_QUEUE_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def queue_url(resources: LocalResources) -> str:
    return str(boto3.client("sqs").create_queue(QueueName=f"shared-{uuid.uuid4().hex[:8]}")["QueueUrl"])


def test_take_finds_its_own_message_and_hands_the_others_back(
    shared_queue: ModuleType, queue_url: str
) -> None:
    sqs = boto3.client("sqs")
    for index in range(15):  # more than one receive batch of someone else's messages first
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "other", "n": index}))
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "me"}))

    found = shared_queue.SharedQueue(sqs, queue_url).take(lambda body: body.get("owner") == "me")

    assert found == {"owner": "me"}
    left = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert len(left) == 10
    assert all(json.loads(message["Body"])["owner"] == "other" for message in left)


def test_take_unwraps_sns_envelopes(shared_queue: ModuleType, queue_url: str) -> None:
    sqs = boto3.client("sqs")
    envelope = {"Type": "Notification", "Message": json.dumps({"sku": "S-1"})}
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(envelope))

    found = shared_queue.SharedQueue(sqs, queue_url).take(lambda body: body.get("sku") == "S-1")

    assert found == {"sku": "S-1"}


def test_take_answers_none_until_the_message_arrives_so_eventually_can_poll_it(
    shared_queue: ModuleType, queue_url: str
) -> None:
    sqs = boto3.client("sqs")
    queue = shared_queue.SharedQueue(sqs, queue_url)
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "other"}))

    assert queue.take(lambda body: body.get("owner") == "me") is None
    with pytest.raises(AssertionError, match="the missing message did not pass within"):
        eventually(lambda: queue.take(lambda body: False), timeout=0.3, description="the missing message")
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "me"}))
    assert eventually(lambda: queue.take(lambda body: body.get("owner") == "me"), timeout=5) == {
        "owner": "me"
    }
