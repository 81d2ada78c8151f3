"""The integration tests' QueueWatcher on a real (moto) queue shared by several waiting tests."""

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

WAITS_PATH = Path(__file__).resolve().parent.parent / "tests" / "waits.py"


@pytest.fixture(scope="module")
def waits() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_tests_waits", WAITS_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def queue_url(resources: LocalResources) -> str:
    return str(boto3.client("sqs").create_queue(QueueName=f"watch-{uuid.uuid4().hex[:8]}")["QueueUrl"])


def test_watcher_takes_its_own_message_and_hands_the_others_back(waits: ModuleType, queue_url: str) -> None:
    sqs = boto3.client("sqs")
    for index in range(15):  # more than one receive batch of someone else's messages first
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "other", "n": index}))
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"owner": "me"}))

    found = waits.QueueWatcher(sqs, queue_url).wait_for(lambda body: body.get("owner") == "me", what="mine")

    assert found == {"owner": "me"}
    left = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert len(left) == 10
    assert all(json.loads(message["Body"])["owner"] == "other" for message in left)


def test_watcher_unwraps_sns_envelopes(waits: ModuleType, queue_url: str) -> None:
    sqs = boto3.client("sqs")
    envelope = {"Type": "Notification", "Message": json.dumps({"sku": "S-1"})}
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(envelope))

    found = waits.QueueWatcher(sqs, queue_url).wait_for(lambda body: body.get("sku") == "S-1", what="alert")

    assert found == {"sku": "S-1"}


def test_watcher_names_what_it_waited_for_at_the_deadline(waits: ModuleType, queue_url: str) -> None:
    watcher = waits.QueueWatcher(boto3.client("sqs"), queue_url)

    with pytest.raises(AssertionError, match="the missing event"):
        watcher.wait_for(lambda body: False, what="the missing event", timeout=0.3)
