"""Resource types CDK templates use, created and wired as CloudFormation does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .cfn_testkit import (
    EngineUnderTest,
    engine_without,
    lambda_resources,
    queue_arn,
    receive_bodies,
    unique,
)


def _queue_policy(queue_logical_id: str, principal_service: str) -> dict[str, object]:
    """The QueuePolicy CDK generates for an SNS subscription or an EventBridge target."""
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Action": "sqs:SendMessage",
                        "Effect": "Allow",
                        "Principal": {"Service": principal_service},
                        "Resource": {"Fn::GetAtt": [queue_logical_id, "Arn"]},
                    }
                ],
            },
            "Queues": [{"Ref": queue_logical_id}],
        },
    }


def test_rule_on_custom_bus_creates_and_delivers_to_its_queue_target(engine: EngineUnderTest) -> None:
    bus_name = unique("bus")
    template = {
        "Resources": {
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": bus_name}},
            "Queue": {"Type": "AWS::SQS::Queue"},
            "QueuePolicy": _queue_policy("Queue", "events.amazonaws.com"),
            "Rule": {
                "Type": "AWS::Events::Rule",
                "Properties": {
                    "EventBusName": {"Ref": "Bus"},
                    "EventPattern": {"source": ["orders"]},
                    "State": "ENABLED",
                    "Targets": [{"Arn": {"Fn::GetAtt": ["Queue", "Arn"]}, "Id": "Target0"}],
                },
            },
        },
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    name = unique("rule-bus")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    rules = engine.client("events").list_rules(EventBusName=bus_name)["Rules"]
    assert [rule["EventBusName"] for rule in rules] == [bus_name]
    engine.client("events").put_events(
        Entries=[{"EventBusName": bus_name, "Source": "orders", "DetailType": "placed", "Detail": "{}"}]
    )
    bodies = receive_bodies(engine, engine.outputs(name)["QueueUrl"])
    assert [json.loads(body)["source"] for body in bodies] == ["orders"]


def test_sns_subscription_to_queue_is_created_and_delivers(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Queue": {"Type": "AWS::SQS::Queue"},
            "QueuePolicy": _queue_policy("Queue", "sns.amazonaws.com"),
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "sqs",
                    "TopicArn": {"Ref": "Topic"},
                    "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "RawMessageDelivery": True,
                },
                "DependsOn": ["QueuePolicy"],
            },
        },
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}, "QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    name = unique("sns-sqs")
    engine.create_stack(template, StackName=name)
    outputs = engine.outputs(name)
    sns = engine.client("sns")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=outputs["TopicArn"])["Subscriptions"]
    sns.publish(TopicArn=outputs["TopicArn"], Message="order-1")
    bodies = receive_bodies(engine, outputs["QueueUrl"])
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("sqs", queue_arn(outputs["QueueUrl"]))
    ]
    assert engine.physical_id(name, "Subscription") == subscriptions[0]["SubscriptionArn"]
    assert bodies == ["order-1"]


def test_sns_subscription_to_lambda_is_created(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            **lambda_resources("def handler(event, context):\n    return None\n"),
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "lambda",
                    "TopicArn": {"Ref": "Topic"},
                    "Endpoint": {"Fn::GetAtt": ["Handler", "Arn"]},
                },
            },
        },
        "Outputs": {
            "TopicArn": {"Value": {"Ref": "Topic"}},
            "FunctionArn": {"Value": {"Fn::GetAtt": ["Handler", "Arn"]}},
        },
    }
    name = unique("sns-lambda")
    engine.create_stack(template, StackName=name)
    outputs = engine.outputs(name)
    subscriptions = engine.client("sns").list_subscriptions_by_topic(TopicArn=outputs["TopicArn"])[
        "Subscriptions"
    ]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("lambda", outputs["FunctionArn"])]


def test_queue_policy_is_a_stack_resource_that_sets_and_clears_the_policy(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "QueuePolicy": _queue_policy("Queue", "sns.amazonaws.com"),
        },
        "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
    }
    name = unique("queue-policy")
    engine.create_stack(template, StackName=name)
    sqs = engine.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=engine.outputs(name)["QueueUrl"].rsplit("/", 1)[-1])["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"]).get("Attributes", {})
    listed = [resource.get("LogicalResourceId") for resource in engine.resources(name)]
    assert "QueuePolicy" in listed
    assert engine.physical_id(name, "QueuePolicy")
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "sns.amazonaws.com"}

    # Removing the policy from the template removes it from the queue, and leaves the queue.
    engine.client("cloudformation").update_stack(
        StackName=name,
        TemplateBody=json.dumps(
            {"Resources": {"Queue": template["Resources"]["Queue"]}, "Outputs": template["Outputs"]}
        ),
    )
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["Policy"]).get("Attributes", {})
    assert engine.stack(name)["StackStatus"] == "UPDATE_COMPLETE"
    assert "Policy" not in attributes


def test_topic_policy_sets_the_topic_access_policy(engine: EngineUnderTest) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": {"Ref": "Topic"},
                "Sid": "0",
            }
        ],
    }
    template = {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "TopicPolicy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {"PolicyDocument": document, "Topics": [{"Ref": "Topic"}]},
            },
        },
        "Outputs": {"TopicArn": {"Value": {"Ref": "Topic"}}},
    }
    name = unique("topic-policy")
    engine.create_stack(template, StackName=name)
    topic_arn = engine.outputs(name)["TopicArn"]
    policy = json.loads(engine.client("sns").get_topic_attributes(TopicArn=topic_arn)["Attributes"]["Policy"])
    principals = [statement["Principal"] for statement in policy["Statement"]]
    assert principals == [{"Service": "events.amazonaws.com"}]
    assert policy["Statement"][0]["Resource"] == topic_arn
    assert "TopicPolicy" in [resource["LogicalResourceId"] for resource in engine.resources(name)]


ENFORCE_SSL_STATEMENT = {
    "Action": "s3:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
}


def test_bucket_policy_is_put_on_the_bucket(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "BucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Bucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                **ENFORCE_SSL_STATEMENT,
                                "Resource": [
                                    {"Fn::GetAtt": ["Bucket", "Arn"]},
                                    {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                                ],
                            }
                        ],
                    },
                },
            },
        },
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }
    name = unique("bucket-policy")
    engine.create_stack(template, StackName=name)
    bucket = engine.outputs(name)["BucketName"]
    s3 = engine.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Resource"][0] == f"arn:aws:s3:::{bucket}"
    # The enforce-SSL Deny must not lock the stack's own tools out (see the next test).
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    engine.client("cloudformation").delete_stack(StackName=name)
    s3.delete_object(Bucket=bucket, Key="k")


def test_enforce_ssl_bucket_policy_does_not_deny_every_request(engine: EngineUnderTest) -> None:
    bucket = unique("ssl-only")
    s3 = engine.client("s3")
    s3.create_bucket(Bucket=bucket)
    statement = {**ENFORCE_SSL_STATEMENT, "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    s3.put_object(Bucket=bucket, Key="asset.zip", Body=b"zip")
    assert s3.get_object(Bucket=bucket, Key="asset.zip")["Body"].read() == b"zip"


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


def test_cors_preflight_method_with_a_mock_integration_creates(engine: EngineUnderTest) -> None:
    """The OPTIONS method CDK emits for `default_cors_preflight_options`."""
    template = {
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": unique("api")}},
            "Options": {
                "Type": "AWS::ApiGateway::Method",
                "Properties": {
                    "HttpMethod": "OPTIONS",
                    "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                    "RestApiId": {"Ref": "Api"},
                    "AuthorizationType": "NONE",
                    "Integration": {
                        "Type": "MOCK",
                        "RequestTemplates": {"application/json": "{ statusCode: 200 }"},
                        "IntegrationResponses": [
                            {
                                "StatusCode": "204",
                                "ResponseParameters": {
                                    "method.response.header.Access-Control-Allow-Origin": "'*'"
                                },
                            }
                        ],
                    },
                    "MethodResponses": [
                        {
                            "StatusCode": "204",
                            "ResponseParameters": {
                                "method.response.header.Access-Control-Allow-Origin": True
                            },
                        }
                    ],
                },
            },
        },
        "Outputs": {
            "ApiId": {"Value": {"Ref": "Api"}},
            "RootId": {"Value": {"Fn::GetAtt": ["Api", "RootResourceId"]}},
        },
    }
    name = unique("cors")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    outputs = engine.outputs(name)
    method = engine.client("apigateway").get_method(
        restApiId=outputs["ApiId"], resourceId=outputs["RootId"], httpMethod="OPTIONS"
    )
    assert method["methodIntegration"]["type"] == "MOCK"
    assert list(method["methodIntegration"]["integrationResponses"]) == ["204"]
    assert list(method["methodResponses"]) == ["204"]


@pytest.mark.filterwarnings("ignore:Tried to parse:UserWarning")
def test_a_function_url_output_is_the_functions_url(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            **lambda_resources("def handler(event, context):\n    return None\n"),
            "Url": {
                "Type": "AWS::Lambda::Url",
                "Properties": {"AuthType": "NONE", "TargetFunctionArn": {"Fn::GetAtt": ["Handler", "Arn"]}},
            },
        },
        "Outputs": {
            "FunctionName": {"Value": {"Ref": "Handler"}},
            "FunctionUrl": {"Value": {"Fn::GetAtt": ["Url", "FunctionUrl"]}},
        },
    }
    name = unique("url-output")
    engine.create_stack(template, StackName=name)
    assert engine.stack(name)["StackStatus"] == "CREATE_COMPLETE"
    url = engine.outputs(name)["FunctionUrl"]
    assert url.startswith("https://")
    assert url.endswith(f".lambda-url.{engine.client('lambda').meta.region_name}.on.aws/")


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
