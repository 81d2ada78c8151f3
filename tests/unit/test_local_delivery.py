"""DelayedDelivery runs each hop's delivery after its delay, in due order, and survives a failing one;
the stream hop releases only records old enough."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest

from runner.local.delivery import DelayedDelivery, DeliveryLatency, HopDelays
from runner.local.lambda_host.stream_poller import _due


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


def _record(age_seconds: float) -> SimpleNamespace:
    created = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=age_seconds)
    return SimpleNamespace(record={"dynamodb": {"ApproximateCreationDateTime": created}})


def test_the_stream_hop_releases_the_old_enough_records_in_order_and_says_when_the_next_is_due() -> None:
    old, older, fresh, old_again = _record(5), _record(4), _record(0), _record(3)

    due, wait = _due([old, older, fresh, old_again], delay=1.0)

    # Order is kept: a fresh record holds back everything after it, as a stream shard does.
    assert due == [old, older]
    assert 0 < wait <= 1.0
    assert _due([fresh], delay=0.0) == ([fresh], 0.0)
