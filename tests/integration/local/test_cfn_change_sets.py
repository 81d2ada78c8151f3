"""Change sets and updates the way the CDK CLI drives them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import urllib.request
import zipfile

import pytest
from botocore.exceptions import ClientError

from .cfn_testkit import EngineUnderTest, lambda_resources, unique

CHANGE_SET = "cdk-deploy-change-set"  # the name the CDK CLI uses for every stack


def _queue_template(output_name: str = "QueueUrl") -> dict[str, object]:
    return {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {output_name: {"Value": {"Ref": "Queue"}}},
    }


def _create_change_set(
    engine: EngineUnderTest, stack_name: str, template: dict[str, object], **kwargs: object
) -> str:
    cloudformation = engine.client("cloudformation")
    response = cloudformation.create_change_set(
        StackName=stack_name, ChangeSetName=CHANGE_SET, TemplateBody=json.dumps(template), **kwargs
    )
    return str(response["Id"])


def test_change_set_names_resolve_within_their_stack(engine: EngineUnderTest) -> None:
    first, second = unique("first"), unique("second")
    _create_change_set(engine, first, _queue_template(), ChangeSetType="CREATE")
    _create_change_set(engine, second, _queue_template(), ChangeSetType="CREATE")
    cloudformation = engine.client("cloudformation")
    described = cloudformation.describe_change_set(StackName=first, ChangeSetName=CHANGE_SET)
    assert described["StackName"] == first
    assert [s["StackName"] for s in cloudformation.list_change_sets(StackName=first)["Summaries"]] == [first]
    cloudformation.execute_change_set(StackName=second, ChangeSetName=CHANGE_SET)
    assert engine.stack(second)["StackStatus"] == "CREATE_COMPLETE"
    assert engine.stack(first)["StackStatus"] == "REVIEW_IN_PROGRESS"
    # The CDK CLI deletes its change-set name before each deploy; unknown names succeed.
    cloudformation.delete_change_set(StackName=second, ChangeSetName="gone")


def test_executing_a_create_change_set_builds_outputs_and_tags(engine: EngineUnderTest) -> None:
    name = unique("create-cs")
    _create_change_set(
        engine, name, _queue_template(), ChangeSetType="CREATE", Tags=[{"Key": "team", "Value": "shop"}]
    )
    engine.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    stack = engine.stack(name)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert list(engine.outputs(name)) == ["QueueUrl"]
    assert engine.outputs(name)["QueueUrl"] == engine.physical_id(name, "Queue")
    assert {"Key": "team", "Value": "shop"} in stack["Tags"]


def test_update_change_set_replaces_outputs(engine: EngineUnderTest) -> None:
    name = unique("update-cs")
    engine.create_stack(_queue_template(), StackName=name)
    renamed = _queue_template("Renamed")
    renamed["Resources"] = {"Queue": {"Type": "AWS::SQS::Queue"}, "Added": {"Type": "AWS::SQS::Queue"}}
    _create_change_set(engine, name, renamed, ChangeSetType="UPDATE")
    engine.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert list(engine.outputs(name)) == (["Renamed"])


DEFAULTED_PARAMETER_TEMPLATE = {
    "Parameters": {"Stage": {"Type": "String", "Default": "test"}},
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {"Stage": {"Value": {"Ref": "Stage"}}},
}


def test_use_previous_value_of_a_defaulted_parameter_keeps_the_default(engine: EngineUnderTest) -> None:
    name = unique("defaulted")
    engine.create_stack(DEFAULTED_PARAMETER_TEMPLATE, StackName=name)
    changed = {
        **DEFAULTED_PARAMETER_TEMPLATE,
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Other": {"Type": "AWS::SQS::Queue"}},
    }

    def update() -> None:
        engine.client("cloudformation").update_stack(
            StackName=name,
            TemplateBody=json.dumps(changed),
            Parameters=[{"ParameterKey": "Stage", "UsePreviousValue": True}],
        )

    update()
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert engine.outputs(name) == {"Stage": "test"}


def test_use_previous_value_of_an_ssm_parameter_is_resolved_from_its_path(engine: EngineUnderTest) -> None:
    """CDK's BootstrapVersion parameter: type AWS::SSM::Parameter::Value<String>, default an SSM path."""
    path = f"/cdk-bootstrap/{unique('q')}/version"
    engine.client("ssm").put_parameter(Name=path, Value="30", Type="String")
    template = {
        "Parameters": {"BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": path}},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Version": {"Value": {"Ref": "BootstrapVersion"}}},
    }
    name = unique("ssm-param")
    engine.create_stack(template, StackName=name)
    assert engine.outputs(name) == {"Version": "30"}
    changed = {
        **template,
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Other": {"Type": "AWS::SQS::Queue"}},
    }

    _create_change_set(
        engine,
        name,
        changed,
        ChangeSetType="UPDATE",
        Parameters=[{"ParameterKey": "BootstrapVersion", "UsePreviousValue": True}],
    )

    def execute() -> None:
        engine.client("cloudformation").execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)

    execute()
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert engine.outputs(name) == {"Version": "30"}


def test_update_keeps_resources_declared_without_properties(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    name = unique("bare-topic")
    engine.create_stack(template, StackName=name)
    topic_arn = engine.outputs(name)["TopicArn"]
    sns, sqs = engine.client("sns"), engine.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("subscriber"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    unrelated_change = {
        **template,
        "Resources": {**template["Resources"], "Queue": {"Type": "AWS::SQS::Queue"}},
    }
    engine.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(unrelated_change))
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert engine.outputs(name)["TopicArn"] == topic_arn
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [queue_arn]


def test_inline_lambda_update_stores_a_zip_of_the_new_source(engine: EngineUnderTest) -> None:
    first = "def handler(event, context):\n    return 1\n"
    second = "def handler(event, context):\n    return 2\n"
    name = unique("inline-fn")
    outputs = {"FunctionName": {"Value": {"Ref": "Handler"}}}
    engine.create_stack({"Resources": lambda_resources(first), "Outputs": outputs}, StackName=name)

    def update() -> None:
        engine.client("cloudformation").update_stack(
            StackName=name,
            TemplateBody=json.dumps({"Resources": lambda_resources(second), "Outputs": outputs}),
        )

    update()
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    function_name = engine.outputs(name)["FunctionName"]
    configuration = engine.client("lambda").get_function(FunctionName=function_name)["Configuration"]
    stored = _stored_code(engine, function_name)
    with zipfile.ZipFile(io.BytesIO(stored)) as archive:
        assert archive.read("index.py").decode() == second
    assert configuration["CodeSha256"] == base64.b64encode(hashlib.sha256(stored).digest()).decode()


def _stored_code(engine: EngineUnderTest, function_name: str) -> bytes:
    """The deployment package, downloaded from GetFunction's `Code.Location` as AWS offers it."""
    location = engine.client("lambda").get_function(FunctionName=function_name)["Code"]["Location"]
    with urllib.request.urlopen(location, timeout=10) as response:
        return bytes(response.read())


def test_change_set_stacks_export_and_import_values(engine: EngineUnderTest) -> None:
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
    cloudformation = engine.client("cloudformation")
    _create_change_set(engine, producer, exporting, ChangeSetType="CREATE")
    cloudformation.execute_change_set(StackName=producer, ChangeSetName=CHANGE_SET)
    _create_change_set(engine, consumer, importing, ChangeSetType="CREATE")

    cloudformation.execute_change_set(StackName=consumer, ChangeSetName=CHANGE_SET)
    exports = {e["Name"]: e["Value"] for e in cloudformation.list_exports()["Exports"]}
    assert exports[export_name] == engine.outputs(producer)["QueueUrl"]
    assert engine.outputs(consumer) == {"ImportedUrl": exports[export_name]}


def test_create_change_set_reuses_a_review_stack_and_refuses_a_deployed_name(engine: EngineUnderTest) -> None:
    name = unique("retry-create")
    cloudformation = engine.client("cloudformation")
    # A first deploy whose change set was never executed, then the retry: the CDK CLI deletes its
    # change-set name (a name is unique per stack) and uses CREATE again.
    _create_change_set(engine, name, _queue_template(), ChangeSetType="CREATE")
    cloudformation.delete_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    _create_change_set(engine, name, _queue_template("Renamed"), ChangeSetType="CREATE")
    same_name = [s for s in cloudformation.describe_stacks()["Stacks"] if s["StackName"] == name]
    assert [s["StackStatus"] for s in same_name] == ["REVIEW_IN_PROGRESS"]
    cloudformation.execute_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    assert list(engine.outputs(name)) == ["Renamed"]
    with pytest.raises(ClientError, match="AlreadyExists"):
        _create_change_set(engine, name, _queue_template(), ChangeSetType="CREATE")


def test_change_set_changes_name_the_changed_properties(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": unique("named")}},
        }
    }
    name = unique("details")
    engine.create_stack(template, StackName=name)
    changed = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 2}},
            "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": unique("renamed")}},
        }
    }
    _create_change_set(engine, name, changed, ChangeSetType="UPDATE")
    described = engine.client("cloudformation").describe_change_set(StackName=name, ChangeSetName=CHANGE_SET)
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in described["Changes"]}
    assert [d["Target"]["Name"] for d in changes["Queue"]["Details"]] == ["DelaySeconds"]
    assert changes["Queue"]["Details"][0]["Target"]["RequiresRecreation"] == "Never"
    assert changes["Queue"]["Replacement"] == "False"
    assert changes["Queue"]["PhysicalResourceId"] == engine.physical_id(name, "Queue")
    assert changes["Named"]["Details"][0]["Target"] == {
        "Attribute": "Properties",
        "Name": "QueueName",
        "RequiresRecreation": "Always",
    }
    assert changes["Named"]["Replacement"] == "True"
