"""Change-set changes say which properties change and whether that replaces the resource.

moto lists a modified resource with Action/LogicalResourceId/ResourceType only. `cdk diff` (which
creates a change set by default) hides any template difference the change set does not mention
when its value is resolved at deploy time, so with moto a new Lambda code asset (S3Bucket is a
Fn::Sub) showed "There were no differences". CloudFormation lists each changed property in
Details, with whether it requires recreation, plus Replacement, Scope and the physical id.

moto cannot know each property's replacement rule; the name property (TableName, FunctionName,
QueueName, ...) is reported as requiring recreation, as it does for nearly every type, and the
other properties as in-place updates.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _changed_properties(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    old, new = before.get("Properties") or {}, after.get("Properties") or {}
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def _name_property(resource_type: str) -> str | None:
    from moto.cloudformation import parsing

    return parsing.get_name_type_map().get(resource_type) or None


def _describe(change: Any, change_set: Any) -> None:
    resource_map = change_set.stack.resource_map
    physical_id = getattr(
        resource_map._parsed_resources.get(change.logical_resource_id), "physical_resource_id", None
    )
    if physical_id is not None:
        change.physical_resource_id = str(physical_id)
    if change.action != "Modify":
        return
    before = resource_map._resource_json_map.get(change.logical_resource_id) or {}
    after = (change_set.template_dict.get("Resources") or {}).get(change.logical_resource_id) or {}
    name_property = _name_property(change.resource_type)
    details: list[dict[str, Any]] = [
        {
            "Target": {
                "Attribute": "Properties",
                "Name": name,
                "RequiresRecreation": "Always" if name == name_property else "Never",
            },
            "Evaluation": "Static",
            "ChangeSource": "DirectModification",
        }
        for name in _changed_properties(before, after)
    ]
    change.details = details
    change.scope = ["Properties"] if details else []
    if before.get("Metadata") != after.get("Metadata"):
        change.scope.append("Metadata")
    requires_replacement = any(d["Target"]["RequiresRecreation"] == "Always" for d in details)
    change.replacement = "True" if requires_replacement else "False"


def _diff(original: Any) -> Any:
    def diff(self: Any) -> list[Any]:
        changes: list[Any] = original(self)
        for change in changes:
            _describe(change, self)
        return changes

    return diff


def _install() -> None:
    from moto.cloudformation.models import ChangeSet

    ChangeSet.diff = _diff(ChangeSet.diff)  # type: ignore[method-assign]


FIX = Fix(
    name="change_set_change_details",
    description="Change-set changes list changed properties (Details, Replacement), so `cdk diff` sees them",
    install=_install,
)
