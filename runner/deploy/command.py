"""`serverless-pr-test deploy`: the PR's CDK app as isolated, tagged stacks; outputs recorded."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from runner.cli.options import add_naming_options, add_preflight_options, add_target_options

if TYPE_CHECKING:
    from runner.aws import AwsTarget
    from runner.context import RunContext
    from runner.record import DeploymentRecord

DEFAULT_TTL_HOURS = 24.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    add_naming_options(parser)
    add_target_options(parser, local_help="deploy to the local endpoint (bootstrapping it when needed)")
    add_preflight_options(parser)
    parser.add_argument(
        "--environment-url-output",
        default="",
        metavar="OUTPUT",
        help="stack output holding the environment's URL (the GitHub deployment's link; `environment-url`)",
    )
    parser.add_argument(
        "--ttl-hours",
        type=float,
        default=DEFAULT_TTL_HOURS,
        help=f"expires-at tag = now + this; the janitor removes expired stacks ({DEFAULT_TTL_HOURS:g})",
    )
    add_synth_timeout_option(parser)


def add_synth_timeout_option(parser: argparse.ArgumentParser) -> None:
    """Shared with `run`: a synth that never ends is stopped, with every process it started."""
    from runner.deploy.cdk import DEFAULT_SYNTH_TIMEOUT_SECONDS

    parser.add_argument(
        "--synth-timeout",
        type=float,
        default=DEFAULT_SYNTH_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"stop the app's synth after this long (default {DEFAULT_SYNTH_TIMEOUT_SECONDS:g}: 15 min)",
    )


def execute(args: argparse.Namespace) -> int:
    import os

    from runner.cli.options import default_prefix, detect_context, target_from_args
    from runner.github.deploy_hooks import deployment_tracker, environment_url
    from runner.github.events import dependabot_without_credentials

    target = target_from_args(args)
    context = detect_context(args, args.app_dir)
    if context.is_fork and not target.is_local:
        skip_fork_deploy()
        return 0
    if not target.is_local and dependabot_without_credentials(os.environ):
        skip_fork_deploy("pull request from Dependabot without AWS credentials")
        return 0
    # GitHub deployment `pr-<N>`: in_progress now, success with the URL or failure after.
    tracker = deployment_tracker(context, is_local=bool(args.local))
    if tracker is not None:
        tracker.start(f"{default_prefix(args, args.app_dir)} PR environment")
    try:
        record = deploy_app(args, args.app_dir, context, target)
    except BaseException:
        if tracker is not None:
            tracker.finish(False, None)
        raise
    if tracker is not None:
        tracker.finish(True, environment_url(record, args.environment_url_output))
    print_outputs(record)
    return 0


def deploy_app(
    args: argparse.Namespace,
    app_dir: Path,
    context: RunContext,
    target: AwsTarget,
    reuse_synth: bool = False,
) -> DeploymentRecord:
    """Shared by `deploy`, `run` and `dev`; `reuse_synth` keeps the previous synth when the app's
    sources are unchanged (local runs: the synth dominates them)."""
    import json
    import os
    from datetime import timedelta

    from runner import gha
    from runner.cli.options import default_prefix, target_account
    from runner.deploy.cdk import (
        DEFAULT_SYNTH_TIMEOUT_SECONDS,
        CdkCli,
        cli_environment,
        find_cdk_executable,
        read_cdk_json,
    )
    from runner.deploy.deployer import Deployer, DeployPlan, choose_stack_name
    from runner.deploy.parameters import ParameterInputs, from_flags
    from runner.errors import ConfigError
    from runner.limits import synth_timeout_seconds, ttl_hours
    from runner.stacks import Stacks

    if not app_dir.is_dir():
        raise ConfigError(f"app directory {app_dir} does not exist")
    read_cdk_json(app_dir)
    ttl_hours(args.ttl_hours)
    synth_timeout = synth_timeout_seconds(getattr(args, "synth_timeout", DEFAULT_SYNTH_TIMEOUT_SECONDS))
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
    cli_class = CdkCli
    if reuse_synth:
        from runner.deploy.synth_cache import CachingCdkCli

        cli_class = CachingCdkCli
    cli = cli_class(
        find_cdk_executable(plan.app_dir),
        plan.app_dir,
        cli_environment(os.environ, {}),
        synth_timeout_seconds=synth_timeout,
    )
    with gha.group(f"Deploy {base_name}"):
        record = Deployer(cli, Stacks(target.client("cloudformation"))).deploy(plan)
        if target.is_local:
            from runner.local.deploy_layer import localize

            record = localize(record, target, plan.assembly_dir)
            record.write(plan.record_path)
    gha.set_output("stack-names", ",".join(record.stack_names))
    gha.set_output("outputs-json", json.dumps(record.merged_outputs(), sort_keys=True))
    gha.set_output("record-path", str(plan.record_path))
    from runner.github.deploy_hooks import publish_deploy_outputs

    publish_deploy_outputs(record, getattr(args, "environment_url_output", ""))  # and `run`'s summary
    return record


def print_outputs(record: DeploymentRecord) -> None:
    print(f"Deployed {', '.join(record.stack_names)} in {record.duration_seconds:.1f} s. Outputs:")
    for key, value in sorted(record.merged_outputs().items()):
        print(f"  {key} = {value}")


def skip_fork_deploy(reason: str = "pull request from a fork") -> None:
    """A fork's PR gets no secrets and no OIDC token, and its code must not reach AWS credentials;
    a Dependabot PR gets only Dependabot secrets."""
    from runner import gha

    gha.annotation(
        "notice",
        f"{reason}: deploy skipped (no AWS credentials). A maintainer can re-run it with "
        "workflow_dispatch (input pr) after reviewing the code.",
        title="serverless-pr-test deploy",
    )
    gha.set_output("stack-names", "")
    gha.set_output("outputs-json", "{}")
