"""What CloudFormation generates for unnamed resources: FIFO names, SSM parameter names, a secret's
value (kept on update), and the engine patch that adds the FIFO suffix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .cfn_testkit import EngineUnderTest, engine_without, unique


def test_unnamed_fifo_queue_and_topic_get_fifo_names(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"FifoQueue": True, "ContentBasedDeduplication": True},
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": True}},
        },
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}, "TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    name = unique("fifo")
    engine.create_stack(template, StackName=name)
    outputs = engine.outputs(name)
    assert outputs["QueueUrl"].endswith(".fifo")
    assert outputs["TopicArn"].endswith(".fifo")


def test_unnamed_ssm_parameter_gets_a_generated_name(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": "v1"}}
        },
        "Outputs": {"ParameterName": {"Value": {"Ref": "Param"}}},
    }
    name = unique("ssm")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    parameter_name = engine.outputs(name)["ParameterName"]
    assert parameter_name.startswith("CFN-Param-")
    assert engine.client("ssm").get_parameter(Name=parameter_name)["Parameter"]["Value"] == "v1"


def test_secret_is_created_with_a_generated_value_and_kept_on_update(engine: EngineUnderTest) -> None:
    generate = {
        "SecretStringTemplate": '{"username": "app"}',
        "GenerateStringKey": "password",
        "PasswordLength": 20,
    }
    template: dict[str, Any] = {
        "Resources": {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {"GenerateSecretString": generate},
            },
            "Queue": {"Type": "AWS::SQS::Queue"},
        },
        "Outputs": {"SecretArn": {"Value": {"Ref": "Secret"}}},
    }
    name = unique("secret")
    stack_id = engine.create_stack(template, StackName=name)
    secrets = engine.client("secretsmanager")
    arn = engine.outputs(name)["SecretArn"]
    value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
    assert value["username"] == "app"
    assert len(value["password"]) == 20

    changed = {**template, "Resources": {**template["Resources"], "Topic": {"Type": "AWS::SNS::Topic"}}}
    changed["Resources"]["Secret"] = {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {"GenerateSecretString": generate, "Description": "app login"},
    }
    engine.client("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(changed))
    assert engine.outputs(name)["SecretArn"] == arn
    assert json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"]) == value

    engine.client("cloudformation").delete_stack(StackName=name)
    assert engine.stack(stack_id)["StackStatus"] == "DELETE_COMPLETE"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        secrets.get_secret_value(SecretId=arn)


def test_without_its_patch_an_unnamed_fifo_topic_lacks_the_fifo_suffix() -> None:
    with engine_without("cfn_generated_names") as stock:
        name = unique("fifo")
        topic = {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": True}}}
        stock.create_stack(
            {"Resources": topic, "Outputs": {"Arn": {"Value": {"Ref": "Topic"}}}}, StackName=name
        )

        assert not stock.outputs(name)["Arn"].endswith(".fifo")
