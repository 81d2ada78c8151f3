"""`assert_idempotent`: the same request (same idempotency key) repeated, alone and at once, must
cause exactly one side effect and get the same response every time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sized
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from runner.polling import eventually

E = TypeVar("E")
R = TypeVar("R")


def assert_idempotent(
    invoke: Callable[[E], R],
    event: E,
    *,
    side_effects: Callable[[], int | Sized] | None = None,
    concurrency: int = 1,
    normalize: Callable[[R], Any] | None = None,
    settle_timeout: float = 0.0,
) -> R:
    """Send `event` `concurrency` times at once (1: once), then once more after those answered.

    Every response must equal the first (after `normalize`, e.g. to drop a request id). When
    `side_effects` is given (a count, or a collection whose length counts), it must grow by exactly one;
    with `settle_timeout` the helper first waits (polling) for asynchronous side effects to appear.
    Returns the first response.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    baseline = _count(side_effects()) if side_effects else 0
    responses = _at_once(invoke, event, concurrency) if concurrency > 1 else [invoke(event)]
    responses.append(invoke(event))
    view = normalize or (lambda response: response)
    first = view(responses[0])
    differing = [(index, view(r)) for index, r in enumerate(responses) if view(r) != first]
    if differing:
        index, other = differing[0]
        raise AssertionError(
            f"not idempotent: {len(differing)} of {len(responses)} responses differ from the first; "
            f"response #{index + 1}: {other!r} != first: {first!r}"
        )
    if side_effects is not None:
        if settle_timeout > 0:
            eventually(
                lambda: _count(side_effects()) - baseline >= 1,
                timeout=settle_timeout,
                description="side effect to appear",
            )
        caused = _count(side_effects()) - baseline
        if caused != 1:
            raise AssertionError(
                f"not idempotent: {len(responses)} identical requests caused {caused} side effect(s), "
                "expected 1"
            )
    return responses[0]


def _at_once(invoke: Callable[[E], R], event: E, concurrency: int) -> list[R]:
    # The barrier releases every thread together, so the requests race for the idempotency record.
    barrier = threading.Barrier(concurrency)

    def call() -> R:
        barrier.wait()
        return invoke(event)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(call) for _ in range(concurrency)]
        return [future.result() for future in futures]


def _count(value: int | Sized) -> int:
    return value if isinstance(value, int) else len(value)
