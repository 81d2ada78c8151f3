"""One embedded local endpoint for the report's cost tests, and a stack with one of each resource kind."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from runner.local import LocalEndpoint

HANDLER = (
    "import time\n"
    "def main(event, context):\n"
    "    print('reserving', event)\n"
    "    time.sleep(0.02)\n"
    "    return event\n"
)


def stack_template(memory_mb: int) -> dict[str, Any]:
    role_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    return {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": role_policy}},
            "Reserve": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.main",
                    "MemorySize": memory_mb,
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": HANDLER},
                },
            },
            "Orders": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                },
            },
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}},
            },
        }
    }


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LocalEndpoint]:
    local = LocalEndpoint.start()
    yield local
    local.stop()


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
