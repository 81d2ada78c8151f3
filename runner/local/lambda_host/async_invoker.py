"""Asynchronous invocations (InvocationType=Event, SNS, EventBridge, S3): queued, run off the caller's
thread, retried on function errors like Lambda's async queue."""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from dataclasses import dataclass

from runner.local.lambda_host.endpoints import endpoint_serving
from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.host import LambdaHost
from runner.local.lambda_host.pool import FunctionThrottled

_logger = logging.getLogger(__name__)
# AWS waits 1 and then 2 minutes between async retries; locally seconds keep tests short while
# still showing a handler that it runs more than once.
RETRY_DELAYS_S = (1.0, 2.0)
DEFAULT_RETRY_ATTEMPTS = 2
THROTTLE_DELAY_S = 1.0


@dataclass(frozen=True)
class AsyncInvocation:
    spec: FunctionSpec
    event_text: str
    invoked_arn: str
    max_retries: int = DEFAULT_RETRY_ATTEMPTS
    attempt: int = 0


class AsyncInvoker:
    """A few daemon threads draining one queue, so the server thread that accepted the event returns
    at once and a handler calling back into the endpoint never waits on the request that started it."""

    def __init__(self, host: LambdaHost, threads: int = 4) -> None:
        self._host = host
        self._queue: queue.Queue[AsyncInvocation | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._drain, name=f"lambda-async-{index}", daemon=True)
            for index in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, invocation: AsyncInvocation) -> None:
        self._queue.put(invocation)

    def stop(self) -> None:
        for _thread in self._threads:
            self._queue.put(None)

    def _later(self, delay: float, invocation: AsyncInvocation) -> None:
        timer = threading.Timer(delay, self.submit, args=(invocation,))
        timer.daemon = True
        timer.start()

    def _drain(self) -> None:
        while (invocation := self._queue.get()) is not None:
            try:
                self._run(invocation)
            except Exception:
                _logger.exception("async invocation of %s failed to run", invocation.spec.name)

    def _run(self, invocation: AsyncInvocation) -> None:
        if not endpoint_serving():
            _logger.warning(
                "dropped an async invocation of %s: the local endpoint stopped", invocation.spec.name
            )
            return
        try:
            outcome = self._host.invoke(invocation.spec, invocation.event_text, invocation.invoked_arn)
        except FunctionThrottled:
            # AWS keeps a throttled async event queued (for up to 6 hours) without using a retry.
            self._later(THROTTLE_DELAY_S, invocation)
            return
        if outcome.function_error and invocation.attempt < invocation.max_retries:
            delay = RETRY_DELAYS_S[min(invocation.attempt, len(RETRY_DELAYS_S) - 1)]
            self._later(delay, dataclasses.replace(invocation, attempt=invocation.attempt + 1))
