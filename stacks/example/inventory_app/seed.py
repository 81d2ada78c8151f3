"""Initial stock through a custom resource: a CustomResource whose service token is a Python Lambda that
answers CloudFormation itself (one function; no provider framework needed for a single idempotent write)."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from inventory_app.functions import python_function

# Small on purpose: the integration tests check every seeded level. Units available per sku.
INITIAL_STOCK: dict[str, int] = {"SKU-MUG-RED": 120, "SKU-MUG-BLUE": 80, "SKU-TEE-M": 40}


class SeedStock(Construct):
    """Writes INITIAL_STOCK into `table` on stack create (missing skus only on update; nothing on delete)."""

    def __init__(self, scope: Construct, construct_id: str, *, table: dynamodb.ITable) -> None:
        super().__init__(scope, construct_id)
        self.function: lambda_.Function = python_function(
            self, "Function", handler="seed_stock.handler", timeout=cdk.Duration.seconds(30)
        )
        table.grant_write_data(self.function)
        self.resource = cdk.CustomResource(
            self,
            "Resource",
            service_token=self.function.function_arn,
            resource_type="Custom::SeedStock",
            properties={
                "TableName": table.table_name,
                "Stock": [{"sku": sku, "available": str(units)} for sku, units in INITIAL_STOCK.items()],
            },
        )

    @staticmethod
    def initial_stock_json() -> str:
        return json.dumps(INITIAL_STOCK, sort_keys=True)
