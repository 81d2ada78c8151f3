"""Stack events and tags, as CloudFormation reports them: each resource's transitions in order, its own
status after an update, and stack tags copied to taggable resources."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.support.aws import ON_DEMAND_TABLE

from .cfn_testkit import EngineUnderTest, lambda_resources, unique


def test_every_resource_reports_its_transitions_in_order(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Table": ON_DEMAND_TABLE,
        }
    }
    name = unique("events")
    engine.create_stack(template, StackName=name)
    events = engine.events(name)
    resource_events = [e for e in events if e["ResourceType"] != "AWS::CloudFormation::Stack"]
    for logical_id in template["Resources"]:
        statuses = [e["ResourceStatus"] for e in resource_events if e["LogicalResourceId"] == logical_id]
        assert statuses == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]
        complete = [e for e in resource_events if e["LogicalResourceId"] == logical_id][-1]
        assert complete["PhysicalResourceId"] == engine.physical_id(name, logical_id)
    timestamps = [e["Timestamp"] for e in events]
    assert timestamps == sorted(timestamps)
    assert events[0]["ResourceStatus"] == "CREATE_IN_PROGRESS"
    assert (events[-1]["ResourceType"], events[-1]["ResourceStatus"]) == (
        "AWS::CloudFormation::Stack",
        "CREATE_COMPLETE",
    )


def _taggable_template() -> dict[str, Any]:
    return {
        "Resources": {
            **lambda_resources("def handler(e, c):\n    return 1\n"),
            "Table": ON_DEMAND_TABLE,
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": unique("tagged-bus")}},
            "Rule": {
                "Type": "AWS::Events::Rule",
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


def _tagged_resource_types(engine: EngineUnderTest, key: str, value: str) -> set[str]:
    """`service:kind` of every resource carrying the tag, e.g. `lambda:function`, `sqs:` (queues)."""
    paginator = engine.client("resourcegroupstaggingapi").get_paginator("get_resources")
    pages = paginator.paginate(TagFilters=[{"Key": key, "Values": [value]}])
    return {_kind(m["ResourceARN"]) for page in pages for m in page["ResourceTagMappingList"]}


def _kind(arn: str) -> str:
    service, resource = arn.split(":")[2], arn.split(":", 5)[5]
    kind = re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""
    return f"{service}:{kind}"


def test_stack_tags_are_copied_to_taggable_resources_on_create_and_update(engine: EngineUnderTest) -> None:
    build = unique("build")
    name = unique("tagged")
    tags = [{"Key": "spt:build", "Value": build}, {"Key": "team", "Value": "shop"}]
    template = _taggable_template()
    engine.create_stack(template, StackName=name, Tags=tags)
    found = _tagged_resource_types(engine, "spt:build", build)
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
    # EventBridge's own API shows a rule's tags.
    rule_tags = engine.client("events").list_tags_for_resource(ResourceARN=engine.outputs(name)["RuleArn"])[
        "Tags"
    ]
    assert {"Key": "spt:build", "Value": build} in rule_tags
    role_tags = engine.client("iam").list_role_tags(RoleName=engine.outputs(name)["RoleName"])["Tags"]
    assert {"Key": "spt:build", "Value": build} in role_tags
    assert {"Key": "aws:cloudformation:logical-id", "Value": "HandlerRole"} in role_tags

    rebuilt = unique("build")
    engine.client("cloudformation").update_stack(
        StackName=name,
        TemplateBody=json.dumps(
            _taggable_template() | {"Outputs": {"Renamed": {"Value": {"Ref": "HandlerRole"}}}}
        ),
        Tags=[{"Key": "spt:build", "Value": rebuilt}],
    )
    assert _tagged_resource_types(engine, "spt:build", rebuilt) >= {"lambda:function", "sqs:", "s3:"}


@pytest.mark.xfail(
    strict=True,
    reason="engine gap: an update reports every resource of the new template UPDATE_COMPLETE (with "
    "UPDATE_IN_PROGRESS/UPDATE_COMPLETE events), unchanged ones included; AWS leaves them CREATE_COMPLETE",
)
def test_each_resource_reports_its_own_status(engine: EngineUnderTest) -> None:
    template: dict[str, Any] = {
        "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}, "Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }
    name = unique("resource-status")
    engine.create_stack(template, StackName=name)
    changed = {**template, "Resources": {**template["Resources"], "Topic": {"Type": "AWS::SNS::Topic"}}}
    engine.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(changed))
    statuses = {r["LogicalResourceId"]: r["ResourceStatus"] for r in engine.resources(name)}
    summaries = engine.client("cloudformation").list_stack_resources(StackName=name)["StackResourceSummaries"]
    listed = {s["LogicalResourceId"]: s["ResourceStatus"] for s in summaries}
    # Unchanged resources keep CREATE_COMPLETE; the added one was created by the update.
    assert (
        statuses
        == listed
        == {"Bucket": "CREATE_COMPLETE", "Queue": "CREATE_COMPLETE", "Topic": "CREATE_COMPLETE"}
    )

    bucket = engine.outputs(name)["BucketName"]
    engine.client("s3").put_object(Bucket=bucket, Key="k", Body=b"v")
    engine.client("cloudformation").delete_stack(StackName=name)
    assert {r["LogicalResourceId"]: r["ResourceStatus"] for r in engine.resources(name)} == {
        "Bucket": "DELETE_FAILED"
    }
    engine.client("s3").delete_object(Bucket=bucket, Key="k")
    engine.client("cloudformation").delete_stack(StackName=name)
