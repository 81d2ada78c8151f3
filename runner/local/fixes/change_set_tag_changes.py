"""A change set that only changes the stack's tags has changes, like CloudFormation's.

moto marks an UPDATE change set "didn't contain changes" whenever the template and parameters are
unchanged, so a redeploy with new stack tags (a new run id, a later expires-at) is skipped by the
CDK CLI ("no changes") and the stack keeps the old tags. CloudFormation propagates stack tags to
resources, so a tag change is a Modify (scope Tags) of each resource and executing the change set
updates the stack's tags.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix

_NO_CHANGES = "The submitted information didn't contain changes"


def _create_change_set(original: Any) -> Any:
    def create_change_set(self: Any, *args: Any, **kwargs: Any) -> Any:
        change_set_id, stack_id = original(self, *args, **kwargs)
        change_set = self.change_sets[change_set_id]
        if _only_tags_changed(change_set):
            _tag_only_changes(change_set)
        return change_set_id, stack_id

    return create_change_set


def _only_tags_changed(change_set: Any) -> bool:
    tags_changed = change_set.tags is not None and dict(change_set.tags) != dict(change_set.stack.tags or {})
    return bool(
        change_set.change_set_type == "UPDATE"
        and tags_changed
        and change_set.status == "FAILED"
        and str(change_set.status_reason or "").startswith(_NO_CHANGES)
    )


def _tag_only_changes(change_set: Any) -> None:
    from moto.cloudformation.models import Change

    changes = []
    for logical_id, resource in change_set.stack.resource_map._resource_json_map.items():
        change: Any = Change("Modify", logical_id, resource.get("Type", ""))
        change.scope = ["Tags"]
        change.details = []
        change.replacement = "False"
        changes.append(change)
    change_set.changes = changes
    change_set.status = "CREATE_COMPLETE"
    change_set.execution_status = "AVAILABLE"
    change_set.status_reason = None


def _install() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    CloudFormationBackend.create_change_set = _create_change_set(CloudFormationBackend.create_change_set)  # type: ignore[method-assign]


FIX = Fix(
    name="change_set_tag_changes",
    description="A change set that changes only the stack tags has changes (a redeploy updates the tags)",
    install=_install,
)
