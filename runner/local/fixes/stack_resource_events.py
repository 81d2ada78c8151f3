"""Per-resource stack events (CREATE_IN_PROGRESS, CREATE_COMPLETE, CREATE_FAILED, UPDATE_*, DELETE_*).

moto records only stack-level events, so `cdk deploy` progress shows no resources and a failure
names no resource. CloudFormation records every resource transition with its physical id and, on
failure, the service's error message.

moto also stamps events with the wall clock, and a whole stack is created within a millisecond, so
many events share a (millisecond) timestamp and clients that order by it, such as the CDK CLI's
progress display, print COMPLETE before IN_PROGRESS. In CloudFormation each event of a stack is
later than the previous one, so events here are at least 1 ms apart.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from runner.local.fixes.fix import Fix
from runner.local.fixes.stack_events import (
    add_resource_event,
    failure_reason,
    mark_failed_resource,
    physical_id_of,
    stack_for,
)

_EVENT_STEP = timedelta(milliseconds=1)
_last_event_by_stack: dict[str, datetime] = {}
_event_clock_lock = threading.Lock()


def _strictly_later_events(original: Any) -> Any:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        with _event_clock_lock:
            previous = _last_event_by_stack.get(self.stack_id)
            if previous is not None and self.timestamp < previous + _EVENT_STEP:
                self.timestamp = previous + _EVENT_STEP
            _last_event_by_stack[self.stack_id] = self.timestamp

    return __init__


def _is_materialized(resource_json: dict[str, Any], resources_map: Any) -> bool:
    """False for resources moto will not create: a false Condition or a type it has no model for."""
    from moto.cloudformation import parsing

    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return False
    return parsing.resource_class_from_type(resource_json["Type"]) is not None


def _record_operation(action: str, original: Any) -> Any:
    def wrapper(
        logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
    ) -> Any:
        if not _is_materialized(resource_json, resources_map):
            return original(logical_id, resource_json, resources_map, account_id, region_name)
        stack = stack_for(resources_map)
        resource_type = resource_json["Type"]
        before = resources_map._parsed_resources.get(logical_id) if action == "UPDATE" else None
        add_resource_event(stack, logical_id, physical_id_of(before), resource_type, f"{action}_IN_PROGRESS")
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        except Exception as error:
            inner = mark_failed_resource(error, logical_id)
            reason = failure_reason(error) if inner else "Resource creation cancelled"
            add_resource_event(
                stack, logical_id, physical_id_of(before), resource_type, f"{action}_FAILED", reason
            )
            raise
        # Custom resources finish later, when their handler answers.
        if resource is not None and resource.is_created():
            add_resource_event(
                stack, logical_id, physical_id_of(resource), resource_type, f"{action}_COMPLETE"
            )
        return resource

    return wrapper


def _record_delete(original: Any) -> Any:
    def _delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
        stack = stack_for(self)
        logical_id = str(getattr(parsed_resource, "logical_resource_id", ""))
        physical_id = physical_id_of(parsed_resource)
        resource_type = str(resource_json.get("Type", ""))
        add_resource_event(stack, logical_id, physical_id, resource_type, "DELETE_IN_PROGRESS")
        try:
            original(self, parsed_resource, resource_json)
        except Exception as error:
            add_resource_event(
                stack, logical_id, physical_id, resource_type, "DELETE_FAILED", failure_reason(error)
            )
            raise
        add_resource_event(stack, logical_id, physical_id, resource_type, "DELETE_COMPLETE")

    return _delete_resource


def _install() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import Event

    Event.__init__ = _strictly_later_events(Event.__init__)  # type: ignore[method-assign]
    parsing.parse_and_create_resource = _record_operation("CREATE", parsing.parse_and_create_resource)
    parsing.parse_and_update_resource = _record_operation("UPDATE", parsing.parse_and_update_resource)
    parsing.ResourceMap._delete_resource = _record_delete(parsing.ResourceMap._delete_resource)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_resource_events",
    description="Stack events for every resource transition, with physical ids and failure reasons",
    install=_install,
)
