"""Shared helpers for the tests that prove AWS's CloudFormation behaviour on the embedded engine:
one engine for the session, clients without retries, CDK-shaped template pieces.
The fixtures are registered for this folder by its conftest.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from runner.local import LocalEndpoint

REGION = "us-east-1"
ACCOUNT = "123456789012"
# No retries: stock moto answers some gaps with HTTP 500, which botocore would retry for seconds.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def unique(prefix: str) -> str:
    """moto's state is shared by every test of a session: names must not collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def local_engine() -> Iterator[LocalEndpoint]:
    endpoint = LocalEndpoint.start()
    yield endpoint
    endpoint.stop()


@dataclass(frozen=True)
class EngineUnderTest:
    """The embedded engine, with CloudFormation-shaped helpers."""

    url: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCOUNT,
            aws_secret_access_key="testing",
            config=NO_RETRIES,
        )

    def create_stack(self, template: dict[str, Any], **kwargs: Any) -> str:
        """CreateStack; returns the stack id (raises botocore's ClientError as the server answers)."""
        name = kwargs.pop("StackName", None) or unique("fixes")
        cloudformation = self.client("cloudformation")
        response = cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template), **kwargs)
        return str(response["StackId"])

    def stack(self, name_or_id: str) -> dict[str, Any]:
        stacks = self.client("cloudformation").describe_stacks(StackName=name_or_id)["Stacks"]
        return dict(stacks[0])

    def outputs(self, name_or_id: str) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.stack(name_or_id).get("Outputs") or []}

    def resources(self, name_or_id: str) -> list[dict[str, Any]]:
        response = self.client("cloudformation").describe_stack_resources(StackName=name_or_id)
        return list(response["StackResources"])

    def physical_id(self, name_or_id: str, logical_id: str) -> str:
        for resource in self.resources(name_or_id):
            if resource.get("LogicalResourceId") == logical_id:
                return str(resource["PhysicalResourceId"])
        raise AssertionError(f"{logical_id} is not a resource of {name_or_id}")

    def events(self, name_or_id: str) -> list[dict[str, Any]]:
        """Stack events oldest first (the API returns newest first)."""
        paginator = self.client("cloudformation").get_paginator("describe_stack_events")
        events = [event for page in paginator.paginate(StackName=name_or_id) for event in page["StackEvents"]]
        return events[::-1]


@pytest.fixture
def engine(local_engine: LocalEndpoint) -> EngineUnderTest:
    return EngineUnderTest(url=local_engine.url)


def assert_call_fails(call: Any) -> None:
    """Stock moto lets a resource's exception escape the API call: HTTP 500 (often an HTML page), or
    another service's error body the CloudFormation client cannot parse."""
    with pytest.raises((ClientError, ResponseParserError)) as failure:
        call()
    if isinstance(failure.value, ClientError):
        assert failure.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 400


def queue_arn(url: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rsplit('/', 1)[-1]}"


def receive_bodies(moto: EngineUnderTest, queue_url: str, wait_seconds: int = 1) -> list[str]:
    sqs = moto.client("sqs")
    # moto reports queue URLs with AWS's host; the queue name is what addresses it.
    local_url = sqs.get_queue_url(QueueName=queue_url.rsplit("/", 1)[-1])["QueueUrl"]
    messages = sqs.receive_message(
        QueueUrl=local_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    ).get("Messages", [])
    return [message["Body"] for message in messages]


LAMBDA_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def lambda_resources(code: str, logical_id: str = "Handler") -> dict[str, Any]:
    """A role and an inline-code Python function, shaped like CDK's output."""
    return {
        f"{logical_id}Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {"AssumeRolePolicyDocument": LAMBDA_TRUST_POLICY},
        },
        logical_id: {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {"ZipFile": code},
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": [f"{logical_id}Role", "Arn"]},
                "Runtime": "python3.12",
            },
            "DependsOn": [f"{logical_id}Role"],
        },
    }
