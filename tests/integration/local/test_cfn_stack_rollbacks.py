"""Failed creates and updates, as CloudFormation reports them: the stack rolls back to where it was."""

from __future__ import annotations

import json
from typing import Any

from .cfn_testkit import BROKEN_FUNCTION, EngineUnderTest, lambda_resources, queue_names, unique


def test_a_failing_resource_rolls_the_new_stack_back(engine: EngineUnderTest) -> None:
    resources = {**lambda_resources("def handler(e, c):\n    return 1\n"), "Handler": BROKEN_FUNCTION}
    queue_name = unique("rollback-queue")
    resources["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": queue_name}}
    outputs = {"QueueUrl": {"Value": {"Ref": "Queue"}}}
    name = unique("rollback")
    engine.create_stack({"Resources": resources, "Outputs": outputs}, StackName=name)
    # A rolled-back stack has no outputs.
    assert not engine.stack(name).get("Outputs")
    assert engine.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    rollback = [e for e in engine.events(name) if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"]
    assert rollback[0]["ResourceStatusReason"].startswith(
        "The following resource(s) failed to create: [Handler]"
    )
    failed = [e for e in engine.events(name) if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Handler"]
    assert "NoSuchBucket" in failed[0]["ResourceStatusReason"]
    stack_statuses = [
        e["ResourceStatus"] for e in engine.events(name) if e["ResourceType"] == "AWS::CloudFormation::Stack"
    ]
    assert stack_statuses[-2:] == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert queue_name not in queue_names(engine)
    # Like the CDK CLI does next: delete the rolled-back stack, then it is gone.
    engine.client("cloudformation").delete_stack(StackName=name)
    assert name not in [s["StackName"] for s in engine.client("cloudformation").describe_stacks()["Stacks"]]


def test_a_failing_update_rolls_back_to_the_previous_template(engine: EngineUnderTest) -> None:
    template: dict[str, Any] = {
        "Resources": lambda_resources("def handler(e, c):\n    return 1\n"),
        "Outputs": {"FunctionName": {"Value": {"Ref": "Handler"}}},
    }
    name = unique("update-rollback")
    engine.create_stack(template, StackName=name)
    added_queue = unique("added-queue")
    broken = {
        "Resources": {
            **template["Resources"],
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": added_queue}},
            "Broken": {**BROKEN_FUNCTION, "DependsOn": ["Queue"]},
        },
        "Outputs": {**template["Outputs"], "Broken": {"Value": {"Ref": "Broken"}}},
    }

    def update() -> None:
        engine.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(broken))

    update()
    assert engine.stack(name)["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert added_queue not in queue_names(engine)
    assert engine.client("cloudformation").get_template(StackName=name)["TemplateBody"] == template
    assert list(engine.outputs(name)) == ["FunctionName"]
    # The next deploy of a good template works from there.
    engine.client("cloudformation").update_stack(
        StackName=name,
        TemplateBody=json.dumps({**template, "Outputs": {"Renamed": {"Value": {"Ref": "Handler"}}}}),
    )
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"


def test_a_function_whose_code_object_is_missing_fails_to_deploy(engine: EngineUnderTest) -> None:
    bucket = unique("assets")
    engine.client("s3").create_bucket(Bucket=bucket)
    resources = lambda_resources("unused")
    resources["Handler"]["Properties"]["Code"] = {"S3Bucket": bucket, "S3Key": "never-uploaded.zip"}
    name = unique("missing-code")
    engine.create_stack(
        {"Resources": resources, "Outputs": {"Name": {"Value": {"Ref": "Handler"}}}}, StackName=name
    )
    assert engine.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in engine.events(name) if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Handler"]
    assert "NoSuchKey" in failed[0]["ResourceStatusReason"]


def test_cloudtrail_lookup_answers_an_empty_page(engine: EngineUnderTest) -> None:
    """The CDK CLI asks CloudTrail which calls failed after a failed deploy."""
    cloudtrail = engine.client("cloudtrail")
    assert cloudtrail.lookup_events(MaxResults=50)["Events"] == []
