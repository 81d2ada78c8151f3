"""Give every stack of a synthesized assembly its per-PR name, and rewrite what depends on that name.

An unmodified CDK app names its stacks itself (`OrdersStack`); two PRs deploying it would share
those stacks. After synth, each stack that does not already carry the PR's name (apps that read the
context key `serverless-pr-test:stack-name` do) gets `<base>` (one stack) or `<base>-<original>`
(several). Inside the assembly that touches:

- manifest.json: `properties.stackName` (what the CDK CLI deploys as; artifact ids and dependencies
  stay, so `cdk deploy` ordering and construct paths are unchanged);
- export names built from the old stack name (CDK's cross-stack `Old:ExportsOutput...`, or an app's
  `f"{self.stack_name}-Url"`) and every `Fn::ImportValue` of them, in every stack of the assembly;
- names CDK generated from the construct path (`Names.uniqueId`, e.g. an EventBus without a name):
  they end with a hash of the path, which does not change between PRs, so they get a per-PR hash
  (in every stack whose construct id is not the per-PR name, renamed or not);
- the S3 key of each rewritten template (runner.deploy.assembly_assets).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.deploy.assembly import MANIFEST_FILE, CloudAssembly, StackArtifact, read_json
from runner.deploy.assembly_assets import rekey_templates
from runner.deploy.templates import CDK_PATH_METADATA, StackTemplate, replace_all, stack_templates, walk_dicts
from runner.errors import ConfigError
from runner.naming import belongs_to, member_stack_name, squash

HASH_LENGTH = 8  # CDK's construct path hash: md5, first 8 hex digits, upper case
HIDDEN_ID = "Default"  # CDK leaves this construct id out of generated ids
DERIVED_NAME_SEPARATORS = ":-_./"
# Names that are unique only inside their parent (an inline policy inside its role), never across PRs.
SCOPED_NAME_TYPES = frozenset({"AWS::IAM::Policy"})


@dataclass(frozen=True)
class StackRename:
    artifact_id: str
    original: str
    renamed: str


@dataclass(frozen=True)
class RenamedAssembly:
    assembly: CloudAssembly
    renames: tuple[StackRename, ...]
    per_pr_names: frozenset[str] = frozenset()  # names CDK generated, now with a per-PR hash

    def original_name(self, stack_name: str) -> str:
        """The name the app gave the stack (the same when the app already used the PR's name)."""
        return next((item.original for item in self.renames if item.renamed == stack_name), stack_name)


def plan_stack_names(stacks: Sequence[StackArtifact], base_name: str) -> tuple[StackRename, ...]:
    """Which stacks get which per-PR name; stacks already named `base` or `base-*` keep their name."""
    foreign = [stack for stack in stacks if not belongs_to(stack.stack_name, base_name)]
    if len(stacks) == 1 and foreign:
        return (StackRename(foreign[0].artifact_id, foreign[0].stack_name, base_name),)
    renames = tuple(
        StackRename(stack.artifact_id, stack.stack_name, member_stack_name(base_name, stack.stack_name))
        for stack in foreign
    )
    renamed_ids = {item.artifact_id for item in renames}
    final = [item.renamed for item in renames] + [
        stack.stack_name for stack in stacks if stack.artifact_id not in renamed_ids
    ]
    clashes = sorted({name for name in final if final.count(name) > 1})
    if clashes:
        raise ConfigError(
            f"two stacks of the app would both be deployed as {', '.join(clashes)}: give them "
            "distinct stack names"
        )
    return renames


def rename_assembly(assembly: CloudAssembly, base_name: str) -> RenamedAssembly:
    """Rename the stacks in place (the assembly directory is the runner's own synth output)."""
    renames = plan_stack_names(assembly.stacks, base_name)
    by_id = {item.artifact_id: item for item in renames}
    templates = [template for stack in assembly.stacks for template in stack_templates(stack)]
    before = {template.path: template.dumps() for template in templates}
    export_names: dict[str, str] = {}
    generated: dict[str, str] = {}
    for template in templates:
        rename = by_id.get(template.stack.artifact_id)
        if rename is not None:
            export_names.update(rename_exports(template.body, rename.original, rename.renamed))
        # Also for a stack that already has its PR's name: a fixed construct id (`Stack(app,
        # "Orders", stack_name=...)`) gives the same generated names to every PR.
        final_name = rename.renamed if rename is not None else template.stack.stack_name
        generated.update(generated_names(template, final_name, base_name))
    if not renames and not generated:
        return RenamedAssembly(assembly, ())
    changed: list[Path] = []
    for template in templates:
        rename_imports(template.body, export_names)
        body = replace_all(template.body, generated)
        text = StackTemplate(template.stack, template.path, body).dumps()
        if text != before[template.path]:
            template.path.write_text(text, encoding="utf-8")
            changed.append(template.path)
    _write_stack_names(assembly.stacks, by_id)
    rekey_templates(assembly.manifest_directories(), changed)
    return RenamedAssembly(CloudAssembly.read(assembly.directory), renames, frozenset(generated.values()))


def derived_name(name: str, original: str, renamed: str) -> str | None:
    """`Orders:ExportsOutputRef...` -> `shop-pr-1:ExportsOutputRef...`; None when not built from it."""
    if name == original:
        return renamed
    if name.startswith(original) and name[len(original)] in DERIVED_NAME_SEPARATORS:
        return renamed + name[len(original) :]
    return None


def rename_exports(template: dict[str, Any], original: str, renamed: str) -> dict[str, str]:
    """Rewrite literal export names built from the old stack name; returns old -> new."""
    mapping: dict[str, str] = {}
    for output in template.get("Outputs", {}).values():
        export = output.get("Export") if isinstance(output, dict) else None
        name = export.get("Name") if isinstance(export, dict) else None
        if isinstance(export, dict) and isinstance(name, str):
            new_name = derived_name(name, original, renamed)
            if new_name is not None:
                export["Name"] = new_name
                mapping[name] = new_name
    return mapping


def rename_imports(template: dict[str, Any], export_names: dict[str, str]) -> None:
    for node in walk_dicts(template):
        imported = node.get("Fn::ImportValue")
        if isinstance(imported, str) and imported in export_names:
            node["Fn::ImportValue"] = export_names[imported]


def path_hash(components: Sequence[str]) -> str:
    """CDK's `pathHash`: the tail of every id and name it generates from a construct path."""
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()
    return digest[:HASH_LENGTH].upper()


def generated_names(template: StackTemplate, renamed: str, base_name: str) -> dict[str, str]:
    """Names CDK generated from a construct path (old -> per-PR), found on the resource they name;
    those that already carry the PR's name (the construct id was the per-PR name) stay.

    The new name keeps the old one's length (the construct may have capped it) and swaps the path
    hash for a hash of the per-PR stack name and the path."""
    squashed_base = squash(base_name)
    mapping: dict[str, str] = {}
    for resource in template.resources.values():
        path = resource.get("Metadata", {}).get(CDK_PATH_METADATA)
        properties = resource.get("Properties")
        if resource.get("Type") in SCOPED_NAME_TYPES or not isinstance(path, str):
            continue
        if not isinstance(properties, dict):
            continue
        components = [part for part in path.split("/") if part != HIDDEN_ID]
        prefixes = {path_hash(components[:end]): components[:end] for end in range(2, len(components) + 1)}
        for value in properties.values():
            if not isinstance(value, str) or len(value) <= HASH_LENGTH or squashed_base in squash(value):
                continue
            if value[-HASH_LENGTH:] in prefixes:
                scope = prefixes[value[-HASH_LENGTH:]]
                mapping[value] = value[:-HASH_LENGTH] + path_hash([renamed, *scope])
    return mapping


def _write_stack_names(stacks: Sequence[StackArtifact], by_id: dict[str, StackRename]) -> None:
    for directory in dict.fromkeys(stack.directory for stack in stacks if stack.artifact_id in by_id):
        manifest_path = directory / MANIFEST_FILE
        manifest = read_json(manifest_path)
        for stack in stacks:
            if stack.directory == directory and stack.artifact_id in by_id:
                artifact = manifest["artifacts"][stack.local_id]
                artifact.setdefault("properties", {})["stackName"] = by_id[stack.artifact_id].renamed
        manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
