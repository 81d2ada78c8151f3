"""A custom resource whose function fails without answering CloudFormation: AWS waits out the
resource's ServiceTimeout (one hour by default) and then fails it; MiniStack waits the same hour,
with the reason only in its own log. Locally that is a deploy that looks hung. Wraps the function
call so that, when the invocation itself failed (an unhandled error, a worker that could not start)
and no response has arrived, the resource fails at once with the error as its reason. The outcome
is AWS's; only the wait is cut (named in the not-emulated list of the README)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RESPONSE_PATH = "/_ministack/cfn-response/"


def apply() -> None:
    from ministack.services import lambda_svc
    from ministack.services.cloudformation import custom_resource

    execute: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda_svc._execute_function_with_config_scope

    def failing_fast(func: dict[str, Any], event: Any) -> dict[str, Any]:
        result = execute(func, event)
        url = event.get("ResponseURL", "") if isinstance(event, dict) else ""
        if RESPONSE_PATH not in url or not isinstance(result, dict) or not result.get("error"):
            return result
        body = result.get("body") if isinstance(result.get("body"), dict) else {}
        reason = (
            f"the custom resource's function failed without answering CloudFormation "
            f"({body.get('errorType', 'Error')}: {body.get('errorMessage', 'no message')}); "
            "on AWS this fails after the resource's ServiceTimeout"
        )
        token = url.rsplit(RESPONSE_PATH, 1)[1]
        with custom_resource._lock:
            entry = custom_resource._pending.get(token)
            answered = entry is not None and entry["result"] is not None
        if not answered:
            custom_resource.deliver_response(token, {"Status": "FAILED", "Reason": reason[:1000]})
        return result

    lambda_svc._execute_function_with_config_scope = failing_fast
