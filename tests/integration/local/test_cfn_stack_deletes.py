"""Stack deletes, as CloudFormation orders and refuses them: dependents first, non-empty buckets and
imported exports refused until what holds them goes."""

from __future__ import annotations

import json
from typing import Any

from .cfn_testkit import EngineUnderTest, lambda_resources, queue_names, unique


def _function_invokable_by(principal: str) -> dict[str, Any]:
    """`Handler`, its role, and a `Permission` for `principal` that depends on both."""
    permission = {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": ["Handler", "Arn"]},
        "Principal": principal,
    }
    return {
        **lambda_resources("def handler(e, c):\n    return 1\n"),
        "Permission": {"Type": "AWS::Lambda::Permission", "Properties": permission},
    }


def test_deleting_a_stack_with_a_non_empty_bucket_fails_until_it_is_emptied(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}, "Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}, "QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    name = unique("full-bucket")
    stack_id = engine.create_stack(template, StackName=name)
    bucket = engine.outputs(name)["BucketName"]
    queue_name = engine.outputs(name)["QueueUrl"].rsplit("/", 1)[-1]
    s3, cloudformation = engine.client("s3"), engine.client("cloudformation")
    s3.put_object(Bucket=bucket, Key="report.json", Body=b"{}")
    cloudformation.delete_stack(StackName=name)
    assert engine.stack(name)["StackStatus"] == "DELETE_FAILED"
    assert engine.stack(name)["StackStatusReason"].startswith(
        "The following resource(s) failed to delete: [Bucket]"
    )
    failed = [e for e in engine.events(name) if e["ResourceStatus"] == "DELETE_FAILED"]
    assert failed[0]["LogicalResourceId"] == "Bucket"
    assert "not empty" in failed[0]["ResourceStatusReason"]
    assert [r["LogicalResourceId"] for r in engine.resources(name)] == ["Bucket"]  # the queue went
    assert queue_name not in queue_names(engine)  # and describing the stack did not bring it back

    s3.delete_object(Bucket=bucket, Key="report.json")
    cloudformation.delete_stack(StackName=name)
    assert engine.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_stack_delete_removes_dependents_before_what_they_depend_on(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            **_function_invokable_by("apigateway.amazonaws.com"),
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": unique("api")}},
            "Items": {
                "Type": "AWS::ApiGateway::Resource",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "PathPart": "items",
                },
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Handler}"}},
            },
        }
    }
    name = unique("delete-order")
    stack_id = engine.create_stack(template, StackName=name)
    engine.client("cloudformation").delete_stack(StackName=name)
    assert engine.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
    deleted = [
        e["LogicalResourceId"] for e in engine.events(stack_id) if e["ResourceStatus"] == "DELETE_COMPLETE"
    ]
    order = {logical_id: position for position, logical_id in enumerate(deleted)}
    for dependent, dependency in [
        ("Permission", "Handler"),
        ("Logs", "Handler"),  # through Fn::Sub
        ("Handler", "HandlerRole"),  # through Fn::GetAtt and DependsOn
        ("Items", "Api"),
    ]:
        assert order[dependent] < order[dependency], deleted
    assert deleted[-1] == name


def test_a_stack_whose_export_is_imported_cannot_be_deleted_first(engine: EngineUnderTest) -> None:
    export_name = unique("orders-queue-url")
    producer = engine.create_stack(
        {
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}, "Export": {"Name": export_name}}},
        },
        StackName=unique("producer"),
    )
    consumer = engine.create_stack(
        {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"Imported": {"Value": {"Fn::ImportValue": export_name}}},
        },
        StackName=unique("consumer"),
    )
    cloudformation = engine.client("cloudformation")
    cloudformation.delete_stack(StackName=producer)
    stack = engine.stack(producer)
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert (
        stack["StackStatusReason"]
        == f"Export {export_name} cannot be deleted as it is in use by {engine.stack(consumer)['StackName']}"
    )
    assert [r["LogicalResourceId"] for r in engine.resources(producer)] == ["Queue"]
    # Dependents first, as a destroy must order them: then both go.
    cloudformation.delete_stack(StackName=consumer)
    cloudformation.delete_stack(StackName=producer)
    assert [engine.stack(s)["StackStatus"] for s in (consumer, producer)] == [
        "DELETE_COMPLETE",
        "DELETE_COMPLETE",
    ]


def test_resources_an_update_removes_go_dependents_first(engine: EngineUnderTest) -> None:
    template: dict[str, Any] = {
        "Resources": {
            **_function_invokable_by("sns.amazonaws.com"),
            "Keep": {"Type": "AWS::SQS::Queue"},
        }
    }
    name = unique("update-removes")
    engine.create_stack(template, StackName=name)
    # Template order puts the role and the function before the permission that depends on them.
    engine.client("cloudformation").update_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": {"Keep": template["Resources"]["Keep"]}})
    )
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    deleted = [
        e["LogicalResourceId"] for e in engine.events(name) if e["ResourceStatus"] == "DELETE_COMPLETE"
    ]
    assert deleted == ["Permission", "Handler", "HandlerRole"]
