"""AWS reports a handler's unhandled error with its type: the Python exception's class name, the
Node.js error's `name` (`{"errorType": "PaymentDeclined", ...}`), which Step Functions' Retry and
Catch match on. MiniStack's warm workers drop the type and answer `Runtime.HandlerError` for all.
Replaces one line of each worker bootstrap (text checked, so a changed pin fails loudly) and wraps
`_execute_function_warm` to put the type back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

PYTHON_ERROR = '"status": "error", "error": str(e), "trace": traceback.format_exc()'
PYTHON_TYPED = (
    '"status": "error", "error": str(e), "errorType": type(e).__name__, "trace": traceback.format_exc()'
)
NODE_ERROR = 'status: "error", error: String(err.message || err), trace: err.stack || ""'
NODE_TYPED = (
    'status: "error", error: String(err.message || err), '
    'errorType: (err && err.name) || "Error", trace: err.stack || ""'
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
        lambda_runtime._NODEJS_WORKER_SCRIPT, NODE_ERROR, NODE_TYPED, "Node.js"
    )

    invoke: Callable[..., dict[str, Any]] = lambda_runtime.Worker.invoke

    def remembering_invoke(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = invoke(self, *args, **kwargs)
        _last_error_type.value = result.get("errorType") if isinstance(result, dict) else None
        return result

    lambda_runtime.Worker.invoke = remembering_invoke

    execute: Callable[..., dict[str, Any]] = lambda_svc._execute_function_warm

    def typed_execute(*args: Any, **kwargs: Any) -> dict[str, Any]:
        _last_error_type.value = None
        outcome = execute(*args, **kwargs)
        body = outcome.get("body") if outcome.get("error") else None
        error_type = getattr(_last_error_type, "value", None)
        if isinstance(body, dict) and body.get("errorType") == GENERIC_TYPE and error_type:
            body["errorType"] = error_type
        return outcome

    lambda_svc._execute_function_warm = typed_execute
