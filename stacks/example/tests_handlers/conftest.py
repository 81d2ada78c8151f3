"""Run the app's handlers in this process against the embedded local endpoint, with real tables, bus,
topic, queues and a state machine created by boto3 (no CDK, no deploy): fast checks of the handler logic
itself."""

from __future__ import annotations

import importlib
import json
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from handler_env import FUNCTIONS_DIR, LOW_STOCK_THRESHOLD, Handlers, LocalResources

from runner.local import LocalEndpoint


@pytest.fixture(scope="session")
def endpoint() -> Iterator[LocalEndpoint]:
    local = LocalEndpoint.start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in local.env().items():
            patch.setenv(name, value)
        yield local
    local.stop()


@pytest.fixture(scope="session")
def resources(endpoint: LocalEndpoint) -> LocalResources:
    dynamodb = boto3.client("dynamodb")
    tables: tuple[tuple[str, str, Any], ...] = (
        ("Inventory", "sku", "NEW_AND_OLD_IMAGES"),
        ("Reservations", "idempotency_key", "NEW_IMAGE"),
    )
    for name, key, view in tables:
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
        )
    sqs = boto3.client("sqs")
    downstream_url = sqs.create_queue(QueueName="Downstream")["QueueUrl"]
    alerts_url = sqs.create_queue(QueueName="Alerts")["QueueUrl"]
    events = boto3.client("events")
    events.create_event_bus(Name="Bus")
    events.put_rule(
        Name="StockReservedToDownstream",
        EventBusName="Bus",
        EventPattern=json.dumps({"source": ["inventory.reservations"], "detail-type": ["StockReserved"]}),
    )
    events.put_targets(
        Rule="StockReservedToDownstream",
        EventBusName="Bus",
        Targets=[{"Id": "downstream", "Arn": _queue_arn(sqs, downstream_url)}],
    )
    sns = boto3.client("sns")
    topic_arn = sns.create_topic(Name="LowStock")["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=_queue_arn(sqs, alerts_url))
    # Stands in for the order saga: a one-state workflow that ends with the order's shipment.
    saga_arn = boto3.client("stepfunctions").create_state_machine(
        name="OrderSaga",
        roleArn="arn:aws:iam::123456789012:role/OrderSaga",
        definition=json.dumps(
            {
                "StartAt": "Ship",
                "States": {
                    "Ship": {
                        "Type": "Pass",
                        "Result": {"tracking_number": "SP1"},
                        "ResultPath": "$.shipment",
                        "End": True,
                    }
                },
            }
        ),
    )["stateMachineArn"]
    return LocalResources("Inventory", "Reservations", "Bus", downstream_url, alerts_url, topic_arn, saga_arn)


@pytest.fixture(scope="session")
def handlers(resources: LocalResources) -> Iterator[Handlers]:
    """Import the handler modules the way the Lambda runtime does: code dir on sys.path, env set first."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INVENTORY_TABLE_NAME", resources.inventory_table)
        patch.setenv("RESERVATIONS_TABLE_NAME", resources.reservations_table)
        patch.setenv("EVENT_BUS_NAME", resources.bus_name)
        patch.setenv("LOW_STOCK_TOPIC_ARN", resources.topic_arn)
        patch.setenv("LOW_STOCK_THRESHOLD", str(LOW_STOCK_THRESHOLD))
        patch.setenv("ORDER_SAGA_ARN", resources.order_saga_arn)
        patch.syspath_prepend(str(FUNCTIONS_DIR))
        names = (
            "reserve",
            "update_stock",
            "publisher",
            "seed_stock",
            "release",
            "payment",
            "reservations_api",
            "orders_api",
        )
        modules = [importlib.import_module(name) for name in names]
        yield Handlers(*modules)
        for name in (*names, "command_input", "structured_log", "api_gateway"):
            sys.modules.pop(name, None)


@pytest.fixture
def stocked_sku(handlers: Handlers) -> Any:
    """Factory: a new sku (unique per call) with `available` units, set through UpdateStock."""

    def make(available: int) -> str:
        sku = f"SKU-{uuid.uuid4().hex[:12]}"
        result = handlers.update_stock.handler({"sku": sku, "available": available, "sequence": 1}, None)
        assert result["status"] == "APPLIED", result
        return sku

    return make


def _queue_arn(sqs: Any, queue_url: str) -> str:
    return str(
        sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    )
