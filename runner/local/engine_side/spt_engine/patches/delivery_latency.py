"""AWS delivers EventBridge targets, SNS subscriptions and S3 notifications a moment after the call
that caused them; MiniStack delivers inside that call (S3: on a thread at once). Wraps each hop's
entry point so it runs after the hop's delay from SPT_HOP_DELAYS (absent or 0: unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spt_engine.delivery import deliver_later, hop_delays


def _delayed(module: Any, name: str, delay: float, what: str) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def later(*args: Any, **kwargs: Any) -> None:
        deliver_later(delay, lambda: original(*args, **kwargs), what)

    setattr(module, name, later)


def apply() -> None:
    from ministack.services import eventbridge, s3, sns

    delays = hop_delays()
    if delays.get("eventbridge", 0) > 0:
        _delayed(eventbridge, "_invoke_target", delays["eventbridge"], "EventBridge target")
    if delays.get("sns", 0) > 0:
        _delayed(sns, "_fanout", delays["sns"], "SNS fan-out")
    if delays.get("s3_notification", 0) > 0:
        _delayed(s3, "_fire_s3_event", delays["s3_notification"], "S3 notification")
