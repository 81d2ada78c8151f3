"""The run's cost: every resource of the PR's stacks, metered over stack creation -> report time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from runner.report.cost.catalog import FREE, METERS
from runner.report.cost.inventory import StackInventory
from runner.report.cost.model import CostEstimate, CostLine, MetricQuery, Resource, ResourceFacts, Unpriced
from runner.report.cost.prices import PriceTable
from runner.report.cost.usage import UsageReader

AWS_NOTE = "CloudWatch metrics arrive minutes late: use in the last few minutes may be missing."
LOCAL_NOTE = (
    "Local endpoint: only Lambda publishes metrics (log bytes are counted from the log events, bucket "
    "bytes from the object listing); other services show as not priced."
)


def price_resources(
    resources: Sequence[Resource],
    facts: Mapping[Resource, ResourceFacts],
    usage_by_query: Mapping[MetricQuery, float | None],
    table: PriceTable,
    window: tuple[datetime, datetime],
    notes: tuple[str, ...] = (),
) -> CostEstimate:
    """Pure: priced lines and unpriced resources from what was read."""
    start, end = window
    hours = max((end - start).total_seconds(), 0.0) / 3600
    owned_log_groups = {r.physical_id for r in resources if r.resource_type == "AWS::Logs::LogGroup"}
    lines: list[CostLine] = []
    unpriced: list[Unpriced] = []
    for resource in resources:
        if resource.resource_type in FREE or resource.resource_type.startswith("Custom::"):
            continue
        meter = METERS.get(resource.resource_type)
        if meter is None:
            unpriced.append(Unpriced(resource.label, resource.resource_type, "no price model for this type"))
            continue
        resource_facts = facts.get(resource, ResourceFacts())
        usage = {
            key: usage_by_query.get(query)
            for key, query in _queries(resource, resource_facts, owned_log_groups).items()
        }
        priced, missing = meter.price(resource, resource_facts, usage, table, hours)
        lines.extend(priced)
        unpriced.extend(missing)
    return CostEstimate(
        start, end, table.region, table.currency, table.as_of, tuple(lines), tuple(unpriced), notes
    )


def _queries(resource: Resource, facts: ResourceFacts, owned_log_groups: set[str]) -> dict[str, MetricQuery]:
    meter = METERS.get(resource.resource_type)
    if meter is None:
        return {}
    queries = meter.queries(resource, facts)
    if (
        "log_bytes" in queries
        and dict(queries["log_bytes"].dimensions).get("LogGroupName") in owned_log_groups
    ):
        del queries["log_bytes"]  # the stack's own LogGroup resource is priced instead
    return queries


class CostEstimator:
    """Reads the stacks' resources and usage, then prices them."""

    def __init__(
        self, inventory: StackInventory, usage: UsageReader, table: PriceTable, *, local: bool
    ) -> None:
        self._inventory = inventory
        self._usage = usage
        self._table = table
        self._local = local

    def estimate(
        self, stack_names: tuple[str, ...], fallback_start: datetime, now: datetime | None = None
    ) -> CostEstimate:
        end = now or datetime.now(UTC)
        start = self._inventory.created_at(stack_names) or fallback_start
        resources = self._inventory.resources(stack_names)
        facts = {
            resource: self._inventory.facts(resource)
            for resource in resources
            if resource.resource_type in METERS
        }
        owned = {r.physical_id for r in resources if r.resource_type == "AWS::Logs::LogGroup"}
        queries = [
            query for resource in facts for query in _queries(resource, facts[resource], owned).values()
        ]
        usage = self._usage.sums(queries, start, end)
        notes = (LOCAL_NOTE,) if self._local else (AWS_NOTE,)
        return price_resources(resources, facts, usage, self._table, (start, end), notes)
