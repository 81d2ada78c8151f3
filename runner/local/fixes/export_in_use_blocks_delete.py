"""A stack whose export another stack imports cannot be deleted, like CloudFormation.

moto deletes the exporting stack anyway and leaves the importing stack pointing at nothing, so a
destroy that deletes stacks in the wrong order looks fine locally. CloudFormation fails the delete
(DELETE_FAILED: "Export ... cannot be deleted as it is in use by ...") and keeps every resource.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix
from runner.local.fixes.stack_events import set_stack_status


def _imported_names(value: Any) -> set[str]:
    """Literal export names in Fn::ImportValue (what CDK emits for cross-stack references)."""
    if isinstance(value, list):
        return set().union(*(_imported_names(item) for item in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found: set[str] = set()
    for key, item in value.items():
        if key == "Fn::ImportValue" and isinstance(item, str):
            found.add(item)
        else:
            found |= _imported_names(item)
    return found


def _first_importer(backend: Any, stack: Any) -> tuple[str, str] | None:
    exported = {export.name for export in stack.exports}
    for other in backend.stacks.values():
        if other is stack or other.status.startswith("DELETE_COMPLETE"):
            continue
        for name in sorted(exported & _imported_names(other.template_dict.get("Resources", {}))):
            return name, other.name
        for name in sorted(exported & _imported_names(other.template_dict.get("Outputs", {}))):
            return name, other.name
    return None


def _delete_stack(original: Any) -> Any:
    def delete_stack(self: Any, name_or_stack_id: str) -> None:
        stack: Any = self.stacks.get(name_or_stack_id) or next(
            (candidate for candidate in self.stacks.values() if candidate.name == name_or_stack_id), None
        )
        importer = None if stack is None else _first_importer(self, stack)
        if stack is None or importer is None:
            original(self, name_or_stack_id)
            return
        export_name, importing_stack = importer
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        reason = f"Export {export_name} cannot be deleted as it is in use by {importing_stack}"
        set_stack_status(stack, "DELETE_FAILED", reason)

    return delete_stack


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    CloudFormationBackend.delete_stack = _delete_stack(CloudFormationBackend.delete_stack)  # type: ignore[method-assign]


FIX = Fix(
    name="export_in_use_blocks_delete",
    description="Deleting a stack whose export is imported elsewhere fails (DELETE_FAILED), like AWS",
    install=_install,
)
