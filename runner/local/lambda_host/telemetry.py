"""CloudWatch Logs and AWS/Lambda metrics for each invocation, written straight into moto's backends.

In-process on purpose: an HTTP call to our own server from inside a request it is serving could wait on
itself, and these writes must land before the invoke returns so tests can read them at once.
"""

from __future__ import annotations

import logging
import threading
import time

from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.outcome import InvocationOutcome, InvocationStatus

NAMESPACE = "AWS/Lambda"
_lock = threading.Lock()
_logger = logging.getLogger(__name__)


def report_line(spec: FunctionSpec, outcome: InvocationOutcome) -> str:
    """AWS's REPORT line: tab-separated fields, Init Duration only on a cold start."""
    fields = [
        f"REPORT RequestId: {outcome.request_id}",
        f"Duration: {outcome.duration_ms:.2f} ms",
        f"Billed Duration: {outcome.billed_duration_ms} ms",
        f"Memory Size: {spec.memory_mb} MB",
        f"Max Memory Used: {outcome.max_memory_mb} MB",
    ]
    if outcome.init is not None:
        fields.append(f"Init Duration: {outcome.init.duration_ms:.2f} ms")
    if outcome.status is InvocationStatus.TIMEOUT:
        fields.append("Status: timeout")
    elif outcome.status in (InvocationStatus.CRASH, InvocationStatus.INIT_ERROR):
        fields.append("Status: error")
        if outcome.error_type:
            fields.append(f"Error Type: {outcome.error_type}")
    return "\t".join(fields)


def log_messages(spec: FunctionSpec, outcome: InvocationOutcome) -> list[str]:
    messages: list[str] = []
    if outcome.init is not None:
        messages.append(f"INIT_START Runtime Version: {spec.runtime.replace('python', 'python:')}")
        messages.extend(outcome.init.output)
    messages.append(f"START RequestId: {outcome.request_id} Version: {spec.version}")
    messages.extend(outcome.output)
    messages.append(f"END RequestId: {outcome.request_id}")
    messages.append(report_line(spec, outcome))
    return messages


def record(spec: FunctionSpec, log_stream: str, outcome: InvocationOutcome, concurrent: int) -> None:
    """Write the invocation's log events and metrics; never lets a telemetry problem fail the invoke."""
    try:
        with _lock:
            _write_logs(spec, log_stream, log_messages(spec, outcome))
            _write_metrics(spec, outcome, concurrent)
    except Exception:
        _logger.exception("could not record telemetry for %s", spec.name)


def _write_logs(spec: FunctionSpec, log_stream: str, messages: list[str]) -> None:
    from moto.logs.models import logs_backends

    backend = logs_backends[spec.account_id][spec.region]
    backend.ensure_log_group(spec.log_group)
    backend.ensure_log_stream(spec.log_group, log_stream)
    now_ms = int(time.time() * 1000)
    events = [{"timestamp": now_ms, "message": message} for message in messages]
    backend.put_log_events(spec.log_group, log_stream, events)


def _write_metrics(spec: FunctionSpec, outcome: InvocationOutcome, concurrent: int) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    dimensions = [{"Name": "FunctionName", "Value": spec.name}]
    values = [
        ("Invocations", 1.0, "Count"),
        ("Duration", outcome.duration_ms, "Milliseconds"),
        ("Errors", 1.0 if outcome.function_error else 0.0, "Count"),
        ("ConcurrentExecutions", float(concurrent), "Count"),
    ]
    cloudwatch_backends[spec.account_id][spec.region].put_metric_data(
        NAMESPACE,
        [
            {"MetricName": name, "Value": value, "Unit": unit, "Dimensions": dimensions}
            for name, value, unit in values
        ],
    )


def record_throttle(spec: FunctionSpec) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    with _lock:
        cloudwatch_backends[spec.account_id][spec.region].put_metric_data(
            NAMESPACE,
            [
                {
                    "MetricName": "Throttles",
                    "Value": 1.0,
                    "Unit": "Count",
                    "Dimensions": [{"Name": "FunctionName", "Value": spec.name}],
                }
            ],
        )
