"""Out-of-order and duplicate delivery: send updates shuffled, with repeats, and check that the state
ends where the highest sequence number says, i.e. stale and repeated updates were rejected."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeVar

from runner.polling import eventually

T = TypeVar("T")
S = TypeVar("S")


def shuffled_with_duplicates(
    updates: Sequence[T], sequence: Callable[[T], int], *, duplicates: int = 2, rng: random.Random
) -> list[T]:
    """Every update plus `duplicates` repeats of random ones, shuffled so that the last delivery is
    never a newest update: at least one stale update always arrives after the newest."""
    if not updates:
        raise ValueError("no updates to deliver")
    order = [*updates, *(rng.choice(updates) for _ in range(duplicates))]
    rng.shuffle(order)
    newest = max(sequence(update) for update in updates)
    if sequence(order[-1]) == newest:
        stale = [index for index, update in enumerate(order) if sequence(update) < newest]
        if stale:
            swap = rng.choice(stale)
            order[swap], order[-1] = order[-1], order[swap]
    return order


def assert_latest_wins(
    send: Callable[[T], object],
    updates: Sequence[T],
    *,
    sequence: Callable[[T], int],
    read_state: Callable[[], S],
    expected: Callable[[T], S] | None = None,
    duplicates: int = 2,
    seed: int | str = 0,
    timeout: float = 30.0,
) -> list[T]:
    """Deliver `updates` out of order with duplicates through `send`, then poll `read_state` until it
    equals `expected(newest)` (default: the newest update itself). Returns the delivery order."""
    order = shuffled_with_duplicates(updates, sequence, duplicates=duplicates, rng=random.Random(str(seed)))
    for update in order:
        send(update)
    newest = max(updates, key=sequence)
    want = expected(newest) if expected is not None else newest
    delivered = [sequence(update) for update in order]
    eventually(
        read_state,
        until=lambda state: state == want,
        timeout=timeout,
        description=f"state to reach sequence {sequence(newest)} ({want!r}) after deliveries {delivered}",
    )
    return order
