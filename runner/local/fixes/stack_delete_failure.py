"""A resource that cannot be deleted leaves the stack DELETE_FAILED, like CloudFormation.

moto's DeleteStack removes the stack from its registry before deleting resources, so a resource
error either escapes as HTTP 500 with the stack gone from describe_stacks, or is swallowed.
CloudFormation marks the resource DELETE_FAILED, the stack DELETE_FAILED (still listed, still
holding the resources it could not delete), and a later DeleteStack retries.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix
from runner.local.fixes.stack_events import failure_reason, set_stack_status


class StackDeleteFailed(Exception):
    """Stack.delete could not delete every resource; the stack is now DELETE_FAILED."""


def _remaining_resources(stack: Any) -> list[str]:
    resource_map = stack.resource_map
    return [
        logical_id
        for logical_id, resource_json in resource_map._resource_json_map.items()
        if resource_json.get("DeletionPolicy") != "Retain"
        and not isinstance(resource_map._parsed_resources.get(logical_id), str | type(None))
    ]


def _stack_delete(original: Any) -> Any:
    def delete(self: Any) -> None:
        self.stack_status_reason = None
        try:
            original(self)
        except Exception as error:
            remaining = ", ".join(_remaining_resources(self))
            reason = f"The following resource(s) failed to delete: [{remaining}]. {failure_reason(error)}"
            set_stack_status(self, "DELETE_FAILED", reason)
            raise StackDeleteFailed(remaining) from error

    return delete


def _backend_delete_stack(self: Any, name_or_stack_id: str) -> None:
    """DeleteStack that keeps the stack registered (DELETE_FAILED) when resources remain."""
    stack = self.stacks.get(name_or_stack_id) or next(
        (candidate for candidate in self.stacks.values() if candidate.name == name_or_stack_id), None
    )
    if stack is None:
        # CloudFormation answers DeleteStack for an unknown stack with success.
        return
    try:
        stack.delete()
    except StackDeleteFailed:
        return
    self.stacks.pop(stack.stack_id, None)
    self.deleted_stacks[stack.stack_id] = stack
    for export in stack.exports:
        self.exports.pop(export.name, None)


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend, Stack

    Stack.delete = _stack_delete(Stack.delete)  # type: ignore[method-assign]
    CloudFormationBackend.delete_stack = _backend_delete_stack  # type: ignore[method-assign]


FIX = Fix(
    name="stack_delete_failure",
    description="A resource that fails to delete leaves the stack DELETE_FAILED and retryable",
    install=_install,
)
