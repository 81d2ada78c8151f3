"""AWS-like delivery latency for the local endpoint's asynchronous hops.

moto hands an event to its targets inside the request that produced it, so locally a message is in
the queue before PutEvents even returns. On AWS every asynchronous hop takes a while, and a test
that reads right after writing (instead of polling) passes locally and fails in CI. With a latency
profile, each hop below is delivered after a fixed delay:

    EventBridge rule -> any target        SNS topic -> any subscription
    DynamoDB stream -> Lambda             S3 event notification -> any destination

Delays are fixed per hop (no jitter), so the order of deliveries on one hop is kept, as the ordered
hops on AWS keep it (stream shards, FIFO queues). A delivery that fails after its delay is logged
and dropped, as an undeliverable event is on AWS (without a dead-letter target).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HopDelays:
    """Seconds each asynchronous hop takes before its target sees the event."""

    eventbridge: float = 0.0
    sns: float = 0.0
    dynamodb_stream: float = 0.0
    s3_notification: float = 0.0


class DeliveryLatency(Enum):
    """How long the local endpoint's asynchronous hops take (`--delivery-latency`)."""

    # Typical figures, not worst cases: EventBridge's published p99 is ~130 ms since 2024 (200 ms
    # with the target's own hand-off); Lambda polls a DynamoDB stream 4 times a second (docs), and
    # records take a moment to reach the stream; SNS fan-out to a queue or function is ~100 ms;
    # S3 event notifications "typically" arrive within a second.
    AWS = HopDelays(eventbridge=0.2, sns=0.1, dynamodb_stream=0.5, s3_notification=0.5)
    NONE = HopDelays()

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> DeliveryLatency:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(member.label for member in cls)
            raise ValueError(f"unknown delivery latency {text!r} (choose one of: {choices})") from None


_delays = DeliveryLatency.NONE.value


def set_delays(delays: HopDelays) -> None:
    """Process-wide, like the moto patches that read it: one embedded endpoint per process."""
    global _delays
    _delays = delays


def current_delays() -> HopDelays:
    return _delays


class DelayedDelivery:
    """One daemon thread running callables at their due time; equal due times run in submit order."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._due: list[tuple[float, int, Callable[[], None], str]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, delay: float, deliver: Callable[[], None], what: str) -> None:
        """Run `deliver` after `delay` seconds; at once, on the caller's thread, when `delay` is 0."""
        if delay <= 0:
            deliver()
            return
        with self._changed:
            heapq.heappush(self._due, (self._clock() + delay, next(self._order), deliver, what))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="local-delivery", daemon=True)
                self._thread.start()
            self._changed.notify()

    def pending(self) -> int:
        with self._changed:
            return len(self._due)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > self._clock():
                    self._changed.wait(self._due[0][0] - self._clock() if self._due else None)
                _, _, deliver, what = heapq.heappop(self._due)
            try:
                deliver()
            except Exception:
                _logger.warning("delayed delivery of %s failed; dropped", what, exc_info=True)


_deliveries = DelayedDelivery()


def deliver_later(delay: float, deliver: Callable[[], None], what: str) -> None:
    _deliveries.submit(delay, deliver, what)
