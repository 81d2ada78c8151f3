"""Every invocation leaves AWS-shaped CloudWatch Logs and AWS/Lambda metrics behind."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from runner.local import LocalEndpoint

from .lambda_testkit import client, create_function, endpoint_without, invoke_json

PRINTS_AND_LOGS = """
import logging

print("module imported")
logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    print("handling", event["n"])
    logger.info("structured line\\nwith a second line")
    if event.get("fail"):
        raise RuntimeError("failed on purpose")
    return event["n"]
"""

REPORT = re.compile(
    r"REPORT RequestId: (?P<id>[0-9a-f-]{36})\tDuration: (?P<duration>\d+\.\d{2}) ms\t"
    r"Billed Duration: (?P<billed>\d+) ms\tMemory Size: (?P<memory>\d+) MB\t"
    r"Max Memory Used: (?P<used>\d+) MB(\tInit Duration: (?P<init>\d+\.\d{2}) ms)?"
)


def _log_messages(endpoint: LocalEndpoint, function_name: str) -> list[str]:
    logs = client(endpoint, "logs")
    group = f"/aws/lambda/{function_name}"
    messages: list[str] = []
    for stream in logs.describe_log_streams(logGroupName=group)["logStreams"]:
        events = logs.get_log_events(logGroupName=group, logStreamName=stream["logStreamName"])["events"]
        messages += [event["message"] for event in events]
    return messages


def test_logs_carry_start_end_and_report_with_init_duration_only_on_the_cold_start(
    endpoint: LocalEndpoint,
) -> None:
    name = create_function(endpoint, PRINTS_AND_LOGS, memory=512)

    for n in (1, 2):
        invoke_json(endpoint, name, {"n": n})

    messages = _log_messages(endpoint, name)
    starts = [m for m in messages if m.startswith("START RequestId: ")]
    ends = [m for m in messages if m.startswith("END RequestId: ")]
    reports = [REPORT.match(m) for m in messages if m.startswith("REPORT ")]
    assert len(starts) == len(ends) == len(reports) == 2
    assert all(report is not None for report in reports)
    first, second = (report for report in reports if report is not None)
    assert first["init"] is not None
    assert float(first["init"]) > 0
    assert second["init"] is None
    assert {first["memory"], second["memory"]} == {"512"}
    assert int(first["billed"]) >= float(first["duration"]) + float(first["init"])
    assert int(second["billed"]) >= float(second["duration"])
    assert 0 < int(second["used"]) <= 512
    assert f"START RequestId: {first['id']} Version: $LATEST" in messages
    assert f"END RequestId: {second['id']}" in messages
    assert "module imported" in messages
    assert "handling 1" in messages
    assert "handling 2" in messages
    # A multi-line logging record stays one event, in the Lambda Python runtime's format.
    structured = [m for m in messages if "structured line" in m]
    assert len(structured) == 2
    assert re.match(
        r"\[INFO\]\t\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\t[0-9a-f-]{36}\tstructured line\n",
        structured[0],
    )


def test_without_its_patch_the_engine_reports_no_init_duration_and_no_memory_used() -> None:
    # The runtime patches' records need lambda_platform_logs to become events: they go too.
    with endpoint_without("lambda_platform_logs", "lambda_python_runtime", "lambda_node_runtime") as stock:
        name = create_function(stock, PRINTS_AND_LOGS)
        invoke_json(stock, name, {"n": 1})

        messages = _log_messages(stock, name)

    reports = [m for m in messages if m.startswith("REPORT ")]
    assert len(reports) == 1
    assert "Init Duration" not in reports[0]
    assert "Max Memory Used: 0 MB" in reports[0]
    assert not any("structured line" in m for m in messages)


def test_an_error_is_logged_as_the_python_runtime_does(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, PRINTS_AND_LOGS)

    invoke_json(endpoint, name, {"n": 1, "fail": True})

    errors = [m for m in _log_messages(endpoint, name) if m.startswith("[ERROR]")]
    assert len(errors) == 1
    assert errors[0].startswith("[ERROR] RuntimeError: failed on purpose\nTraceback (most recent call last):")


def test_metrics_count_invocations_errors_and_duration(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, PRINTS_AND_LOGS)
    for event in ({"n": 1}, {"n": 2}, {"n": 3, "fail": True}):
        invoke_json(endpoint, name, event)

    cloudwatch = client(endpoint, "cloudwatch")
    window = {
        "StartTime": datetime.now(UTC) - timedelta(minutes=5),
        "EndTime": datetime.now(UTC) + timedelta(minutes=5),
    }
    dimensions = [{"Name": "FunctionName", "Value": name}]

    def statistic(metric: str, stat: str) -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda",
            MetricName=metric,
            Dimensions=dimensions,
            Period=600,
            Statistics=[stat],
            **window,
        )["Datapoints"]
        return float(sum(point[stat] for point in points))

    assert statistic("Invocations", "Sum") == 3
    assert statistic("Errors", "Sum") == 1
    assert statistic("Duration", "Sum") > 0
    assert statistic("Duration", "SampleCount") == 3

    data = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "invocations",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": "Invocations",
                        "Dimensions": dimensions,
                    },
                    "Period": 600,
                    "Stat": "Sum",
                },
            }
        ],
        **window,
    )["MetricDataResults"]
    assert sum(data[0]["Values"]) == 3
