"""After a deploy to the local engine: outputs that reach it, and an honest word on fidelity."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from runner.aws import AwsTarget
from runner.local.not_emulated import classify_assembly, summary_lines
from runner.local.outputs import ApiStages, rewrite_outputs
from runner.record import DeploymentRecord


def stack_templates(assembly_dir: Path) -> list[tuple[str, Path]]:
    """(stack name, template path) for every stack artifact of a synthesized assembly."""
    manifest = json.loads((assembly_dir / "manifest.json").read_text(encoding="utf-8"))
    templates: list[tuple[str, Path]] = []
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties") or {}
        name = properties.get("stackName") or artifact.get("displayName") or artifact_id
        templates.append((str(name), assembly_dir / str(properties.get("templateFile", ""))))
    return [(name, path) for name, path in templates if path.is_file()]


def localize(
    record: DeploymentRecord, target: AwsTarget, assembly_dir: Path, echo: Callable[[str], None] = print
) -> DeploymentRecord:
    """The record with AWS URL outputs made local (both forms printed), after the not-emulated block."""
    for line in summary_lines(classify_assembly(stack_templates(assembly_dir))):
        echo(line)
    if target.endpoint_url is None:
        return record
    stages = ApiStages(target.client("apigateway"), target.client("apigatewayv2")).by_api()
    stacks = []
    for stack in record.stacks:
        outputs, changes = rewrite_outputs(stack.outputs, target.endpoint_url, stages)
        for change in changes:
            echo(f"{stack.name}.{change.key}: {change.aws_value} is served locally at {change.local_value}")
        stacks.append(replace(stack, outputs=outputs))
    return replace(record, stacks=tuple(stacks))
