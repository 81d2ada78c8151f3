"""The seam: moto's `LambdaFunction.invoke`, which every invocation path reaches (the Invoke API,
event source mappings, SNS, S3, EventBridge, CloudFormation custom resources), now runs the handler
in a host worker instead of docker."""

from __future__ import annotations

import base64
import json
from typing import Any

from runner.local.lambda_host import service
from runner.local.lambda_host.function_spec import spec_from_moto
from runner.local.lambda_host.pool import FunctionThrottled
from runner.local.lambda_host.runtimes import UnsupportedRuntimeError
from runner.local.lambda_host.telemetry import log_messages

# The Invoke API returns at most the last 4 KB of the log with LogType=Tail.
_LOG_TAIL_BYTES = 4096


def _client_error(code: str, message: str) -> Exception:
    from moto.awslambda.exceptions import LambdaClientError

    # 400, not AWS's 502 for InvalidRuntimeException: SDKs retry 5xx, which would only repeat the refusal.
    return LambdaClientError(code, message)


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    value = headers.get(name) or headers.get(name.lower())
    return str(value) if value is not None else None


def host_invoke(function: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
    """Replacement for moto.awslambda.models.LambdaFunction.invoke."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    event_text = body or "{}"
    try:
        json.loads(event_text)
    except ValueError as error:
        raise _client_error(
            "InvalidRequestContentException", f"Could not parse request body into json: {error}"
        ) from error
    try:
        spec = spec_from_moto(function)
        spec.require_runnable()
    except UnsupportedRuntimeError as error:
        raise _client_error("InvalidRuntimeException", str(error)) from error
    invocation_type = _header(request_headers, "X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        service.invoke_async(function, event_text)
        return b""
    try:
        outcome = service.lambda_host().invoke(spec, event_text, function.function_arn)
    except FunctionThrottled as error:
        throttled = _client_error("TooManyRequestsException", str(error))
        throttled.code = 429  # type: ignore[attr-defined]
        raise throttled from error
    response_headers["x-amz-executed-version"] = spec.version
    if outcome.function_error:
        response_headers["x-amz-function-error"] = "Unhandled"
    tail = "\n".join(log_messages(spec, outcome)).encode()[-_LOG_TAIL_BYTES:]
    response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()
    return outcome.payload


def install() -> None:
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    delete_function = LambdaBackend.delete_function

    def delete_and_retire(self: Any, function_name: str, qualifier: str | None = None) -> None:
        delete_function(self, function_name, qualifier)
        # An ARN's seventh field is the name; idle workers of a deleted function only cost memory.
        name = (
            function_name.split(":")[6] if function_name.startswith("arn:") else function_name.split(":")[0]
        )
        service.lambda_host().retire(self.account_id, self.region_name, name)

    backend_class: Any = LambdaBackend
    backend_class.delete_function = delete_and_retire

    def invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        return host_invoke(self, body, request_headers, response_headers)

    function_class: Any = LambdaFunction
    function_class.invoke = invoke
