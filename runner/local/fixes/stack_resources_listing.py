"""Describing a stack never creates resources, and lists only those the stack holds.

moto's ResourceMap creates a resource the first time anything reads it. Listing a stack's
resources, or computing its Outputs, therefore re-creates resources a rollback or a partial
delete removed (and fails again on the one that failed), and lists skipped or condition-false
resources as empty records without a LogicalResourceId; every resource reports the *stack's*
status (ListStackResources: always CREATE_COMPLETE). CloudFormation lists what the stack holds,
each with its own last status (a bucket that failed to delete is DELETE_FAILED), and a
rolled-back or deleted stack has no outputs.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix

# Stacks in these states hold no (or only undeletable) resources: reading outputs would re-create.
_WITHOUT_OUTPUTS = frozenset(
    {
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_FAILED",
        "ROLLBACK_COMPLETE",
        "DELETE_IN_PROGRESS",
        "DELETE_FAILED",
        "DELETE_COMPLETE",
    }
)


def _stack_resources(self: Any) -> list[Any]:
    parsed = self.resource_map._parsed_resources
    return [
        parsed[logical_id]
        for logical_id in self.resource_map._resource_json_map
        if parsed.get(logical_id) is not None and not isinstance(parsed[logical_id], str)
    ]


def resource_status(stack: Any, logical_id: str) -> tuple[str, Any] | None:
    """The resource's latest status and its time, from the stack's events."""
    for event in reversed(stack.events):
        if event.logical_resource_id == logical_id and event.resource_type != "AWS::CloudFormation::Stack":
            return str(event.resource_status), event.timestamp
    return None


def _dto_init(original: Any) -> Any:
    def __init__(self: Any, stack: Any, resource: Any) -> None:
        original(self, stack, resource)
        latest = resource_status(stack, str(self.logical_resource_id))
        if latest is not None:
            self.resource_status, self.timestamp = latest

    return __init__


def _list_stack_resources(self: Any) -> Any:
    from moto.core.responses import ActionResult

    stack, resources = self.cloudformation_backend.list_stack_resources(self._get_param("StackName"))
    summaries = []
    for resource in resources:
        logical_id = getattr(resource, "logical_resource_id", "")
        status, updated = resource_status(stack, logical_id) or ("CREATE_COMPLETE", stack.creation_time)
        summaries.append(
            {
                "LogicalResourceId": logical_id,
                "PhysicalResourceId": getattr(resource, "physical_resource_id", ""),
                "ResourceType": getattr(resource, "cf_resource_type", ""),
                "ResourceStatus": status,
                "LastUpdatedTimestamp": updated,
            }
        )
    return ActionResult({"StackResourceSummaries": summaries})


def _guard_outputs(original: Any) -> Any:
    def outputs(self: Any) -> Any:
        return None if self.status in _WITHOUT_OUTPUTS else original.fget(self)

    return property(outputs)


def _guard_exports(original: Any) -> Any:
    def exports(self: Any) -> Any:
        return [] if self.status in _WITHOUT_OUTPUTS else original.fget(self)

    return property(exports)


def _install() -> None:
    from moto.cloudformation.models import Stack
    from moto.cloudformation.responses import CloudFormationResponse, StackResourceDTO

    StackResourceDTO.__init__ = _dto_init(StackResourceDTO.__init__)  # type: ignore[method-assign]
    CloudFormationResponse.list_stack_resources = _list_stack_resources  # type: ignore[method-assign]
    Stack.stack_resources = property(_stack_resources)  # type: ignore[assignment,method-assign]
    Stack.outputs = _guard_outputs(Stack.outputs)  # type: ignore[method-assign]
    Stack.exports = _guard_exports(Stack.exports)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_resources_listing",
    description="Stack resource listings: only held resources, their own status, no re-creation",
    install=_install,
)
