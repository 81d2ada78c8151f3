"""A function's `LoggingConfig` always carries its log format.

What AWS does: GetFunction(Configuration) answers `LoggingConfig` with `LogFormat` ("Text" unless
set) and `LogGroup` ("/aws/lambda/<name>" unless set), whatever part of it the template or the
CreateFunction call gave. What MiniStack 1.5.33 did: stored a given `LoggingConfig` as given, so
`{"LogGroup": "/app/x"}` came back without `LogFormat`.

Wraps the CloudFormation function create/update handlers and the CreateFunction action: fills the
missing keys before MiniStack stores the configuration.
"""

from __future__ import annotations

from typing import Any


def _completed(logging_config: Any, function_name: Any) -> Any:
    if not isinstance(logging_config, dict):
        return logging_config
    completed = {"LogFormat": "Text", **logging_config}
    if function_name and "LogGroup" not in completed:
        completed["LogGroup"] = f"/aws/lambda/{function_name}"
    return completed


def apply() -> None:
    from ministack.services import lambda_svc
    from ministack.services.cloudformation import provisioners

    handlers = provisioners._RESOURCE_HANDLERS["AWS::Lambda::Function"]
    original_create, original_update = handlers["create"], handlers["update"]
    original_api_create = lambda_svc._create_function

    def with_defaults(props: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" not in props:
            return props
        return {**props, "LoggingConfig": _completed(props["LoggingConfig"], props.get("FunctionName"))}

    def create(logical_id: str, props: dict[str, Any], stack_name: str) -> Any:
        return original_create(logical_id, with_defaults(props), stack_name)

    def update(
        physical_id: str, old_props: Any, new_props: dict[str, Any], *rest: Any, **options: Any
    ) -> Any:
        return original_update(physical_id, old_props, with_defaults(new_props), *rest, **options)

    def api_create(data: dict[str, Any]) -> Any:
        if isinstance(data, dict) and "LoggingConfig" in data:
            data = {**data, "LoggingConfig": _completed(data["LoggingConfig"], data.get("FunctionName"))}
        return original_api_create(data)

    handlers["create"], handlers["update"] = create, update
    lambda_svc._create_function = api_create
