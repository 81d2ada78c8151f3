"""CDK's Node.js custom resources (AwsCustomResource, the Provider framework with a Python handler,
auto_delete_objects, log_retention) and a Firehose delivery stream to S3 fed directly and by an
EventBridge rule."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from runner.polling import eventually

from .corpus import DeployedApp, assert_destroyed_without_leftovers, deployed

pytestmark = pytest.mark.fidelity


@pytest.fixture(scope="module")
def app(endpoint, tmp_path_factory) -> Iterator[DeployedApp]:
    yield from deployed(endpoint, "providers", 1004, tmp_path_factory)


def archived(app: DeployedApp, prefix: str) -> list[bytes]:
    s3 = app.client("s3")
    bucket = app.outputs["ClickArchiveBucket"]
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return [s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listing]


def test_the_aws_custom_resource_wrote_the_parameter_and_read_it_back(app):
    assert app.outputs["GreetingRead"] == "hello from a custom resource"
    parameter = app.client("ssm").get_parameter(Name=app.outputs["ParameterName"])["Parameter"]
    assert parameter["Value"] == "hello from a custom resource"


def test_the_provider_framework_resource_returned_its_handlers_data(app):
    assert app.outputs["GreetingMessage"] == "hello fidelity"


def test_a_record_put_on_the_delivery_stream_lands_in_the_bucket(app):
    app.client("firehose").put_record(
        DeliveryStreamName=app.outputs["ClickStreamName"], Record={"Data": b'{"click": "direct"}\n'}
    )
    records = eventually(lambda: archived(app, "clicks/"), timeout=20, description="the archived record")
    assert b'{"click": "direct"}\n' in records


def test_an_event_matching_the_rule_is_archived_through_firehose(app):
    app.client("events").put_events(
        Entries=[
            {"Source": "fidelity.clicks", "DetailType": "Click", "Detail": json.dumps({"button": "buy"})}
        ]
    )

    def archived_events() -> list[dict[str, object]]:
        documents = [json.loads(body) for body in archived(app, "clicks/") if body.startswith(b'{"version"')]
        return [document for document in documents if document.get("detail-type") == "Click"]

    events = eventually(archived_events, timeout=20, description="the archived event")
    assert [event["detail"] for event in events] == [{"button": "buy"}]


def test_destroy_runs_the_delete_calls_and_leaves_nothing_behind(app):
    assert_destroyed_without_leftovers(app)
    ssm = app.client("ssm")
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=app.outputs["ParameterName"])
