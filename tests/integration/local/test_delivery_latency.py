"""With a delivery latency set, EventBridge, SNS and S3 notifications reach their queue only after
their hop's delay; proven by a receive right after the send (nothing yet) and a long poll (there)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from runner.local import LocalEndpoint
from runner.local.delivery import HopDelays
from runner.polling import eventually

from .lambda_testkit import client, unique

# Long enough that "not there yet" cannot be a slow machine's accident.
HOP_SECONDS = 3.0


@pytest.fixture(scope="module")
def slow_hops() -> Iterator[LocalEndpoint]:
    """An engine of its own: the delays are the engine process's settings."""
    delays = HopDelays(eventbridge=HOP_SECONDS, sns=HOP_SECONDS, s3_notification=HOP_SECONDS)
    endpoint = LocalEndpoint.start(delivery_latency=delays)
    yield endpoint
    endpoint.stop()


def _queue(endpoint: LocalEndpoint) -> tuple[str, str]:
    sqs = client(endpoint, "sqs")
    url = sqs.create_queue(QueueName=unique("hop"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _rule_to(endpoint: LocalEndpoint, queue_arn: str) -> str:
    """A rule on the default bus sending events whose source is the rule's name to the queue."""
    events = client(endpoint, "events")
    rule = unique("rule")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [rule]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return rule


def _bodies(endpoint: LocalEndpoint, url: str, wait_seconds: int, marker: str) -> list[str]:
    messages = (
        client(endpoint, "sqs")
        .receive_message(QueueUrl=url, WaitTimeSeconds=wait_seconds, MaxNumberOfMessages=10)
        .get("Messages", [])
    )
    return [message["Body"] for message in messages if marker in message["Body"]]


def _assert_delayed(endpoint: LocalEndpoint, url: str, marker: str, send: Callable[[], Any]) -> None:
    send()
    assert _bodies(endpoint, url, wait_seconds=0, marker=marker) == [], "delivered before its hop's delay"
    # Other deliveries (S3's test event) may come first: poll until this one is there.
    delivered = eventually(
        lambda: _bodies(endpoint, url, wait_seconds=1, marker=marker),
        until=lambda bodies: len(bodies) == 1,
        timeout=HOP_SECONDS * 4,
        description=f"{marker} delivered",
    )
    assert len(delivered) == 1


def test_an_eventbridge_rule_delivers_to_its_queue_after_the_hop_delay(
    slow_hops: LocalEndpoint,
) -> None:
    endpoint = slow_hops
    url, arn = _queue(endpoint)
    events, rule = client(endpoint, "events"), _rule_to(endpoint, arn)
    entry = {"Source": rule, "DetailType": "Delayed", "Detail": json.dumps({"marker": rule})}

    _assert_delayed(endpoint, url, rule, lambda: events.put_events(Entries=[entry]))


def test_an_sns_subscription_delivers_to_its_queue_after_the_hop_delay(
    slow_hops: LocalEndpoint,
) -> None:
    endpoint = slow_hops
    url, arn = _queue(endpoint)
    sns = client(endpoint, "sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    marker = unique("published")

    _assert_delayed(endpoint, url, marker, lambda: sns.publish(TopicArn=topic, Message=marker))


def test_an_s3_notification_reaches_its_queue_after_the_hop_delay(
    slow_hops: LocalEndpoint,
) -> None:
    endpoint = slow_hops
    url, arn = _queue(endpoint)
    s3 = client(endpoint, "s3")
    bucket = unique("hops")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    key = unique("report")

    _assert_delayed(endpoint, url, key, lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"{}"))


def test_without_a_latency_the_event_is_in_the_queue_when_put_events_returns(endpoint: LocalEndpoint) -> None:
    url, arn = _queue(endpoint)
    events, rule = client(endpoint, "events"), _rule_to(endpoint, arn)

    events.put_events(Entries=[{"Source": rule, "DetailType": "Now", "Detail": "{}"}])

    assert len(_bodies(endpoint, url, wait_seconds=0, marker=rule)) == 1
