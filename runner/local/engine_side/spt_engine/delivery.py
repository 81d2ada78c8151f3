"""Deliveries after a delay, in due order, on one daemon thread (the engine's side of
runner/local/delivery.py: the runner picks the figures, this process keeps them)."""

from __future__ import annotations

import contextvars
import heapq
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable

_logger = logging.getLogger("spt_engine.delivery")


def hop_delays(text: str | None = None) -> dict[str, float]:
    """`eventbridge=0.2,sns=0.1` -> {"eventbridge": 0.2, "sns": 0.1} (from SPT_HOP_DELAYS)."""
    raw = os.environ.get("SPT_HOP_DELAYS", "") if text is None else text
    delays: dict[str, float] = {}
    for pair in filter(None, (part.strip() for part in raw.split(","))):
        name, _, seconds = pair.partition("=")
        delays[name.strip()] = max(0.0, float(seconds))
    return delays


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
    """Run `deliver` after `delay` in a copy of the caller's context: the engine keeps the request's
    account and region in context variables, which a plain thread would not carry."""
    context = contextvars.copy_context()
    _deliveries.submit(delay, lambda: context.run(deliver), what)
