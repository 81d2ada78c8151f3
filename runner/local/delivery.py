"""AWS-like delivery latency for the local endpoint's asynchronous hops.

The engine hands an event to its targets inside the request that produced it, so locally a message
is in the queue before PutEvents even returns. On AWS every asynchronous hop takes a while, and a test
that reads right after writing (instead of polling) passes locally and fails in CI. With a latency
profile, each hop below is delivered after a fixed delay:

    EventBridge rule -> any target        SNS topic -> any subscription
    S3 event notification -> any destination

Delays are fixed per hop (no jitter), so the order of deliveries on one hop is kept, as the ordered
hops on AWS keep it (stream shards, FIFO queues). A delivery that fails after its delay is logged
and dropped, as an undeliverable event is on AWS (without a dead-letter target).

The figures live here; the engine process applies them (spt_engine/patches/delivery_latency.py),
handed over as `SPT_HOP_DELAYS` (`to_environment`). DynamoDB streams need no added delay: the
engine's stream poller already reads them on a cadence like Lambda's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class HopDelays:
    """Seconds each asynchronous hop takes before its target sees the event."""

    eventbridge: float = 0.0
    sns: float = 0.0
    s3_notification: float = 0.0

    def to_environment(self) -> str:
        """`eventbridge=0.2,sns=0.1,...`: what the engine process reads from SPT_HOP_DELAYS."""
        return ",".join(f"{name}={getattr(self, name)}" for name in ("eventbridge", "sns", "s3_notification"))


class DeliveryLatency(Enum):
    """How long the local endpoint's asynchronous hops take (`--delivery-latency`)."""

    # Typical figures, not worst cases: EventBridge's published p99 is ~130 ms since 2024 (200 ms
    # with the target's own hand-off); SNS fan-out to a queue or function is ~100 ms; S3 event
    # notifications "typically" arrive within a second.
    AWS = HopDelays(eventbridge=0.2, sns=0.1, s3_notification=0.5)
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
