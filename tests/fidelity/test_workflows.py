"""Order pricing on Step Functions: a standard workflow (Wait, Map, Lambda with Retry and Catch,
Choice, Parallel, SQS, SNS, DynamoDB and EventBridge tasks) started directly and by an EventBridge
rule, and an express workflow called synchronously."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from runner.polling import eventually

from .corpus import DeployedApp, assert_destroyed_without_leftovers, deployed

pytestmark = pytest.mark.fidelity


@pytest.fixture(scope="module")
def app(endpoint, tmp_path_factory) -> Iterator[DeployedApp]:
    yield from deployed(endpoint, "workflows", 1002, tmp_path_factory)


def finished(app: DeployedApp, execution_arn: str) -> dict[str, Any]:
    states = app.client("stepfunctions")
    return eventually(
        lambda: states.describe_execution(executionArn=execution_arn),
        until=lambda execution: execution["status"] != "RUNNING",
        timeout=60,
        description="the execution's end",
    )


def price(app: DeployedApp, order: dict[str, Any]) -> dict[str, Any]:
    states = app.client("stepfunctions")
    started = states.start_execution(stateMachineArn=app.outputs["PricingArn"], input=json.dumps(order))
    execution = finished(app, started["executionArn"])
    assert execution["status"] == "SUCCEEDED", execution
    return json.loads(execution["output"])


def received(app: DeployedApp, output: str) -> list[Any]:
    sqs = app.client("sqs")

    def bodies() -> list[Any]:
        answer = sqs.receive_message(QueueUrl=app.outputs[output], WaitTimeSeconds=1, MaxNumberOfMessages=10)
        return [json.loads(message["Body"]) for message in answer.get("Messages", [])]

    return eventually(bodies, timeout=15, description=f"a message on {output}")


def test_a_small_order_is_priced_after_a_retry_then_shipped_recorded_and_announced(app):
    order = {
        "orderId": "o-small",
        "items": [{"sku": "a", "qty": 2, "unit": 5}, {"sku": "b", "qty": 1, "unit": 7}],
    }
    # attempts == 2: the first call raised TransientError and the Retry on that name ran it again.
    assert price(app, order) == {"orderId": "o-small", "status": "priced", "total": 17, "attempts": 2}
    item = app.client("dynamodb").get_item(
        TableName=app.outputs["OrdersTable"], Key={"orderId": {"S": "o-small"}}
    )
    assert item["Item"]["total"] == {"N": "17"}
    assert received(app, "ShipmentsQueueUrl") == [{"orderId": "o-small"}]
    announced = received(app, "AuditQueueUrl")
    assert [(event["detail-type"], event["detail"]) for event in announced] == [
        ("OrderPriced", {"orderId": "o-small", "total": 17})
    ]


def test_a_big_order_asks_for_review_over_sns(app):
    order = {"orderId": "o-big", "items": [{"sku": "a", "qty": 20, "unit": 50}]}
    assert price(app, order)["total"] == 1000
    assert received(app, "ReviewInboxUrl") == [{"orderId": "o-big", "total": 1000}]


def test_an_unpriceable_order_is_caught_and_rejected(app):
    order = {"orderId": "o-odd", "items": [{"sku": "unknown", "qty": 1, "unit": 5}]}
    assert price(app, order) == {"orderId": "o-odd", "status": "rejected", "reason": "PriceUnavailable"}


def test_an_order_placed_event_starts_the_pricing_workflow(app):
    detail = {"orderId": "o-event", "items": [{"sku": "c", "qty": 3, "unit": 1}]}
    app.client("events").put_events(
        Entries=[{"Source": "fidelity.shop", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}]
    )
    states = app.client("stepfunctions")

    def started_by_the_event() -> list[str]:
        executions = states.list_executions(stateMachineArn=app.outputs["PricingArn"])["executions"]
        arns = [execution["executionArn"] for execution in executions]
        return [
            arn for arn in arns if json.loads(states.describe_execution(executionArn=arn)["input"]) == detail
        ]

    execution = finished(app, eventually(started_by_the_event, timeout=15)[0])
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"])["total"] == 3


def test_the_express_quote_answers_synchronously(app):
    answer = app.client("stepfunctions").start_sync_execution(
        stateMachineArn=app.outputs["QuoteArn"], input=json.dumps({"sku": "z", "qty": 3, "unit": 2})
    )
    assert answer["status"] == "SUCCEEDED"
    assert json.loads(answer["output"]) == {"sku": "z", "total": 6}


def test_destroy_leaves_nothing_behind(app):
    assert_destroyed_without_leftovers(app)
