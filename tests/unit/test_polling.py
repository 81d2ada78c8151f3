"""`eventually` on a simulated clock: what it returns, how it fails, and how late it can be."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runner.polling import Backoff, Clock, eventually


class SimulatedClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> Clock:
        return Clock(now=lambda: self.now, sleep=self.sleep)


def test_returns_the_value_once_the_probe_passes():
    sim = SimulatedClock()
    values = iter([None, [], ["event"]])
    assert eventually(lambda: next(values), timeout=5, clock=sim.clock()) == ["event"]
    assert len(sim.sleeps) == 2


def test_until_decides_when_the_value_passes():
    sim = SimulatedClock()
    counter = iter(range(100))
    value = eventually(lambda: next(counter), until=lambda n: n >= 3, timeout=5, clock=sim.clock())
    assert value == 3


def test_timeout_names_last_value_attempts_and_time_spent():
    sim = SimulatedClock()
    with pytest.raises(AssertionError) as raised:
        eventually(lambda: {"status": "PENDING"}, until=lambda v: v["status"] == "DONE", timeout=2,
                   description="order to complete", clock=sim.clock())  # fmt: skip
    message = str(raised.value)
    assert message.startswith("order to complete did not pass within 2s: ")
    assert "last value: {'status': 'PENDING'}" in message
    assert "attempts over 2.00s" in message
    assert sim.now == pytest.approx(2.0)


def test_timeout_names_the_last_exception_and_chains_it():
    sim = SimulatedClock()

    def probe():
        raise KeyError("Item")

    with pytest.raises(AssertionError, match=r"last exception: KeyError: 'Item'") as raised:
        eventually(probe, timeout=1, clock=sim.clock())
    assert isinstance(raised.value.__cause__, KeyError)


def test_a_falsy_result_hints_at_until():
    sim = SimulatedClock()
    with pytest.raises(
        AssertionError, match=r"last value: None \(falsy; return a truthy value or pass until=\)"
    ):
        eventually(lambda: None, timeout=0.5, clock=sim.clock())


def test_errors_outside_retry_on_propagate_at_once():
    sim = SimulatedClock()

    def probe():
        raise TypeError("bug in the test")

    with pytest.raises(TypeError):
        eventually(probe, timeout=5, retry_on=(KeyError,), clock=sim.clock())
    assert sim.sleeps == []


def test_never_sleeps_past_the_deadline_and_probes_at_it():
    sim = SimulatedClock()
    probe_times: list[float] = []
    with pytest.raises(AssertionError):
        eventually(lambda: probe_times.append(sim.now), timeout=3, clock=sim.clock(), rng=random.Random(1))
    assert max(probe_times) == pytest.approx(3.0)
    assert sim.now == pytest.approx(3.0)


def test_backoff_ceiling_grows_exponentially_and_is_capped_by_elapsed_time():
    backoff = Backoff(initial=0.05, factor=2, max_delay=5, overshoot=0.1, floor=0.05)
    assert backoff.ceiling(0, 0.0) == pytest.approx(0.05)
    assert backoff.ceiling(10, 0.0) == pytest.approx(0.05)  # floor: nothing waited yet
    assert backoff.ceiling(10, 20.0) == pytest.approx(2.0)  # 10% of 20 s
    assert backoff.ceiling(2, 20.0) == pytest.approx(0.2)  # exponential still ramping
    assert backoff.ceiling(30, 1000.0) == pytest.approx(5.0)  # max_delay


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.0, max_value=60.0), st.integers(min_value=0, max_value=2**32))
def test_a_condition_true_at_t_is_seen_by_1_1_t_plus_50ms(ready_at, seed):
    sim = SimulatedClock()
    eventually(lambda: sim.now >= ready_at, timeout=120, clock=sim.clock(), rng=random.Random(seed))
    assert sim.now <= 1.1 * ready_at + 0.05 + 1e-9
