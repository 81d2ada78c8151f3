"""The cost of a PR environment: dated prices, usage from CloudWatch, standing charges, unpriced list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from runner.report.cost.estimate import CostEstimator, price_resources
from runner.report.cost.inventory import StackInventory
from runner.report.cost.model import CostEstimate, CostLine, Resource, Service, Unpriced
from runner.report.cost.prices import Price, PriceTable
from runner.report.cost.usage import LOCAL_NAMESPACES, UsageReader

__all__ = [
    "CostEstimate",
    "CostEstimator",
    "CostLine",
    "Price",
    "PriceTable",
    "Resource",
    "Service",
    "StackInventory",
    "Unpriced",
    "UsageReader",
    "estimate_with_clients",
    "price_resources",
]


def estimate_with_clients(
    client: Any,
    stack_names: tuple[str, ...],
    fallback_start: datetime,
    *,
    local: bool,
    table: PriceTable | None = None,
    now: datetime | None = None,
) -> CostEstimate:
    """`client(service_name)` -> a boto3 client (e.g. `AwsTarget.client`); local = the embedded endpoint."""
    inventory = StackInventory(
        client("cloudformation"),
        client("lambda"),
        client("dynamodb"),
        client("apigateway"),
        read_provisioned_concurrency=not local,
    )
    usage = UsageReader(
        client("cloudwatch"),
        client("logs"),
        LOCAL_NAMESPACES if local else None,
        client("s3") if local else None,
    )
    estimator = CostEstimator(inventory, usage, table or PriceTable.load(), local=local)
    return estimator.estimate(stack_names, fallback_start, now)
