"""Direct Invoke against the embedded endpoint runs the Python handler in a host worker: its value,
context, errors, timeouts and imports, and a Node.js handler's errors."""

from __future__ import annotations

import base64
import json
import re

import pytest
from botocore.exceptions import ClientError

from runner.local import LocalEndpoint

from .lambda_handlers import ECHO_CONTEXT, USES_BOTO3, no_retries
from .lambda_testkit import (
    client,
    create_function,
    endpoint_without,
    invoke_json,
    lambda_role,
    unique,
    zip_sources,
)

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
        no_retries(endpoint).invoke(FunctionName=name, Payload=b"{}")

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
