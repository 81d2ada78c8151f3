"""Each trigger the engine drives runs the handler with the event AWS would send; proven by what the handler
writes back to the endpoint (an S3 object per received event)."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from runner.local import LocalEndpoint
from runner.polling import eventually

from .lambda_testkit import client, create_function, unique
from .recording import (
    STREAM_TO_BUS,
    recorder,
    redelivering_queue,
    table_with_stream,
    wait_for_events,
)


def test_dynamodb_stream_runs_the_handler_which_can_publish_to_eventbridge(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    dynamodb, events = client(endpoint, "dynamodb"), client(endpoint, "events")
    table, stream_arn = table_with_stream(dynamodb, "inventory", "sku", "NEW_AND_OLD_IMAGES")
    bus = unique("bus")
    events.create_event_bus(Name=bus)
    events.put_rule(
        Name=unique("rule"), EventBusName=bus, EventPattern=json.dumps({"source": ["test.inventory"]})
    )
    rule = events.list_rules(EventBusName=bus)["Rules"][0]["Name"]
    bus_target = recorder(endpoint, record_bucket, "bus")
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "recorder", "Arn": bus_target}])
    stream_function = recorder(endpoint, record_bucket, "stream", STREAM_TO_BUS, BUS_NAME=bus)
    client(endpoint, "lambda").create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=stream_function, StartingPosition="TRIM_HORIZON", BatchSize=10
    )

    dynamodb.put_item(TableName=table, Item={"sku": {"S": "apple"}, "stock": {"N": "3"}})

    [stream_event] = wait_for_events(endpoint, record_bucket, "stream")
    [record] = stream_event["Records"]
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stream_arn
    assert record["awsRegion"] == endpoint.region
    assert record["dynamodb"]["Keys"] == {"sku": {"S": "apple"}}
    assert record["dynamodb"]["NewImage"] == {"sku": {"S": "apple"}, "stock": {"N": "3"}}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    [bus_event] = wait_for_events(endpoint, record_bucket, "bus")
    assert bus_event["source"] == "test.inventory"
    assert bus_event["detail"] == {"keys": {"sku": {"S": "apple"}}, "change": "INSERT"}
    # The stream keeps its records for other readers.
    streams = client(endpoint, "dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )
    assert len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]) == 1


def test_sqs_mapping_deletes_processed_messages_and_redelivers_failed_ones(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    sqs = client(endpoint, "sqs")
    queue_url, queue_arn = redelivering_queue(sqs, "orders")
    function = recorder(endpoint, record_bucket, "sqs")
    mapping = client(endpoint, "lambda").create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=function, BatchSize=5
    )

    sqs.send_message(
        QueueUrl=queue_url,
        MessageBody="good order",
        MessageAttributes={"priority": {"DataType": "String", "StringValue": "high"}},
    )
    [event] = wait_for_events(endpoint, record_bucket, "sqs")
    [record] = event["Records"]
    assert record["body"] == "good order"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue_arn
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["priority"]["stringValue"] == "high"
    assert record["messageAttributes"]["priority"]["dataType"] == "String"
    eventually(lambda: _queue_is_empty(sqs, queue_url), timeout=10, description="processed message deleted")

    sqs.send_message(QueueUrl=queue_url, MessageBody="poison order")
    deliveries = wait_for_events(endpoint, record_bucket, "sqs", count=3)
    poison_counts = sorted(
        int(r["attributes"]["ApproximateReceiveCount"])
        for e in deliveries
        for r in e["Records"]
        if r["body"] == "poison order"
    )
    # Failed, so not deleted: it came back after the visibility timeout with a higher receive count.
    assert poison_counts[:2] == [1, 2]
    assert not _queue_is_empty(sqs, queue_url)
    # Deleting the mapping stops its poller (the poison message would otherwise come back forever).
    client(endpoint, "lambda").delete_event_source_mapping(UUID=mapping["UUID"])


def _queue_is_empty(sqs: Any, queue_url: str) -> bool:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        attributes["ApproximateNumberOfMessages"] == "0"
        and attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    )


def test_sns_subscription_delivers_the_aws_sns_event(endpoint: LocalEndpoint, record_bucket: str) -> None:
    sns = client(endpoint, "sns")
    topic_arn = sns.create_topic(Name=unique("orders"))["TopicArn"]
    function = recorder(endpoint, record_bucket, "sns")
    subscription_arn = sns.subscribe(TopicArn=topic_arn, Protocol="lambda", Endpoint=function)[
        "SubscriptionArn"
    ]

    message_id = sns.publish(
        TopicArn=topic_arn,
        Message="order placed",
        Subject="orders",
        MessageAttributes={"color": {"DataType": "String", "StringValue": "blue"}},
    )["MessageId"]

    [event] = wait_for_events(endpoint, record_bucket, "sns")
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventSubscriptionArn"] == subscription_arn
    notification = record["Sns"]
    assert notification["TopicArn"] == topic_arn
    assert notification["MessageId"] == message_id
    assert notification["Message"] == "order placed"
    assert notification["Subject"] == "orders"
    assert notification["Type"] == "Notification"
    assert notification["MessageAttributes"] == {"color": {"Type": "String", "Value": "blue"}}


def test_eventbridge_rule_delivers_the_event_and_input_path_to_lambda_targets(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    events = client(endpoint, "events")
    rule = unique("orders-rule")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": ["test.orders"]}))
    whole = recorder(endpoint, record_bucket, "eventbridge-whole")
    detail_only = recorder(endpoint, record_bucket, "eventbridge-detail")
    events.put_targets(
        Rule=rule,
        Targets=[
            {"Id": "whole", "Arn": whole},
            {"Id": "detail", "Arn": detail_only, "InputPath": "$.detail"},
        ],
    )

    entries = events.put_events(
        Entries=[{"Source": "test.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"order": 7})}]
    )

    assert entries["FailedEntryCount"] == 0
    [event] = wait_for_events(endpoint, record_bucket, "eventbridge-whole")
    assert event["id"] == entries["Entries"][0]["EventId"]
    assert event["source"] == "test.orders"
    assert event["detail-type"] == "OrderPlaced"
    assert event["detail"] == {"order": 7}
    assert event["account"] == "123456789012"
    assert event["region"] == endpoint.region
    assert event["time"].endswith("Z")
    assert "ingestion-time" not in event
    assert wait_for_events(endpoint, record_bucket, "eventbridge-detail") == [{"order": 7}]


def test_s3_notification_delivers_the_aws_s3_event(endpoint: LocalEndpoint, record_bucket: str) -> None:
    s3 = client(endpoint, "s3")
    uploads = unique("uploads")
    s3.create_bucket(Bucket=uploads)
    function = recorder(endpoint, record_bucket, "s3")
    s3.put_bucket_notification_configuration(
        Bucket=uploads,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )

    s3.put_object(Bucket=uploads, Key="incoming/report.csv", Body=b"a,b\n1,2\n")

    [event] = wait_for_events(endpoint, record_bucket, "s3")
    [record] = event["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == endpoint.region
    assert record["s3"]["bucket"]["name"] == uploads
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{uploads}"
    assert record["s3"]["object"]["key"] == "incoming/report.csv"
    assert record["s3"]["object"]["size"] == 8
    assert record["s3"]["object"]["sequencer"]
    assert record["userIdentity"]["principalId"]
    assert record["requestParameters"]["sourceIPAddress"]
    assert "x-amz-request-id" in record["responseElements"]


def test_log_subscription_delivers_the_functions_own_log_lines_to_another_function(
    endpoint: LocalEndpoint, record_bucket: str
) -> None:
    alerting = create_function(endpoint, 'def handler(event, context):\n    print("ALERT stock low")\n')
    subscriber = recorder(endpoint, record_bucket, "logs")
    logs = client(endpoint, "logs")
    group = f"/aws/lambda/{alerting}"
    logs.create_log_group(logGroupName=group)
    logs.put_subscription_filter(
        logGroupName=group, filterName="alerts", filterPattern="ALERT", destinationArn=subscriber
    )

    client(endpoint, "lambda").invoke(FunctionName=alerting)

    [event] = wait_for_events(endpoint, record_bucket, "logs")
    delivered = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    assert delivered["logGroup"] == group
    assert delivered["subscriptionFilters"] == ["alerts"]
    assert [log_event["message"] for log_event in delivered["logEvents"]] == ["ALERT stock low"]
