"""A function error's `errorType` is the name of what the handler raised.

AWS: an unhandled Python exception reaches the caller (Invoke, Step Functions, destinations) as
`{"errorType": "<exception class name>", "errorMessage": ...}`, and a Node.js error as
`{"errorType": error.name, ...}`; Step Functions `Retry`/`Catch` match on that name.
MiniStack: its warm workers report only the message, and every error becomes
`Runtime.HandlerError`, so `Retry`/`Catch` on `TransientError` never match.
Wraps: the Python and Node.js worker bootstraps also report the error's name (string edits of the
bootstrap source, checked at apply so a MiniStack upgrade that moves them fails loudly), and
`_execute_function_warm` puts that name in the error payload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

PYTHON_ERROR = '{"status": "error", "error": str(e), "trace": traceback.format_exc()}'
PYTHON_ERROR_NAMED = (
    '{"status": "error", "error": str(e), "error_type": type(e).__name__, "trace": traceback.format_exc()}'
)
NODE_ERRORS = (
    (
        'status: "error", error: String(err.message || err), trace: err.stack || ""',
        'status: "error", error: String(err.message || err), trace: err.stack || "",'
        ' error_type: (err && err.name) || "Error"',
    ),
    (
        'status: "error", error: e.message, trace: e.stack\n',
        'status: "error", error: e.message, trace: e.stack, error_type: (e && e.name) || "Error"\n',
    ),
)
GENERIC_TYPE = "Runtime.HandlerError"

_last_error_type = threading.local()


def _replace_once(source: str, old: str, new: str, what: str) -> str:
    if source.count(old) != 1:
        raise RuntimeError(f"function_error_type: the {what} worker bootstrap changed; review this patch")
    return source.replace(old, new)


def apply() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    lambda_runtime._PYTHON_WORKER_SCRIPT = _replace_once(
        lambda_runtime._PYTHON_WORKER_SCRIPT, PYTHON_ERROR, PYTHON_ERROR_NAMED, "Python"
    )
    node_script: str = lambda_runtime._NODEJS_WORKER_SCRIPT
    for old, new in NODE_ERRORS:
        node_script = _replace_once(node_script, old, new, "Node.js")
    lambda_runtime._NODEJS_WORKER_SCRIPT = node_script

    worker_invoke: Callable[..., dict[str, Any]] = lambda_runtime.Worker.invoke

    def invoke(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        response = worker_invoke(self, *args, **kwargs)
        # The caller below runs on this same thread, right after this returns.
        _last_error_type.name = response.get("error_type") if response.get("status") == "error" else None
        return response

    lambda_runtime.Worker.invoke = invoke

    execute_warm: Callable[..., dict[str, Any]] = lambda_svc._execute_function_warm

    def execute_function_warm(func: dict[str, Any], event: Any, request_id: str) -> dict[str, Any]:
        _last_error_type.name = None
        result = execute_warm(func, event, request_id)
        name = getattr(_last_error_type, "name", None)
        body = result.get("body")
        if result.get("error") and name and isinstance(body, dict) and body.get("errorType") == GENERIC_TYPE:
            result["body"] = {**body, "errorType": name}
        return result

    lambda_svc._execute_function_warm = execute_function_warm
