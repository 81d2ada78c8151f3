"""`serverless-pr-test deploy`: the PR's CDK app as isolated, tagged stacks; outputs recorded."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from runner.commands.common import add_naming_options, add_preflight_options, add_target_options

if TYPE_CHECKING:
    from runner.aws import AwsTarget
    from runner.context import RunContext
    from runner.record import DeploymentRecord

HELP = "synth the app with per-PR stack names, deploy every stack, verify, and record the outputs"
DEFAULT_TTL_HOURS = 24.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    add_naming_options(parser)
    add_target_options(parser, local_help="deploy to the local endpoint (bootstrapping it when needed)")
    add_preflight_options(parser)
    parser.add_argument(
        "--ttl-hours",
        type=float,
        default=DEFAULT_TTL_HOURS,
        help=f"expires-at tag = now + this; the janitor removes expired stacks ({DEFAULT_TTL_HOURS:g})",
    )


def execute(args: argparse.Namespace) -> int:
    from runner.commands.common import detect_context, target_from_args

    target = target_from_args(args)
    context = detect_context(args, args.app_dir)
    if context.is_fork and not target.is_local:
        skip_fork_deploy()
        return 0
    record = deploy_app(args, args.app_dir, context, target)
    print_outputs(record)
    return 0


def deploy_app(
    args: argparse.Namespace, app_dir: Path, context: RunContext, target: AwsTarget
) -> DeploymentRecord:
    """Shared by `deploy` and `run`."""
    import json
    import os
    from datetime import timedelta

    from runner import gha
    from runner.cdk import CdkCli, cli_environment, find_cdk_executable, read_cdk_json
    from runner.commands.common import default_prefix, target_account
    from runner.deploy import Deployer, DeployPlan, choose_stack_name
    from runner.errors import ConfigError
    from runner.parameters import ParameterInputs, from_flags
    from runner.stacks import Stacks

    if not app_dir.is_dir():
        raise ConfigError(f"app directory {app_dir} does not exist")
    read_cdk_json(app_dir)
    if args.ttl_hours <= 0:
        raise ConfigError(f"--ttl-hours must be positive, got {args.ttl_hours}")
    parameters = ParameterInputs.parse(from_flags(args.parameters))
    base_name = choose_stack_name(
        args.stack_name, default_prefix(args, app_dir), context.pr_number, allow_without_pr=target.is_local
    )
    plan = DeployPlan(
        app_dir=app_dir.resolve(),
        base_name=base_name,
        work_dir=args.work_dir.resolve(),
        context=context,
        ttl=timedelta(hours=args.ttl_hours),
        target=target,
        parameters=parameters,
        allow_shared_names=args.allow_shared_names,
        account=target_account(target),
    )
    cli = CdkCli(find_cdk_executable(plan.app_dir), plan.app_dir, cli_environment(os.environ, {}))
    with gha.group(f"Deploy {base_name}"):
        record = Deployer(cli, Stacks(target.client("cloudformation"))).deploy(plan)
        if target.is_local:
            from runner.local.deploy_layer import localize

            record = localize(record, target, plan.assembly_dir)
            record.write(plan.record_path)
    gha.set_output("stack-names", ",".join(record.stack_names))
    gha.set_output("outputs-json", json.dumps(record.merged_outputs(), sort_keys=True))
    gha.set_output("record-path", str(plan.record_path))
    return record


def print_outputs(record: DeploymentRecord) -> None:
    print(f"Deployed {', '.join(record.stack_names)} in {record.duration_seconds:.1f} s. Outputs:")
    for key, value in sorted(record.merged_outputs().items()):
        print(f"  {key} = {value}")


def skip_fork_deploy() -> None:
    """A fork's PR gets no secrets and no OIDC token, and its code must not reach AWS credentials."""
    from runner import gha

    gha.annotation(
        "notice",
        "pull request from a fork: deploy skipped (forks get no AWS credentials). A maintainer can "
        "re-run it with workflow_dispatch (input pr) after reviewing the code.",
        title="serverless-pr-test deploy",
    )
    gha.set_output("stack-names", "")
    gha.set_output("outputs-json", "{}")
