"""Shared helpers: find the Stack behind a ResourceMap, record resource events, name failures."""

from __future__ import annotations

from typing import Any

# Set on an exception by the innermost resource operation that raised it, so stack-level handlers
# can say which resource failed (moto's errors carry no resource context).
_FAILED_RESOURCE_ATTRIBUTE = "runner_failed_resource"


def stack_for(resources_map: Any) -> Any | None:
    """The Stack owning `resources_map`, or None (nested-stack internals, or a stack mid-delete)."""
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    stack_id = resources_map.stack_id
    return backend.stacks.get(stack_id) or backend.deleted_stacks.get(stack_id)


def add_resource_event(
    stack: Any | None,
    logical_id: str,
    physical_id: str,
    resource_type: str,
    status: str,
    reason: str | None = None,
) -> None:
    if stack is None:
        return
    from moto.cloudformation.models import Event

    event = Event(
        stack_id=stack.stack_id,
        stack_name=stack.name,
        logical_resource_id=logical_id,
        physical_resource_id=physical_id,
        resource_type=resource_type,
        resource_status=status,
        resource_status_reason=reason,
        resource_properties=None,
    )
    event.sendToSns(stack.account_id, stack.region_name, stack.notification_arns)
    stack.events.append(event)


def set_stack_status(stack: Any, status: str, reason: str | None = None) -> None:
    """Move the stack to `status` with a stack event; `reason` also shows as StackStatusReason."""
    stack.status = status
    stack.stack_status_reason = reason
    stack._add_stack_event(status, resource_status_reason=reason)


def mark_failed_resource(error: BaseException, logical_id: str) -> bool:
    """Remember `logical_id` as the resource that raised `error`; False when an inner one did."""
    if getattr(error, _FAILED_RESOURCE_ATTRIBUTE, None) is not None:
        return False
    setattr(error, _FAILED_RESOURCE_ATTRIBUTE, logical_id)
    return True


def failed_resource(error: BaseException) -> str | None:
    value = getattr(error, _FAILED_RESOURCE_ATTRIBUTE, None)
    return value if isinstance(value, str) else None


def failure_reason(error: BaseException) -> str:
    """The message CloudFormation would show: the service's error message, not a traceback."""
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    return f"{type(error).__name__}: {error}"


def physical_id_of(resource: Any) -> str:
    value = getattr(resource, "physical_resource_id", None)
    return "" if value is None else str(value)
