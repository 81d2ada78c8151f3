"""AWS reports a handler's unhandled error with its type: the Python exception's class name, the
Node.js error's `name` (`{"errorType": "PaymentDeclined", ...}`), which Step Functions' Retry and
Catch match on; and with its stack: Python's `stackTrace` (the handler's frames, not the runtime's),
Node's `trace` (the `error.stack` lines). MiniStack's warm workers drop both and answer
`Runtime.HandlerError` for all. Replaces the error lines of each worker bootstrap (text checked, so
a changed pin fails loudly) and wraps `_execute_function_warm` to put type and stack back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

PYTHON_ERROR = '"status": "error", "error": str(e), "trace": traceback.format_exc()'
PYTHON_TYPED = (
    '"status": "error", "error": str(e), "errorType": type(e).__name__, "trace": traceback.format_exc(), '
    '"stackTrace": traceback.format_list('
    "[_frame for _frame in traceback.extract_tb(e.__traceback__) if _frame.filename != __file__])"
)
NODE_ERROR = 'status: "error", error: String(err.message || err), trace: err.stack || ""'
NODE_TYPED = (
    'status: "error", error: String(err.message || err), '
    'errorType: (err && err.name) || "Error", trace: err.stack || "", '
    'errorTrace: String((err && err.stack) || "").split("\\n")'
)
# A handler that throws before returning its promise (a plain function, or an error at call time).
NODE_THROWN = 'status: "error", error: e.message, trace: e.stack\n'
NODE_THROWN_TYPED = (
    'status: "error", error: e.message, trace: e.stack, errorType: (e && e.name) || "Error", '
    'errorTrace: String((e && e.stack) || "").split("\\n")\n'
)
GENERIC_TYPE = "Runtime.HandlerError"

_last_error_type = threading.local()


def _replace_once(text: str, old: str, new: str, what: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"lambda_error_type: the {what} bootstrap changed; this patch needs review")
    return text.replace(old, new)


def apply() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    lambda_runtime._PYTHON_WORKER_SCRIPT = _replace_once(
        lambda_runtime._PYTHON_WORKER_SCRIPT, PYTHON_ERROR, PYTHON_TYPED, "Python"
    )
    lambda_runtime._NODEJS_WORKER_SCRIPT = _replace_once(
        _replace_once(lambda_runtime._NODEJS_WORKER_SCRIPT, NODE_ERROR, NODE_TYPED, "Node.js"),
        NODE_THROWN,
        NODE_THROWN_TYPED,
        "Node.js",
    )

    invoke: Callable[..., dict[str, Any]] = lambda_runtime.Worker.invoke

    def remembering_invoke(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = invoke(self, *args, **kwargs)
        typed = isinstance(result, dict) and result.get("errorType")
        _last_error_type.value = result["errorType"] if typed else None
        # Python's frames go out as `stackTrace`, Node's stack lines as `trace`, as on AWS.
        stack = {"stackTrace": result["stackTrace"]} if typed and "stackTrace" in result else {}
        if typed and "errorTrace" in result:
            stack = {"trace": result["errorTrace"]}
        _last_error_type.stack = stack
        return result

    lambda_runtime.Worker.invoke = remembering_invoke

    execute: Callable[..., dict[str, Any]] = lambda_svc._execute_function_warm

    def typed_execute(*args: Any, **kwargs: Any) -> dict[str, Any]:
        _last_error_type.value = None
        _last_error_type.stack = {}
        outcome = execute(*args, **kwargs)
        body = outcome.get("body") if outcome.get("error") else None
        error_type = getattr(_last_error_type, "value", None)
        if isinstance(body, dict) and body.get("errorType") == GENERIC_TYPE and error_type:
            body["errorType"] = error_type
            body.update(getattr(_last_error_type, "stack", {}))
        return outcome

    lambda_svc._execute_function_warm = typed_execute
