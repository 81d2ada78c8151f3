"""Building blocks for pricing a resource: a Meter names the CloudWatch series it needs and turns
their sums into priced lines or unpriced entries. Generic meters live here; per-service ones in
runner/report/cost/catalog.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runner.report.cost.model import CostLine, MetricQuery, Resource, ResourceFacts, Service, Unpriced
from runner.report.cost.prices import HOURS_PER_MONTH, PriceTable

Usage = Mapping[str, float | None]
Priced = tuple[list[CostLine], list[Unpriced]]


@dataclass(frozen=True)
class Meter:
    service: Service
    queries: Callable[[Resource, ResourceFacts], dict[str, MetricQuery]]
    price: Callable[[Resource, ResourceFacts, Usage, PriceTable, float], Priced]


def priced_line(
    table: PriceTable, key: str, service: Service, resource: Resource, what: str, quantity: float
) -> CostLine | Unpriced:
    price = table.price(key)
    if price is None:
        return Unpriced(resource.label, resource.resource_type, f"no price `{key}` in the table")
    return CostLine(service, resource.label, what, quantity, price.unit, price.cost(quantity))


def standing_charge(
    table: PriceTable,
    key: str,
    service: Service,
    resource: Resource,
    what: str,
    hours: float,
    units: float = 1,
) -> CostLine | Unpriced:
    """A charge per hour or per month, prorated for the window and projected per day."""
    price = table.price(key)
    if price is None:
        return Unpriced(resource.label, resource.resource_type, f"no price `{key}` in the table")
    per_hour = price.usd / price.per * units / (HOURS_PER_MONTH if "month" in price.unit else 1.0)
    return CostLine(
        service, resource.label, what, units * hours, "unit-hours", per_hour * hours, True, per_hour * 24
    )


def collect(*items: CostLine | Unpriced) -> Priced:
    return [i for i in items if isinstance(i, CostLine)], [i for i in items if isinstance(i, Unpriced)]


def no_data(resource: Resource, what: str) -> Unpriced:
    return Unpriced(resource.label, resource.resource_type, f"no usage data: {what}")


def query(namespace: str, metric: str, stat: str = "Sum", **dimensions: str) -> MetricQuery:
    return MetricQuery(namespace, metric, tuple(sorted(dimensions.items())), stat)


def single_metric_meter(
    service: Service, namespace: str, metric: str, dimension: str, key: str, what: str,
    name_of: Callable[[Resource, ResourceFacts], str | None], per_metric_unit: float = 1.0,
) -> Meter:  # fmt: skip
    """One summed series priced by one key; `per_metric_unit` converts the metric's unit to the price's."""

    def queries(resource: Resource, facts: ResourceFacts) -> dict[str, MetricQuery]:
        name = name_of(resource, facts)
        return {} if name is None else {"count": query(namespace, metric, **{dimension: name})}

    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        if "count" not in usage:
            return collect(Unpriced(resource.label, resource.resource_type, facts.problem or "name unknown"))
        count = usage["count"]
        if count is None:
            return collect(no_data(resource, f"{namespace} {metric}"))
        return collect(priced_line(table, key, service, resource, what, count * per_metric_unit))

    return Meter(service, queries, price)


def physical_name(resource: Resource, facts: ResourceFacts) -> str:
    return resource.physical_id


def after_last_colon(resource: Resource, facts: ResourceFacts) -> str:
    return resource.physical_id.rsplit(":", 1)[-1]


def rest_api_name(resource: Resource, facts: ResourceFacts) -> str | None:
    return facts.api_name


def unmetered(reason: str) -> Callable[[Resource, ResourceFacts, Usage, PriceTable, float], Priced]:
    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        return collect(Unpriced(resource.label, resource.resource_type, reason))

    return price


def standing_meter(service: Service, key: str, what: str) -> Meter:
    def price(
        resource: Resource, facts: ResourceFacts, usage: Usage, table: PriceTable, hours: float
    ) -> Priced:
        return collect(standing_charge(table, key, service, resource, what, hours))

    return Meter(service, lambda resource, facts: {}, price)
