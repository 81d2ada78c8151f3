"""Execution environments: warm reuse, one per concurrent invoke, reserved concurrency, fresh ones after
an update, and workers that end with their function or engine."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from runner.local import LocalEndpoint

from .lambda_handlers import COUNTS_CALLS, ECHO_CONTEXT, SLEEPS_THEN_PID, no_retries
from .lambda_testkit import (
    client,
    create_function,
    endpoint_without,
    invoke_json,
    stop_and_check_workers,
    unique,
    zip_sources,
)


def test_warm_environment_is_reused_and_a_busy_one_is_not_shared(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)

    first = invoke_json(endpoint, name)["Body"]
    second = invoke_json(endpoint, name)["Body"]

    assert (first["calls"], second["calls"]) == (1, 2)
    assert first["pid"] == second["pid"]


def test_concurrent_invocations_get_separate_environments(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, SLEEPS_THEN_PID)

    with ThreadPoolExecutor(max_workers=2) as pool:
        pids = list(pool.map(lambda _: invoke_json(endpoint, name, {"seconds": 1})["Body"], range(2)))

    assert len(set(pids)) == 2


def _throttles(endpoint: LocalEndpoint, name: str, metric: str = "Throttles") -> float:
    points = client(endpoint, "cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": name}],
        StartTime=datetime.now(UTC) - timedelta(minutes=5),
        EndTime=datetime.now(UTC) + timedelta(minutes=5),
        Period=600,
        Statistics=["Sum"],
    )["Datapoints"]
    return float(sum(point["Sum"] for point in points))


def test_reserved_concurrency_of_zero_throttles_every_invoke(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)
    client(endpoint, "lambda").put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)

    for _ in range(2):
        with pytest.raises(ClientError) as raised:
            no_retries(endpoint).invoke(FunctionName=name, Payload=b"{}")
        assert raised.value.response["Error"]["Code"] == "TooManyRequestsException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429

    assert _throttles(endpoint, name) == 2
    # A refused invoke never ran: it is not an invocation (nor billed as one).
    assert _throttles(endpoint, name, "Invocations") == 0


def test_reserved_concurrency_throttles_invokes_past_the_reserved_number(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, SLEEPS_THEN_PID)
    client(endpoint, "lambda").put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)

    def invoke(_: int) -> str:
        try:
            no_retries(endpoint).invoke(FunctionName=name, Payload=json.dumps({"seconds": 2}).encode())
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "ran"

    with ThreadPoolExecutor(max_workers=3) as pool:
        outcomes = sorted(pool.map(invoke, range(3)))

    assert outcomes == ["TooManyRequestsException", "TooManyRequestsException", "ran"]
    assert _throttles(endpoint, name) == 2
    assert _throttles(endpoint, name, "Invocations") == 1


def test_without_its_patch_the_engine_counts_a_throttle_twice_and_as_an_invocation() -> None:
    with endpoint_without("lambda_throttle_metrics") as stock:
        name = create_function(stock, COUNTS_CALLS)
        client(stock, "lambda").put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
        with pytest.raises(ClientError):
            no_retries(stock).invoke(FunctionName=name, Payload=b"{}")

        assert _throttles(stock, name) == 2
        assert _throttles(stock, name, "Invocations") == 2


def test_updated_code_runs_in_a_fresh_environment(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)
    before = invoke_json(endpoint, name)["Body"]

    client(endpoint, "lambda").update_function_code(
        FunctionName=name, ZipFile=zip_sources({"app.py": "def handler(event, context):\n    return 'v2'\n"})
    )

    assert invoke_json(endpoint, name)["Body"] == "v2"
    assert before["pid"] not in endpoint.worker_pids()


def test_deleting_a_function_retires_its_warm_workers(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)
    pid = invoke_json(endpoint, name)["Body"]["pid"]

    client(endpoint, "lambda").delete_function(FunctionName=name)

    assert pid not in endpoint.worker_pids()


def test_workers_reach_a_live_endpoint_after_a_newer_one_stopped(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, ECHO_CONTEXT)
    newer = LocalEndpoint.start()
    stop_and_check_workers(newer)

    assert invoke_json(endpoint, name)["Body"]["endpoint"] == endpoint.url


def test_layer_content_is_importable_like_under_opt_python(endpoint: LocalEndpoint) -> None:
    layer = client(endpoint, "lambda").publish_layer_version(
        LayerName=unique("shared"),
        Content={"ZipFile": zip_sources({"python/shared_greeting.py": "GREETING = 'from the layer'\n"})},
        CompatibleRuntimes=["python3.12"],
    )
    name = create_function(
        endpoint,
        "import shared_greeting\n\ndef handler(event, context):\n    return shared_greeting.GREETING\n",
    )
    client(endpoint, "lambda").update_function_configuration(
        FunctionName=name, Layers=[layer["LayerVersionArn"]]
    )

    assert invoke_json(endpoint, name)["Body"] == "from the layer"


def test_stopping_the_endpoint_kills_its_workers() -> None:
    local = LocalEndpoint.start()
    try:
        name = create_function(local, COUNTS_CALLS)
        invoke_json(local, name)
        assert local.worker_pids()
    finally:
        stop_and_check_workers(local)
    assert local.worker_pids() == []
