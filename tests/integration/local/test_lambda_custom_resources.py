"""CloudFormation custom resources backed by a Python Lambda run on the embedded endpoint, with the
request CloudFormation sends (string properties, a reachable ResponseURL, Update and Delete)."""

from __future__ import annotations

import json
from typing import Any

from runner.local import LocalEndpoint
from runner.polling import eventually
from tests.support.aws import LAMBDA_TRUST

from .lambda_testkit import client, endpoint_without, unique

# Inline code, as CDK and hand-written templates ship small handlers; it answers CloudFormation by
# PUTting to ResponseURL with urllib, like CDK's own Python handlers.
HANDLER = """
import json
import urllib.request
import uuid

import boto3

s3 = boto3.client("s3")

def handler(event, context):
    props = event["ResourceProperties"]
    s3.put_object(
        Bucket=props["RecordBucket"],
        Key=f"requests/{event['RequestType']}-{uuid.uuid4().hex}.json",
        Body=json.dumps(event),
    )
    failed = props.get("Fail") == "true"
    response = {
        "Status": "FAILED" if failed else "SUCCESS",
        "Reason": "asked to fail" if failed else "ok",
        "PhysicalResourceId": "phys-" + props["Name"],
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"Greeting": "hello " + props["Name"]},
    }
    request = urllib.request.Request(
        event["ResponseURL"], data=json.dumps(response).encode(), method="PUT", headers={"Content-Type": ""}
    )
    urllib.request.urlopen(request, timeout=10).read()
"""


def _template(
    record_bucket: str,
    name: str = "first",
    *,
    fail: bool = False,
    resource_type: str = "AWS::CloudFormation::CustomResource",
    dependents: bool = True,
) -> str:
    properties: dict[str, Any] = {
        "ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]},
        "RecordBucket": record_bucket,
        "Name": name,
        "Enabled": True,
        "Count": 3,
        "Nested": {"Flag": False, "Items": [1, "two", 2.5]},
    }
    if fail:
        properties["Fail"] = True
    template: dict[str, Any] = {
        "Resources": {
            "HandlerRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": LAMBDA_TRUST},
            },
            "Handler": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]},
                    "Timeout": 30,
                    "Code": {"ZipFile": HANDLER},
                },
            },
            "Greeter": {"Type": resource_type, "Properties": properties},
            # Created after Greeter and built from its Data: CloudFormation waits for the answer.
            "GreetingParameter": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": f"/greetings/{name}-{record_bucket}",
                    "Type": "String",
                    "Value": {"Fn::GetAtt": ["Greeter", "Greeting"]},
                },
            },
        },
        "Outputs": {
            "Greeting": {"Value": {"Fn::GetAtt": ["Greeter", "Greeting"]}},
            "PhysicalId": {"Value": {"Ref": "Greeter"}},
            "ParameterName": {"Value": {"Ref": "GreetingParameter"}},
        },
    }
    if not dependents:
        del template["Resources"]["GreetingParameter"]
        del template["Outputs"]
    return json.dumps(template)


def _requests(s3: Any, bucket: str) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in s3.list_objects_v2(Bucket=bucket, Prefix="requests/").get("Contents", []):
        event = json.loads(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        by_type.setdefault(event["RequestType"], []).append(event)
    return by_type


def _stack(cloudformation: Any, name: str) -> dict[str, Any]:
    return dict(cloudformation.describe_stacks(StackName=name)["Stacks"][0])


def _settled(cloudformation: Any, name: str) -> dict[str, Any]:
    return eventually(
        lambda: _stack(cloudformation, name),
        until=lambda stack: not stack["StackStatus"].endswith("_IN_PROGRESS"),
        timeout=60,
        description=f"stack {name} to settle",
    )


def _create_recorded_stack(endpoint: LocalEndpoint) -> tuple[Any, Any, str, str]:
    """Start creating the custom-resource stack whose provider records each request in a new bucket:
    (s3, cloudformation, bucket, stack name)."""
    s3, cloudformation = client(endpoint, "s3"), client(endpoint, "cloudformation")
    bucket, stack_name = unique("cr-records"), unique("cr-stack")
    s3.create_bucket(Bucket=bucket)
    cloudformation.create_stack(StackName=stack_name, TemplateBody=_template(bucket))
    return s3, cloudformation, bucket, stack_name


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def test_custom_resource_gets_cloudformation_shaped_create_and_its_data_feeds_the_stack(
    endpoint: LocalEndpoint,
) -> None:
    s3, cloudformation, bucket, stack_name = _create_recorded_stack(endpoint)

    stack = _settled(cloudformation, stack_name)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    [create] = _requests(s3, bucket)["Create"]
    assert create["ResponseURL"].startswith(f"{endpoint.url}/")
    assert create["ResourceType"] == "AWS::CloudFormation::CustomResource"
    assert create["LogicalResourceId"] == "Greeter"
    assert create["StackId"] == stack["StackId"]
    assert "PhysicalResourceId" not in create
    properties = create["ResourceProperties"]
    assert properties["Enabled"] == "true"
    assert properties["Count"] == "3"
    assert properties["Nested"] == {"Flag": "false", "Items": ["1", "two", "2.5"]}
    assert properties["ServiceToken"] == create["ServiceToken"]
    outputs = _outputs(stack)
    assert outputs["Greeting"] == "hello first"
    assert outputs["PhysicalId"] == "phys-first"
    parameter = client(endpoint, "ssm").get_parameter(Name=outputs["ParameterName"])["Parameter"]
    assert parameter["Value"] == "hello first"


def test_custom_resource_gets_update_with_old_properties_and_delete_with_its_physical_id(
    endpoint: LocalEndpoint,
) -> None:
    s3, cloudformation, bucket, stack_name = _create_recorded_stack(endpoint)
    _settled(cloudformation, stack_name)

    cloudformation.update_stack(StackName=stack_name, TemplateBody=_template(bucket, name="second"))
    updated = _settled(cloudformation, stack_name)
    cloudformation.delete_stack(StackName=stack_name)

    # Both deletes (the replaced resource's, then the current one's) arrive as the stack delete runs.
    requests = eventually(
        lambda: _requests(s3, bucket), until=lambda found: len(found.get("Delete", [])) >= 2, timeout=30
    )
    [update] = requests["Update"]
    assert updated["StackStatus"] == "UPDATE_COMPLETE"
    assert update["PhysicalResourceId"] == "phys-first"
    assert update["OldResourceProperties"]["Name"] == "first"
    assert update["ResourceProperties"]["Name"] == "second"
    assert _outputs(updated)["Greeting"] == "hello second"
    # The update answered with a new physical id: CloudFormation deletes the replaced resource, then
    # the stack deletion deletes the current one.
    assert sorted(delete["PhysicalResourceId"] for delete in requests["Delete"]) == [
        "phys-first",
        "phys-second",
    ]


def test_a_failed_response_fails_the_stack_with_the_handlers_reason(endpoint: LocalEndpoint) -> None:
    s3, cloudformation = client(endpoint, "s3"), client(endpoint, "cloudformation")
    bucket, stack_name = unique("cr-records"), unique("cr-stack")
    s3.create_bucket(Bucket=bucket)

    cloudformation.create_stack(StackName=stack_name, TemplateBody=_template(bucket, fail=True))

    stack = _settled(cloudformation, stack_name)
    assert stack["StackStatus"] in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
    reasons = [
        event.get("ResourceStatusReason", "")
        for event in cloudformation.describe_stack_events(StackName=stack_name)["StackEvents"]
    ]
    assert any("asked to fail" in reason for reason in reasons)


def test_a_custom_resource_on_a_runtime_the_engine_cannot_run_fails_naming_the_runtime(
    endpoint: LocalEndpoint,
) -> None:
    """Not AWS's behaviour (AWS runs Ruby): the honest local one, instead of CloudFormation waiting
    its hour-long ServiceTimeout for a response that cannot come."""
    cloudformation, stack_name = client(endpoint, "cloudformation"), unique("cr-stack")
    template = json.loads(_template(unique("unused"), dependents=False))
    template["Resources"]["Handler"]["Properties"].update(
        Runtime="ruby3.3", Handler="index.handler", Code={"ZipFile": "def handler(event:, context:) end"}
    )

    cloudformation.create_stack(StackName=stack_name, TemplateBody=json.dumps(template))

    failed = eventually(
        lambda: [
            event
            for event in cloudformation.describe_stack_events(StackName=stack_name)["StackEvents"]
            if event["LogicalResourceId"] == "Greeter" and event["ResourceStatus"] == "CREATE_FAILED"
        ],
        timeout=30,
    )
    assert "cannot run runtime ruby3.3" in failed[0]["ResourceStatusReason"]


def test_without_its_patch_the_request_lacks_its_top_level_service_token() -> None:
    with endpoint_without("cfn_custom_resource_request") as stock:
        s3, cloudformation = client(stock, "s3"), client(stock, "cloudformation")
        bucket, stack_name = unique("cr-records"), unique("cr-stack")
        s3.create_bucket(Bucket=bucket)
        cloudformation.create_stack(StackName=stack_name, TemplateBody=_template(bucket, dependents=False))
        _settled(cloudformation, stack_name)

        [create] = _requests(s3, bucket)["Create"]

    assert "ServiceToken" not in create
    assert "ServiceToken" in create["ResourceProperties"]
