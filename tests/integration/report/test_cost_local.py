"""The run's cost from what the local endpoint really recorded: Lambda metrics (emitted by real
invocations, or put with put_metric_data), log events, and the stack's real resources."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from runner.report.cost import PriceTable, Service, estimate_with_clients

TABLE = PriceTable.load()


def price(key: str) -> float:
    found = TABLE.price(key)
    assert found is not None
    return found.usd / found.per


def lines_for(estimate: Any, resource_suffix: str) -> dict[str, Any]:
    return {line.description: line for line in estimate.lines if line.resource.endswith(resource_suffix)}


def test_real_invocations_on_the_local_endpoint_have_a_lambda_cost(
    client: Callable[[str], Any], make_stack: Callable[[int], tuple[str, str]]
) -> None:
    stack, function = make_stack(512)
    for number in range(4):
        answer = client("lambda").invoke(FunctionName=function, Payload=b'{"sku": %d}' % number)
        assert answer["StatusCode"] == 200
    estimate = estimate_with_clients(client, (stack,), datetime.now(UTC) - timedelta(hours=1), local=True)
    reserve = lines_for(estimate, "/Reserve")
    assert reserve["requests"].quantity == 4
    assert reserve["requests"].usd == pytest.approx(4 * price("lambda.requests"))
    compute = reserve["compute (512 MB)"]
    assert compute.quantity >= 4 * 0.02 * 0.5  # each call sleeps 20 ms at 0.5 GB
    assert compute.usd == pytest.approx(compute.quantity * price("lambda.gb_seconds.x86_64"))
    assert reserve["log ingestion"].quantity > 0
    assert estimate.run_usd > 0


def test_put_metrics_are_priced_exactly_and_other_services_are_listed_unpriced(
    client: Callable[[str], Any], make_stack: Callable[[int], tuple[str, str]]
) -> None:
    stack, function = make_stack(256)
    dimensions = [{"Name": "FunctionName", "Value": function}]
    client("cloudwatch").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {"MetricName": "Invocations", "Value": 1000, "Unit": "Count", "Dimensions": dimensions},
            {"MetricName": "Duration", "Value": 200_000, "Unit": "Milliseconds", "Dimensions": dimensions},
        ],
    )
    now = datetime.now(UTC)
    estimate = estimate_with_clients(client, (stack,), now - timedelta(hours=1), local=True, now=now)
    reserve = lines_for(estimate, "/Reserve")
    assert reserve["requests"].usd == pytest.approx(1000 * price("lambda.requests"))
    assert reserve["compute (256 MB)"].quantity == pytest.approx(50.0)  # 200 s at 0.25 GB
    assert reserve["compute (256 MB)"].usd == pytest.approx(50.0 * price("lambda.gb_seconds.x86_64"))
    assert reserve["log ingestion"].quantity == 0  # never invoked here: no log events
    unpriced = {item.resource.rsplit("/", 1)[1]: item.reason for item in estimate.unpriced}
    assert unpriced == {
        "Orders": "no usage data: AWS/DynamoDB consumed capacity",
        "Queue": "no usage data: AWS/SQS message counts",
        "Topic": "no usage data: AWS/SNS NumberOfMessagesPublished",
    }
    key_month = price("kms.key_months")
    assert estimate.per_day_usd == pytest.approx(key_month / 730 * 24)
    (key_line,) = [line for line in estimate.lines if line.service is Service.KMS]
    assert key_line.usd == pytest.approx(key_month / 730 * estimate.hours)
    assert estimate.window_end == now
    assert estimate.window_start > now - timedelta(minutes=5)  # the stack's creation, not the fallback


def test_a_stack_that_does_not_exist_costs_nothing_and_lists_nothing(client: Callable[[str], Any]) -> None:
    now = datetime.now(UTC)
    estimate = estimate_with_clients(
        client, ("shop-pr-absent",), now - timedelta(minutes=30), local=True, now=now
    )
    assert estimate.lines == ()
    assert estimate.unpriced == ()
    assert estimate.hours == pytest.approx(0.5)


def test_bucket_storage_is_counted_from_its_objects_and_its_requests_are_listed_unpriced(
    client: Callable[[str], Any],
) -> None:
    stack = f"shop-pr-{uuid.uuid4().int % 10**8}"
    template = {"Resources": {"Reports": {"Type": "AWS::S3::Bucket"}}}
    client("cloudformation").create_stack(StackName=stack, TemplateBody=json.dumps(template))
    (resource,) = client("cloudformation").list_stack_resources(StackName=stack)["StackResourceSummaries"]
    bucket = resource["PhysicalResourceId"]
    client("s3").put_object(Bucket=bucket, Key="a.json", Body=b"x" * 3000)
    client("s3").put_object(Bucket=bucket, Key="b.json", Body=b"y" * 2000)
    estimate = estimate_with_clients(client, (stack,), datetime.now(UTC) - timedelta(hours=1), local=True)
    (storage,) = estimate.lines
    assert storage.service is Service.S3
    assert storage.quantity == pytest.approx(5000 / 1e9)
    assert storage.usd_per_day == pytest.approx(5000 / 1e9 * price("s3.storage_gb_months") / 730 * 24)
    (requests,) = estimate.unpriced
    assert "request metrics" in requests.reason
