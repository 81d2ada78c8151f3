"""Shared helpers for the tests that prove AWS's CloudFormation behaviour on the embedded engine:
one engine for the session, clients without retries, CDK-shaped template pieces.
The fixtures are registered for this folder by its conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from runner.local import LocalEndpoint
from runner.polling import eventually
from tests.support.aws import LAMBDA_ROLE, inline_function, unique
from tests.support.engine import endpoint_fixture

REGION = "us-east-1"
ACCOUNT = "123456789012"
# No retries: a test sees the engine's first answer, as the CDK CLI's deploy would report it.
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
# CloudFormation works asynchronously (as on AWS): these calls return before the stack settles.
SETTLING_OPERATIONS = ("CreateStack", "UpdateStack", "DeleteStack", "ExecuteChangeSet")
SETTLE_TIMEOUT_SECONDS = 60.0


local_engine = endpoint_fixture("session", name="local_engine")


@dataclass(frozen=True)
class EngineUnderTest:
    """The embedded engine, with CloudFormation-shaped helpers."""

    url: str

    def client(self, service: str, *, settle: bool = True) -> Any:
        """A client; for CloudFormation (unless `settle=False`) each stack operation returns once
        the stack is out of `*_IN_PROGRESS` and each change set once it is created, as
        `aws cloudformation deploy` and the CDK CLI wait."""
        created = boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCOUNT,
            aws_secret_access_key="testing",
            config=NO_RETRIES,
        )
        if service == "cloudformation" and settle:
            _wait_after_operations(created, self.client("cloudformation", settle=False))
        return created

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


def _wait_after_operations(client: Any, observer: Any) -> None:
    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["spt_params"] = params

    def settle(model: Any, context: dict[str, Any], http_response: Any, **_: Any) -> None:
        params = context.get("spt_params") or {}
        if http_response.status_code >= 300 or "StackName" not in params:
            return
        if model.name == "CreateChangeSet":
            eventually(
                lambda: observer.describe_change_set(
                    StackName=params["StackName"], ChangeSetName=params["ChangeSetName"]
                )["Status"],
                until=lambda status: not status.endswith(("PENDING", "IN_PROGRESS")),
                timeout=SETTLE_TIMEOUT_SECONDS,
                description=f"change set {params['ChangeSetName']} created",
            )
        elif model.name in SETTLING_OPERATIONS:
            eventually(
                lambda: _status(observer, params["StackName"]),
                until=lambda status: not status.endswith("IN_PROGRESS"),
                timeout=SETTLE_TIMEOUT_SECONDS,
                description=f"stack {params['StackName']} settled after {model.name}",
            )

    client.meta.events.register("before-call.cloudformation.*", remember)
    client.meta.events.register("after-call.cloudformation.*", settle)


def _status(observer: Any, stack_name: str) -> str:
    try:
        return str(observer.describe_stacks(StackName=stack_name)["Stacks"][0]["StackStatus"])
    except ClientError as error:
        if "does not exist" in str(error):
            return "DELETE_COMPLETE"  # a deleted stack is not found by its name
        raise


@contextmanager
def engine_without(*patches: str) -> Iterator[EngineUnderTest]:
    """A second engine with the named engine patches left out: proves a behaviour is the patch's."""
    endpoint = LocalEndpoint.start(extra_environment={"SPT_ENGINE_DISABLE_PATCHES": ",".join(patches)})
    try:
        yield EngineUnderTest(url=endpoint.url)
    finally:
        endpoint.stop()


@pytest.fixture
def engine(local_engine: LocalEndpoint) -> EngineUnderTest:
    return EngineUnderTest(url=local_engine.url)


def queue_arn(url: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{url.rsplit('/', 1)[-1]}"


def queue_names(engine: EngineUnderTest) -> set[str]:
    return {url.rsplit("/", 1)[-1] for url in engine.client("sqs").list_queues().get("QueueUrls", [])}


# A function whose code bucket does not exist: Lambda's CreateFunction fails (InvalidParameterValue).
BROKEN_FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "Properties": {
        "Code": {"S3Bucket": "no-such-bucket-for-fixes-tests", "S3Key": "missing.zip"},
        "Handler": "index.handler",
        "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]},
        "Runtime": "python3.12",
    },
}


def receive_bodies(engine: EngineUnderTest, queue_url: str, wait_seconds: int = 1) -> list[str]:
    sqs = engine.client("sqs")
    # The queue name addresses the queue whatever host its URL names.
    local_url = sqs.get_queue_url(QueueName=queue_url.rsplit("/", 1)[-1])["QueueUrl"]
    messages = sqs.receive_message(
        QueueUrl=local_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    ).get("Messages", [])
    return [message["Body"] for message in messages]


def lambda_resources(code: str, logical_id: str = "Handler") -> dict[str, Any]:
    """A role and an inline-code Python function, shaped like CDK's output."""
    return {
        f"{logical_id}Role": LAMBDA_ROLE,
        logical_id: {**inline_function(code, role=f"{logical_id}Role"), "DependsOn": [f"{logical_id}Role"]},
    }
