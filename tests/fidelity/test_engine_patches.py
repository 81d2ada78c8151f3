"""The engine patches the corpus needed beyond the lead's (tests/integration/local proves those):
each AWS behaviour shown on an engine with the patch and, on an engine started with it switched off
(SPT_ENGINE_DISABLE_PATCHES), shown missing. Raw APIs and templates, no synth."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from runner.local import LocalEndpoint
from runner.polling import eventually
from tests.support.aws import LAMBDA_ROLE, inline_function

from .engine_pair import client, create_function, deploy_template, engines, invoke, unique, worker_processes

pytestmark = pytest.mark.fidelity

UNDER_TEST = (
    "function_delete_stops_workers",
    "node_localhost_names",
    "custom_resource_sdk_preinstalled",
    "eventbridge_firehose_target",
    "http_api_endpoint_attribute",
)
WITH_AND_WITHOUT = pytest.mark.parametrize("patched", [True, False], ids=["with-patch", "without-patch"])


@pytest.fixture(scope="module")
def engine_pair() -> Iterator[dict[bool, LocalEndpoint]]:
    yield from engines(UNDER_TEST)


INLINE_FUNCTION_TEMPLATE = {
    "Resources": {
        "Role": LAMBDA_ROLE,
        "Echo": inline_function("exports.handler = async (event) => event;", Runtime="nodejs20.x"),
    },
    "Outputs": {"FunctionName": {"Value": {"Ref": "Echo"}}},
}


@WITH_AND_WITHOUT
def test_deleting_a_stack_stops_its_functions_workers(engine_pair, patched):
    engine = engine_pair[patched]
    stack = deploy_template(engine, INLINE_FUNCTION_TEMPLATE)
    assert invoke(engine, stack["FunctionName"], {"ping": 1}) == ({"ping": 1}, None)
    assert worker_processes(engine, stack["FunctionName"]), "no worker ran the function"
    cloudformation = client(engine, "cloudformation")
    cloudformation.delete_stack(StackName=stack["StackName"])
    cloudformation.get_waiter("stack_delete_complete").wait(
        StackName=stack["StackName"], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    if patched:
        eventually(lambda: not worker_processes(engine, stack["FunctionName"]), timeout=10)
    else:
        assert worker_processes(engine, stack["FunctionName"])


@WITH_AND_WITHOUT
def test_a_node_function_puts_an_object_with_the_real_sdk(engine_pair, patched):
    engine = engine_pair[patched]
    bucket = unique("fidelity-bucket")
    client(engine, "s3").create_bucket(Bucket=bucket)
    name = create_function(
        engine,
        "nodejs20.x",
        "index.handler",
        {
            "index.js": "const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');\n"
            "exports.handler = async (event) => {\n"
            "  const put = new PutObjectCommand({ Bucket: event.bucket, Key: 'k', Body: 'v' });\n"
            "  await new S3Client({}).send(put);\n"
            "  return 'stored';\n};\n"
        },
    )
    answer, error = invoke(engine, name, {"bucket": bucket})
    if patched:
        assert (answer, error) == ("stored", None)
        assert client(engine, "s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    else:
        assert error == "Unhandled"
        assert "ENOTFOUND" in json.dumps(answer)


@WITH_AND_WITHOUT
def test_an_npm_install_inside_a_function_fails_fast_and_offline(engine_pair, patched):
    """What CDK's AwsCustomResource does first (installLatestAwsSdk): with the patch it fails at
    once and the provider falls back to the shipped SDK; without, npm goes to the network."""
    engine = engine_pair[patched]
    name = create_function(
        engine,
        "nodejs20.x",
        "index.handler",
        {"index.js": "exports.handler = async () => process.env.npm_config_offline || null;\n"},
    )
    answer, _ = invoke(engine, name, {})
    assert answer == ("true" if patched else None)


@WITH_AND_WITHOUT
def test_an_eventbridge_rule_delivers_to_a_firehose_stream(engine_pair, patched):
    engine = engine_pair[patched]
    bucket, stream = unique("fidelity-archive"), unique("fidelity-clicks")
    s3, events = client(engine, "s3"), client(engine, "events")
    s3.create_bucket(Bucket=bucket)
    client(engine, "firehose").create_delivery_stream(
        DeliveryStreamName=stream,
        ExtendedS3DestinationConfiguration={
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BufferingHints": {"IntervalInSeconds": 0, "SizeInMBs": 1},
        },
    )
    rule = unique("fidelity-rule")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["fidelity.clicks"]}))
    events.put_targets(
        Rule=rule,
        Targets=[
            {"Id": "archive", "Arn": f"arn:aws:firehose:{engine.region}:123456789012:deliverystream/{stream}"}
        ],
    )
    events.put_events(
        Entries=[{"Source": "fidelity.clicks", "DetailType": "Click", "Detail": '{"button": "buy"}'}]
    )

    def archived() -> list[str]:
        return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

    if patched:
        keys = eventually(archived, timeout=10, description="the archived click")
        record = json.loads(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read())
        assert (record["detail-type"], record["detail"]) == ("Click", {"button": "buy"})
    else:
        with pytest.raises(AssertionError, match="did not pass"):
            eventually(archived, timeout=3)


HTTP_API_TEMPLATE = {
    "Resources": {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "greeter", "ProtocolType": "HTTP"}}
    },
    "Outputs": {
        "Endpoint": {"Value": {"Fn::GetAtt": ["Api", "ApiEndpoint"]}},
        "Id": {"Value": {"Ref": "Api"}},
    },
}


@WITH_AND_WITHOUT
def test_an_http_api_endpoint_attribute_is_its_aws_url(engine_pair, patched):
    engine = engine_pair[patched]
    stack = deploy_template(engine, HTTP_API_TEMPLATE)
    aws_url = f"https://{stack['Id']}.execute-api.{engine.region}.amazonaws.com"
    if patched:
        assert stack["Endpoint"] == aws_url
    else:
        assert stack["Endpoint"] != aws_url
        assert ".execute-api.localhost:" in stack["Endpoint"]
