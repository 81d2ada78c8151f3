"""`serverless-pr-test deploy`: the PR's CDK app as isolated, tagged stacks; outputs recorded."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from runner.aws import export_target, resolve_target
from runner.cli import options
from runner.deploy.cdk import DEFAULT_SYNTH_TIMEOUT_SECONDS
from runner.deploy.stage import DEFAULT_TTL_HOURS, DeployRequest, deploy_app, print_outputs, skip_fork_deploy
from runner.github.deploy_hooks import deployment_tracker, environment_url
from runner.github.events import dependabot_without_credentials


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("app_dir", nargs="?", type=Path, default=Path(), help="directory with cdk.json")
    options.add_naming_options(parser)
    options.add_target_options(
        parser, local_help="deploy to the local endpoint (bootstrapping it when needed)"
    )
    options.add_preflight_options(parser)
    parser.add_argument(
        "--environment-url-output",
        default="",
        metavar="OUTPUT",
        help="stack output holding the environment's URL (the GitHub deployment's link; `environment-url`)",
    )
    add_ttl_option(parser)
    add_synth_timeout_option(parser)


def add_ttl_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ttl-hours",
        type=float,
        default=DEFAULT_TTL_HOURS,
        help=f"expires-at tag = now + this; the janitor removes expired stacks ({DEFAULT_TTL_HOURS:g})",
    )


def add_synth_timeout_option(parser: argparse.ArgumentParser) -> None:
    """Shared with `run` and `dev`: a synth that never ends is stopped, with every process it started."""
    parser.add_argument(
        "--synth-timeout",
        type=float,
        default=DEFAULT_SYNTH_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"stop the app's synth after this long (default {DEFAULT_SYNTH_TIMEOUT_SECONDS:g}: 15 min)",
    )


def deploy_request(args: argparse.Namespace, reuse_synth: bool = False) -> DeployRequest:
    """The request `deploy`, `run` and `dev` build from their (shared) options."""
    return DeployRequest(
        app_dir=args.app_dir.resolve(),
        naming=options.stack_naming(args),
        work_dir=args.work_dir.resolve(),
        ttl_hours=args.ttl_hours,
        synth_timeout_seconds=args.synth_timeout,
        parameter_flags=tuple(args.parameters or ()),
        allow_shared_names=args.allow_shared_names,
        environment_url_output=getattr(args, "environment_url_output", ""),
        reuse_synth=reuse_synth,
    ).checked()


def execute(args: argparse.Namespace) -> int:
    target = resolve_target(options.target_request(args), os.environ)
    export_target(target, os.environ, local=args.local)
    context = options.run_context(args, args.app_dir)
    request = deploy_request(args)
    if context.is_fork and not target.is_local:
        skip_fork_deploy()
        return 0
    if not target.is_local and dependabot_without_credentials(os.environ):
        skip_fork_deploy("pull request from Dependabot without AWS credentials")
        return 0
    # GitHub deployment `pr-<N>`: in_progress now, success with the URL or failure after.
    tracker = deployment_tracker(context, is_local=bool(args.local))
    if tracker is not None:
        tracker.start(f"{request.naming.prefix} PR environment")
    try:
        record = deploy_app(request, context, target)
    except BaseException:
        if tracker is not None:
            tracker.finish(False, None)
        raise
    if tracker is not None:
        tracker.finish(True, environment_url(record, request.environment_url_output))
    print_outputs(record)
    return 0
