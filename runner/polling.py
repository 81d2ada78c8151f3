"""`eventually`: poll a probe until it passes, with exponential backoff and full jitter; never a fixed
sleep.

The wait ceiling doubles per attempt (from 50 ms) but never exceeds 10% of the time already waited
(with a 50 ms floor): a result that becomes true at time T is seen by about 1.1 T + 50 ms, while the
number of calls grows only with log(T). Full jitter (a uniform draw below the ceiling) keeps parallel
shards from polling in lockstep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

_REPR_LIMIT = 500


@dataclass(frozen=True)
class Backoff:
    """Exponential ceiling `initial * factor**attempt`, capped by `max_delay` and by `overshoot` times
    the time already waited (at least `floor`); each wait is a uniform draw below the ceiling."""

    initial: float = 0.05
    factor: float = 2.0
    max_delay: float = 5.0
    overshoot: float = 0.1
    floor: float = 0.05

    def ceiling(self, attempt: int, elapsed: float) -> float:
        exponential = self.initial * self.factor ** min(attempt, 60)
        relative = max(self.floor, self.overshoot * elapsed)
        return min(self.max_delay, exponential, relative)

    def delay(self, attempt: int, elapsed: float, rng: random.Random) -> float:
        return rng.uniform(0.0, self.ceiling(attempt, elapsed))


DEFAULT_BACKOFF = Backoff()


@dataclass(frozen=True)
class Clock:
    """Time source and sleep, replaceable by a simulated clock (benchmarks/polling.py)."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


SYSTEM_CLOCK = Clock()


def eventually(
    probe: Callable[[], T],
    *,
    timeout: float = 30.0,
    until: Callable[[T], object] | None = None,
    description: str | None = None,
    backoff: Backoff = DEFAULT_BACKOFF,
    retry_on: tuple[type[BaseException], ...] = (Exception,),
    clock: Clock = SYSTEM_CLOCK,
    rng: random.Random | None = None,
) -> T:
    """Call `probe` until it passes and return its value.

    It passes when it returns without raising one of `retry_on` and `until(value)` is true, or, without
    `until`, when the value is truthy (a probe that only asserts can `return True`). On timeout: an
    AssertionError naming the last value or exception, the number of attempts and the time spent.
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    jitter = rng or random.Random()
    started = clock.now()
    deadline = started + timeout
    attempts = 0
    last_value: object = _NOTHING
    last_error: BaseException | None = None
    while True:
        attempts += 1
        try:
            value = probe()
        except retry_on as error:
            last_error, last_value = error, _NOTHING
        else:
            last_error, last_value = None, value
            if until(value) if until is not None else value:
                return value
        now = clock.now()
        if now >= deadline:
            break
        wait = backoff.delay(attempts - 1, now - started, jitter)
        clock.sleep(min(wait, deadline - now))
    spent = clock.now() - started
    what = description or getattr(probe, "__name__", "probe")
    message = f"{what} did not pass within {timeout:g}s: {attempts} attempts over {spent:.2f}s; "
    if last_error is not None:
        message += f"last exception: {type(last_error).__name__}: {_short(str(last_error))}"
        raise AssertionError(message) from last_error
    hint = "" if until is not None else " (falsy; return a truthy value or pass until=)"
    raise AssertionError(message + f"last value: {_short(repr(last_value))}{hint}")


def _short(text: str) -> str:
    return text if len(text) <= _REPR_LIMIT else text[:_REPR_LIMIT] + "..."


class _Nothing:
    def __repr__(self) -> str:
        return "<no value>"


_NOTHING = _Nothing()
