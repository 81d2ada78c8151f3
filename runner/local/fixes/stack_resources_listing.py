"""Describing a stack never creates resources, and lists only those the stack holds.

moto's ResourceMap creates a resource the first time anything reads it. Listing a stack's
resources, or computing its Outputs, therefore re-creates resources a rollback or a partial
delete removed (and fails again on the one that failed), and lists skipped or condition-false
resources as empty records without a LogicalResourceId. CloudFormation lists what the stack
holds, and a rolled-back or deleted stack has no outputs.
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

    Stack.stack_resources = property(_stack_resources)  # type: ignore[assignment,method-assign]
    Stack.outputs = _guard_outputs(Stack.outputs)  # type: ignore[method-assign]
    Stack.exports = _guard_exports(Stack.exports)  # type: ignore[method-assign]


FIX = Fix(
    name="stack_resources_listing",
    description="Describing a stack lists only resources it holds and never re-creates deleted ones",
    install=_install,
)
