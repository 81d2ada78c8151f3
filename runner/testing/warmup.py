"""`warm`: invoke a function until its execution environment answers, and report the cold start.

The cold start is the `Init Duration` of the REPORT line Lambda writes for the first invocation an
environment serves (absent when the environment was already warm). It is read from the invoke's log
tail when the service returns one, else from CloudWatch Logs, polling since logs arrive late.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from runner.polling import SYSTEM_CLOCK, Clock, eventually

_REPORT = re.compile(r"REPORT RequestId: (?P<request_id>[^\s]+)")
_FIELD = re.compile(r"(?P<name>[A-Za-z][A-Za-z ]*?): (?P<value>[\d.]+) ms")


@dataclass(frozen=True)
class ReportLine:
    """The numbers of one REPORT log line; `init_duration_ms` only on a cold start."""

    request_id: str
    duration_ms: float | None
    init_duration_ms: float | None

    @classmethod
    def parse(cls, message: str) -> ReportLine | None:
        found = _REPORT.search(message)
        if found is None:
            return None
        fields = {match["name"].strip(): float(match["value"]) for match in _FIELD.finditer(message)}
        return cls(found["request_id"], fields.get("Duration"), fields.get("Init Duration"))


@dataclass(frozen=True)
class WarmResult:
    function_name: str
    attempts: int
    seconds: float
    function_error: str | None
    report: ReportLine | None

    @property
    def cold_start_ms(self) -> float | None:
        return self.report.init_duration_ms if self.report else None


def warm(
    lambda_client: Any,
    logs_client: Any,
    function_name: str,
    *,
    payload: object = None,
    timeout: float = 60.0,
    log_timeout: float = 15.0,
    clock: Clock = SYSTEM_CLOCK,
) -> WarmResult:
    """Invoke (polling with backoff while the function is pending, throttled or failing to answer)
    until an invocation returns, then find that invocation's REPORT line."""
    attempts = 0
    started = clock.now()
    started_epoch_ms = int(time.time() * 1000)
    body = json.dumps(payload if payload is not None else {}).encode()

    def invoke_once() -> dict[str, Any]:
        nonlocal attempts
        attempts += 1
        response: dict[str, Any] = lambda_client.invoke(
            FunctionName=function_name, Payload=body, LogType="Tail"
        )
        response["Payload"].read()
        return response

    response = eventually(
        invoke_once,
        until=lambda answer: answer.get("StatusCode") == 200,
        timeout=timeout,
        description=f"function {function_name} to answer",
        clock=clock,
    )
    seconds = clock.now() - started
    report = _report_from_tail(response.get("LogResult"))
    if report is None:
        request_id = response.get("ResponseMetadata", {}).get("RequestId", "")
        group = _log_group(lambda_client, function_name)
        report = _report_from_logs(logs_client, group, started_epoch_ms, request_id, log_timeout, clock)
    return WarmResult(function_name, attempts, seconds, response.get("FunctionError"), report)


def _report_from_tail(log_result: str | None) -> ReportLine | None:
    if not log_result:
        return None
    text = base64.b64decode(log_result).decode("utf-8", "replace")
    reports = [line for line in map(ReportLine.parse, text.splitlines()) if line is not None]
    return reports[-1] if reports else None


def _log_group(lambda_client: Any, function_name: str) -> str:
    """Where the function logs: its LoggingConfig's group (CDK's `logGroup`), else Lambda's default."""
    try:
        configuration = lambda_client.get_function_configuration(FunctionName=function_name)
    except (BotoCoreError, ClientError):
        configuration = {}
    group = (configuration.get("LoggingConfig") or {}).get("LogGroup")
    return str(group) if group else f"/aws/lambda/{function_name}"


def _report_from_logs(
    logs_client: Any, group: str, since_ms: int, request_id: str, timeout: float, clock: Clock
) -> ReportLine | None:
    """The REPORT line of `request_id` when the logs carry it; otherwise (an endpoint whose request ids
    differ from the invoke response's) the first REPORT line written since the warm-up began."""

    def find() -> ReportLine | None:
        reports = list(_reports(logs_client, group, since_ms))
        for report in reports:
            if report.request_id == request_id:
                return report
        return reports[0] if reports else None

    try:
        return eventually(find, timeout=timeout, description=f"REPORT line in {group}", clock=clock)
    except AssertionError:
        return None


def _reports(logs_client: Any, group: str, since_ms: int) -> Iterable[ReportLine]:
    try:
        paginator = logs_client.get_paginator("filter_log_events")
        pages = list(paginator.paginate(logGroupName=group, startTime=since_ms - 1000))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return []
        raise
    events = sorted(
        (event for page in pages for event in page.get("events", [])), key=lambda e: e["timestamp"]
    )
    return [report for report in (ReportLine.parse(event["message"]) for event in events) if report]
