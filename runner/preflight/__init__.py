"""Preflight: per-PR isolation and clean-up hazards in a synthesized (and renamed) assembly.

`check_assembly` is pure over the assembly files and the app directory; `runner.preflight.command` and
every deploy run it. Names shared between PRs stop a deploy (`PreflightError`) unless allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runner.deploy.assembly_rename import RenamedAssembly
from runner.deploy.templates import stack_templates
from runner.errors import PreflightError
from runner.preflight.assembly_rules import context_lookups, docker_assets, pinned_environment
from runner.preflight.expressions import Scope
from runner.preflight.model import Finding, Hazard, PreflightReport
from runner.preflight.template_rules import TemplateContext, check_template

__all__ = [
    "Finding",
    "Hazard",
    "PreflightReport",
    "PreflightTarget",
    "check_assembly",
    "require_no_shared_names",
]


@dataclass(frozen=True)
class PreflightTarget:
    """Where the copies go: the region, and the account when known (None: any account is foreign)."""

    region: str
    account: str | None
    base_name: str


def check_assembly(renamed: RenamedAssembly, app_dir: Path, target: PreflightTarget) -> PreflightReport:
    findings: list[Finding] = []
    per_pr_names = renamed.per_pr_names
    for stack in renamed.assembly.stacks:
        context = TemplateContext(
            Scope(stack.stack_name, target.region, target.account), target.base_name, per_pr_names
        )
        for template in stack_templates(stack):
            findings.extend(check_template(template, context))
        findings.extend(pinned_environment(stack, target.account, target.region))
        findings.extend(docker_assets(stack))
    findings.extend(context_lookups(renamed.assembly, app_dir))
    return PreflightReport(tuple(findings), renamed.assembly.stack_names)


def require_no_shared_names(report: PreflightReport, allow_shared_names: bool) -> None:
    """Stop before anything is deployed when two PRs would share a named resource."""
    if not report.blocking or allow_shared_names:
        return
    listed = "; ".join(f"{finding.stack} {finding.resource}" for finding in report.blocking[:5])
    more = f" and {len(report.blocking) - 5} more" if len(report.blocking) > 5 else ""
    raise PreflightError(
        f"{len(report.blocking)} resource(s) would have the same name in every PR's copy ({listed}{more}); "
        "nothing was deployed. Fix each as the preflight above says, or pass --allow-shared-names "
        "to deploy anyway (two PRs then collide or share them)"
    )
