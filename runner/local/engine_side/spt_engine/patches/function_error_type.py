"""A function error names what the handler raised, with its stack.

AWS: an unhandled Python exception reaches the caller (Invoke, Step Functions, destinations) as
`{"errorType": "<exception class name>", "errorMessage": ..., "stackTrace": [<frames of the
handler's code>]}`, and a Node.js error as `{"errorType": error.name, "errorMessage": ...,
"trace": [<error.stack lines>]}`; Step Functions `Retry`/`Catch` match on that name.
MiniStack: its warm workers report only the message, and every error becomes
`Runtime.HandlerError` without a stack, so `Retry`/`Catch` on `TransientError` never match.
Wraps: the Python and Node.js worker bootstraps also report the error's name and stack (string
edits of the bootstrap source, checked at apply so a MiniStack upgrade that moves them fails
loudly), and `_execute_function_warm` puts them in the error payload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

PYTHON_ERROR = '{"status": "error", "error": str(e), "trace": traceback.format_exc()}'
# The stack without the bootstrap's own frames, as the AWS runtime reports it.
PYTHON_ERROR_NAMED = (
    '{"status": "error", "error": str(e), "error_type": type(e).__name__, "stack": traceback.format_list('
    "[_frame for _frame in traceback.extract_tb(e.__traceback__) if _frame.filename != __file__]), "
    '"trace": traceback.format_exc()}'
)
NODE_ERRORS = (
    (
        'status: "error", error: String(err.message || err), trace: err.stack || ""',
        'status: "error", error: String(err.message || err), trace: err.stack || "",'
        ' error_type: (err && err.name) || "Error", stack: String((err && err.stack) || "").split("\\n")',
    ),
    (
        'status: "error", error: e.message, trace: e.stack\n',
        'status: "error", error: e.message, trace: e.stack, error_type: (e && e.name) || "Error",'
        ' stack: String((e && e.stack) || "").split("\\n")\n',
    ),
)
GENERIC_TYPE = "Runtime.HandlerError"

# The stack's key in the error payload, per runtime.
STACK_KEYS = {"python": "stackTrace", "nodejs": "trace"}

_last_error = threading.local()


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
        failed = response.get("status") == "error" and response.get("error_type")
        _last_error.details = (response["error_type"], response.get("stack") or []) if failed else None
        return response

    lambda_runtime.Worker.invoke = invoke

    execute_warm: Callable[..., dict[str, Any]] = lambda_svc._execute_function_warm

    def execute_function_warm(func: dict[str, Any], event: Any, request_id: str) -> dict[str, Any]:
        _last_error.details = None
        result = execute_warm(func, event, request_id)
        details = getattr(_last_error, "details", None)
        body = result.get("body")
        if (
            result.get("error")
            and details
            and isinstance(body, dict)
            and body.get("errorType") == GENERIC_TYPE
        ):
            name, stack = details
            runtime = str((func.get("config") or func).get("Runtime", ""))
            stack_key = next((key for prefix, key in STACK_KEYS.items() if runtime.startswith(prefix)), None)
            result["body"] = {**body, "errorType": name, **({stack_key: stack} if stack_key else {})}
        return result

    lambda_svc._execute_function_warm = execute_function_warm
