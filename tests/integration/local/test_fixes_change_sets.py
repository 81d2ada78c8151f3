"""Change sets and updates the way the CDK CLI drives them, against stock and fixed moto."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from .cfn_testkit import Moto, assert_call_fails, lambda_resources, unique

CHANGE_SET = "cdk-deploy-change-set"  # the name the CDK CLI uses for every stack


def _queue_template(output_name: str = "QueueUrl") -> dict[str, object]:
    return {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {output_name: {"Value": {"Ref": "Queue"}}},
    }


def _create_change_set(moto: Moto, stack_name: str, template: dict[str, object], **kwargs: object) -> str:
    cloudformation = moto.client("cloudformation")
    response = cloudformation.create_change_set(
        StackName=stack_name, ChangeSetName=CHANGE_SET, TemplateBody=json.dumps(template), **kwargs
    )
    return str(response["Id"])


def test_change_set_names_resolve_within_their_stack(moto: Moto) -> None:
    first, second = unique("first"), unique("second")
    _create_change_set(moto, first, _queue_template(), ChangeSetType="CREATE")
    _create_change_set(moto, second, _queue_template(), ChangeSetType="CREATE")
    cloudformation = moto.client("cloudformation")
    described = cloudformation.describe_change_set(StackName=first, ChangeSetName=CHANGE_SET)
    if not moto.fixed:
        assert described["StackName"] == second  # the other stack's change set
        assert_call_fails(lambda: cloudformation.delete_change_set(StackName=first, ChangeSetName="gone"))
        return

    assert described["StackName"] == first
    assert [s["StackName"] for s in cloudformation.list_change_sets(StackName=first)["Summaries"]] == [first]
    cloudformation.execute_change_set(StackName=second, ChangeSetName=CHANGE_SET)
    assert moto.stack(second)["StackStatus"] == "CREATE_COMPLETE"
    assert moto.stack(first)["StackStatus"] == "REVIEW_IN_PROGRESS"
    # The CDK CLI deletes its change-set name before each deploy; unknown names succeed.
    cloudformation.delete_change_set(StackName=second, ChangeSetName="gone")


def test_executing_a_create_change_set_builds_outputs_and_tags(moto: Moto) -> None:
    name = unique("create-cs")
    _create_change_set(
        moto, name, _queue_template(), ChangeSetType="CREATE", Tags=[{"Key": "team", "Value": "shop"}]
    )
    moto.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    stack = moto.stack(name)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    if not moto.fixed:
        assert "Outputs" not in stack
        return
    assert list(moto.outputs(name)) == ["QueueUrl"]
    assert moto.outputs(name)["QueueUrl"] == moto.physical_id(name, "Queue")
    assert {"Key": "team", "Value": "shop"} in stack["Tags"]


def test_update_change_set_replaces_outputs(moto: Moto) -> None:
    name = unique("update-cs")
    moto.create_stack(_queue_template(), StackName=name)
    _create_change_set(moto, name, _queue_template("Renamed"), ChangeSetType="UPDATE")
    moto.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert list(moto.outputs(name)) == (["Renamed"] if moto.fixed else ["QueueUrl"])


DEFAULTED_PARAMETER_TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String", "Default": "test"}},
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {"Stage": {"Value": {"Ref": "Stage"}}},
}


def test_use_previous_value_of_a_defaulted_parameter_keeps_the_default(moto: Moto) -> None:
    name = unique("defaulted")
    moto.create_stack(DEFAULTED_PARAMETER_TEMPLATE, StackName=name)
    changed = {
        **DEFAULTED_PARAMETER_TEMPLATE,
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Other": {"Type": "AWS::SQS::Queue"}},
    }

    def update() -> None:
        moto.client("cloudformation").update_stack(
            StackName=name,
            TemplateBody=json.dumps(changed),
            Parameters=[{"ParameterKey": "Stage", "UsePreviousValue": True}],
        )

    if not moto.fixed:
        assert_call_fails(update)  # KeyError: 'Stage'
        return
    update()
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert moto.outputs(name) == {"Stage": "test"}


def test_use_previous_value_of_an_ssm_parameter_is_resolved_from_its_path(moto: Moto) -> None:
    """CDK's BootstrapVersion parameter: type AWS::SSM::Parameter::Value<String>, default an SSM path."""
    path = f"/cdk-bootstrap/{unique('q')}/version"
    moto.client("ssm").put_parameter(Name=path, Value="30", Type="String")
    template = {
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": path}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Version": {"Value": {"Ref": "BootstrapVersion"}}},
    }
    name = unique("ssm-param")
    moto.create_stack(template, StackName=name)
    assert moto.outputs(name) == {"Version": "30"}
    changed = {
        **template,
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Other": {"Type": "AWS::SQS::Queue"}},
    }

    _create_change_set(
        moto,
        name,
        changed,
        ChangeSetType="UPDATE",
        Parameters=[{"ParameterKey": "BootstrapVersion", "UsePreviousValue": True}],
    )

    def execute() -> None:
        moto.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)

    if not moto.fixed:
        # The resolved value "30" is looked up as a parameter name: ParameterNotFound escapes.
        assert_call_fails(execute)
        return
    execute()
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert moto.outputs(name) == {"Version": "30"}


def test_update_keeps_resources_declared_without_properties(moto: Moto) -> None:
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    name = unique("bare-topic")
    moto.create_stack(template, StackName=name)
    topic_arn = moto.outputs(name)["TopicArn"]
    sns, sqs = moto.client("sns"), moto.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("subscriber"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    unrelated_change = {
        **template,
        "Resources": {**template["Resources"], "Queue": {"Type": "AWS::SQS::Queue"}},
    }
    moto.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(unrelated_change))
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    if not moto.fixed:
        assert moto.outputs(name)["TopicArn"] != topic_arn  # the topic was re-created under a new name
        return
    assert moto.outputs(name)["TopicArn"] == topic_arn
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [queue_arn]


def test_inline_lambda_update_stores_a_zip_of_the_new_source(moto: Moto) -> None:
    first = "def handler(event, context):\n    return 1\n"
    second = "def handler(event, context):\n    return 2\n"
    name = unique("inline-fn")
    outputs = {"FunctionName": {"Value": {"Ref": "Handler"}}}
    moto.create_stack({"Resources": lambda_resources(first), "Outputs": outputs}, StackName=name)

    def update() -> None:
        moto.client("cloudformation").update_stack(
            StackName=name,
            TemplateBody=json.dumps({"Resources": lambda_resources(second), "Outputs": outputs}),
        )

    if not moto.fixed:
        # moto base64-decodes the source text as if it were a zip: binascii.Error, HTTP 500.
        assert_call_fails(update)
        return
    update()
    assert moto.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    function_name = moto.outputs(name)["FunctionName"]
    configuration = moto.client("lambda").get_function(FunctionName=function_name)["Configuration"]
    stored = _stored_code(function_name)
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        assert archive.read("index.py").decode() == second
    assert configuration["CodeSha256"] == base64.b64encode(hashlib.sha256(stored).digest()).decode()


def _stored_code(function_name: str) -> bytes:
    """The fixed endpoint runs in this process, so its Lambda backend can be read directly."""
    from moto.awslambda.utils import get_backend

    return bytes(get_backend("123456789012", "us-east-1").get_function(function_name).code_bytes)


def test_change_set_stacks_export_and_import_values(moto: Moto) -> None:
    """CDK turns a cross-stack reference into an Export in one stack and Fn::ImportValue in the other."""
    export_name = unique("shared-queue-url")
    producer, consumer = unique("producer"), unique("consumer")
    exporting = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}, "Export": {"Name": export_name}}},
    }
    importing = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"ImportedUrl": {"Value": {"Fn::ImportValue": export_name}}},
    }
    cloudformation = moto.client("cloudformation")
    _create_change_set(moto, producer, exporting, ChangeSetType="CREATE")
    cloudformation.execute_change_set(StackName=producer, ChangeSetName=CHANGE_SET)
    _create_change_set(moto, consumer, importing, ChangeSetType="CREATE")

    cloudformation.execute_change_set(StackName=consumer, ChangeSetName=CHANGE_SET)
    exports = {e["Name"]: e["Value"] for e in cloudformation.list_exports()["Exports"]}
    if not moto.fixed:
        assert export_name not in exports  # a stack built from a change set never registers its exports
        assert "Outputs" not in moto.stack(consumer)
        return
    assert exports[export_name] == moto.outputs(producer)["QueueUrl"]
    assert moto.outputs(consumer) == {"ImportedUrl": exports[export_name]}


def test_create_change_set_reuses_a_review_stack_and_refuses_a_deployed_name(moto: Moto) -> None:
    name = unique("retry-create")
    cloudformation = moto.client("cloudformation")
    # A first deploy whose change set was never executed, then the retry (the CDK CLI uses CREATE again).
    _create_change_set(moto, name, _queue_template(), ChangeSetType="CREATE")
    _create_change_set(moto, name, _queue_template("Renamed"), ChangeSetType="CREATE")
    same_name = [s for s in cloudformation.describe_stacks()["Stacks"] if s["StackName"] == name]
    if not moto.fixed:
        assert len(same_name) == 2
        return
    assert [s["StackStatus"] for s in same_name] == ["REVIEW_IN_PROGRESS"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    assert list(moto.outputs(name)) == ["Renamed"]
    with pytest.raises(ClientError, match="AlreadyExists"):
        _create_change_set(moto, name, _queue_template(), ChangeSetType="CREATE")


def test_change_set_changes_name_the_changed_properties(moto: Moto) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": unique("named")}},
        }
    }
    name = unique("details")
    moto.create_stack(template, StackName=name)
    changed = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2}},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": unique("renamed")}},
        }
    }
    _create_change_set(moto, name, changed, ChangeSetType="UPDATE")
    described = moto.client("cloudformation").describe_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]}
    if not moto.fixed:
        assert "Details" not in changes["Queue"]  # `cdk diff` then hides deploy-time differences
        return
    assert [d["Target"]["Name"] for d in changes["Queue"]["Details"]] == ["DelaySeconds"]
    assert changes["Queue"]["Details"][0]["Target"]["RequiresRecreation"] == "Never"
    assert changes["Queue"]["Replacement"] == "False"
    assert changes["Queue"]["PhysicalResourceId"] == moto.physical_id(name, "Queue")
    assert changes["Named"]["Details"][0]["Target"] == {
        "Attribute": "Properties",
        "Name": "QueueName",
        "RequiresRecreation": "Always",
    }
    assert changes["Named"]["Replacement"] == "True"
