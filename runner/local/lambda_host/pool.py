"""Warm execution environments per function version: reuse an idle one, else start a new one."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from runner.local.lambda_host.environment import ExecutionEnvironment
from runner.local.lambda_host.function_spec import FunctionSpec

FunctionKey = tuple[str, str, str, str]
# AWS keeps idle environments for minutes; locally each costs a Python process (~40 MB), so idle ones
# are reaped sooner.
IDLE_SECONDS = 300.0
# A test suite creates many functions; beyond this many idle workers, the least recently used go
# (their next call is a cold start, as after AWS recycles an environment).
MAX_IDLE = 16
# AWS starts a new environment for every concurrent request. Locally each start is a Python process
# competing for the same few cores (~0.3 s of CPU), so past this many environments of one function a
# request first waits a moment for a busy one to free up (warm calls take milliseconds), and starts
# another only if none does.
SCALE_OUT_LIMIT = max(2, os.cpu_count() or 2)
SCALE_OUT_WAIT_S = 1.0


class FunctionThrottled(Exception):
    """Every slot of the function's reserved concurrency is busy. Internal: the invoke seam answers
    TooManyRequestsException, pollers and the async queue wait and try again, as AWS does."""

    def __init__(self, function_name: str) -> None:
        super().__init__(f"Rate Exceeded. Reserved concurrency of {function_name} is in use")


@dataclass(frozen=True)
class Lease:
    environment: ExecutionEnvironment
    cold: bool


class EnvironmentPool:
    """Thread-safe. Starting a worker happens outside the lock, so concurrent cold starts overlap like
    AWS scaling out; an environment whose fingerprint no longer matches the function is retired."""

    def __init__(self, start: Callable[[FunctionSpec], ExecutionEnvironment]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._released = threading.Condition(self._lock)
        self._idle: dict[FunctionKey, list[ExecutionEnvironment]] = {}
        self._busy: set[ExecutionEnvironment] = set()
        self._starting: dict[FunctionKey, int] = {}

    def acquire(self, spec: FunctionSpec, endpoint_port: int) -> Lease:
        """Raises FunctionThrottled when the function's reserved concurrency is all in use."""
        retired: list[ExecutionEnvironment] = []
        with self._lock:
            limit = spec.reserved_concurrency
            if limit is not None and self._in_use(spec.key) >= limit:
                raise FunctionThrottled(spec.name)
            self._wait_for_release(spec.key)
            if limit is not None and not self._idle.get(spec.key) and self._in_use(spec.key) >= limit:
                raise FunctionThrottled(spec.name)  # others took the free slots while this one waited
            idle = self._idle.setdefault(spec.key, [])
            warm: ExecutionEnvironment | None = None
            while idle:
                candidate = idle.pop()
                current = (
                    candidate.fingerprint == spec.fingerprint and candidate.endpoint_port == endpoint_port
                )
                # A worker can die while idle (a handler's thread calling os._exit, the OOM killer).
                if current and candidate.alive():
                    warm = candidate
                    break
                retired.append(candidate)
            if warm is not None:
                self._busy.add(warm)
            else:
                # Counted as in use while it starts, so concurrent cold starts respect the limit.
                self._starting[spec.key] = self._starting.get(spec.key, 0) + 1
            retired.extend(self._take_expired())
        _kill_all(retired)
        if warm is not None:
            return Lease(warm, cold=False)
        try:
            started = self._start(spec)
            with self._lock:
                self._busy.add(started)
        finally:
            with self._lock:
                self._starting[spec.key] -= 1
        return Lease(started, cold=True)

    def release(self, environment: ExecutionEnvironment, *, reusable: bool, current: FunctionSpec) -> None:
        evicted: list[ExecutionEnvironment] = []
        with self._lock:
            self._busy.discard(environment)
            keep = reusable and environment.fingerprint == current.fingerprint
            if keep:
                self._idle.setdefault(environment.spec.key, []).append(environment)
                evicted = self._over_capacity()
            self._released.notify_all()
        if not keep:
            evicted.append(environment)
        _kill_all(evicted)

    def retire(self, account_id: str, region: str, function_name: str) -> None:
        """The function is gone (DeleteFunction, stack deletion): its idle workers go too."""
        with self._lock:
            keys = [key for key in self._idle if key[:3] == (account_id, region, function_name)]
            idle = [environment for key in keys for environment in self._idle.pop(key)]
        _kill_all(idle)

    def _wait_for_release(self, key: FunctionKey) -> None:
        """Called holding the lock; returns when an idle environment exists, the function is below
        SCALE_OUT_LIMIT, or SCALE_OUT_WAIT_S has passed."""
        deadline = time.monotonic() + SCALE_OUT_WAIT_S
        while not self._idle.get(key) and self._in_use(key) >= SCALE_OUT_LIMIT:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._released.wait(remaining)

    def busy_count(self, key: FunctionKey) -> int:
        with self._lock:
            return self._in_use(key)

    def _in_use(self, key: FunctionKey) -> int:
        busy = sum(1 for environment in self._busy if environment.spec.key == key)
        return busy + self._starting.get(key, 0)

    def stop(self, endpoint_port: int | None = None) -> int:
        """Kill idle and busy workers (those bound to `endpoint_port`, or all); returns how many."""
        with self._lock:
            doomed = [
                environment
                for environments in self._idle.values()
                for environment in environments
                if endpoint_port is None or environment.endpoint_port == endpoint_port
            ]
            running = [e for e in self._busy if endpoint_port is None or e.endpoint_port == endpoint_port]
            for key, environments in self._idle.items():
                self._idle[key] = [e for e in environments if e not in doomed]
        _kill_all(doomed)
        # Only signalled: the invoking thread still reads their pipes, sees the exit (the invocation
        # ends as a crash, which is what stopping means) and cleans up on release.
        for environment in running:
            environment.signal_kill()
        return len(doomed) + len(running)

    def pids(self, endpoint_port: int | None = None) -> list[int]:
        with self._lock:
            idle = [environment for environments in self._idle.values() for environment in environments]
            return [
                environment.pid
                for environment in [*idle, *self._busy]
                if endpoint_port is None or environment.endpoint_port == endpoint_port
            ]

    def _over_capacity(self) -> list[ExecutionEnvironment]:
        """Least recently used idle workers beyond MAX_IDLE, taken out of the pool."""
        idle = sorted(
            (environment for environments in self._idle.values() for environment in environments),
            key=lambda environment: environment.last_used,
        )
        surplus = idle[: max(0, len(idle) - MAX_IDLE)]
        for key, environments in self._idle.items():
            self._idle[key] = [e for e in environments if e not in surplus]
        return surplus

    def _take_expired(self) -> list[ExecutionEnvironment]:
        cutoff = time.monotonic() - IDLE_SECONDS
        expired: list[ExecutionEnvironment] = []
        for key, environments in self._idle.items():
            expired += [e for e in environments if e.last_used < cutoff]
            self._idle[key] = [e for e in environments if e.last_used >= cutoff]
        return expired


def _kill_all(environments: list[ExecutionEnvironment]) -> None:
    for environment in environments:
        environment.kill()
