"""The CloudFormation templates of a synthesized stack (its own and its nested stacks'), and walks
over their JSON values."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.deploy.assembly import StackArtifact, read_json

NESTED_STACK = "AWS::CloudFormation::Stack"
ASSET_PATH_METADATA = "aws:asset:path"
CDK_PATH_METADATA = "aws:cdk:path"


@dataclass(frozen=True)
class StackTemplate:
    """One template file: a stack's own, or a nested stack's inside it (`nested_in` names the parent)."""

    stack: StackArtifact
    path: Path
    body: dict[str, Any]
    nested_in: str = ""  # logical id of the AWS::CloudFormation::Stack resource, for nested templates

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources = self.body.get("Resources", {})
        return {key: value for key, value in resources.items() if isinstance(value, dict)}

    def label(self, logical_id: str) -> str:
        """`Orders/Table (TableCD117FA1)`: the construct path where CDK recorded it, else the id."""
        resource = self.resources.get(logical_id, {})
        path = resource.get("Metadata", {}).get(CDK_PATH_METADATA)
        if isinstance(path, str) and path:
            shown = path.removesuffix("/Resource").removesuffix("/Default")
            return f"{shown} ({logical_id})"
        return f"{self.nested_in}/{logical_id}" if self.nested_in else logical_id

    def dumps(self) -> str:
        return json.dumps(self.body, indent=1)


def stack_templates(stack: StackArtifact) -> list[StackTemplate]:
    """The stack's template, then its nested stacks' (found by the asset path CDK records on each)."""
    found = [StackTemplate(stack, stack.template_path, stack.template())]
    index = 0
    while index < len(found):
        parent = found[index]
        index += 1
        for logical_id, resource in parent.resources.items():
            asset = resource.get("Metadata", {}).get(ASSET_PATH_METADATA)
            if resource.get("Type") != NESTED_STACK or not isinstance(asset, str):
                continue
            path = stack.directory / asset
            if path.suffix == ".json" and path.is_file() and all(item.path != path for item in found):
                found.append(StackTemplate(stack, path, read_json(path), nested_in=logical_id))
    return found


def walk_strings(node: Any, change: Callable[[str], str]) -> Any:
    """A copy of `node` with `change` applied to every string value (keys are left alone)."""
    if isinstance(node, str):
        return change(node)
    if isinstance(node, list):
        return [walk_strings(item, change) for item in node]
    if isinstance(node, dict):
        return {key: walk_strings(value, change) for key, value in node.items()}
    return node


def walk_dicts(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside `node`, `node` included, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_dicts(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_dicts(item)


def replace_all(node: Any, replacements: Mapping[str, str]) -> Any:
    """Replace every occurrence of each key of `replacements`, inside any string value."""
    if not replacements:
        return node
    pattern = re.compile("|".join(re.escape(old) for old in sorted(replacements, key=len, reverse=True)))
    return walk_strings(node, lambda text: pattern.sub(lambda match: replacements[match.group(0)], text))
