"""Stack create/update/delete outcomes, events and tags, against stock and fixed moto."""

from __future__ import annotations

import json
import re
from typing import Any

from .cfn_testkit import Moto, assert_call_fails, lambda_resources, unique

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


def _queue_names(moto: Moto) -> set[str]:
    return {url.rsplit("/", 1)[-1] for url in moto.client("sqs").list_queues().get("QueueUrls", [])}


def test_a_failing_resource_rolls_the_new_stack_back(moto: Moto) -> None:
    resources = {**lambda_resources("def handler(e, c):\n    return 1\n"), "Handler": BROKEN_FUNCTION}
    queue_name = unique("rollback-queue")
    resources["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": queue_name}}
    outputs = {"QueueUrl": {"Value": {"Ref": "Queue"}}}
    name = unique("rollback")
    if not moto.fixed:
        assert_call_fails(
            lambda: moto.create_stack({"Resources": resources, "Outputs": outputs}, StackName=name)
        )
        assert moto.stack(name)["StackStatus"] == "CREATE_IN_PROGRESS"
        return

    moto.create_stack({"Resources": resources, "Outputs": outputs}, StackName=name)
    # Describing the rolled-back stack must not re-create the queue through its output.
    assert "Outputs" not in moto.stack(name)
    assert moto.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    assert moto.stack(name)["StackStatusReason"].startswith(
        "The following resource(s) failed to create: [Handler]"
    )
    failed = [e for e in moto.events(name) if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Handler"]
    assert "NoSuchBucket" in failed[0]["ResourceStatusReason"]
    stack_statuses = [
        e["ResourceStatus"] for e in moto.events(name) if e["ResourceType"] == "AWS::CloudFormation::Stack"
    ]
    assert stack_statuses[-2:] == ["ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert queue_name not in _queue_names(moto)
    # Like the CDK CLI does next: delete the rolled-back stack, then it is gone.
    moto.client("cloudformation").delete_stack(StackName=name)
    assert name not in [s["StackName"] for s in moto.client("cloudformation").describe_stacks()["Stacks"]]


def test_a_failing_update_rolls_back_to_the_previous_template(moto: Moto) -> None:
    template: dict[str, Any] = {
        "Resources": lambda_resources("def handler(e, c):\n    return 1\n"),
        "Outputs": {"FunctionName": {"Value": {"Ref": "Handler"}}},
    }
    name = unique("update-rollback")
    moto.create_stack(template, StackName=name)
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
        moto.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(broken))

    if not moto.fixed:
        assert_call_fails(update)
        assert added_queue in _queue_names(moto)  # left half-updated, and nothing says so
        assert moto.stack(name)["StackStatus"] == "CREATE_COMPLETE"
        return
    update()
    assert moto.stack(name)["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert added_queue not in _queue_names(moto)
    assert moto.client("cloudformation").get_template(StackName=name)["TemplateBody"] == template
    assert list(moto.outputs(name)) == ["FunctionName"]
    # The next deploy of a good template works from there.
    moto.client("cloudformation").update_stack(
        StackName=name,
        TemplateBody=json.dumps({**template, "Outputs": {"Renamed": {"Value": {"Ref": "Handler"}}}}),
    )
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"


def test_deleting_a_stack_with_a_non_empty_bucket_fails_until_it_is_emptied(moto: Moto) -> None:
    template = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}, "Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}, "QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    name = unique("full-bucket")
    stack_id = moto.create_stack(template, StackName=name)
    bucket = moto.outputs(name)["BucketName"]
    queue_name = moto.outputs(name)["QueueUrl"].rsplit("/", 1)[-1]
    s3, cloudformation = moto.client("s3"), moto.client("cloudformation")
    s3.put_object(Bucket=bucket, Key="report.json", Body=b"{}")
    cloudformation.delete_stack(StackName=name)
    if not moto.fixed:
        assert moto.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
        assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]  # silently left behind
        return

    assert moto.stack(name)["StackStatus"] == "DELETE_FAILED"
    assert moto.stack(name)["StackStatusReason"].startswith(
        "The following resource(s) failed to delete: [Bucket]"
    )
    failed = [e for e in moto.events(name) if e["ResourceStatus"] == "DELETE_FAILED"]
    assert failed[0]["LogicalResourceId"] == "Bucket"
    assert "not empty" in failed[0]["ResourceStatusReason"]
    assert [r["LogicalResourceId"] for r in moto.resources(name)] == ["Bucket"]  # the queue went
    assert queue_name not in _queue_names(moto)  # and describing the stack did not bring it back

    s3.delete_object(Bucket=bucket, Key="report.json")
    cloudformation.delete_stack(StackName=name)
    assert moto.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_every_resource_reports_its_transitions_in_order(moto: Moto) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            },
        }
    }
    name = unique("events")
    moto.create_stack(template, StackName=name)
    events = moto.events(name)
    resource_events = [e for e in events if e["ResourceType"] != "AWS::CloudFormation::Stack"]
    if not moto.fixed:
        assert resource_events == []
        return

    for logical_id in template["Resources"]:
        statuses = [e["ResourceStatus"] for e in resource_events if e["LogicalResourceId"] == logical_id]
        assert statuses == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
        complete = [e for e in resource_events if e["LogicalResourceId"] == logical_id][-1]
        assert complete["PhysicalResourceId"] == moto.physical_id(name, logical_id)
    timestamps = [e["Timestamp"] for e in events]
    assert timestamps == sorted(timestamps)
    assert len(set(timestamps)) == len(timestamps)  # strictly increasing: clients can sort by time
    assert events[0]["ResourceStatus"] == "CREATE_IN_PROGRESS"
    assert (events[-1]["ResourceType"], events[-1]["ResourceStatus"]) == (
        "AWS::CloudFormation::Stack",
        "CREATE_COMPLETE",
    )


def _taggable_template() -> dict[str, Any]:
    return {
        "Resources": {
            **lambda_resources("def handler(e, c):\n    return 1\n"),
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "Properties": {
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                },
            },
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": unique("tagged-bus")}},
            "Rule": {
                "Type": "AWS::Events::Rule",
                # GetAtt, not Ref: stock moto cannot create a Rule from the bus's Ref (see the models tests).
                "Properties": {
                    "EventBusName": {"Fn::GetAtt": ["Bus", "Name"]},
                    "EventPattern": {"source": ["x"]},
                },
            },
            "Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": unique("/aws/lambda/tagged")},
            },
        },
        "Outputs": {
            "RoleName": {"Value": {"Ref": "HandlerRole"}},
            "RuleArn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}},
        },
    }


def _tagged_resource_types(moto: Moto, key: str, value: str) -> set[str]:
    """`service:kind` of every resource carrying the tag, e.g. `lambda:function`, `sqs:` (queues)."""
    paginator = moto.client("resourcegroupstaggingapi").get_paginator("get_resources")
    pages = paginator.paginate(TagFilters=[{"Key": key, "Values": [value]}])
    return {_kind(m["ResourceARN"]) for page in pages for m in page["ResourceTagMappingList"]}


def _kind(arn: str) -> str:
    service, resource = arn.split(":")[2], arn.split(":", 5)[5]
    kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
    return f"{service}:{kind}"


def test_stack_tags_are_copied_to_taggable_resources_on_create_and_update(moto: Moto) -> None:
    build = unique("build")
    name = unique("tagged")
    tags = [{"Key": "spt:build", "Value": build}, {"Key": "team", "Value": "shop"}]
    template = _taggable_template()
    moto.create_stack(template, StackName=name, Tags=tags)
    found = _tagged_resource_types(moto, "spt:build", build)
    if not moto.fixed:
        assert found == {"cloudformation:stack"}
        return

    assert found >= {
        "cloudformation:stack",
        "lambda:function",
        "dynamodb:table",
        "sqs:",
        "sns:",
        "s3:",
        "events:event-bus",
        "logs:log-group",
    }
    # moto's tagging API does not enumerate EventBridge rules; EventBridge's own API shows their tags.
    rule_tags = moto.client("events").list_tags_for_resource(ResourceARN=moto.outputs(name)["RuleArn"])[
        "Tags"
    ]
    assert {"Key": "spt:build", "Value": build} in rule_tags
    role_tags = moto.client("iam").list_role_tags(RoleName=moto.outputs(name)["RoleName"])["Tags"]
    assert {"Key": "spt:build", "Value": build} in role_tags
    assert {"Key": "aws:cloudformation:logical-id", "Value": "HandlerRole"} in role_tags

    rebuilt = unique("build")
    moto.client("cloudformation").update_stack(
        StackName=name,
        TemplateBody=json.dumps(
            _taggable_template() | {"Outputs": {"Renamed": {"Value": {"Ref": "HandlerRole"}}}}
        ),
        Tags=[{"Key": "spt:build", "Value": rebuilt}],
    )
    assert _tagged_resource_types(moto, "spt:build", rebuilt) >= {"lambda:function", "sqs:", "s3:"}


def test_stack_delete_removes_dependents_before_what_they_depend_on(moto: Moto) -> None:
    template = {
        "Resources": {
            **lambda_resources("def handler(e, c):\n    return 1\n"),
            "Permission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Fn::GetAtt": ["Handler", "Arn"]},
                    "Principal": "apigateway.amazonaws.com",
                },
            },
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
    stack_id = moto.create_stack(template, StackName=name)
    moto.client("cloudformation").delete_stack(StackName=name)
    assert moto.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
    deleted = [
        e["LogicalResourceId"] for e in moto.events(stack_id) if e["ResourceStatus"] == "DELETE_COMPLETE"
    ]
    if not moto.fixed:
        # No resource events: nothing records (or guarantees) the order; moto iterates a set.
        assert deleted == [name]
        return
    order = {logical_id: position for position, logical_id in enumerate(deleted)}
    for dependent, dependency in [
        ("Permission", "Handler"),
        ("Logs", "Handler"),  # through Fn::Sub
        ("Handler", "HandlerRole"),  # through Fn::GetAtt and DependsOn
        ("Items", "Api"),
    ]:
        assert order[dependent] < order[dependency], deleted
    assert deleted[-1] == name


def test_each_resource_reports_its_own_status(moto: Moto) -> None:
    template: dict[str, Any] = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}, "Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }
    name = unique("resource-status")
    moto.create_stack(template, StackName=name)
    changed = {**template, "Resources": {**template["Resources"], "Topic": {"Type": "AWS::SNS::Topic"}}}
    moto.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(changed))
    statuses = {r["LogicalResourceId"]: r["ResourceStatus"] for r in moto.resources(name)}
    summaries = moto.client("cloudformation").list_stack_resources(StackName=name)["StackResourceSummaries"]
    listed = {s["LogicalResourceId"]: s["ResourceStatus"] for s in summaries}
    if not moto.fixed:
        assert statuses == {
            "Bucket": "UPDATE_COMPLETE",
            "Queue": "UPDATE_COMPLETE",
            "Topic": "UPDATE_COMPLETE",
        }
        return
    # Unchanged resources keep CREATE_COMPLETE; the added one was created by the update.
    assert (
        statuses
        == listed
        == {"Bucket": "CREATE_COMPLETE", "Queue": "CREATE_COMPLETE", "Topic": "CREATE_COMPLETE"}
    )

    bucket = moto.outputs(name)["BucketName"]
    moto.client("s3").put_object(Bucket=bucket, Key="k", Body=b"v")
    moto.client("cloudformation").delete_stack(StackName=name)
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in moto.resources(name)} == {
        "Bucket": "DELETE_FAILED"
    }
    moto.client("s3").delete_object(Bucket=bucket, Key="k")
    moto.client("cloudformation").delete_stack(StackName=name)


def test_a_function_whose_code_object_is_missing_fails_to_deploy(moto: Moto) -> None:
    bucket = unique("assets")
    moto.client("s3").create_bucket(Bucket=bucket)
    resources = lambda_resources("unused")
    resources["Handler"]["Properties"]["Code"] = {"S3Bucket": bucket, "S3Key": "never-uploaded.zip"}
    name = unique("missing-code")
    moto.create_stack(
        {"Resources": resources, "Outputs": {"Name": {"Value": {"Ref": "Handler"}}}}, StackName=name
    )
    if not moto.fixed:
        # Deployed, with empty code: the mistake surfaces only when something invokes it.
        function = moto.client("lambda").get_function(FunctionName=moto.outputs(name)["Name"])
        assert (moto.stack(name)["StackStatus"], function["Configuration"]["CodeSize"]) == (
            "CREATE_COMPLETE",
            0,
        )
        return
    assert moto.stack(name)["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in moto.events(name) if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Handler"]
    assert "NoSuchKey" in failed[0]["ResourceStatusReason"]


def test_cloudtrail_lookup_answers_an_empty_page(moto: Moto) -> None:
    """The CDK CLI asks CloudTrail which calls failed after a failed deploy."""
    cloudtrail = moto.client("cloudtrail")
    if not moto.fixed:
        assert_call_fails(lambda: cloudtrail.lookup_events(MaxResults=50))
        return
    assert cloudtrail.lookup_events(MaxResults=50)["Events"] == []


def test_a_stack_whose_export_is_imported_cannot_be_deleted_first(moto: Moto) -> None:
    export_name = unique("orders-queue-url")
    producer = moto.create_stack(
        {
            "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}, "Export": {"Name": export_name}}},
        },
        StackName=unique("producer"),
    )
    consumer = moto.create_stack(
        {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"Imported": {"Value": {"Fn::ImportValue": export_name}}},
        },
        StackName=unique("consumer"),
    )
    cloudformation = moto.client("cloudformation")
    cloudformation.delete_stack(StackName=producer)
    if not moto.fixed:
        assert moto.stack(producer)["StackStatus"] == "DELETE_COMPLETE"  # the consumer now imports nothing
        return
    stack = moto.stack(producer)
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert (
        stack["StackStatusReason"]
        == f"Export {export_name} cannot be deleted as it is in use by {moto.stack(consumer)['StackName']}"
    )
    assert [r["LogicalResourceId"] for r in moto.resources(producer)] == ["Queue"]
    # Dependents first, as a destroy must order them: then both go.
    cloudformation.delete_stack(StackName=consumer)
    cloudformation.delete_stack(StackName=producer)
    assert [moto.stack(s)["StackStatus"] for s in (consumer, producer)] == [
        "DELETE_COMPLETE",
        "DELETE_COMPLETE",
    ]


def test_resources_an_update_removes_go_dependents_first(moto: Moto) -> None:
    template: dict[str, Any] = {
        "Resources": {
            **lambda_resources("def handler(e, c):\n    return 1\n"),
            "Permission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Fn::GetAtt": ["Handler", "Arn"]},
                    "Principal": "sns.amazonaws.com",
                },
            },
            "Keep": {"Type": "AWS::SQS::Queue"},
        }
    }
    name = unique("update-removes")
    moto.create_stack(template, StackName=name)
    # Template order puts the role and the function before the permission that depends on them.
    moto.client("cloudformation").update_stack(
        StackName=name, TemplateBody=json.dumps({"Resources": {"Keep": template["Resources"]["Keep"]}})
    )
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    deleted = [e["LogicalResourceId"] for e in moto.events(name) if e["ResourceStatus"] == "DELETE_COMPLETE"]
    if not moto.fixed:
        assert deleted == []  # no resource events to tell the order by
        return
    assert deleted == ["Permission", "Handler", "HandlerRole"]
