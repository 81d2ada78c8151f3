"""Event rules, subscriptions and queue and topic policies, created and wired as CloudFormation does."""

from __future__ import annotations

import json

from .cfn_testkit import EngineUnderTest, lambda_resources, queue_arn, receive_bodies, unique


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
