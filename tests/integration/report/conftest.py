"""One embedded local endpoint for the report's cost tests, and a stack with one of each resource kind."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from runner.local import LocalEndpoint
from tests.support.aws import LAMBDA_ROLE, ON_DEMAND_TABLE, inline_function
from tests.support.engine import endpoint_fixture

from .report_run import github  # noqa: F401 - the report job's fake GitHub, for the report tests

HANDLER = (
    "import time\n"
    "def main(event, context):\n"
    "    print('reserving', event)\n"
    "    time.sleep(0.02)\n"
    "    return event\n"
)


def stack_template(memory_mb: int) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": LAMBDA_ROLE,
            "Reserve": inline_function(HANDLER, Handler="index.main", MemorySize=memory_mb),
            "Orders": ON_DEMAND_TABLE,
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}},
            },
        }
    }


endpoint = endpoint_fixture("module")


@pytest.fixture(scope="module")
def client(endpoint: LocalEndpoint) -> Callable[[str], Any]:
    def make(service: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=endpoint.url,
            region_name=endpoint.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    return make


@pytest.fixture
def make_stack(client: Callable[[str], Any]) -> Callable[[int], tuple[str, str]]:
    """Create a fresh stack; returns (stack name, function name)."""

    def create(memory_mb: int = 512) -> tuple[str, str]:
        name = f"shop-pr-{uuid.uuid4().int % 10**8}"
        cloudformation = client("cloudformation")
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(stack_template(memory_mb)),
            Capabilities=["CAPABILITY_IAM"],
        )
        resources = cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
        function = next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == "Reserve")
        return name, function

    return create
