"""Read a synthesized CDK cloud assembly (manifest.json): which stacks, and in which order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.errors import SynthError

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"


@dataclass(frozen=True)
class StackArtifact:
    """One deployable stack: the CDK artifact id (what `cdk deploy` takes) and its CloudFormation name."""

    artifact_id: str
    stack_name: str
    depends_on: tuple[str, ...]  # artifact ids of other stacks


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


def _read_stacks(directory: Path, prefix: str) -> list[StackArtifact]:
    manifest_path = directory / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SynthError(f"cloud assembly manifest {manifest_path} is unreadable: {error}") from error
    artifacts: dict[str, Any] = manifest.get("artifacts", {})
    stack_ids = {key for key, value in artifacts.items() if value.get("type") == STACK_ARTIFACT}
    stacks: list[StackArtifact] = []
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        if kind == STACK_ARTIFACT:
            properties = artifact.get("properties", {})
            stacks.append(
                StackArtifact(
                    artifact_id=f"{prefix}{artifact_id}",
                    stack_name=properties.get("stackName") or artifact_id,
                    depends_on=tuple(
                        f"{prefix}{dependency}"
                        for dependency in artifact.get("dependencies", [])
                        if dependency in stack_ids
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
