"""`prices refresh` against a local server speaking the AWS Pricing API's JSON protocol (GetProducts)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runner.cli.main import main
from runner.report.cost.prices import DEFAULT_TABLE, PriceTable
from tests.support.http_server import LoopbackServer, Request, Response


def product(unit: str, usd: str, begin: str = "0") -> str:
    dimension = {"unit": unit, "beginRange": begin, "pricePerUnit": {"USD": usd}}
    return json.dumps({"terms": {"OnDemand": {"T1": {"priceDimensions": {"D1": dimension}}}}})


# group filter value -> products the catalogue holds for it (first page, second page)
CATALOGUE: dict[str, list[list[str]]] = {
    "AWS-Lambda-Requests": [[product("Requests", "0.0000002500")]],
    "AWS-Lambda-Duration": [
        [
            product("Lambda-GB-Second", "0.0000180000"),
            product("Lambda-GB-Second", "0.0000150000", "6000000000"),
        ]
    ],
    # Two different first-tier prices over two pages: ambiguous, so the old price must be kept.
    "DDB-ReadUnits": [
        [product("ReadRequestUnits", "0.0000001250")],
        [product("ReadRequestUnits", "0.0000002")],
    ],
}


def get_products(request: Request) -> Response:
    """GetProducts: the catalogue's page for the `group` filter, with a NextToken while more follow."""
    asked = request.json()
    filters = {item["Field"]: item["Value"] for item in asked.get("Filters", [])}
    pages = CATALOGUE.get(filters.get("group", ""), [[]])
    page = int(asked.get("NextToken") or 0)
    answer: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": pages[page]}
    if page + 1 < len(pages):
        answer["NextToken"] = str(page + 1)
    return Response.json(200, answer, content_type="application/x-amz-json-1.1")


@pytest.fixture
def pricing() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.route("POST", r"/", get_products)
        yield server


def test_refresh_updates_unambiguous_prices_and_keeps_the_rest(
    pricing: LoopbackServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    table_path = tmp_path / "prices.json"
    shutil.copy(DEFAULT_TABLE, table_path)
    before = PriceTable.load(table_path)
    assert main(["prices", "refresh", "--table", str(table_path), "--endpoint-url", pricing.url]) == 0
    after = PriceTable.load(table_path)
    requests, duration = after.prices["lambda.requests"], after.prices["lambda.gb_seconds.x86_64"]
    assert requests.usd == pytest.approx(0.25)  # per 1M requests
    assert duration.usd == pytest.approx(0.000018)  # first tier only
    assert after.prices["dynamodb.read_request_units"] == before.prices["dynamodb.read_request_units"]
    assert after.prices["sqs.standard_requests"] == before.prices["sqs.standard_requests"]
    assert after.as_of != before.as_of
    out = capsys.readouterr().out
    assert "Updated 2: lambda.gb_seconds.x86_64, lambda.requests" in out
    assert "Kept dynamodb.read_request_units: 2 matching prices (expected exactly 1)" in out
    assert {request.header("X-Amz-Target") for request in pricing.requests} == {
        "AWSPriceListService.GetProducts"
    }


def test_refresh_refuses_to_run_against_the_local_endpoint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    table_path = tmp_path / "prices.json"
    shutil.copy(DEFAULT_TABLE, table_path)
    assert main(["prices", "refresh", "--table", str(table_path)]) == 2
    assert PriceTable.load(table_path) == PriceTable.load(DEFAULT_TABLE)
