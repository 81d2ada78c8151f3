"""The host Lambda runtime's pure parts: event and log shapes, billing, filters, output framing."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.local.lambda_host.batch_response import failed_item_ids
from runner.local.lambda_host.custom_resources import stringify_properties
from runner.local.lambda_host.eventbridge_target import lambda_event, target_payload
from runner.local.lambda_host.function_spec import FunctionSpec
from runner.local.lambda_host.logs_target import logs_event
from runner.local.lambda_host.outcome import InitReport, InvocationOutcome, InvocationStatus, split_output
from runner.local.lambda_host.record_filters import record_matches
from runner.local.lambda_host.runtimes import UnsupportedRuntimeError, python_version_of
from runner.local.lambda_host.s3_target import complete_s3_event
from runner.local.lambda_host.telemetry import log_messages, report_line


def _spec(memory_mb: int = 128, runtime: str = "python3.12") -> FunctionSpec:
    return FunctionSpec(
        account_id="123456789012",
        region="us-east-1",
        name="orders",
        arn="arn:aws:lambda:us-east-1:123456789012:function:orders",
        version="$LATEST",
        handler="app.handler",
        runtime=runtime,
        memory_mb=memory_mb,
        timeout_s=3,
        environment=(),
        code_sha256="abc",
        code_zip=b"",
        layers=(),
    )


def _outcome(
    duration_ms: float, init_ms: float | None = None, status: InvocationStatus = InvocationStatus.SUCCESS
) -> InvocationOutcome:
    return InvocationOutcome(
        request_id="11111111-2222-3333-4444-555555555555",
        status=status,
        payload=b"null",
        output=("hello",),
        duration_ms=duration_ms,
        max_memory_mb=42,
        init=InitReport(init_ms, ("imported",)) if init_ms is not None else None,
        error_type="Sandbox.Timedout" if status is InvocationStatus.TIMEOUT else None,
    )


def test_report_line_has_aws_fields_and_init_duration_only_on_a_cold_start() -> None:
    warm = report_line(_spec(memory_mb=256), _outcome(12.345))
    cold = report_line(_spec(memory_mb=256), _outcome(12.345, init_ms=200.5))

    assert warm == (
        "REPORT RequestId: 11111111-2222-3333-4444-555555555555\tDuration: 12.35 ms\t"
        "Billed Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 42 MB"
    )
    assert cold.endswith("\tInit Duration: 200.50 ms")
    assert "Billed Duration: 213 ms" in cold


def test_a_timeout_report_says_so() -> None:
    assert report_line(_spec(), _outcome(3000.0, status=InvocationStatus.TIMEOUT)).endswith(
        "\tStatus: timeout"
    )


def test_log_messages_wrap_output_in_start_and_end() -> None:
    messages = log_messages(_spec(), _outcome(1.0, init_ms=5.0))

    assert messages[0] == "INIT_START Runtime Version: python:3.12"
    assert messages[1] == "imported"
    assert messages[2] == "START RequestId: 11111111-2222-3333-4444-555555555555 Version: $LATEST"
    assert messages[3] == "hello"
    assert messages[4] == "END RequestId: 11111111-2222-3333-4444-555555555555"
    assert messages[5].startswith("REPORT ")


@given(st.floats(min_value=0, max_value=900_000), st.floats(min_value=0, max_value=10_000))
def test_billed_duration_covers_duration_and_init_in_whole_milliseconds(duration: float, init: float) -> None:
    billed = _outcome(duration, init_ms=init).billed_duration_ms

    assert billed >= duration + init
    assert billed < duration + init + 1 or billed == 1


def test_output_is_one_event_per_line_and_cr_keeps_a_record_together() -> None:
    raw = b"first\n[ERROR] boom\rTraceback\r  line\n\nlast"

    assert split_output(raw) == ("first", "[ERROR] boom\nTraceback\n  line", "last")


@pytest.mark.parametrize(("runtime", "version"), [("python3.12", "3.12"), ("python3.9", "3.9")])
def test_python_runtimes_run(runtime: str, version: str) -> None:
    assert python_version_of(runtime, "orders") == version


@pytest.mark.parametrize("runtime", ["nodejs20.x", "java21", "provided.al2023", "dotnet8", ""])
def test_other_runtimes_are_refused_by_name(runtime: str) -> None:
    with pytest.raises(UnsupportedRuntimeError, match=r"cannot run runtime .* for function orders"):
        python_version_of(runtime, "orders")


def test_custom_resource_properties_become_strings_at_every_depth() -> None:
    properties = {
        "Enabled": True,
        "Off": False,
        "Count": 3,
        "Ratio": 0.5,
        "Nested": [{"N": 1}, "x"],
        "S": "s",
    }

    assert stringify_properties(properties) == {
        "Enabled": "true",
        "Off": "false",
        "Count": "3",
        "Ratio": "0.5",
        "Nested": [{"N": "1"}, "x"],
        "S": "s",
    }


def test_partial_batch_response_lists_failed_ids_or_none() -> None:
    assert failed_item_ids(b'{"batchItemFailures": [{"itemIdentifier": "a"}, {"itemIdentifier": "b"}]}') == {
        "a",
        "b",
    }
    assert failed_item_ids(b'{"batchItemFailures": []}') == set()
    assert failed_item_ids(b'"done"') is None
    assert failed_item_ids(b"not json") is None


def test_filter_criteria_match_sqs_bodies_as_json() -> None:
    criteria = {"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]}

    assert record_matches(criteria, {"body": json.dumps({"kind": "order"})})
    assert not record_matches(criteria, {"body": json.dumps({"kind": "refund"})})
    assert record_matches(None, {"body": "anything"})


def test_eventbridge_event_for_lambda_has_iso_time_and_no_moto_fields() -> None:
    event = lambda_event({"id": "1", "time": 0, "detail": {"a": 1}, "ingestion-time": 5})

    assert event == {"id": "1", "time": "1970-01-01T00:00:00Z", "detail": {"a": 1}}
    assert json.loads(target_payload({"Input": '{"fixed": true}'}, event, event)) == {"fixed": True}
    assert json.loads(target_payload({"InputPath": "$.detail"}, event, event)) == {"a": 1}


def test_s3_event_is_completed_and_keys_keep_their_slashes() -> None:
    moto_event = {"Records": [{"s3": {"bucket": {"name": "b"}, "object": {"key": "a%2Fb+c.txt"}}}]}

    [record] = complete_s3_event(moto_event, "123456789012")["Records"]

    assert record["s3"]["object"]["key"] == "a/b+c.txt"
    assert record["s3"]["bucket"]["ownerIdentity"] == {"principalId": "123456789012"}
    assert record["userIdentity"]["principalId"] == "AWS:123456789012"
    assert record["s3"]["object"]["sequencer"]


def test_logs_event_is_gzipped_base64_json() -> None:
    event = logs_event(
        "123456789012", "alerts", "/aws/lambda/x", "stream", [{"id": "1", "timestamp": 1, "message": "m"}]
    )

    decoded = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    assert decoded["subscriptionFilters"] == ["alerts"]
    assert decoded["logEvents"][0]["message"] == "m"
