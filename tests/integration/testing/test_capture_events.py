"""capture_events against the embedded endpoint: EventBridge rule -> temporary SQS queue."""

from __future__ import annotations

import json

import pytest

from runner.destroy.capture_sweep import sweep_captures
from runner.testing.events import CAPTURE_PREFIX, EventCapture

PATTERN = {"source": ["shop.inventory"], "detail-type": ["StockReserved"]}


@pytest.fixture
def bus(aws, unique_name):
    name = unique_name("bus")
    aws("events").create_event_bus(Name=name)
    return name


def publish(aws, bus, correlation_id, detail_type="StockReserved", **detail):
    entry = {
        "EventBusName": bus,
        "Source": "shop.inventory",
        "DetailType": detail_type,
        "Detail": json.dumps({"correlationId": correlation_id, **detail}),
    }
    assert aws("events").put_events(Entries=[entry])["FailedEntryCount"] == 0


def capture(aws, bus, **options):
    tags = {"serverless-pr-test:managed": "true", "serverless-pr-test:run-id": "run-1"}
    return EventCapture(aws("events"), aws("sqs"), bus, PATTERN, run_id="run-1", tags=tags, **options)


def capture_rules(aws, bus):
    return aws("events").list_rules(NamePrefix=CAPTURE_PREFIX, EventBusName=bus)["Rules"]


def test_wait_for_returns_matching_events_and_keeps_the_rest_for_later(aws, bus):
    with capture(aws, bus) as events:
        publish(aws, bus, "run-1-a", sku="A")
        publish(aws, bus, "run-1-b", sku="B")
        publish(aws, bus, "run-1-c", detail_type="LowStock")  # outside the pattern: never captured
        [second] = events.wait_for({"detail": {"correlationId": "run-1-b"}}, timeout=10)
        assert second["detail"]["sku"] == "B"
        [first] = events.wait_for(lambda event: event["detail"]["correlationId"] == "run-1-a", timeout=10)
        assert first["detail-type"] == "StockReserved"
        with pytest.raises(AssertionError, match=r"expected 1 event\(s\) matching .*run-1-c.* got 0 after"):
            events.wait_for({"detail": {"correlationId": "run-1-c"}}, timeout=1)
        attributes = aws("sqs").get_queue_attributes(
            QueueUrl=events.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        assert attributes == {
            "ApproximateNumberOfMessages": "0",
            "ApproximateNumberOfMessagesNotVisible": "0",
        }


def test_wait_for_counts_several_events_and_lists_others_on_timeout(aws, bus):
    with capture(aws, bus) as events:
        for sku in ("A", "B", "C"):
            publish(aws, bus, f"run-1-{sku}", sku=sku, order="o1")
        publish(aws, bus, "run-1-x", order="o2")
        found = events.wait_for({"detail": {"order": "o1"}}, count=3, timeout=10)
        assert [event["detail"]["sku"] for event in found] == ["A", "B", "C"]
        with pytest.raises(
            AssertionError, match=r"got 0 .*1 other event\(s\) captured: shop.inventory/StockReserved"
        ):
            events.wait_for({"detail": {"order": "o3"}}, timeout=1)
        assert (
            events.wait_for({"detail": {"order": "o2"}}, timeout=5)[0]["detail"]["correlationId"] == "run-1-x"
        )


def test_run_id_path_captures_only_this_runs_events(aws, bus):
    with capture(aws, bus, run_id_path="detail.correlationId") as events:
        assert events.pattern["detail"] == {"correlationId": [{"prefix": "run-1"}]}
        publish(aws, bus, "other-run-7", sku="theirs")
        publish(aws, bus, "run-1-mine", sku="mine")
        assert [e["detail"]["sku"] for e in events.wait_for(count=1, timeout=10)] == ["mine"]
        with pytest.raises(AssertionError):
            events.wait_for(timeout=1)


def test_queue_and_rule_carry_the_policy_and_managed_tags(aws, bus):
    with capture(aws, bus) as events:
        rule = aws("events").describe_rule(Name=events.name, EventBusName=bus)
        attributes = aws("sqs").get_queue_attributes(QueueUrl=events.queue_url, AttributeNames=["Policy"])
        policy = json.loads(attributes["Attributes"]["Policy"])
        statement = policy["Statement"][0]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]
        queue_tags = aws("sqs").list_queue_tags(QueueUrl=events.queue_url)["Tags"]
        rule_tags = aws("events").list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]
        assert queue_tags["serverless-pr-test:managed"] == "true"
        assert {"Key": "serverless-pr-test:run-id", "Value": "run-1"} in rule_tags


def test_close_deletes_rule_and_queue_and_is_idempotent(aws, bus):
    events = capture(aws, bus).start()
    queue_url = events.queue_url
    assert len(capture_rules(aws, bus)) == 1
    events.close()
    events.close()
    assert capture_rules(aws, bus) == []
    assert queue_url not in aws("sqs").list_queues(QueueNamePrefix=CAPTURE_PREFIX).get("QueueUrls", [])
    aws("events").delete_event_bus(Name=bus)


def test_sweep_removes_captures_a_crashed_run_left_behind(aws, bus):
    left_behind = capture(aws, bus).start()
    assert sweep_captures(aws("events"), aws("sqs"), [bus], run_id="other-run") == []
    assert sweep_captures(aws("events"), aws("sqs"), [bus], run_id="run-1") == [left_behind.name]
    assert capture_rules(aws, bus) == []
    assert left_behind.queue_url not in aws("sqs").list_queues(QueueNamePrefix=CAPTURE_PREFIX).get(
        "QueueUrls", []
    )


def test_the_fixture_tears_captures_down_when_the_test_fails(pytester, aws, bus, record_for, monkeypatch):
    monkeypatch.delenv("SPT_RUN_ID", raising=False)
    record = record_for({"BusName": bus})
    pytester.makepyfile(
        """
        import json

        def test_event_flow(stack, capture_events, correlation_id):
            events = capture_events(stack["BusName"], {"source": ["shop.inventory"]}, "detail.correlationId")
            stack.client("events").put_events(Entries=[{
                "EventBusName": stack["BusName"], "Source": "shop.inventory", "DetailType": "StockReserved",
                "Detail": json.dumps({"correlationId": correlation_id}),
            }])
            assert events.wait_for({"detail": {"correlationId": correlation_id}}, timeout=10)
            assert False, "the test fails after capturing"
        """
    )
    result = pytester.runpytest(f"--spt-record={record}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the test fails after capturing*"])
    assert capture_rules(aws, bus) == []
