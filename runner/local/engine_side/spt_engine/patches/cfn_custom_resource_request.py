"""A custom resource request carries its `ServiceToken` at the top level.

What AWS does: the event CloudFormation sends a custom resource's Lambda holds `ServiceToken` (the
function's ARN, as the template gave it) beside `RequestType`, `ResponseURL` and the rest, besides
its copy inside `ResourceProperties`; CDK's provider framework reads it there. What MiniStack
1.5.33 did: sent it only inside `ResourceProperties`.

Wraps `_execute_function_with_config_scope`: an event shaped as a custom resource request (it has
`RequestType`, `ResponseURL` and `ResourceProperties`) gains the top-level `ServiceToken`.
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from ministack.services import lambda_svc

    original = lambda_svc._execute_function_with_config_scope

    def execute(func: Any, event: Any) -> Any:
        if isinstance(event, dict) and {"RequestType", "ResponseURL", "ResourceProperties"} <= event.keys():
            token = (event.get("ResourceProperties") or {}).get("ServiceToken")
            if token and "ServiceToken" not in event:
                event = {**event, "ServiceToken": token}
        return original(func, event)

    lambda_svc._execute_function_with_config_scope = execute
