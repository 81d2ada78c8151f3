"""Find one test's message on a queue the stack owns and every test (and parallel shard) reads.

`SharedQueue.take(matches)` is one pass, made to be polled with `runner.testing.eventually`: it
deletes and returns the first payload that matches, and hands every other message straight back
(visibility 0), so the test waiting for it sees it on its next poll, not after a visibility timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
BATCH = 10  # SQS's maximum per receive and per visibility batch
# Hides a message from the other readers only while one pass runs; it is handed back explicitly after.
PASS_VISIBILITY_SECONDS = 10


class SharedQueue:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self.queue_url = queue_url

    def take(self, matches: Callable[[Payload], bool]) -> Payload | None:
        """The first visible message whose payload `matches` (deleted), or None. Payloads are the JSON
        body, unwrapped from the SNS envelope when the queue is subscribed to a topic."""
        borrowed: list[str] = []
        try:
            while True:
                messages = self._sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=BATCH,
                    VisibilityTimeout=PASS_VISIBILITY_SECONDS,
                    WaitTimeSeconds=0,
                ).get("Messages", [])
                if not messages:
                    return None
                for message in messages:
                    payload = _payload(message["Body"])
                    if payload is not None and matches(payload):
                        self._delete(message["ReceiptHandle"])
                        return payload
                    borrowed.append(message["ReceiptHandle"])
        finally:
            self._hand_back(borrowed)

    def _delete(self, receipt_handle: str) -> None:
        self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt_handle)

    def _hand_back(self, receipt_handles: list[str]) -> None:
        for start in range(0, len(receipt_handles), BATCH):
            chunk = receipt_handles[start : start + BATCH]
            self._sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                    for index, handle in enumerate(chunk)
                ],
            )


def _payload(body: str) -> Payload | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if isinstance(parsed, dict) and parsed.get("Type") == "Notification" and "Message" in parsed:
        try:
            parsed = json.loads(parsed["Message"])
        except ValueError:
            return None
    return parsed if isinstance(parsed, dict) else None
