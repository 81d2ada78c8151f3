"""A throttled invoke counts once in `AWS/Lambda` `Throttles` and not as an invocation.

What AWS does: an invoke refused for concurrency (`TooManyRequestsException`, HTTP 429) adds 1
to `Throttles`; `Invocations`, `Errors` and `Duration` count only invokes that ran. What MiniStack
1.5.33 did: recorded the throttle twice (at its concurrency gate and again in the Invoke handler),
the second time also as an invocation and an error, so a cost estimate built on `Invocations`
billed requests that never ran.

Wraps `_emit_lambda_metrics`: the gate's record (throttle, no error) becomes `Throttles` 1 alone;
the Invoke handler's echo of the same throttle (throttle and error) records nothing.
"""

from __future__ import annotations


def apply() -> None:
    from ministack.services import cloudwatch, lambda_svc

    original = lambda_svc._emit_lambda_metrics

    def emit(function_name: str, duration_ms: float, error: bool, throttle: bool) -> None:
        if not throttle:
            original(function_name, duration_ms=duration_ms, error=error, throttle=False)
        elif not error:
            cloudwatch.record_metric("AWS/Lambda", "Throttles", 1, "Count", {"FunctionName": function_name})

    lambda_svc._emit_lambda_metrics = emit
