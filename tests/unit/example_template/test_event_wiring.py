"""Tables, streams, the custom bus, the low-stock topic and the queues: how events flow through the app."""

from typing import Any

from .conftest import _function, _only, _queue, _table


def test_inventory_table_streams_new_and_old_images(template: Any) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )


def test_reservations_table_is_keyed_by_idempotency_key_and_streams_new_items(template: Any) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "idempotency_key", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
        },
    )


def test_publisher_reads_both_table_streams_with_partial_batch_failures(
    resources: dict[str, dict[str, Any]],
) -> None:
    publisher = _function(resources, "publisher.handler")
    mappings = [
        resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::Lambda::EventSourceMapping"
    ]

    assert sorted(mapping["EventSourceArn"]["Fn::GetAtt"][0] for mapping in mappings) == sorted(
        [_table(resources, "sku"), _table(resources, "idempotency_key")]
    )
    for mapping in mappings:
        assert mapping["FunctionName"] == {"Ref": publisher}
        assert mapping["EventSourceArn"]["Fn::GetAtt"][1] == "StreamArn"
        assert mapping["StartingPosition"] == "TRIM_HORIZON"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_stock_reserved_events_on_the_custom_bus_go_to_the_downstream_queue(
    resources: dict[str, dict[str, Any]],
) -> None:
    bus = _only(resources, "AWS::Events::EventBus")
    rule = resources[
        _only(
            resources,
            "AWS::Events::Rule",
            EventPattern={"source": ["inventory.reservations"], "detail-type": ["StockReserved"]},
        )
    ]["Properties"]

    assert rule["EventBusName"] == {"Ref": bus}
    assert [target["Arn"] for target in rule["Targets"]] == [
        {"Fn::GetAtt": [_queue(resources, "Downstream"), "Arn"]}
    ]


def test_reserve_stock_commands_on_the_custom_bus_invoke_reserve(
    resources: dict[str, dict[str, Any]],
) -> None:
    bus = _only(resources, "AWS::Events::EventBus")
    reserve = _function(resources, "reserve.handler")
    rule = resources[_only(resources, "AWS::Events::Rule", EventPattern={"detail-type": ["ReserveStock"]})]

    assert rule["Properties"]["EventBusName"] == {"Ref": bus}
    assert [target["Arn"] for target in rule["Properties"]["Targets"]] == [{"Fn::GetAtt": [reserve, "Arn"]}]
    _only(resources, "AWS::Lambda::Permission", Principal="events.amazonaws.com")


def test_low_stock_topic_delivers_to_the_alerts_queue(resources: dict[str, dict[str, Any]]) -> None:
    topic = _only(resources, "AWS::SNS::Topic")
    subscription = resources[_only(resources, "AWS::SNS::Subscription", Protocol="sqs")]["Properties"]

    assert subscription["TopicArn"] == {"Ref": topic}
    assert subscription["Endpoint"] == {"Fn::GetAtt": [_queue(resources, "Alerts"), "Arn"]}


def test_publisher_knows_the_bus_topic_and_default_threshold(resources: dict[str, dict[str, Any]]) -> None:
    publisher = resources[_function(resources, "publisher.handler")]["Properties"]
    variables = publisher["Environment"]["Variables"]

    assert variables["EVENT_BUS_NAME"] == {"Ref": _only(resources, "AWS::Events::EventBus")}
    assert variables["LOW_STOCK_TOPIC_ARN"] == {"Ref": _only(resources, "AWS::SNS::Topic")}
    assert variables["LOW_STOCK_THRESHOLD"] == "5"
