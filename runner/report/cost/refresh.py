"""`prices refresh`: re-read the table's unit prices from the AWS Pricing API (AWS only: the local
endpoint has no Pricing API).

Each key is one Pricing API query (service code + attribute filters for the table's region). A key is
updated only when its query yields exactly one first-tier on-demand USD price in the expected unit;
anything else keeps the old price and is reported, so a changed catalogue never writes a wrong
number silently. The filters follow the Pricing API's published attribute values and were not
exercised against AWS from this repository's CI (it has no AWS access): the report of a refresh says
which keys were updated and which were kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from runner.report.cost.prices import Price, PriceTable

# Pricing API location names differ from region codes; the API filters on `regionCode` too.
_QUERIES: Mapping[str, tuple[str, Mapping[str, str], str]] = {
    "lambda.requests": ("AWSLambda", {"group": "AWS-Lambda-Requests"}, "Requests"),
    "lambda.gb_seconds.x86_64": ("AWSLambda", {"group": "AWS-Lambda-Duration"}, "Lambda-GB-Second"),
    "lambda.gb_seconds.arm64": ("AWSLambda", {"group": "AWS-Lambda-Duration-ARM"}, "Lambda-GB-Second"),
    "dynamodb.write_request_units": ("AmazonDynamoDB", {"group": "DDB-WriteUnits"}, "WriteRequestUnits"),
    "dynamodb.read_request_units": ("AmazonDynamoDB", {"group": "DDB-ReadUnits"}, "ReadRequestUnits"),
    "sns.publishes": ("AmazonSNS", {"productFamily": "API Request"}, "Requests"),
    "logs.ingested_gb": ("AmazonCloudWatch", {"group": "Ingested Logs"}, "GB"),
    "kms.key_months": ("awskms", {"productFamily": "Encryption Key"}, "Keys"),
}


@dataclass(frozen=True)
class RefreshOutcome:
    table: PriceTable
    updated: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]  # (key, why it was kept)


class PriceRefresher:
    def __init__(self, pricing: Any) -> None:
        self._pricing = pricing

    def refresh(self, table: PriceTable, today: datetime | None = None) -> RefreshOutcome:
        prices = dict(table.prices)
        updated: list[str] = []
        kept: list[tuple[str, str]] = []
        for key, price in sorted(table.prices.items()):
            query = _QUERIES.get(key)
            if query is None:
                kept.append((key, "no Pricing API query for this key"))
                continue
            service_code, filters, unit = query
            found = self._unit_prices(service_code, {**filters, "regionCode": table.region}, unit)
            if len(found) != 1:
                kept.append((key, f"{len(found)} matching prices (expected exactly 1)"))
                continue
            new_price = replace(price, usd=found[0] * price.per)
            if new_price != price:
                prices[key] = new_price
                updated.append(key)
        as_of = (today or datetime.now(UTC)).date().isoformat()
        return RefreshOutcome(replace(table, prices=prices, as_of=as_of), tuple(updated), tuple(kept))

    def _unit_prices(self, service_code: str, filters: Mapping[str, str], unit: str) -> list[float]:
        request: dict[str, Any] = {
            "ServiceCode": service_code,
            "Filters": [
                {"Type": "TERM_MATCH", "Field": field, "Value": value} for field, value in filters.items()
            ],
            "FormatVersion": "aws_v1",
        }
        found: list[float] = []
        while True:
            answer = self._pricing.get_products(**request)
            for item in answer.get("PriceList", []):
                found.extend(_first_tier_usd(json.loads(item) if isinstance(item, str) else item, unit))
            token = answer.get("NextToken")
            if not token:
                return sorted(set(found))
            request["NextToken"] = token


def _first_tier_usd(product: Mapping[str, Any], unit: str) -> list[float]:
    prices: list[float] = []
    for term in (product.get("terms", {}).get("OnDemand") or {}).values():
        for dimension in (term.get("priceDimensions") or {}).values():
            if dimension.get("unit") != unit or str(dimension.get("beginRange", "0")) != "0":
                continue
            usd = (dimension.get("pricePerUnit") or {}).get("USD")
            if usd is not None and float(usd) > 0:
                prices.append(float(usd))
    return prices


__all__ = ["Price", "PriceRefresher", "RefreshOutcome"]
