"""A runtime the local engine cannot run fails the invoke, naming the runtime.

What AWS does: runs every supported runtime; an invoke never answers anything but the handler's
result or an error. What MiniStack 1.5.33 did without docker: answered a Java, .NET or Ruby
function with HTTP 200 and a made-up `{"statusCode": 200, "body": "Mock response - ruby3.3 not
supported for local execution"}`, so a test passed against code that never ran.

Wraps `_invoke` (a direct Invoke answers `InvalidRuntimeException`, HTTP 502, the Lambda API's
error for a runtime it cannot use), `_execute_function_local` (event sources and async invokes get
an error result, so retries, DLQs and the Errors metric see a failure) and the custom resource
call (the resource fails at once, naming the runtime, instead of CloudFormation waiting an hour
for a response that cannot come).
"""

from __future__ import annotations

from typing import Any

RUNNABLE = ("python", "nodejs", "provided")


def _unrunnable(config: dict[str, Any]) -> str | None:
    runtime = str(config.get("Runtime") or "")
    if config.get("PackageType") == "Image" or not runtime or runtime.startswith(RUNNABLE):
        return None
    return runtime


def _message(name: str, runtime: str) -> str:
    return (
        f"the local engine cannot run runtime {runtime} (function {name}): it runs Python, Node.js "
        "and provided.* runtimes on this host, without docker"
    )


def apply() -> None:
    from ministack.core.responses import error_response_json
    from ministack.services import lambda_svc
    from ministack.services.cloudformation import custom_resource

    original_invoke = lambda_svc._invoke
    original_local = lambda_svc._execute_function_local

    async def invoke(name: str, event: Any, headers: Any, *args: Any, **kwargs: Any) -> Any:
        func = lambda_svc._functions.get(name) if isinstance(name, str) else None
        runtime = _unrunnable((func or {}).get("config") or {}) if func else None
        if runtime is not None:
            return error_response_json("InvalidRuntimeException", _message(name, runtime), 502)
        return await original_invoke(name, event, headers, *args, **kwargs)

    def local(func: dict[str, Any], event: Any, request_id: str) -> Any:
        config = func.get("config") or func
        runtime = _unrunnable(config)
        if runtime is None:
            return original_local(func, event, request_id)
        message = _message(str(config.get("FunctionName", "")), runtime)
        return {"body": {"errorMessage": message, "errorType": "InvalidRuntimeException"}, "error": True}

    original_custom = custom_resource.invoke_custom_resource

    def custom(request_type: str, logical_id: str, props: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        _record, config, name = lambda_svc._get_func_record_for_ref(props.get("ServiceToken", ""))
        runtime = _unrunnable(config) if config else None
        if runtime is not None:
            raise ValueError(_message(str(name), runtime))
        return original_custom(request_type, logical_id, props, *args, **kwargs)

    lambda_svc._invoke = invoke
    lambda_svc._execute_function_local = local
    custom_resource.invoke_custom_resource = custom
