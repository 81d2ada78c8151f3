"""The one LambdaHost per process, created on first use and torn down at exit or endpoint stop."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from typing import Any

from runner.local.lambda_host.async_invoker import DEFAULT_RETRY_ATTEMPTS, AsyncInvocation, AsyncInvoker
from runner.local.lambda_host.endpoints import endpoint_stopped
from runner.local.lambda_host.function_spec import configured_log_group, spec_from_moto
from runner.local.lambda_host.host import LambdaHost
from runner.local.lambda_host.outcome import InvocationOutcome
from runner.local.lambda_host.runtimes import UnsupportedRuntimeError

_logger = logging.getLogger(__name__)
_lock = threading.Lock()
_host: LambdaHost | None = None
_async: AsyncInvoker | None = None


def lambda_host() -> LambdaHost:
    global _host, _async
    with _lock:
        if _host is None:
            _host = LambdaHost()
            _async = AsyncInvoker(_host)
            atexit.register(shutdown)
        return _host


def async_invoker() -> AsyncInvoker:
    lambda_host()
    assert _async is not None
    return _async


def stop_execution_environments(endpoint_port: int | None = None) -> int:
    """Kill the workers serving `endpoint_port` (all when None); returns how many were stopped.
    LocalEndpoint.stop() calls this, so the port also stops counting as serving."""
    if endpoint_port is not None:
        endpoint_stopped(endpoint_port)
    with _lock:
        host = _host
    return host.stop(endpoint_port) if host is not None else 0


def worker_pids(endpoint_port: int | None = None) -> list[int]:
    """Pids of live workers (those serving `endpoint_port`, or all)."""
    with _lock:
        host = _host
    return host.worker_pids(endpoint_port) if host is not None else []


def shutdown() -> None:
    global _host, _async
    with _lock:
        host, invoker = _host, _async
        _host, _async = None, None
    if invoker is not None:
        invoker.stop()
    if host is not None:
        host.close()


def invoke_async(
    function: Any,
    event: dict[str, Any] | str,
    *,
    max_retries: int | None = None,
) -> bool:
    """Queue an invocation of moto's LambdaFunction `function` the way an AWS service pushing an event
    would. A function that cannot run here is reported in its log group instead (no caller to tell)."""
    event_text = event if isinstance(event, str) else json.dumps(event, default=str)
    try:
        spec = spec_from_moto(function)
        spec.require_runnable()
    except UnsupportedRuntimeError as error:
        report_refusal(function, str(error))
        return False
    retries = max_retries if max_retries is not None else async_retry_attempts(function)
    async_invoker().submit(AsyncInvocation(spec, event_text, spec.arn, retries))
    return True


def invoke_sync(function: Any, event: dict[str, Any] | str) -> InvocationOutcome | None:
    """Run now on the caller's thread (stream and queue pollers own their thread); None if refused."""
    event_text = event if isinstance(event, str) else json.dumps(event, default=str)
    try:
        spec = spec_from_moto(function)
        return lambda_host().invoke(spec, event_text)
    except UnsupportedRuntimeError as error:
        report_refusal(function, str(error))
        return None


def async_retry_attempts(function: Any) -> int:
    for config in getattr(function, "event_invoke_config", []) or []:
        attempts = getattr(config, "config", {}).get("MaximumRetryAttempts")
        if attempts is not None:
            return int(attempts)
    return DEFAULT_RETRY_ATTEMPTS


def report_refusal(function: Any, message: str) -> None:
    """Say why an event went nowhere, where its owner will look: the function's log group."""
    from moto.logs.models import logs_backends

    _logger.warning("%s", message)
    try:
        backend = logs_backends[function.account_id][function.region]
        group = configured_log_group(function)
        backend.ensure_log_group(group)
        stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[$LATEST]serverless-pr-test-refused"
        backend.ensure_log_stream(group, stream)
        backend.put_log_events(group, stream, [{"timestamp": int(time.time() * 1000), "message": message}])
    except Exception:
        _logger.exception("could not write the refusal to the log group of %s", function.function_name)
