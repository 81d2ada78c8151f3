"""Stack resource listings hold only resources that exist.

moto lists every template entry, including resources it skipped (no model) or did not create (a
false Condition) as empty records without LogicalResourceId, which boto3 callers then trip over.
CloudFormation lists only the resources the stack holds.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _stack_resources(self: Any) -> list[Any]:
    return [resource for resource in self.resource_map.values() if resource is not None]


def _install() -> None:
    from moto.cloudformation.models import Stack

    Stack.stack_resources = property(_stack_resources)  # type: ignore[assignment,method-assign]


FIX = Fix(
    name="stack_resources_listing",
    description="describe/list_stack_resources skip skipped or condition-false resources",
    install=_install,
)
