"""EnvironmentPool: warm reuse, retirement of stale workers, the idle cap and reserved concurrency.

The pool only needs what it reads from an environment, so a small stand-in replaces the worker
process here; the real workers are exercised in tests/integration/local/test_lambda_invoke.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time

import pytest

from runner.local.lambda_host import pool as pool_module
from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.pool import MAX_IDLE, EnvironmentPool, FunctionThrottled, Lease

_pids = itertools.count(1000)


class StandInEnvironment:
    def __init__(self, spec: FunctionSpec, endpoint_port: int) -> None:
        self.spec = spec
        self.fingerprint = spec.fingerprint
        self.endpoint_port = endpoint_port
        self.pid = next(_pids)
        self.last_used = time.monotonic()
        self.killed = False

    def kill(self) -> None:
        self.killed = True

    def alive(self) -> bool:
        return not self.killed

    def signal_kill(self) -> None:
        self.killed = True


def _spec(name: str = "orders", **changes: object) -> FunctionSpec:
    spec = FunctionSpec(
        account_id="123456789012",
        region="us-east-1",
        name=name,
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        version="$LATEST",
        handler="app.handler",
        runtime="python3.12",
        memory_mb=128,
        timeout_s=3,
        environment=(),
        code_sha256="v1",
        code_zip=b"",
        layers=(),
    )
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


@pytest.fixture
def started() -> list[StandInEnvironment]:
    return []


@pytest.fixture
def pool(started: list[StandInEnvironment]) -> EnvironmentPool:
    def start(spec: FunctionSpec) -> StandInEnvironment:
        environment = StandInEnvironment(spec, endpoint_port=4566)
        started.append(environment)
        return environment

    return EnvironmentPool(start)  # type: ignore[arg-type]


def test_a_released_environment_is_reused_warm(pool: EnvironmentPool) -> None:
    spec = _spec()
    first = pool.acquire(spec, 4566)
    pool.release(first.environment, reusable=True, current=spec)

    second = pool.acquire(spec, 4566)

    assert (first.cold, second.cold) == (True, False)
    assert second.environment is first.environment


def test_a_busy_environment_is_not_shared(pool: EnvironmentPool) -> None:
    spec = _spec()

    first, second = pool.acquire(spec, 4566), pool.acquire(spec, 4566)

    assert first.environment is not second.environment
    assert second.cold


def test_new_code_retires_the_old_environment(
    pool: EnvironmentPool, started: list[StandInEnvironment]
) -> None:
    old = _spec()
    lease = pool.acquire(old, 4566)
    pool.release(lease.environment, reusable=True, current=old)

    fresh = pool.acquire(_spec(code_sha256="v2"), 4566)

    assert fresh.cold
    assert started[0].killed


def test_idle_workers_beyond_the_cap_are_killed_least_recently_used_first(
    pool: EnvironmentPool, started: list[StandInEnvironment]
) -> None:
    for index in range(MAX_IDLE + 3):
        spec = _spec(name=f"fn{index}")
        pool.release(pool.acquire(spec, 4566).environment, reusable=True, current=spec)

    assert [environment.killed for environment in started] == [True] * 3 + [False] * MAX_IDLE


def test_reserved_concurrency_caps_environments_in_use(pool: EnvironmentPool) -> None:
    spec = _spec(reserved_concurrency=1)
    lease = pool.acquire(spec, 4566)

    with pytest.raises(FunctionThrottled):
        pool.acquire(spec, 4566)
    pool.release(lease.environment, reusable=True, current=spec)
    assert not pool.acquire(spec, 4566).cold


def test_a_worker_that_died_while_idle_is_replaced_by_a_cold_start(pool: EnvironmentPool) -> None:
    spec = _spec()
    lease = pool.acquire(spec, 4566)
    pool.release(lease.environment, reusable=True, current=spec)
    lease.environment.signal_kill()

    assert pool.acquire(spec, 4566).cold


def test_stopping_one_endpoint_kills_only_its_workers(
    pool: EnvironmentPool, started: list[StandInEnvironment]
) -> None:
    spec = _spec()
    pool.release(pool.acquire(spec, 4566).environment, reusable=True, current=spec)

    assert pool.stop(endpoint_port=9999) == 0
    assert pool.stop(endpoint_port=4566) == 1
    assert started[0].killed


def test_past_the_scale_out_limit_a_call_waits_for_a_busy_environment_instead_of_starting_one(
    pool: EnvironmentPool, started: list[StandInEnvironment], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "SCALE_OUT_WAIT_S", 60.0)
    spec = _spec()
    leases = [pool.acquire(spec, 4566) for _ in range(pool_module.SCALE_OUT_LIMIT)]
    waited: list[Lease] = []
    waiter = threading.Thread(target=lambda: waited.append(pool.acquire(spec, 4566)))
    waiter.start()
    waiter.join(timeout=0.2)
    assert waiter.is_alive(), "the call should wait while every environment is busy"

    pool.release(leases[0].environment, reusable=True, current=spec)
    waiter.join(timeout=10)

    assert not waiter.is_alive()
    assert waited[0].environment is leases[0].environment
    assert not waited[0].cold
    assert len(started) == pool_module.SCALE_OUT_LIMIT


def test_when_no_environment_frees_up_in_time_another_one_starts(
    pool: EnvironmentPool, started: list[StandInEnvironment], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_module, "SCALE_OUT_WAIT_S", 0.01)
    spec = _spec()
    for _ in range(pool_module.SCALE_OUT_LIMIT):
        pool.acquire(spec, 4566)

    assert pool.acquire(spec, 4566).cold
    assert len(started) == pool_module.SCALE_OUT_LIMIT + 1
