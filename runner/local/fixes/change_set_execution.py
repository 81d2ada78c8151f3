"""Executing a change set builds the stack the way CreateStack/UpdateStack would.

moto executes every change set as a resource diff against the (empty) REVIEW_IN_PROGRESS stack:
a CREATE change set never loads the template into the stack, so it gets no Outputs, Description,
exports or dependency-ordered creation, and stack tags from the change set are dropped on update.
CloudFormation's ExecuteChangeSet is CreateStack/UpdateStack with the change set's template,
parameters and tags.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _create_from_change_set(backend: Any, stack: Any, change_set: Any) -> None:
    stack.template = change_set.template
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = change_set.parameters
    if change_set.tags:
        stack.tags = dict(change_set.tags)
    stack.cross_stack_resources = backend.exports
    stack.resource_map = stack._create_resource_map()
    stack.output_map = stack._create_output_map()
    backend._validate_export_uniqueness(stack)
    stack._add_stack_event("CREATE_IN_PROGRESS", resource_status_reason="User Initiated")
    stack.create_resources()


def _refresh_exports(backend: Any, stack: Any) -> None:
    for name, export in list(backend.exports.items()):
        if export.exporting_stack_id == stack.stack_id:
            del backend.exports[name]
    if stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"):
        for export in stack.exports:
            backend.exports[export.name] = export


def _execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    from moto.cloudformation.exceptions import ValidationError

    from runner.local.fixes.change_set_lookup_per_stack import find_change_set

    change_set = find_change_set(self, change_set_name, stack_name)
    if change_set.execution_status != "AVAILABLE":
        raise ValidationError(
            message=f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current status of "
            f"[{change_set.status}]"
        )
    stack = self.stacks[change_set.stack_id]
    if change_set.change_set_type == "CREATE":
        _create_from_change_set(self, stack, change_set)
    else:
        stack.update(
            change_set.template,
            role_arn=change_set.role_arn,
            parameters=change_set.parameters,
            tags=dict(change_set.tags) if change_set.tags else None,
        )
    _refresh_exports(self, stack)
    change_set.execution_status = "EXECUTE_COMPLETE"


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]


FIX = Fix(
    name="change_set_execution",
    description="ExecuteChangeSet creates/updates like CreateStack/UpdateStack (Outputs, tags, exports)",
    install=_install,
)
