"""The deploy stage as `deploy`, `run` and `dev` call it: a DeployRequest in, a DeploymentRecord out
(synth, per-PR names, preflight, CDK deploy, verify; on a local engine the layer that makes the
outputs reachable), with the step outputs written for GitHub Actions."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from runner import gha
from runner.aws import AwsTarget
from runner.context import RunContext
from runner.deploy.cdk import (
    DEFAULT_SYNTH_TIMEOUT_SECONDS,
    CdkCli,
    cli_environment,
    find_cdk_executable,
    read_cdk_json,
)
from runner.deploy.deployer import Deployer, DeployPlan
from runner.deploy.parameters import ParameterInputs, from_flags
from runner.deploy.synth_cache import CachingCdkCli
from runner.errors import ConfigError
from runner.github.deploy_hooks import publish_deploy_outputs
from runner.limits import synth_timeout_seconds, ttl_hours
from runner.local.deploy_layer import localize
from runner.naming import StackNaming
from runner.record import DeploymentRecord
from runner.stacks import Stacks

DEFAULT_TTL_HOURS = 24.0


@dataclass(frozen=True)
class DeployRequest:
    """Everything a deploy needs from the command line, checked by `checked()` before any work."""

    app_dir: Path
    naming: StackNaming
    work_dir: Path
    ttl_hours: float = DEFAULT_TTL_HOURS
    synth_timeout_seconds: float = DEFAULT_SYNTH_TIMEOUT_SECONDS
    parameter_flags: tuple[str, ...] = ()
    allow_shared_names: bool = False
    environment_url_output: str = ""
    # Keep the previous synth when the app's sources are unchanged (local runs: the synth dominates).
    reuse_synth: bool = False

    def checked(self) -> DeployRequest:
        ttl_hours(self.ttl_hours)
        synth_timeout_seconds(self.synth_timeout_seconds)
        return self


def deploy_app(request: DeployRequest, context: RunContext, target: AwsTarget) -> DeploymentRecord:
    """Shared by `deploy`, `run` and `dev`."""
    request.checked()
    if not request.app_dir.is_dir():
        raise ConfigError(f"app directory {request.app_dir} does not exist")
    read_cdk_json(request.app_dir)
    parameters = ParameterInputs.parse(from_flags(request.parameter_flags))
    base_name = request.naming.base_name(context.pr_number, allow_without_pr=target.is_local)
    plan = DeployPlan(
        app_dir=request.app_dir.resolve(),
        base_name=base_name,
        work_dir=request.work_dir.resolve(),
        context=context,
        ttl=timedelta(hours=request.ttl_hours),
        target=target,
        parameters=parameters,
        allow_shared_names=request.allow_shared_names,
        account=target.account(),
    )
    cli_class = CachingCdkCli if request.reuse_synth else CdkCli
    cli = cli_class(
        find_cdk_executable(plan.app_dir),
        plan.app_dir,
        cli_environment(os.environ, {}),
        synth_timeout_seconds=request.synth_timeout_seconds,
    )
    with gha.group(f"Deploy {base_name}"):
        record = Deployer(cli, Stacks(target.client("cloudformation"))).deploy(plan)
        if target.is_local:
            record = localize(record, target, plan.assembly_dir)
            record.write(plan.record_path)
    gha.set_output("stack-names", ",".join(record.stack_names))
    gha.set_output("outputs-json", json.dumps(record.merged_outputs(), sort_keys=True))
    gha.set_output("record-path", str(plan.record_path))
    publish_deploy_outputs(record, request.environment_url_output)  # and `run`'s summary
    return record


def print_outputs(record: DeploymentRecord) -> None:
    print(f"Deployed {', '.join(record.stack_names)} in {record.duration_seconds:.1f} s. Outputs:")
    for key, value in sorted(record.merged_outputs().items()):
        print(f"  {key} = {value}")


def skip_fork_deploy(reason: str = "pull request from a fork") -> None:
    """A fork's PR gets no secrets and no OIDC token, and its code must not reach AWS credentials;
    a Dependabot PR gets only Dependabot secrets."""
    gha.annotation(
        "notice",
        f"{reason}: deploy skipped (no AWS credentials). A maintainer can re-run it with "
        "workflow_dispatch (input pr) after reviewing the code.",
        title="serverless-pr-test deploy",
    )
    gha.set_output("stack-names", "")
    gha.set_output("outputs-json", "{}")
