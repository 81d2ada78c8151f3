"""Two deploys of one stack at once: tag-only redeploys and operations serialized per stack.

Found by the fault suite (tests/faults, two runs for the same PR at once): a redeploy that only
changes the stack's tags (a new run id) must update them, and a second create while one is in
flight must be refused rather than leave resources that belong to no stack."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from runner.local import LocalEndpoint
from runner.polling import eventually
from tests.support.aws import LAMBDA_TRUST
from tests.support.engine import endpoint_fixture

from .cfn_testkit import EngineUnderTest, unique
from .lambda_testkit import client

QUEUE = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})


def test_a_change_set_that_only_changes_tags_updates_the_stack_tags(engine: EngineUnderTest) -> None:
    cloudformation = engine.client("cloudformation")
    name = unique("tags")
    cloudformation.create_stack(StackName=name, TemplateBody=QUEUE, Tags=[{"Key": "run-id", "Value": "1"}])
    cloudformation.create_change_set(
        StackName=name, ChangeSetName="redeploy", ChangeSetType="UPDATE", TemplateBody=QUEUE,
        Tags=[{"Key": "run-id", "Value": "2"}],
    )  # fmt: skip
    described = cloudformation.describe_change_set(StackName=name, ChangeSetName="redeploy")
    assert described["Status"] == "CREATE_COMPLETE"
    assert [change["ResourceChange"]["LogicalResourceId"] for change in described["Changes"]] == ["Queue"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName="redeploy")
    assert engine.stack(name)["Tags"] == [{"Key": "run-id", "Value": "2"}]


HOLDING_HANDLER = """
import json, os, time, urllib.request

def handler(event, context):
    if event["RequestType"] == "Create":
        open(os.environ["STARTED"], "w").close()
        while os.path.exists(os.environ["HOLD"]):
            time.sleep(0.05)
    body = {"Status": "SUCCESS", "PhysicalResourceId": "held", "StackId": event["StackId"],
            "RequestId": event["RequestId"], "LogicalResourceId": event["LogicalResourceId"], "Data": {}}
    request = urllib.request.Request(
        event["ResponseURL"], data=json.dumps(body).encode(), method="PUT", headers={"Content-Type": ""}
    )
    urllib.request.urlopen(request, timeout=10).read()
"""


endpoint = endpoint_fixture("module")


def test_a_second_create_during_the_stack_create_in_flight_is_refused(
    endpoint: LocalEndpoint, tmp_path: Path
) -> None:
    """A change set for a stack whose create is still in flight is refused at once, as CloudFormation
    refuses it; the create in flight is not disturbed."""
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    function = {"Runtime": "python3.12", "Handler": "index.handler", "Timeout": 60,
                "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": HOLDING_HANDLER},
                "Environment": {"Variables": {"HOLD": str(hold), "STARTED": str(started)}}}  # fmt: skip
    template = json.dumps({
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": LAMBDA_TRUST}},
            "Handler": {"Type": "AWS::Lambda::Function", "Properties": function},
            "Held": {"Type": "AWS::CloudFormation::CustomResource",
                     "Properties": {"ServiceToken": {"Fn::GetAtt": ["Handler", "Arn"]}}},
        }
    })  # fmt: skip
    cloudformation = client(endpoint, "cloudformation")
    name = unique("serialized")
    cloudformation.create_change_set(
        StackName=name, ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=template
    )
    first = threading.Thread(
        target=cloudformation.execute_change_set, kwargs={"StackName": name, "ChangeSetName": "first"}
    )
    first.start()
    eventually(started.exists, timeout=60, description="the custom resource starting")
    assert cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    with pytest.raises(ClientError) as refused:
        client(endpoint, "cloudformation").create_change_set(
            StackName=name, ChangeSetName="second", ChangeSetType="CREATE", TemplateBody=QUEUE
        )
    hold.unlink()
    first.join(timeout=60)
    assert refused.value.response["Error"]["Code"] == "AlreadyExistsException"
    eventually(
        lambda: cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"],
        until=lambda status: status == "CREATE_COMPLETE",
        timeout=60,
        description="the create in flight completes",
    )
    cloudformation.delete_stack(StackName=name)
