"""DelayedDelivery (the engine side) runs each hop's delivery after its delay, in due order, and
survives a failing one; the runner hands the engine its delays as one environment value."""

from __future__ import annotations

import sys
import threading

import pytest

from runner.local.delivery import DeliveryLatency, HopDelays
from runner.local.endpoint import ENGINE_SIDE

sys.path.insert(0, str(ENGINE_SIDE))
from spt_engine.delivery import DelayedDelivery, hop_delays


def _run_all(delivery: DelayedDelivery, jobs: list[tuple[float, str]]) -> list[str]:
    done: list[str] = []
    finished = threading.Event()

    def job(name: str) -> None:
        done.append(name)
        if len(done) == len(jobs):
            finished.set()

    for delay, name in jobs:
        delivery.submit(delay, lambda name=name: job(name), name)  # type: ignore[misc]
    assert finished.wait(timeout=10)
    return done


def test_deliveries_run_in_due_order_and_equal_delays_keep_submit_order() -> None:
    done = _run_all(DelayedDelivery(), [(0.2, "late"), (0.05, "first"), (0.05, "second"), (0.1, "middle")])

    assert done == ["first", "second", "middle", "late"]


def test_a_zero_delay_delivers_at_once_on_the_callers_thread() -> None:
    threads: list[threading.Thread] = []

    DelayedDelivery().submit(0, lambda: threads.append(threading.current_thread()), "now")

    assert threads == [threading.current_thread()]


def test_a_failing_delivery_is_logged_and_the_next_one_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    delivery = DelayedDelivery()
    delivered = threading.Event()

    def broken() -> None:
        raise RuntimeError("queue is gone")

    delivery.submit(0.01, broken, "EventBridge rule gone")
    delivery.submit(0.02, delivered.set, "EventBridge rule kept")

    assert delivered.wait(timeout=10)
    assert "delayed delivery of EventBridge rule gone failed" in caplog.text
    assert delivery.pending() == 0


def test_the_aws_profile_delays_every_hop_and_none_delays_nothing() -> None:
    assert all(seconds > 0 for seconds in vars(DeliveryLatency.AWS.value).values())
    assert DeliveryLatency.NONE.value == HopDelays()


def test_an_unknown_latency_name_is_refused_naming_the_choices() -> None:
    assert DeliveryLatency.parse(" AWS ") is DeliveryLatency.AWS
    with pytest.raises(ValueError, match="choose one of: aws, none"):
        DeliveryLatency.parse("fast")


def test_the_engine_reads_back_the_delays_the_runner_hands_it() -> None:
    assert hop_delays(DeliveryLatency.AWS.value.to_environment()) == {
        "eventbridge": 0.2,
        "sns": 0.1,
        "s3_notification": 0.5,
    }
    assert hop_delays("") == {}
