"""Direct Invoke against the embedded endpoint runs the Python handler in a host worker."""

from __future__ import annotations

import base64
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from runner.local import LocalEndpoint
from runner.polling import eventually

from .lambda_testkit import (
    client,
    create_function,
    endpoint_without,
    invoke_json,
    lambda_role,
    stop_and_check_workers,
    unique,
    zip_sources,
)

ECHO_CONTEXT = """
import os

def handler(event, context):
    return {
        "event": event,
        "greeting": os.environ.get("GREETING"),
        "endpoint": os.environ["AWS_ENDPOINT_URL"],
        "region": os.environ["AWS_REGION"],
        "default_region": os.environ["AWS_DEFAULT_REGION"],
        "env_function_name": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        "env_memory": os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
        "env_version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "env_log_group": os.environ["AWS_LAMBDA_LOG_GROUP_NAME"],
        "env_log_stream": os.environ["AWS_LAMBDA_LOG_STREAM_NAME"],
        "handler_env": os.environ["_HANDLER"],
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "cwd": os.getcwd(),
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }
"""

USES_BOTO3 = """
import boto3

s3 = boto3.client("s3")  # created once, in the INIT phase, as real handlers do

def handler(event, context):
    s3.put_object(Bucket=event["bucket"], Key="from-lambda.txt", Body=b"written by the handler")
    return sorted(bucket["Name"] for bucket in s3.list_buckets()["Buckets"])
"""

RAISES = """
def handler(event, context):
    return divide(event["n"])

def divide(n):
    raise ValueError(f"cannot divide {n}")
"""

SLEEPS = """
import time

def handler(event, context):
    print("about to sleep")
    time.sleep(event["seconds"])
    return "woke up"
"""

SLEEPS_THEN_PID = """
import os
import time

def handler(event, context):
    time.sleep(event["seconds"])
    return os.getpid()
"""

COUNTS_CALLS = """
import os

calls = 0
started_in_pid = os.getpid()

def handler(event, context):
    global calls
    calls += 1
    return {"calls": calls, "pid": started_in_pid}
"""


def test_invoke_returns_the_handler_value_with_its_environment_and_context(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, ECHO_CONTEXT, environment={"GREETING": "hello"}, memory=256, timeout=7)

    response = invoke_json(endpoint, name, {"order": 42})

    body = response["Body"]
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert body["event"] == {"order": 42}
    assert body["greeting"] == "hello"
    assert body["endpoint"] == endpoint.url
    assert body["region"] == body["default_region"] == endpoint.region
    assert body["env_function_name"] == body["function_name"] == name
    assert body["env_memory"] == body["memory_limit_in_mb"] == "256"
    assert body["env_version"] == "$LATEST"
    assert body["env_log_group"] == body["log_group_name"] == f"/aws/lambda/{name}"
    assert body["env_log_stream"] == body["log_stream_name"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["log_stream_name"])
    assert body["handler_env"] == "app.handler"
    assert body["cwd"] == body["task_root"]
    assert body["arn"].endswith(f":function:{name}")
    assert 0 < body["remaining_ms"] <= 7000
    assert len(body["request_id"]) == 36


def test_handler_calls_back_into_the_endpoint_with_boto3(endpoint: LocalEndpoint) -> None:
    bucket = unique("handler-bucket")
    client(endpoint, "s3").create_bucket(Bucket=bucket)
    name = create_function(endpoint, USES_BOTO3)

    response = invoke_json(endpoint, name, {"bucket": bucket})

    assert bucket in response["Body"]
    written = client(endpoint, "s3").get_object(Bucket=bucket, Key="from-lambda.txt")["Body"].read()
    assert written == b"written by the handler"


def test_handler_exception_returns_the_aws_error_shape(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, RAISES)

    response = invoke_json(endpoint, name, {"n": 7}, LogType="Tail")

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    body = response["Body"]
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "cannot divide 7"
    assert any("in divide" in frame for frame in body["stackTrace"])
    assert any("in handler" in frame for frame in body["stackTrace"])
    log_tail = base64.b64decode(response["LogResult"]).decode()
    assert "[ERROR] ValueError: cannot divide 7" in log_tail


def test_without_its_patch_the_engine_types_every_handler_exception_alike() -> None:
    # lambda_node_runtime answers through lambda_python_runtime: both go.
    with endpoint_without("lambda_python_runtime", "lambda_node_runtime") as stock:
        body = invoke_json(stock, create_function(stock, RAISES), {"n": 7})["Body"]

    assert body["errorType"] == "Runtime.HandlerError"
    assert "stackTrace" not in body


def test_a_handler_that_runs_past_its_timeout_is_stopped_with_the_aws_timeout_error(
    endpoint: LocalEndpoint,
) -> None:
    name = create_function(endpoint, SLEEPS, timeout=1)

    response = invoke_json(endpoint, name, {"seconds": 30}, LogType="Tail")

    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in response["Body"]["errorMessage"]
    log_tail = base64.b64decode(response["LogResult"]).decode()
    assert "about to sleep" in log_tail
    assert "Status: timeout" in log_tail
    # The timed-out environment is gone; the next call gets a fresh one that works.
    assert invoke_json(endpoint, name, {"seconds": 0})["Body"] == "woke up"


def test_a_handler_that_exits_the_process_gets_runtime_exit_error_and_a_fresh_environment(
    endpoint: LocalEndpoint,
) -> None:
    name = create_function(
        endpoint, "import sys\n\ndef handler(event, context):\n    sys.exit(event['code'])\n"
    )

    response = invoke_json(endpoint, name, {"code": 3})

    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == "Runtime.ExitError"
    assert response["Body"]["errorMessage"].endswith("Runtime exited with error: exit status 3")
    assert invoke_json(endpoint, name, {"code": 4})["Body"]["errorMessage"].endswith("exit status 4")


def test_a_runtime_that_cannot_run_here_fails_the_invoke_naming_the_runtime(endpoint: LocalEndpoint) -> None:
    # Ruby needs docker here; an invoke must fail, never answer a made-up result.
    name = create_function(endpoint, "def handler(event:, context:) 1 end", runtime="ruby3.3")

    with pytest.raises(ClientError) as raised:
        _no_retries(endpoint).invoke(FunctionName=name, Payload=b"{}")

    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidRuntimeException"
    assert "cannot run runtime ruby3.3" in error["Message"]
    assert name in error["Message"]


def test_without_its_patch_the_engine_answers_an_unrunnable_runtime_with_a_made_up_success() -> None:
    with endpoint_without("lambda_unsupported_runtime") as stock:
        name = create_function(stock, "def handler(event:, context:) 1 end", runtime="ruby3.3")

        response = invoke_json(stock, name, {})

    assert "FunctionError" not in response
    assert "Mock response" in json.dumps(response["Body"])


def _no_retries(endpoint: LocalEndpoint) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


IMPORTS = """
import importlib

def handler(event, context):
    found = {}
    for name in event["modules"]:
        try:
            importlib.import_module(name)
            found[name] = True
        except ImportError:
            found[name] = False
    return found
"""


def test_handlers_see_the_aws_runtime_packages_not_the_runners_site_packages(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, IMPORTS)
    provided = ["boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "json"]
    not_in_lambda = ["moto", "aws_cdk", "pytest", "runner", "github"]

    found = invoke_json(endpoint, name, {"modules": provided + not_in_lambda})["Body"]

    assert found == {**dict.fromkeys(provided, True), **dict.fromkeys(not_in_lambda, False)}


def test_a_missing_handler_module_fails_with_import_module_error(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, ECHO_CONTEXT, handler="missing_module.handler")

    response = invoke_json(endpoint, name, {})

    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == "Runtime.ImportModuleError"
    assert "Unable to import module 'missing_module'" in response["Body"]["errorMessage"]


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
            _no_retries(endpoint).invoke(FunctionName=name, Payload=b"{}")
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
            _no_retries(endpoint).invoke(FunctionName=name, Payload=json.dumps({"seconds": 2}).encode())
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
            _no_retries(stock).invoke(FunctionName=name, Payload=b"{}")

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


def test_event_invocation_returns_202_at_once_and_runs_the_handler(endpoint: LocalEndpoint) -> None:
    bucket = unique("async-bucket")
    client(endpoint, "s3").create_bucket(Bucket=bucket)
    name = create_function(endpoint, USES_BOTO3)

    response = client(endpoint, "lambda").invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}).encode()
    )

    assert response["StatusCode"] == 202
    eventually(
        lambda: client(endpoint, "s3").get_object(Bucket=bucket, Key="from-lambda.txt"),
        timeout=20,
        description="the Event invocation's S3 write",
    )


FAILS_AND_COUNTS = """
import uuid

import boto3

s3 = boto3.client("s3")

def handler(event, context):
    key = f"attempts/{uuid.uuid4().hex}"
    s3.put_object(Bucket=event["bucket"], Key=key, Body=context.aws_request_id.encode())
    raise RuntimeError("always fails")
"""


def test_a_failing_event_invocation_is_retried_twice_like_lambdas_async_queue(
    endpoint: LocalEndpoint,
) -> None:
    bucket = unique("attempts")
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=bucket)
    name = create_function(endpoint, FAILS_AND_COUNTS)

    client(endpoint, "lambda").invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}).encode()
    )

    attempts = eventually(
        lambda: s3.list_objects_v2(Bucket=bucket).get("Contents", []),
        until=lambda found: len(found) >= 3,
        timeout=30,
        description="three attempts",
    )
    assert len(attempts) == 3


def test_dry_run_checks_without_running_the_handler(endpoint: LocalEndpoint) -> None:
    name = create_function(endpoint, COUNTS_CALLS)

    response = client(endpoint, "lambda").invoke(FunctionName=name, InvocationType="DryRun")

    assert response["StatusCode"] == 204
    assert invoke_json(endpoint, name)["Body"]["calls"] == 1


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


NODE_THROWS = "exports.handler = async (event) => { throw new TypeError(`cannot take ${event.n}`); };\n"


def _node_function(endpoint: LocalEndpoint) -> str:
    name = unique("node-fn")
    client(endpoint, "lambda").create_function(
        FunctionName=name,
        Runtime="nodejs20.x",
        Role=lambda_role(endpoint),
        Handler="index.handler",
        Code={"ZipFile": zip_sources({"index.js": NODE_THROWS})},
    )
    return name


def test_a_node_handler_error_returns_the_node_runtimes_error_shape(endpoint: LocalEndpoint) -> None:
    response = invoke_json(endpoint, _node_function(endpoint), {"n": 7}, LogType="Tail")

    assert response["FunctionError"] == "Unhandled"
    body = response["Body"]
    assert (body["errorType"], body["errorMessage"]) == ("TypeError", "cannot take 7")
    assert body["trace"][0] == "TypeError: cannot take 7"
    log_tail = base64.b64decode(response["LogResult"]).decode()
    assert re.search(r"Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{\"errorType\":\"TypeError\"", log_tail)


def test_without_its_patch_a_node_handler_error_is_untyped() -> None:
    with endpoint_without("lambda_node_runtime") as stock:
        body = invoke_json(stock, _node_function(stock), {"n": 7})["Body"]

    assert body["errorType"] == "Runtime.HandlerError"
