"""Clean-up on delete (no fixed physical names, nothing retained) and the outputs the integration
tests read."""

from dataclasses import fields
from typing import Any

from .conftest import EXAMPLE_DIR, Synthesized, _load, _only


def test_the_labels_bucket_empties_itself_when_the_stack_is_deleted(
    resources: dict[str, dict[str, Any]],
) -> None:
    bucket = _only(resources, "AWS::S3::Bucket")
    (auto_delete,) = [
        resource for resource in resources.values() if resource["Type"] == "Custom::S3AutoDeleteObjects"
    ]

    assert resources[bucket]["DeletionPolicy"] == "Delete"
    assert auto_delete["Properties"]["BucketName"] == {"Ref": bucket}


def test_physical_names_are_left_to_cloudformation(resources: dict[str, dict[str, Any]]) -> None:
    name_properties = {
        "AWS::Lambda::Function": "FunctionName",
        "AWS::DynamoDB::Table": "TableName",
        "AWS::SQS::Queue": "QueueName",
        "AWS::SNS::Topic": "TopicName",
        "AWS::S3::Bucket": "BucketName",
        "AWS::IAM::Role": "RoleName",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::StepFunctions::StateMachine": "StateMachineName",
    }
    named = [
        logical_id
        for logical_id, resource in resources.items()
        if name_properties.get(resource["Type"]) in resource.get("Properties", {})
    ]
    assert named == []


def test_stateful_resources_are_deleted_with_the_stack(resources: dict[str, dict[str, Any]]) -> None:
    stateful = {
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::StepFunctions::StateMachine",
    }
    kept = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] in stateful and resource.get("DeletionPolicy") != "Delete"
    ]
    assert kept == []


def test_outputs_hold_everything_the_integration_tests_read(
    synthesized: Synthesized,
) -> None:
    tests_api = _load(EXAMPLE_DIR / "tests" / "inventory_api.py", "example_inventory_tests_api")
    output_keys = set(synthesized.template_json["Outputs"])

    assert {field.name for field in fields(tests_api.StackOutputs)} <= output_keys
    assert {
        "ApiUrl",
        "OrderSagaArn",
        "InventoryTableName",
        "ReservationsTableName",
        "ReserveFunctionName",
        "UpdateStockFunctionName",
        "PublisherFunctionName",
        "EventBusName",
        "DownstreamQueueUrl",
        "AlertsQueueUrl",
        "LowStockTopicArn",
        "LabelsBucketName",
    } <= output_keys
