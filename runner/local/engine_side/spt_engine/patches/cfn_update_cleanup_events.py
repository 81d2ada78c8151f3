"""An update that removes resources reports their deletes.

What AWS does: after the new resources are in place, the stack goes
`UPDATE_COMPLETE_CLEANUP_IN_PROGRESS` and each removed resource reports `DELETE_IN_PROGRESS` then
`DELETE_COMPLETE` (dependents first) before the stack's `UPDATE_COMPLETE`; the CDK CLI prints
them. What MiniStack 1.5.33 did: deleted them silently (events only for a failed delete).

Wraps `_delete_resource` as the stack module calls it: while its stack is `UPDATE_IN_PROGRESS`
(the only time the update's cleanup deletes), records the two events around the delete.
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from ministack.services.cloudformation import _stack_events, _stacks, stacks

    def in_cleanup(stack_id: str) -> bool:
        """Whether this update already announced its cleanup (its latest stack-level event)."""
        for event in reversed(_stack_events.get(stack_id) or []):
            if event.get("ResourceType") == "AWS::CloudFormation::Stack":
                return bool(event.get("ResourceStatus") == "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        return False

    original = stacks._delete_resource

    def delete_resource(
        resource_type: str, physical_id: str, props: Any, stack_name: str, logical_id: str
    ) -> Any:
        stack = _stacks.get(stack_name) or {}
        if stack.get("StackStatus") != "UPDATE_IN_PROGRESS":
            return original(resource_type, physical_id, props, stack_name, logical_id)
        stack_id = stack.get("StackId", "")
        if not in_cleanup(stack_id):
            stacks._add_event(
                stack_id, stack_name, stack_name, "AWS::CloudFormation::Stack",
                "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "", stack_id,
            )  # fmt: skip
        stacks._add_event(
            stack_id, stack_name, logical_id, resource_type, "DELETE_IN_PROGRESS", "", physical_id
        )
        result = original(resource_type, physical_id, props, stack_name, logical_id)
        stacks._add_event(stack_id, stack_name, logical_id, resource_type, "DELETE_COMPLETE", "", physical_id)
        return result

    stacks._delete_resource = delete_resource
