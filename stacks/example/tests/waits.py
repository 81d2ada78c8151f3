"""Waiting for asynchronous effects without fixed sleeps: poll with a deadline and exponential backoff.

`QueueWatcher` finds one test's message on a queue other tests (and parallel shards) read too: it
hides each message it is not looking for only while scanning, then hands it back (visibility 0), so
the test waiting for that message sees it moments later instead of after the visibility timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT_SECONDS = 30.0
FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 1.0
# Longer than any test waits: a message this old is a leftover of a failed or earlier run.
STALE_MESSAGE_SECONDS = 300
# Long enough to finish one scan of the queue; handed back explicitly right after.
SCAN_VISIBILITY_SECONDS = 10
SQS_BATCH = 10


def eventually(probe: Callable[[], T | None], *, what: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> T:
    """Call `probe` until it returns something other than None; at the deadline, fail naming `what`."""
    deadline = time.monotonic() + timeout
    delay = FIRST_DELAY_SECONDS
    while True:
        result = probe()
        if result is not None:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_DELAY_SECONDS)


class QueueWatcher:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._queue_url = queue_url

    def wait_for(
        self,
        matches: Callable[[dict[str, Any]], bool],
        *,
        what: str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> dict[str, Any]:
        """The first message whose payload `matches` (deleted from the queue). Payloads are the JSON
        body, unwrapped from the SNS envelope when the queue is subscribed to a topic."""
        return eventually(lambda: self._scan(matches), what=f"{what} on {self._queue_url}", timeout=timeout)

    def _scan(self, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        """One pass over the visible messages; the others' messages are handed back at the end."""
        borrowed: list[str] = []
        try:
            while True:
                messages = self._sqs.receive_message(
                    QueueUrl=self._queue_url,
                    MaxNumberOfMessages=SQS_BATCH,
                    VisibilityTimeout=SCAN_VISIBILITY_SECONDS,
                    WaitTimeSeconds=0,
                    MessageSystemAttributeNames=["SentTimestamp"],
                ).get("Messages", [])
                if not messages:
                    return None
                for message in messages:
                    payload = _payload(message["Body"])
                    if payload is not None and matches(payload):
                        self._delete(message["ReceiptHandle"])
                        return payload
                    if _age_seconds(message) > STALE_MESSAGE_SECONDS:
                        self._delete(message["ReceiptHandle"])
                    else:
                        borrowed.append(message["ReceiptHandle"])
        finally:
            self._hand_back(borrowed)

    def _delete(self, receipt_handle: str) -> None:
        self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=receipt_handle)

    def _hand_back(self, receipt_handles: list[str]) -> None:
        for start in range(0, len(receipt_handles), SQS_BATCH):
            chunk = receipt_handles[start : start + SQS_BATCH]
            self._sqs.change_message_visibility_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                    for index, handle in enumerate(chunk)
                ],
            )


def _payload(body: str) -> dict[str, Any] | None:
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


def _age_seconds(message: dict[str, Any]) -> float:
    sent_ms = message.get("Attributes", {}).get("SentTimestamp")
    return time.time() - int(sent_ms) / 1000 if sent_ms else 0.0
