"""Resources are deleted after everything that depends on them, once each.

moto deletes a stack's resources in the iteration order of a set of names (hash-seeded, so it
changes from process to process) and retries failures in later passes. A Role can go before the
Function using it, a RestApi before its Resources, and, with Lambda-backed custom resources, the
provider Function before the custom resource whose Delete it must handle (CDK's
`autoDeleteObjects` then never empties its bucket). CloudFormation deletes in reverse dependency
order (Ref, Fn::GetAtt, Fn::Sub, DependsOn), attempts each resource once, and leaves in place
whatever a resource that failed to delete still depends on. Resources an update removes are
deleted dependents-first too (moto used template order).
"""

from __future__ import annotations

import re
from typing import Any

from runner.local.fixes.fix import Fix

_SUB_REFERENCE = re.compile(r"\$\{([^!}][^}.]*)(?:\.[^}]*)?\}")


def _references(value: Any) -> set[str]:
    if isinstance(value, list):
        return set().union(*(_references(item) for item in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found: set[str] = set()
    for key, item in value.items():
        if key == "Ref" and isinstance(item, str):
            found.add(item)
        elif key == "Fn::GetAtt":
            target = item[0] if isinstance(item, list) and item else str(item).split(".", 1)[0]
            found.add(str(target))
        elif key == "Fn::Sub":
            template = item[0] if isinstance(item, list) else item
            if isinstance(template, str):
                found.update(_SUB_REFERENCE.findall(template))
            found |= _references(item[1] if isinstance(item, list) and len(item) > 1 else None)
        else:
            found |= _references(item)
    return found


def dependencies(resource_json_map: dict[str, Any]) -> dict[str, set[str]]:
    """For each resource, the other resources of the template it refers to or DependsOn."""
    graph: dict[str, set[str]] = {}
    for name, definition in resource_json_map.items():
        depends_on = definition.get("DependsOn", [])
        explicit = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        references = _references({key: value for key, value in definition.items() if key != "DependsOn"})
        graph[name] = ((references | explicit) & resource_json_map.keys()) - {name}
    return graph


def _delete(self: Any) -> None:
    json_map = self._resource_json_map
    graph = dependencies(json_map)
    remaining = [
        name for name, definition in json_map.items() if definition.get("DeletionPolicy") != "Retain"
    ]
    failed: dict[str, Exception] = {}
    while True:
        # Ready: nothing that still exists (not yet deleted, or failed to delete) depends on it.
        existing = set(remaining) | set(failed)
        ready = [name for name in remaining if not any(name in graph[other] for other in existing - {name})]
        if not ready:
            break
        for name in ready:
            remaining.remove(name)
            resource = self._parsed_resources.get(name)
            if resource is None or isinstance(resource, str):
                continue  # never created (false Condition, skipped type)
            try:
                self._delete_resource(resource, json_map[name])
            except Exception as error:
                failed[name] = error
                continue
            self._parsed_resources.pop(name, None)
    if failed:
        raise list(failed.values())[-1]
    if remaining:
        raise RuntimeError(f"circular dependencies between {sorted(remaining)}")


def dependents_first(names: list[str], graph: dict[str, set[str]]) -> list[str]:
    """`names` ordered so each comes before everything (among them) it depends on."""
    remaining = list(names)
    ordered: list[str] = []
    while remaining:
        ready = [
            n for n in remaining if not any(n in graph.get(other, set()) for other in remaining if other != n)
        ]
        if not ready:  # a cycle: keep the rest in their order
            return ordered + remaining
        ordered += ready
        remaining = [n for n in remaining if n not in ready]
    return ordered


def _build_resource_diff(original: Any) -> Any:
    def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: Any = None) -> Any:
        actions = original(self, other_template, parameters)
        actions["Remove"] = dependents_first(actions["Remove"], dependencies(self._resource_json_map))
        return actions

    return build_resource_diff


def _install() -> None:
    from moto.cloudformation.parsing import ResourceMap

    ResourceMap.delete = _delete  # type: ignore[method-assign]
    ResourceMap.build_resource_diff = _build_resource_diff(ResourceMap.build_resource_diff)  # type: ignore[method-assign]


FIX = Fix(
    name="delete_in_dependency_order",
    description="Stack resources are deleted dependents-first, each once (moto used set order + retries)",
    install=_install,
)
