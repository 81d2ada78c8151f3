"""`capture_events`: see what a PR stack publishes on an EventBridge bus, from a test.

A capture is a temporary SQS queue plus a rule on the bus (with the queue policy EventBridge needs),
created by the test run, not by the stack: CloudFormation never waits on it. It is deleted when the
test ends, even when the test fails; after a crash `sweep_captures` (for destroy and janitor) removes
the rules left on a bus, since a bus with rules cannot be deleted, and the queues they target.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from runner.polling import SYSTEM_CLOCK, Clock

CAPTURE_PREFIX = "spt-capture-"
TARGET_ID = "spt-capture"
BATCH = 10  # SQS's maximum per receive and per delete batch
LONG_POLL_MAX = 20  # SQS's maximum WaitTimeSeconds
# Long enough that a received but not yet matched message is never redelivered during a test.
_VISIBILITY_SECONDS = 900

Event = dict[str, Any]
Match = Callable[[Event], object] | Mapping[str, Any] | None


@dataclass
class _Received:
    message_id: str
    receipt_handle: str
    event: Event


class EventCapture:
    """Owns one queue + rule. Use as a context manager, or `start()` and `close()`."""

    def __init__(
        self,
        events_client: Any,
        sqs_client: Any,
        bus: str,
        pattern: Mapping[str, Any],
        *,
        run_id: str,
        tags: Mapping[str, str],
        run_id_path: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._events = events_client
        self._sqs = sqs_client
        self.bus = bus
        self.pattern = with_run_id(pattern, run_id_path, run_id) if run_id_path else dict(pattern)
        self.name = f"{CAPTURE_PREFIX}{run_id[:24]}-{secrets.token_hex(4)}"
        self._tags = dict(tags)
        self._clock = clock
        self.queue_url: str | None = None
        self.rule_created = False
        self._buffer: list[_Received] = []
        self._seen: set[str] = set()
        self.receive_calls = 0

    def __enter__(self) -> EventCapture:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> EventCapture:
        try:
            self.queue_url = self._sqs.create_queue(
                QueueName=self.name,
                Attributes={"MessageRetentionPeriod": "3600", "VisibilityTimeout": str(_VISIBILITY_SECONDS)},
                tags=self._tags,
            )["QueueUrl"]
            queue_arn = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            rule_arn = self._events.put_rule(
                Name=self.name,
                EventBusName=self.bus,
                EventPattern=json.dumps(self.pattern),
                State="ENABLED",
                Description="serverless-pr-test event capture (temporary; deleted after the test)",
                Tags=[{"Key": key, "Value": value} for key, value in self._tags.items()],
            )["RuleArn"]
            self.rule_created = True
            self._sqs.set_queue_attributes(
                QueueUrl=self.queue_url, Attributes={"Policy": json.dumps(_queue_policy(queue_arn, rule_arn))}
            )
            self._events.put_targets(
                Rule=self.name, EventBusName=self.bus, Targets=[{"Id": TARGET_ID, "Arn": queue_arn}]
            )
        except BaseException:
            self.close()
            raise
        return self

    def wait_for(self, match: Match = None, count: int = 1, timeout: float = 30.0) -> list[Event]:
        """The first `count` captured events that `match` (a predicate, a nested subset of the event,
        or None for any), long-polling until they arrive. They are deleted from the queue; events that
        did not match stay available to later waits. AssertionError on timeout, listing what arrived."""
        if self.queue_url is None:
            raise RuntimeError("capture is not started")
        predicate = _as_predicate(match)
        started = self._clock.now()
        deadline = started + timeout
        taken = self._take(predicate, count, [])
        while len(taken) < count:
            remaining = deadline - self._clock.now()
            if remaining <= 0:
                break
            self._receive(min(LONG_POLL_MAX, max(1, math.ceil(remaining))))
            taken = self._take(predicate, count, taken)
        if len(taken) < count:
            message = self._timeout_message(match, count, len(taken), self._clock.now() - started)
            self._buffer = taken + self._buffer  # a shortfall consumes nothing
            raise AssertionError(message)
        self._delete(taken)
        return [received.event for received in taken]

    def close(self) -> None:
        """Delete the rule (target first) and the queue; every step is attempted, errors re-raised."""
        errors: list[str] = []
        if self.rule_created:
            for step in (
                lambda: self._events.remove_targets(Rule=self.name, EventBusName=self.bus, Ids=[TARGET_ID]),
                lambda: self._events.delete_rule(Name=self.name, EventBusName=self.bus),
            ):
                _attempt(step, errors)
            self.rule_created = False
        if self.queue_url is not None:
            queue_url = self.queue_url
            _attempt(lambda: self._sqs.delete_queue(QueueUrl=queue_url), errors)
            self.queue_url = None
        if errors:
            raise RuntimeError(f"event capture {self.name} teardown failed: " + "; ".join(errors))

    def _receive(self, wait_seconds: int) -> None:
        self.receive_calls += 1
        response = self._sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=wait_seconds
        )
        for message in response.get("Messages", []):
            if message["MessageId"] in self._seen:
                continue
            self._seen.add(message["MessageId"])
            try:
                event = json.loads(message["Body"])
            except ValueError:
                event = {"body": message["Body"]}
            self._buffer.append(_Received(message["MessageId"], message["ReceiptHandle"], event))

    def _take(
        self, predicate: Callable[[Event], object], count: int, taken: list[_Received]
    ) -> list[_Received]:
        kept: list[_Received] = []
        for received in self._buffer:
            if len(taken) < count and predicate(received.event):
                taken.append(received)
            else:
                kept.append(received)
        self._buffer = kept
        return taken

    def _delete(self, consumed: list[_Received]) -> None:
        for start in range(0, len(consumed), BATCH):
            batch = consumed[start : start + BATCH]
            self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": r.receipt_handle} for i, r in enumerate(batch)],
            )

    def _timeout_message(self, match: Match, count: int, found: int, spent: float) -> str:
        others = [_describe(received.event) for received in self._buffer]
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        return (
            f"expected {count} event(s) matching {_describe_match(match)} on bus {self.bus} "
            f"(rule pattern {json.dumps(self.pattern)}), got {found} after {spent:.1f}s "
            f"and {self.receive_calls} receive call(s); {len(others)} other event(s) captured"
            + (f": {shown}" if others else "")
        )


def with_run_id(pattern: Mapping[str, Any], path: str, run_id: str) -> dict[str, Any]:
    """`pattern` plus a prefix match on the run id at dotted `path` (e.g. detail.correlationId)."""
    merged: dict[str, Any] = json.loads(json.dumps(pattern))
    *parents, leaf = path.split(".")
    node = merged
    for key in parents:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ValueError(f"pattern already matches {key!r} with a value; cannot add {path}")
    if leaf in node:
        raise ValueError(f"pattern already matches {path}; the run id filter would replace it")
    node[leaf] = [{"prefix": run_id}]
    return merged


def _queue_policy(queue_arn: str, rule_arn: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCaptureRule",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                # Only this rule may send: other rules on other buses cannot fill the queue.
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }


def _as_predicate(match: Match) -> Callable[[Event], object]:
    if match is None:
        return lambda _event: True
    if callable(match):
        return match
    expected = match
    return lambda event: contains(event, expected)


def contains(actual: object, expected: object) -> bool:
    """True when `expected` is a nested subset of `actual` (dicts by key, everything else by equality)."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and contains(actual[key], value) for key, value in expected.items()
        )
    return actual == expected


def _describe(event: Event) -> str:
    detail_type = event.get("detail-type", "?")
    return f"{event.get('source', '?')}/{detail_type}"


def _describe_match(match: Match) -> str:
    if match is None:
        return "anything"
    if callable(match):
        return getattr(match, "__name__", "predicate")
    return json.dumps(match, default=str)


def _attempt(step: Callable[[], object], errors: list[str]) -> None:
    """Run one teardown step; an error is collected so the remaining steps still run."""
    try:
        step()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code not in {"ResourceNotFoundException", "AWS.SimpleQueueService.NonExistentQueue"}:
            errors.append(f"{code}: {error}")
    except BotoCoreError as error:
        errors.append(f"{type(error).__name__}: {error}")
