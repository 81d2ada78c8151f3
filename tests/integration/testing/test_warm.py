"""warm() against handlers the embedded endpoint really runs (host-process Lambda)."""

from __future__ import annotations

import json
import textwrap

import pytest
from defusedxml import ElementTree

from runner.testing.warmup import warm
from tests.support.aws import LAMBDA_TRUST, zipped

HANDLER = """
import time
time.sleep(0.05)  # module import work: the cold start's Init Duration

def handler(event, context):
    return {"ok": True}
"""


def _create(aws, unique_name, **extra):
    role = aws("iam").create_role(
        RoleName=unique_name("role"),
        AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
    )["Role"]["Arn"]
    name = unique_name("warm")
    aws("lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
        Code={"ZipFile": zipped({"app.py": textwrap.dedent(HANDLER)})}, Timeout=10, MemorySize=128, **extra,
    )  # fmt: skip
    return name


@pytest.fixture
def function_name(aws, unique_name):
    return _create(aws, unique_name)


class WithoutLogTail:
    """A Lambda client whose invoke answers carry no log tail (as when the tail is cut or the endpoint
    does not send one), so warm() has to read the REPORT line from the function's log group."""

    def __init__(self, client):
        self._client = client

    def invoke(self, **kwargs):
        response = self._client.invoke(**kwargs)
        response.pop("LogResult", None)
        return response

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_without_a_log_tail_warm_reads_the_report_from_the_functions_own_log_group(aws, unique_name):
    group = f"/app/{unique_name('logs')}"
    name = _create(aws, unique_name, LoggingConfig={"LogGroup": group, "LogFormat": "Text"})

    result = warm(WithoutLogTail(aws("lambda")), aws("logs"), name, timeout=30)

    assert result.report is not None
    assert result.cold_start_ms is not None


def test_warm_reports_the_cold_start_once_then_a_warm_environment(aws, function_name):
    cold = warm(aws("lambda"), aws("logs"), function_name, timeout=30)
    assert cold.function_error is None
    assert cold.attempts >= 1
    assert cold.report is not None
    assert cold.cold_start_ms is not None
    assert cold.cold_start_ms >= 50
    again = warm(aws("lambda"), aws("logs"), function_name, timeout=30)
    assert again.report is not None
    assert again.report.request_id != cold.report.request_id
    assert again.cold_start_ms is None


def test_warm_gives_up_with_the_last_error_when_the_function_never_answers(aws):
    with pytest.raises(
        AssertionError, match=r"function missing-fn to answer did not pass within 1s: .*ResourceNotFound"
    ):
        warm(aws("lambda"), aws("logs"), "missing-fn", timeout=1)


def test_the_warm_fixture_records_the_cold_start_as_a_junit_property(pytester, record_for, function_name):
    record = record_for({"FunctionName": function_name})
    pytester.makepyfile(
        """
        def test_warm_up(stack, warm):
            result = warm(stack["FunctionName"])
            assert result.cold_start_ms
        """
    )
    junit = pytester.path / "junit.xml"
    pytester.runpytest(f"--spt-record={record}", f"--junitxml={junit}").assert_outcomes(passed=1)
    properties = {p.get("name"): p.get("value") for p in ElementTree.parse(junit).getroot().iter("property")}
    assert float(properties[f"cold_start_ms.{function_name}"]) >= 50
