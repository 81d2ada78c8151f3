"""A resource that fails makes the stack roll back, like CloudFormation.

moto lets the resource's exception escape CreateStack/ExecuteChangeSet (HTTP 500) and leaves the
stack CREATE_IN_PROGRESS, half built; an update failure leaves it UPDATE_IN_PROGRESS with the new
template. CloudFormation reports the failure asynchronously: CREATE_FAILED on the resource, then
ROLLBACK_IN_PROGRESS -> ROLLBACK_COMPLETE after deleting what it created (UPDATE_FAILED ->
UPDATE_ROLLBACK_COMPLETE for updates, back on the previous template).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runner.local.fixes.fix import Fix
from runner.local.fixes.stack_events import (
    failed_resource,
    failure_reason,
    mark_failed_resource,
    set_stack_status,
)


def _mark_failures(original: Any) -> Any:
    def wrapper(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        try:
            return original(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            mark_failed_resource(error, logical_id)
            raise

    return wrapper


def _failure_summary(error: Exception, verb: str) -> str:
    resource = failed_resource(error)
    if resource is None:
        return f"Stack operation failed: {failure_reason(error)}"
    suffix = " Rollback requested by user." if verb == "create" else ""
    return f"The following resource(s) failed to {verb}: [{resource}].{suffix}"


def _roll_back_create(stack: Any, error: Exception) -> None:
    set_stack_status(stack, "ROLLBACK_IN_PROGRESS", _failure_summary(error, "create"))
    try:
        stack.resource_map.delete()
    except Exception as cleanup_error:
        set_stack_status(stack, "ROLLBACK_FAILED", failure_reason(cleanup_error))
        return
    # CloudFormation keeps the reason the rollback started for on the rolled-back stack.
    set_stack_status(stack, "ROLLBACK_COMPLETE")
    stack.stack_status_reason = _failure_summary(error, "create")


def _create_resources(original: Any) -> Any:
    def create_resources(self: Any) -> None:
        try:
            original(self)
        except Exception as error:
            _roll_back_create(self, error)

    return create_resources


@dataclass(frozen=True)
class _StackState:
    """What an update replaces, kept so a failed update can return to it."""

    template: Any
    parameters: Any
    map_template: Any
    resource_json: dict[str, Any]
    input_parameters: Any

    @classmethod
    def of(cls, stack: Any) -> _StackState:
        resource_map = stack.resource_map
        return cls(
            template=stack.template,
            parameters=stack.parameters,
            map_template=resource_map._template,
            resource_json=resource_map._resource_json_map,
            input_parameters=resource_map.input_parameters,
        )


def _roll_back_update(stack: Any, before: _StackState, error: Exception) -> None:
    set_stack_status(stack, "UPDATE_ROLLBACK_IN_PROGRESS", _failure_summary(error, "update"))
    resource_map = stack.resource_map
    added = [
        logical_id
        for logical_id in list(resource_map._resource_json_map)
        if logical_id not in before.resource_json and logical_id in resource_map._parsed_resources
    ]
    # Resources this update added go away; resources it modified keep their new settings (moto
    # cannot restore them), which the next deploy of the same template re-applies anyway.
    for logical_id in added:
        resource = resource_map._parsed_resources.pop(logical_id)
        try:
            resource_map._delete_resource(resource, resource_map._resource_json_map[logical_id])
        except Exception as cleanup_error:
            set_stack_status(stack, "UPDATE_ROLLBACK_FAILED", failure_reason(cleanup_error))
            return
    stack.template = before.template
    stack._parse_template()
    stack.parameters = before.parameters
    resource_map._template = before.map_template
    resource_map._resource_json_map = before.resource_json
    resource_map.input_parameters = before.input_parameters
    resource_map.load_mapping()
    resource_map.load_parameters()
    resource_map.load_conditions()
    stack.output_map = stack._create_output_map()
    set_stack_status(stack, "UPDATE_ROLLBACK_COMPLETE")


def _update(original: Any) -> Any:
    def update(
        self: Any,
        template: str,
        role_arn: str | None = None,
        parameters: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        before = _StackState.of(self)
        self.stack_status_reason = None
        try:
            original(self, template, role_arn=role_arn, parameters=parameters, tags=tags)
        except Exception as error:
            _roll_back_update(self, before, error)

    return update


def _install() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import Stack

    parsing.parse_and_create_resource = _mark_failures(parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _mark_failures(parsing.parse_and_update_resource)
    Stack.create_resources = _create_resources(Stack.create_resources)  # type: ignore[method-assign]
    Stack.update = _update(Stack.update)  # type: ignore[method-assign]


FIX = Fix(
    name="failed_resource_rolls_back",
    description="A failing resource rolls the stack back (ROLLBACK_COMPLETE), not an HTTP 500",
    install=_install,
)
