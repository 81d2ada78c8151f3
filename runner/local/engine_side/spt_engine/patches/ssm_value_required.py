"""AWS SSM refuses a parameter whose value is empty (PutParameter: `ValidationException`, the value
must have length >= 1), so an `AWS::SSM::Parameter` with `Value: ""` fails its stack and rolls it
back. MiniStack stores the empty value. Wraps `_put_parameter`, the one door both the API and
CloudFormation's provisioner go through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MESSAGE = (
    "1 validation error detected: Value '' at 'value' failed to satisfy constraint: "
    "Member must have length greater than or equal to 1"
)


def apply() -> None:
    from ministack.core.responses import error_response_json
    from ministack.services import ssm

    put: Callable[[dict[str, Any]], Any] = ssm._put_parameter

    def put_non_empty(data: dict[str, Any]) -> Any:
        if isinstance(data, dict) and data.get("Value", "") == "":
            return error_response_json("ValidationException", MESSAGE, 400)
        return put(data)

    ssm._put_parameter = put_non_empty
