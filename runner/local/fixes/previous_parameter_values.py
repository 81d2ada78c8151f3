"""`UsePreviousValue` means the value the stack was given, including defaults and SSM paths.

moto answers UsePreviousValue from two different places, both wrong: UpdateStack reads the
explicitly passed parameters only (KeyError, HTTP 500, for a parameter that took its Default),
and CreateChangeSet reads the *resolved* values, so an SSM-typed parameter such as CDK's
`BootstrapVersion` (`/cdk-bootstrap/hnb659fds/version`) is re-resolved with its value ("30") as
the parameter name and fails. CloudFormation reuses the previous *input* value (the SSM path),
taking the template default when none was passed.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _input_parameters(stack: Any) -> dict[str, Any]:
    """Template defaults overlaid with what the stack was given, before any SSM resolution."""
    declared = (stack.template_dict or {}).get("Parameters") or {}
    values = {name: spec["Default"] for name, spec in declared.items() if "Default" in spec}
    values.update(stack.parameters or {})
    return values


def _resolve_update_parameters(
    self: Any, instance: Any, incoming_params: list[dict[str, Any]]
) -> dict[str, Any]:
    from moto.cloudformation.exceptions import MissingParameterError
    from moto.cloudformation.models import Stack

    previous = _input_parameters(instance) if isinstance(instance, Stack) else dict(instance.parameters or {})
    resolved: dict[str, Any] = {}
    for parameter in incoming_params:
        key = parameter["ParameterKey"]
        if "ParameterValue" in parameter:
            resolved[key] = parameter["ParameterValue"]
        elif parameter.get("UsePreviousValue", False):
            if key not in previous:
                raise MissingParameterError(key)
            resolved[key] = previous[key]
    return resolved


def _has_parameters(self: Any, other_parameters: dict[str, Any]) -> bool:
    declared = (self.template_dict or {}).get("Parameters") or {}
    other = {name: spec["Default"] for name, spec in declared.items() if "Default" in spec}
    other.update(other_parameters or {})
    return _input_parameters(self) == other


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend, Stack

    # Read by CreateChangeSet for UsePreviousValue and by the "no updates" check.
    Stack.stack_parameters = property(_input_parameters)  # type: ignore[assignment,method-assign]
    Stack.has_parameters = _has_parameters  # type: ignore[method-assign]
    CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters  # type: ignore[method-assign]


FIX = Fix(
    name="previous_parameter_values",
    description="UsePreviousValue reuses the previous input value (defaults, SSM paths), not a KeyError",
    install=_install,
)
