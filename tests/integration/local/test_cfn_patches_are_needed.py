"""Each CloudFormation behaviour this project adds to the engine is the patch's: a second engine
started without it shows MiniStack's own answer (see runner/local/engine_side/spt_engine/patches)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .cfn_testkit import BROKEN_FUNCTION, engine_without, lambda_resources, unique

BUCKET = {
    "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}},
    "Outputs": {"Name": {"Value": {"Ref": "Bucket"}}},
}


def test_without_its_patch_a_stack_deletes_a_bucket_that_holds_objects() -> None:
    with engine_without("cfn_bucket_not_empty") as stock:
        name = unique("full")
        stock.create_stack(BUCKET, StackName=name)
        stock.client("s3").put_object(Bucket=stock.outputs(name)["Name"], Key="k", Body=b"v")

        stock.client("cloudformation").delete_stack(StackName=name)

        statuses = [e["ResourceStatus"] for e in stock.events(name) if e["LogicalResourceId"] == "Bucket"]
    assert statuses[-1] == "DELETE_COMPLETE"


def test_without_its_patch_a_templates_bucket_has_no_tags() -> None:
    with engine_without("cfn_resource_tags") as stock:
        name = unique("untagged")
        stock.create_stack(BUCKET, StackName=name, Tags=[{"Key": "team", "Value": "shop"}])

        with pytest.raises(ClientError) as raised:
            stock.client("s3").get_bucket_tagging(Bucket=stock.outputs(name)["Name"])

    assert raised.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_without_its_patch_a_function_without_its_code_object_deploys() -> None:
    with engine_without("cfn_lambda_code_must_exist") as stock:
        name = unique("no-code")
        resources = {**lambda_resources("unused"), "Handler": BROKEN_FUNCTION}
        stock.create_stack({"Resources": resources}, StackName=name)

        assert stock.stack(name)["StackStatus"] == "CREATE_COMPLETE"


def test_without_its_patch_deleting_an_imported_export_refuses_the_call() -> None:
    with engine_without("cfn_export_in_use") as stock:
        export = unique("export")
        producer = stock.create_stack(
            {
                "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {"Url": {"Value": {"Ref": "Queue"}, "Export": {"Name": export}}},
            },
            StackName=unique("producer"),
        )
        stock.create_stack(
            {
                "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {"Imported": {"Value": {"Fn::ImportValue": export}}},
            },
            StackName=unique("consumer"),
        )

        with pytest.raises(ClientError) as raised:
            stock.client("cloudformation").delete_stack(StackName=producer)

    assert "is imported by stack" in raised.value.response["Error"]["Message"]


def test_without_its_patch_an_update_removes_resources_without_events() -> None:
    with engine_without("cfn_update_cleanup_events") as stock:
        name = unique("cleanup")
        keep = {"Keep": {"Type": "AWS::SQS::Queue"}}
        stock.create_stack({"Resources": {**keep, "Gone": {"Type": "AWS::SNS::Topic"}}}, StackName=name)

        stock.client("cloudformation").update_stack(
            StackName=name, TemplateBody=json.dumps({"Resources": keep})
        )

        assert stock.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
        assert [e for e in stock.events(name) if e["LogicalResourceId"] == "Gone"][-1]["ResourceStatus"] == (
            "CREATE_COMPLETE"
        )


def test_without_its_patch_a_rollback_does_not_name_the_failed_resource() -> None:
    with engine_without("cfn_rollback_reason") as stock:
        name = unique("rollback")
        stock.create_stack(
            {"Resources": {**lambda_resources("x"), "Handler": BROKEN_FUNCTION}}, StackName=name
        )

        rollback = [e for e in stock.events(name) if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS"]

    assert rollback[0]["ResourceStatusReason"] == "Rollback requested"
