"""The lead's engine patches, each with and without: an empty SSM value fails its stack; a custom
resource whose function fails unanswered fails at once; Node.js handlers resolve `*.localhost`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runner.polling import eventually
from tests.support.aws import zipped

from .cfn_testkit import EngineUnderTest, engine_without, unique

EMPTY_PARAMETER = {
    "Resources": {"Broken": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": ""}}}
}
NODE_RESOLVES = """
const dns = require("node:dns");
exports.handler = async () => new Promise((resolve) =>
  dns.lookup("orders-bucket.localhost", (error, address) =>
    resolve({ error: error && error.code, address })));
"""
CRASHING_PROVIDER = "def handler(event, context):\n    raise RuntimeError('provider crashed')\n"


def _settled(engine: EngineUnderTest, name: str, timeout: float = 60) -> str:
    """The stack's status once no operation is in progress on it."""
    return eventually(
        lambda: engine.stack(name)["StackStatus"],
        until=lambda status: not status.endswith("_IN_PROGRESS"),
        timeout=timeout,
        description=f"{name} settling",
    )


def test_an_empty_ssm_value_fails_the_stack_and_rolls_it_back(engine: EngineUnderTest) -> None:
    name = unique("empty-ssm")
    engine.create_stack(EMPTY_PARAMETER, StackName=name)

    assert _settled(engine, name) == "ROLLBACK_COMPLETE"


def test_without_its_patch_an_empty_ssm_value_deploys() -> None:
    with engine_without("ssm_value_required") as stock:
        name = unique("empty-ssm")
        stock.create_stack(EMPTY_PARAMETER, StackName=name)

        assert _settled(stock, name) == "CREATE_COMPLETE"


def _node_lookup(engine: EngineUnderTest) -> dict[str, Any]:
    role = engine.client("iam").create_role(RoleName=unique("r"), AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    function = unique("resolves")
    engine.client("lambda").create_function(
        FunctionName=function,
        Runtime="nodejs20.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": zipped({"index.js": NODE_RESOLVES})},
    )
    payload = engine.client("lambda").invoke(FunctionName=function)["Payload"].read()
    return dict(json.loads(payload))


def test_a_nodejs_handler_resolves_localhost_subdomains(engine: EngineUnderTest) -> None:
    assert _node_lookup(engine)["address"] in ("127.0.0.1", "::1")


def test_without_its_patch_a_nodejs_handler_cannot_resolve_localhost_subdomains() -> None:
    with engine_without("node_localhost_names") as stock:
        assert _node_lookup(stock)["error"] == "ENOTFOUND"


def _crashing_custom_resource() -> dict[str, Any]:
    return {
        "Resources": {
            "ProviderRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
            "Provider": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"ZipFile": CRASHING_PROVIDER},
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["ProviderRole", "Arn"]},
                    "Runtime": "python3.12",
                },
            },
            "Seed": {
                "Type": "Custom::Seed",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}, "ServiceTimeout": 120},
            },
        }
    }


def test_a_custom_resource_whose_function_crashes_fails_at_once_with_the_error(
    engine: EngineUnderTest,
) -> None:
    name = unique("crashing")
    engine.create_stack(_crashing_custom_resource(), StackName=name)

    assert _settled(engine, name, timeout=60) == "ROLLBACK_COMPLETE"
    reasons = [event.get("ResourceStatusReason", "") for event in engine.events(name)]
    assert any("provider crashed" in reason for reason in reasons), reasons


def test_without_its_patch_a_crashing_custom_resource_keeps_the_stack_waiting() -> None:
    with engine_without("custom_resource_fails_fast") as stock:
        name = unique("crashing")
        stock.create_stack(_crashing_custom_resource(), StackName=name)

        with pytest.raises(AssertionError, match="settling did not pass within 8s"):
            _settled(stock, name, timeout=8)
        assert stock.stack(name)["StackStatus"] == "CREATE_IN_PROGRESS"
