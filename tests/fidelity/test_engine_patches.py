"""Each engine patch restores an AWS behaviour: shown on an engine with it and, on an engine with
it switched off (SPT_ENGINE_DISABLE_PATCHES), shown missing. Raw APIs and templates, no synth."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import pytest

from runner.local import LocalEndpoint
from runner.local.endpoint import ENGINE_SIDE
from runner.testing.polling import eventually

from .engine_pair import client, create_function, deploy_template, engines, invoke, unique, worker_processes

pytestmark = pytest.mark.fidelity

UNDER_TEST = (
    "lambda_error_type",
    "python_logging_lambda_format",
    "function_delete_stops_workers",
    "node_localhost_names",
    "custom_resource_sdk_preinstalled",
    "bucket_template_tags",
    "stack_tags_on_buckets_and_rules",
    "eventbridge_firehose_target",
    "http_api_endpoint_attribute",
)
WITH_AND_WITHOUT = pytest.mark.parametrize("patched", [True, False], ids=["with-patch", "without-patch"])


@pytest.fixture(scope="module")
def engine_pair() -> Iterator[dict[bool, LocalEndpoint]]:
    yield from engines(UNDER_TEST)


@WITH_AND_WITHOUT
def test_a_function_error_names_what_the_handler_raised_with_its_stack(engine_pair, patched):
    engine = engine_pair[patched]
    python = create_function(
        engine,
        "python3.12",
        "app.handler",
        {
            "app.py": "class TransientError(Exception):\n    pass\n\n\ndef handler(event, context):\n"
            "    raise TransientError('busy')\n"
        },
    )
    node = create_function(
        engine,
        "nodejs20.x",
        "index.handler",
        {
            "index.js": "class CardDeclined extends Error {\n"
            "  constructor(m) { super(m); this.name = 'CardDeclined'; }\n}\n"
            "exports.handler = async () => { throw new CardDeclined('no funds'); };\n"
        },
    )
    python_error, python_flag = invoke(engine, python, {})
    node_error, node_flag = invoke(engine, node, {})
    assert (python_flag, node_flag) == ("Unhandled", "Unhandled")
    names = (python_error["errorType"], node_error["errorType"])
    if patched:
        assert names == ("TransientError", "CardDeclined")
        assert (python_error["errorMessage"], node_error["errorMessage"]) == ("busy", "no funds")
        assert [frame.split(",")[-1].strip() for frame in python_error["stackTrace"]] == [
            "in handler\n    raise TransientError('busy')"
        ]
        assert node_error["trace"][0] == "CardDeclined: no funds"
    else:
        assert names == ("Runtime.HandlerError", "Runtime.HandlerError")


@WITH_AND_WITHOUT
def test_python_logging_info_reaches_the_log_in_the_lambda_format(engine_pair, patched):
    engine = engine_pair[patched]
    name = create_function(
        engine,
        "python3.12",
        "app.handler",
        {
            "app.py": "import logging\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\n\n\n"
            "def handler(event, context):\n    logger.info('reserved %s', event['sku'])\n"
            "    return context.aws_request_id\n"
        },
    )
    request_id, _ = invoke(engine, name, {"sku": "apple"})
    logs = client(engine, "logs")

    def messages() -> list[str]:
        return [
            event["message"] for event in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
        ]

    eventually(messages, description="the function's log", timeout=10)
    info = [line for line in messages() if "reserved apple" in line]
    if patched:
        assert len(info) == 1, messages()
        level, timestamp, logged_request, text = info[0].rstrip("\n").split("\t")
        assert (level, logged_request, text) == ("[INFO]", request_id, "reserved apple")
        assert timestamp.endswith("Z")
        assert "T" in timestamp
    else:
        assert info == []


INLINE_FUNCTION_TEMPLATE = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "Echo": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "nodejs20.x",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "exports.handler = async (event) => event;"},
            },
        },
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


BUCKET_AND_RULE_TEMPLATE = {
    "Resources": {
        "Uploads": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"Tags": [{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}]},
        },
        "Nightly": {
            "Type": "AWS::Events::Rule",
            "Properties": {"ScheduleExpression": "rate(1 day)", "State": "DISABLED"},
        },
    },
    "Outputs": {
        "Bucket": {"Value": {"Ref": "Uploads"}},
        "RuleArn": {"Value": {"Fn::GetAtt": ["Nightly", "Arn"]}},
    },
}


@WITH_AND_WITHOUT
def test_a_bucket_carries_its_template_tags(engine_pair, patched):
    engine = engine_pair[patched]
    stack = deploy_template(engine, BUCKET_AND_RULE_TEMPLATE)
    s3 = client(engine, "s3")
    if patched:
        tags = {tag["Key"]: tag["Value"] for tag in s3.get_bucket_tagging(Bucket=stack["Bucket"])["TagSet"]}
        assert tags["aws-cdk:auto-delete-objects"] == "true"
    else:
        with pytest.raises(s3.exceptions.ClientError, match="NoSuchTagSet"):
            s3.get_bucket_tagging(Bucket=stack["Bucket"])


@WITH_AND_WITHOUT
def test_stack_tags_reach_its_buckets_and_rules(engine_pair, patched):
    engine = engine_pair[patched]
    stack = deploy_template(
        engine, BUCKET_AND_RULE_TEMPLATE, Tags=[{"Key": "serverless-pr-test:pr", "Value": "42"}]
    )
    s3 = client(engine, "s3")
    try:
        bucket_tags = {
            tag["Key"]: tag["Value"] for tag in s3.get_bucket_tagging(Bucket=stack["Bucket"])["TagSet"]
        }
    except s3.exceptions.ClientError:
        bucket_tags = {}
    rule_tags = {
        tag["Key"]: tag["Value"]
        for tag in client(engine, "events").list_tags_for_resource(ResourceARN=stack["RuleArn"])["Tags"]
    }
    if patched:
        assert bucket_tags["serverless-pr-test:pr"] == rule_tags["serverless-pr-test:pr"] == "42"
        assert bucket_tags["aws:cloudformation:stack-name"] == stack["StackName"]
    else:
        assert "serverless-pr-test:pr" not in bucket_tags
        assert "serverless-pr-test:pr" not in rule_tags


def bucket_tags(engine: LocalEndpoint, bucket: str) -> dict[str, str]:
    s3 = client(engine, "s3")
    try:
        return {tag["Key"]: tag["Value"] for tag in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    except s3.exceptions.ClientError:
        return {}


@WITH_AND_WITHOUT
def test_a_stack_update_with_new_stack_tags_retags_its_bucket(engine_pair, patched):
    """What every redeploy does: the runner's run-id, commit and expires-at tags change."""
    engine = engine_pair[patched]
    run_tag = "serverless-pr-test:run-id"
    stack = deploy_template(engine, BUCKET_AND_RULE_TEMPLATE, Tags=[{"Key": run_tag, "Value": "run-1"}])
    cloudformation = client(engine, "cloudformation")
    cloudformation.update_stack(
        StackName=stack["StackName"],
        TemplateBody=json.dumps(BUCKET_AND_RULE_TEMPLATE),
        Tags=[{"Key": run_tag, "Value": "run-2"}],
    )
    cloudformation.get_waiter("stack_update_complete").wait(
        StackName=stack["StackName"], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    if patched:
        assert bucket_tags(engine, stack["Bucket"])[run_tag] == "run-2"
    else:
        assert bucket_tags(engine, stack["Bucket"]).get(run_tag) != "run-2"


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


def test_an_unknown_patch_name_cannot_switch_anything_off():
    sys.path.insert(0, str(ENGINE_SIDE))
    from spt_engine import patches

    with pytest.raises(ValueError, match="no such patch: typo"):
        patches.disabled({"SPT_ENGINE_DISABLE_PATCHES": "lambda_error_type, typo"})
    assert patches.disabled({"SPT_ENGINE_DISABLE_PATCHES": " lambda_error_type "}) == {"lambda_error_type"}
