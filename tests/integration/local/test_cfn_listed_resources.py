"""Which resources a stack lists: CDK's metadata resource is one, resources with a false condition are not."""

from __future__ import annotations

from .cfn_testkit import EngineUnderTest, unique


def test_cdk_metadata_is_a_listed_resource_with_a_physical_id(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:H4sI"}},
        }
    }
    name = unique("cdk-metadata")
    stack_id = engine.create_stack(template, StackName=name)
    resources = engine.resources(name)
    metadata = [resource for resource in resources if resource["LogicalResourceId"] == "CDKMetadata"]
    assert [resource["ResourceType"] for resource in metadata] == ["AWS::CDK::Metadata"]
    assert metadata[0]["PhysicalResourceId"]
    engine.client("cloudformation").delete_stack(StackName=name)
    assert engine.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"


def test_resources_with_a_false_condition_are_not_listed(engine: EngineUnderTest) -> None:
    template = {
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Unused": {"Type": "AWS::SQS::Queue", "Condition": "Never"},
        },
    }
    name = unique("conditions")
    engine.create_stack(template, StackName=name)
    listed = [resource.get("LogicalResourceId") for resource in engine.resources(name)]
    assert listed == ["Queue"]
