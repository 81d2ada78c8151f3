"""`serverless-pr-test prices`: show the unit-price table, or refresh it from the AWS Pricing API."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import boto3

from runner.errors import ConfigError
from runner.report.cost.prices import DEFAULT_TABLE, PriceTable
from runner.report.cost.refresh import PriceRefresher


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("show", "refresh"), nargs="?", default="show")
    parser.add_argument(
        "--table", type=Path, help="price table JSON (default: the one shipped with the runner)"
    )
    parser.add_argument("--output", type=Path, help="where refresh writes (default: over --table)")
    parser.add_argument("--endpoint-url", help="Pricing API endpoint (default: AWS's, in us-east-1)")


def execute(args: argparse.Namespace) -> int:
    table_path: Path = args.table or DEFAULT_TABLE
    table = PriceTable.load(table_path)
    if args.action == "show":
        print(f"Unit prices for {table.region} in {table.currency}, as of {table.as_of}:")
        for key, price in sorted(table.prices.items()):
            print(f"  {key:<40} {price.usd:>14.10g} per {price.per:g} {price.unit}  ({price.source})")
        return 0
    return _refresh(args, table, table_path)


def _refresh(args: argparse.Namespace, table: object, table_path: Path) -> int:
    assert isinstance(table, PriceTable)
    endpoint = args.endpoint_url or os.environ.get("SPT_PRICING_ENDPOINT_URL")
    if not endpoint and os.environ.get("AWS_ENDPOINT_URL"):
        raise ConfigError(
            "prices refresh needs the AWS Pricing API: AWS_ENDPOINT_URL points at a local endpoint, "
            "which has "
            "none (pass --endpoint-url to use a specific Pricing API endpoint)"
        )
    # The Pricing API is served from us-east-1 whatever region is priced.
    pricing = boto3.client("pricing", region_name="us-east-1", endpoint_url=endpoint)
    outcome = PriceRefresher(pricing).refresh(table)
    output: Path = args.output or table_path
    outcome.table.write(output)
    print(f"Wrote {output} (as of {outcome.table.as_of}).")
    print(f"Updated {len(outcome.updated)}: {', '.join(outcome.updated) or 'none'}")
    for key, why in outcome.kept:
        print(f"Kept {key}: {why}")
    return 0
