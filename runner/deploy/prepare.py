"""Before anything reaches AWS: synth once, give every stack its per-PR name, run the preflight,
and check the parameters. `check` stops here; every deploy starts here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner import gha
from runner.deploy.assembly_rename import RenamedAssembly, rename_assembly
from runner.deploy.cdk import STACK_NAME_CONTEXT_KEY, CdkCli
from runner.deploy.parameters import ParameterInputs
from runner.preflight import PreflightReport, PreflightTarget, check_assembly, require_no_shared_names
from runner.preflight.render import markdown, terminal_lines


@dataclass(frozen=True)
class PrepareRequest:
    app_dir: Path
    base_name: str
    assembly_dir: Path
    target: PreflightTarget
    parameters: ParameterInputs = field(default_factory=ParameterInputs)
    allow_shared_names: bool = False


@dataclass(frozen=True)
class PreparedAssembly:
    renamed: RenamedAssembly
    report: PreflightReport
    parameter_arguments: tuple[str, ...]  # `--parameters=...` for the CDK CLI


def prepare(cli: CdkCli, request: PrepareRequest, echo: Callable[[str], None] = print) -> PreparedAssembly:
    echo(f"Synthesizing {request.app_dir} ({STACK_NAME_CONTEXT_KEY}={request.base_name})")
    assembly = cli.synth(request.base_name, request.assembly_dir)
    renamed = rename_assembly(assembly, request.base_name)
    for rename in renamed.renames:
        echo(f"Stack {rename.original} is deployed as {rename.renamed} (per-PR name)")
    report = check_assembly(renamed, request.app_dir, request.target)
    for line in terminal_lines(report):
        echo(line)
    gha.append_summary(markdown(report))
    require_no_shared_names(report, request.allow_shared_names)
    arguments = request.parameters.cli_arguments(renamed)
    for secret in request.parameters.secret_values(renamed):
        gha.add_mask(secret)
    return PreparedAssembly(renamed, report, arguments)
