"""Pricing rules (pure): usage x unit price, standing charges prorated, nothing silently free."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runner.errors import ConfigError
from runner.report.cost import PriceTable, Resource, Service, price_resources
from runner.report.cost.catalog import FREE, METERS
from runner.report.cost.estimate import _queries
from runner.report.cost.model import MetricQuery, ResourceFacts

TABLE = PriceTable.load()
END = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
TWO_HOURS = (END - timedelta(hours=2), END)


def unit(key: str) -> float:
    found = TABLE.price(key)
    assert found is not None
    return found.usd / found.per


def usage_for(
    resource: Resource, facts: ResourceFacts, values: dict[str, float | None]
) -> dict[MetricQuery, float | None]:
    queries = _queries(resource, facts, set())
    return {queries[key]: value for key, value in values.items()}


def test_shipped_table_is_dated_sourced_and_has_design_prices() -> None:
    assert TABLE.as_of == "2026-11-01"
    assert TABLE.region == "us-east-1"
    assert all(price.source.startswith("https://aws.amazon.com/") for price in TABLE.prices.values())
    assert unit("lambda.requests") == pytest.approx(0.20 / 1e6)
    assert unit("lambda.gb_seconds.arm64") == pytest.approx(0.0000133334)
    assert unit("dynamodb.write_request_units") == pytest.approx(0.625 / 1e6)
    assert unit("s3.get_requests") == pytest.approx(0.0004 / 1000)
    assert unit("apigateway.rest_requests") == pytest.approx(3.50 / 1e6)


def test_a_table_in_an_unknown_format_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "prices.json"
    bad.write_text(json.dumps({"version": 99}), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown format"):
        PriceTable.load(bad)


def test_lambda_on_arm_is_priced_by_memory_and_duration() -> None:
    function = Resource("shop-pr-1", "Fn", "shop-fn", "AWS::Lambda::Function")
    facts = ResourceFacts(memory_mb=1024, architecture="arm64")
    usage = usage_for(function, facts, {"invocations": 2_000_000, "duration_ms": 3_600_000, "log_bytes": 2e9})
    estimate = price_resources([function], {function: facts}, usage, TABLE, TWO_HOURS)
    by_description = {line.description: line.usd for line in estimate.lines}
    assert by_description["requests"] == pytest.approx(0.40)
    assert by_description["compute (1024 MB)"] == pytest.approx(3600 * 0.0000133334)
    assert by_description["log ingestion"] == pytest.approx(1.00)
    assert estimate.unpriced == ()
    assert estimate.per_day_usd == 0


def test_provisioned_dynamodb_is_a_standing_charge_prorated_and_projected_per_day() -> None:
    table = Resource("shop-pr-1", "Orders", "orders", "AWS::DynamoDB::Table")
    facts = ResourceFacts(billing_mode="PROVISIONED", read_capacity=10, write_capacity=5)
    estimate = price_resources([table], {table: facts}, {}, TABLE, TWO_HOURS)
    hourly = 10 * unit("dynamodb.provisioned_rcu_hours") + 5 * unit("dynamodb.provisioned_wcu_hours")
    assert estimate.run_usd == pytest.approx(2 * hourly)
    assert estimate.per_day_usd == pytest.approx(24 * hourly)


def test_on_demand_dynamodb_counts_index_capacity_too() -> None:
    table = Resource("shop-pr-1", "Orders", "orders", "AWS::DynamoDB::Table")
    facts = ResourceFacts(billing_mode="PAY_PER_REQUEST", index_names=("byCustomer",))
    usage = usage_for(
        table, facts, {"reads": 1e6, "writes": 1e6, "reads:byCustomer": 1e6, "writes:byCustomer": 1e6}
    )
    estimate = price_resources([table], {table: facts}, usage, TABLE, TWO_HOURS)
    assert estimate.run_usd == pytest.approx(2 * 0.125 + 2 * 0.625)


def test_missing_metrics_list_the_resource_as_unpriced_never_zero() -> None:
    queue = Resource("shop-pr-1", "Queue", "http://localhost/123/shop-queue", "AWS::SQS::Queue")
    usage = usage_for(queue, ResourceFacts(), dict.fromkeys(_queries(queue, ResourceFacts(), set()), None))
    estimate = price_resources([queue], {}, usage, TABLE, TWO_HOURS)
    assert estimate.lines == ()
    assert [(item.resource, item.reason) for item in estimate.unpriced] == [
        ("shop-pr-1/Queue", "no usage data: AWS/SQS message counts")
    ]


def test_fifo_queue_uses_the_fifo_price_from_its_name() -> None:
    queue = Resource("s", "Q", "https://sqs.us-east-1.amazonaws.com/1/jobs.fifo", "AWS::SQS::Queue")
    queries = _queries(queue, ResourceFacts(), set())
    assert dict(queries["NumberOfMessagesSent"].dimensions) == {"QueueName": "jobs.fifo"}
    usage = {query: 250_000.0 for query in queries.values()}
    estimate = price_resources([queue], {}, usage, TABLE, TWO_HOURS)
    assert estimate.run_usd == pytest.approx(1e6 * unit("sqs.fifo_requests"))


def test_free_types_are_skipped_and_unknown_types_are_listed() -> None:
    role = Resource("s", "Role", "role", "AWS::IAM::Role")
    custom = Resource("s", "Seed", "seed", "Custom::SeedData")
    cache = Resource("s", "Cache", "cache", "AWS::ElastiCache::CacheCluster")
    estimate = price_resources([role, custom, cache], {}, {}, TABLE, TWO_HOURS)
    assert estimate.lines == ()
    assert [(item.resource, item.reason) for item in estimate.unpriced] == [
        ("s/Cache", "no price model for this type")
    ]


def test_a_function_with_its_own_named_log_group_is_measured_there_and_priced_once() -> None:
    function = Resource("s", "Fn", "shop-fn", "AWS::Lambda::Function")
    group = Resource("s", "FnLogs", "shop-FnLogs-1A2B", "AWS::Logs::LogGroup")
    facts = ResourceFacts(memory_mb=128, log_group="shop-FnLogs-1A2B")
    assert "log_bytes" not in _queries(function, facts, {group.physical_id})
    unowned = _queries(function, facts, set())["log_bytes"]
    assert dict(unowned.dimensions) == {"LogGroupName": "shop-FnLogs-1A2B"}


def test_a_log_group_owned_by_the_stack_is_not_counted_twice() -> None:
    function = Resource("s", "Fn", "shop-fn", "AWS::Lambda::Function")
    group = Resource("s", "FnLogs", "/aws/lambda/shop-fn", "AWS::Logs::LogGroup")
    facts = ResourceFacts(memory_mb=128)
    assert "log_bytes" not in _queries(function, facts, {group.physical_id})
    group_query = _queries(group, ResourceFacts(), set())["count"]
    usage = {**usage_for(function, facts, {"invocations": 0.0, "duration_ms": 0.0}), group_query: 1e9}
    estimate = price_resources([function, group], {function: facts}, usage, TABLE, TWO_HOURS)
    logs = [line for line in estimate.lines if line.service is Service.LOGS]
    assert [(line.resource, line.usd) for line in logs] == [("s/FnLogs", pytest.approx(0.50))]


def test_s3_storage_is_priced_and_requests_are_named_as_unpriced() -> None:
    bucket = Resource("s", "Assets", "assets-bucket", "AWS::S3::Bucket")
    usage = usage_for(bucket, ResourceFacts(), {"bytes": 730e9})
    estimate = price_resources([bucket], {}, usage, TABLE, TWO_HOURS)
    assert estimate.per_day_usd == pytest.approx(730 * 0.023 / 730 * 24)
    assert "request metrics" in estimate.unpriced[0].reason


def test_every_metered_type_is_not_also_free() -> None:
    assert not set(METERS) & FREE


def test_provisioned_concurrency_is_a_standing_charge_on_top_of_use() -> None:
    function = Resource("s", "Fn", "shop-fn", "AWS::Lambda::Function")
    facts = ResourceFacts(memory_mb=2048, provisioned_concurrency=5)
    usage = usage_for(function, facts, {"invocations": 0.0, "duration_ms": 0.0, "log_bytes": 0.0})
    estimate = price_resources([function], {function: facts}, usage, TABLE, TWO_HOURS)
    per_hour = 5 * 2 * 3600 * unit("lambda.provisioned_gb_seconds.x86_64")
    assert estimate.run_usd == pytest.approx(2 * per_hour)
    assert estimate.per_day_usd == pytest.approx(24 * per_hour)


def test_unreadable_provisioned_concurrency_leaves_only_that_part_unpriced() -> None:
    function = Resource("s", "Fn", "shop-fn", "AWS::Lambda::Function")
    facts = ResourceFacts(
        memory_mb=128, provisioned_concurrency=None, problem="provisioned concurrency: denied"
    )
    usage = usage_for(function, facts, {"invocations": 10.0, "duration_ms": 1000.0, "log_bytes": 0.0})
    estimate = price_resources([function], {function: facts}, usage, TABLE, TWO_HOURS)
    assert {line.description for line in estimate.lines} == {"requests", "compute (128 MB)", "log ingestion"}
    assert [item.reason for item in estimate.unpriced] == ["provisioned concurrency: denied"]
