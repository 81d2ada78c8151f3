"""The runner's test helpers against the PR stack, run by the throttling case through the proxy."""

import json

from runner.testing import eventually


def test_an_order_event_is_captured_from_the_bus(stack, capture_events, correlation_id):
    captured = capture_events("default", {"source": ["faults.orders"]})
    entry = {
        "Source": "faults.orders",
        "DetailType": "OrderPlaced",
        "Detail": json.dumps({"correlation_id": correlation_id}),
        "EventBusName": "default",
    }
    assert stack.client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0
    [event] = captured.wait_for({"detail": {"correlation_id": correlation_id}}, timeout=60)
    assert event["detail-type"] == "OrderPlaced"


def test_a_queued_order_is_eventually_received(stack, isolation_key):
    sqs = stack.client("sqs")
    sqs.send_message(QueueUrl=stack["QueueUrl"], MessageBody=isolation_key)

    def received():
        messages = sqs.receive_message(QueueUrl=stack["QueueUrl"], WaitTimeSeconds=1).get("Messages", [])
        return [message for message in messages if message["Body"] == isolation_key]

    assert eventually(received, timeout=60)
