"""Read a synthesized CDK cloud assembly (manifest.json): which stacks, and in which order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import SynthError

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
ASSET_MANIFEST = "cdk:asset-manifest"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class StackArtifact:
    """One deployable stack: the CDK artifact id (what `cdk deploy` takes) and its CloudFormation name."""

    artifact_id: str
    stack_name: str
    depends_on: tuple[str, ...]  # artifact ids of other stacks
    directory: Path = Path()  # the (nested) assembly directory holding its files
    local_id: str = ""  # the artifact's key in that directory's manifest.json
    template_file: str = ""  # relative to `directory`
    environment: str = ""  # `aws://account/region`; `unknown-account`/`unknown-region` when agnostic
    asset_manifests: tuple[str, ...] = ()  # asset manifest files, relative to `directory`

    @property
    def template_path(self) -> Path:
        return self.directory / self.template_file

    def template(self) -> dict[str, Any]:
        """The synthesized CloudFormation template (a SynthError when unreadable)."""
        return read_json(self.template_path)


@dataclass(frozen=True)
class CloudAssembly:
    directory: Path
    stacks: tuple[StackArtifact, ...]  # dependencies first

    @classmethod
    def read(cls, directory: Path) -> CloudAssembly:
        stacks = _read_stacks(directory, prefix="")
        return cls(directory=directory, stacks=deployment_order(stacks))

    @property
    def stack_names(self) -> tuple[str, ...]:
        return tuple(stack.stack_name for stack in self.stacks)

    def manifest_directories(self) -> tuple[Path, ...]:
        """The top-level assembly and every nested (Stage) assembly that holds a stack."""
        return tuple(dict.fromkeys([self.directory, *(stack.directory for stack in self.stacks)]))


def read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SynthError(f"cloud assembly file {path} is unreadable: {error}") from error
    if not isinstance(document, dict):
        raise SynthError(f"cloud assembly file {path} is not a JSON object")
    return document


def _read_stacks(directory: Path, prefix: str) -> list[StackArtifact]:
    manifest_path = directory / MANIFEST_FILE
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SynthError(f"cloud assembly manifest {manifest_path} is unreadable: {error}") from error
    artifacts: dict[str, Any] = manifest.get("artifacts", {})
    stack_ids = {key for key, value in artifacts.items() if value.get("type") == STACK_ARTIFACT}
    asset_files = {
        key: value.get("properties", {}).get("file", "")
        for key, value in artifacts.items()
        if value.get("type") == ASSET_MANIFEST
    }
    stacks: list[StackArtifact] = []
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        if kind == STACK_ARTIFACT:
            properties = artifact.get("properties", {})
            related = [*artifact.get("dependencies", []), *properties.get("additionalDependencies", [])]
            stacks.append(
                StackArtifact(
                    artifact_id=f"{prefix}{artifact_id}",
                    stack_name=properties.get("stackName") or artifact_id,
                    depends_on=tuple(
                        f"{prefix}{dependency}"
                        for dependency in artifact.get("dependencies", [])
                        if dependency in stack_ids
                    ),
                    directory=directory,
                    local_id=artifact_id,
                    template_file=properties.get("templateFile", ""),
                    environment=artifact.get("environment", ""),
                    asset_manifests=tuple(
                        dict.fromkeys(asset_files[key] for key in related if key in asset_files)
                    ),
                )
            )
        elif kind == NESTED_ASSEMBLY:
            # Stages synthesize into nested assemblies; `cdk deploy` addresses them as Stage/Stack.
            nested_directory = directory / artifact.get("properties", {}).get("directoryName", "")
            stage = artifact.get("displayName") or artifact_id.removeprefix("assembly-")
            stacks.extend(_read_stacks(nested_directory, prefix=f"{prefix}{stage}/"))
    return stacks


def deployment_order(stacks: list[StackArtifact]) -> tuple[StackArtifact, ...]:
    """Dependencies before dependents; among independent stacks, manifest order (stable)."""
    by_id = {stack.artifact_id: stack for stack in stacks}
    ordered: list[StackArtifact] = []
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(stack: StackArtifact) -> None:
        if stack.artifact_id in done:
            return
        if stack.artifact_id in visiting:
            raise SynthError(f"stack dependencies form a cycle through {stack.artifact_id}")
        visiting.add(stack.artifact_id)
        for dependency in stack.depends_on:
            if dependency in by_id:
                visit(by_id[dependency])
        visiting.discard(stack.artifact_id)
        done.add(stack.artifact_id)
        ordered.append(stack)

    for stack in stacks:
        visit(stack)
    return tuple(ordered)
