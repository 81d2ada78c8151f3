"""Event-driven consumers: SQS, SNS, S3 (with a prefix filter), a DynamoDB stream and a
`rate(1 minute)` schedule, each feeding a function that records what it saw."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from runner.polling import eventually

from .corpus import DeployedApp, assert_destroyed_without_leftovers, deployed

pytestmark = pytest.mark.fidelity
# AWS fires `rate(1 minute)` within a minute of the rule's creation; MiniStack's scheduler thread fires
# a rate() rule one interval after its CreationTime, then every interval (measured: 61 s after the
# deploy). 75 s from the end of the deploy bounds the wait honestly.
SCHEDULE_BOUND_SECONDS = 75


@pytest.fixture(scope="module")
def app(endpoint, tmp_path_factory) -> Iterator[DeployedApp]:
    yield from deployed(endpoint, "event_triggers", 1003, tmp_path_factory)


def seen(app: DeployedApp, prefix: str) -> list[str]:
    table = app.client("dynamodb")
    items = table.scan(TableName=app.outputs["SeenTable"], ConsistentRead=True)["Items"]
    return sorted(item["pk"]["S"] for item in items if item["pk"]["S"].startswith(prefix))


def test_an_sqs_message_reaches_the_python_consumer(app):
    app.client("sqs").send_message(
        QueueUrl=app.outputs["JobsQueueUrl"], MessageBody=json.dumps({"job": "j1"})
    )
    assert eventually(lambda: seen(app, "sqs#"), timeout=20) == ["sqs#j1"]


def test_an_sns_notification_reaches_the_subscribed_function(app):
    app.client("sns").publish(TopicArn=app.outputs["AlertsTopicArn"], Subject="disk-full", Message="90%")
    assert eventually(lambda: seen(app, "sns#"), timeout=20) == ["sns#disk-full"]


def test_an_upload_under_the_filtered_prefix_reaches_the_function_and_others_do_not(app):
    s3 = app.client("s3")
    s3.put_object(Bucket=app.outputs["UploadsBucket"], Key="other/skip.txt", Body=b"no")
    s3.put_object(Bucket=app.outputs["UploadsBucket"], Key="incoming/report.csv", Body=b"a,b\n")
    assert eventually(lambda: seen(app, "s3#"), timeout=20) == ["s3#incoming/report.csv"]


def test_a_table_change_reaches_the_node_stream_reader(app):
    app.client("dynamodb").put_item(
        TableName=app.outputs["ProfilesTable"], Item={"userId": {"S": "u1"}, "name": {"S": "Ann"}}
    )
    assert eventually(lambda: seen(app, "stream#"), timeout=20) == ["stream#INSERT#u1"]


def test_the_bucket_carries_the_auto_delete_team_and_pr_tags(app):
    tag_set = app.client("s3").get_bucket_tagging(Bucket=app.outputs["UploadsBucket"])["TagSet"]
    tags = {tag["Key"]: tag["Value"] for tag in tag_set}
    assert tags["aws-cdk:auto-delete-objects"] == "true"
    assert tags["team"] == "fidelity"
    assert tags["serverless-pr-test:pr"] == "1003"


def test_the_every_minute_schedule_fires_within_75_seconds_of_the_deploy(app):
    remaining = SCHEDULE_BOUND_SECONDS - (time.monotonic() - app.deployed_at)
    ticks = eventually(
        lambda: seen(app, "tick#"), timeout=max(remaining, 1.0), description="a scheduled tick"
    )
    assert len(ticks) >= 1


def test_destroy_empties_the_auto_delete_bucket_and_leaves_nothing_behind(app):
    assert app.client("s3").list_objects_v2(Bucket=app.outputs["UploadsBucket"])["KeyCount"] >= 1
    assert_destroyed_without_leftovers(app)
