"""Template pieces and clients the tests that build AWS resources on the local engine share."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Mapping
from typing import Any

import boto3

from runner.local import LocalEndpoint

# The trust policy every Lambda execution role carries (CDK writes the same one).
LAMBDA_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
LAMBDA_ROLE: dict[str, Any] = {
    "Type": "AWS::IAM::Role",
    "Properties": {"AssumeRolePolicyDocument": LAMBDA_TRUST},
}
# A table as most templates here declare one: a string key `pk`, billed per request.
ON_DEMAND_TABLE: dict[str, Any] = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    },
}
TRIVIAL_HANDLER = "def handler(event, context):\n    return 1\n"


def inline_function(code: str, role: str = "Role", **properties: Any) -> dict[str, Any]:
    """An `AWS::Lambda::Function` resource with inline code, run by the role resource `role`."""
    defaults = {"Runtime": "python3.12", "Handler": "index.handler"}
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            **defaults,
            "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Code": {"ZipFile": code},
            **properties,
        },
    }


def zipped(files: Mapping[str, str]) -> bytes:
    """A deployment package (or layer) holding `files`: path in the archive -> its text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def unique(prefix: str) -> str:
    """An engine's state outlives a test and is shared by a session's tests: names must not collide."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def engine_client(endpoint: LocalEndpoint, service: str, access_key_id: str = "testing") -> Any:
    """A boto3 client for the engine; a 12-digit access key id names the account it acts in."""
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key="testing",
    )
