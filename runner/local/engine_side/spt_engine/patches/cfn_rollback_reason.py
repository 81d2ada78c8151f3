"""A create that rolls back names the resources that failed.

What AWS does: the stack's `ROLLBACK_IN_PROGRESS` event says "The following resource(s) failed to
create: [Handler]. Rollback requested by user." (the CDK CLI prints it as the deploy's failure).
What MiniStack 1.5.33 did: "Rollback requested" for a create (it names them for an update).

Wraps `_add_event` as the stack module calls it: fills that reason from the run's `CREATE_FAILED`
events.
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from ministack.services.cloudformation import _stack_events, stacks

    original = stacks._add_event

    def failed_in_this_run(stack_id: str) -> list[str]:
        failed: list[str] = []
        for event in reversed(_stack_events.get(stack_id) or []):
            if event.get("ResourceType") == "AWS::CloudFormation::Stack":
                break
            if event.get("ResourceStatus") == "CREATE_FAILED":
                failed.append(str(event.get("LogicalResourceId")))
        return sorted(set(failed))

    def add_event(
        stack_id: str,
        stack_name: str,
        logical_id: str,
        resource_type: str,
        status: str,
        *rest: Any,
        **options: Any,
    ) -> Any:
        if status == "ROLLBACK_IN_PROGRESS" and rest and rest[0] == "Rollback requested":
            failed = failed_in_this_run(stack_id)
            if failed:
                names = ", ".join(failed)
                reason = f"The following resource(s) failed to create: [{names}]. Rollback requested by user."
                rest = (reason, *rest[1:])
        return original(stack_id, stack_name, logical_id, resource_type, status, *rest, **options)

    stacks._add_event = add_event
