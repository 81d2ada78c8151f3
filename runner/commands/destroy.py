"""`serverless-pr-test destroy`: delete the PR's stacks (only ours), verify nothing is left."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from runner.commands.common import add_naming_options, add_target_options

if TYPE_CHECKING:
    from runner.aws import AwsTarget
    from runner.destroy import DestroyOutcome

HELP = "delete the PR's stacks in reverse dependency order, refusing any stack this tool did not create"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "app_dir",
        nargs="?",
        type=Path,
        default=Path(),
        help="app directory (its name is the default prefix)",
    )
    parser.add_argument(
        "--record", type=Path, help="deployment record from deploy (default: <work-dir>/deployment.json)"
    )
    add_naming_options(parser)
    add_target_options(parser, local_help="destroy on the local endpoint")


def execute(args: argparse.Namespace) -> int:
    import os

    from runner import gha
    from runner.aws import AwsTarget
    from runner.commands.common import default_prefix, detect_context, target_from_args
    from runner.deploy import choose_stack_name
    from runner.destroy import discover_stacks
    from runner.github.events import dependabot_without_credentials
    from runner.record import DeploymentRecord
    from runner.stacks import Stacks

    target = target_from_args(args)
    if not target.is_local and dependabot_without_credentials(os.environ):
        gha.annotation(
            "notice",
            "pull request from Dependabot without AWS credentials: nothing was deployed, destroy skipped",
            title="serverless-pr-test destroy",
        )
        return 0
    run_id: str | None = None
    if args.pr or args.stack_name:
        # No synth: find the PR's stacks by name; ownership is still checked on each one.
        context = detect_context(args, args.app_dir)
        repository, pr_number = context.repository, context.pr_number
        base = choose_stack_name(
            args.stack_name, default_prefix(args, args.app_dir), pr_number, allow_without_pr=False
        )
        names = discover_stacks(Stacks(target.client("cloudformation")), base) or [base]
    else:
        record = DeploymentRecord.read(args.record or args.work_dir / "deployment.json")
        repository, pr_number, names = record.repository, record.pr_number, list(record.stack_names)
        run_id = record.run_id  # a stack another run deployed since is that run's to destroy
        if record.endpoint_url and not target.endpoint_url:
            target = AwsTarget(region=record.region, endpoint_url=record.endpoint_url)
    outcome = destroy_stacks(target, repository, pr_number, names, run_id)
    print(outcome.summary())
    _end_github_deployment(repository, pr_number, bool(args.local))
    return 0


def _end_github_deployment(repository: str, pr_number: int | None, is_local: bool) -> None:
    """The PR timeline shows the environment's end: its GitHub deployments become inactive."""
    import os
    from pathlib import Path

    from runner.context import RunContext
    from runner.github.deploy_hooks import deactivate

    context = RunContext.detect(os.environ, Path.cwd())
    deactivate(RunContext(repository, pr_number, context.commit, context.run_id), is_local=is_local)


def destroy_stacks(
    target: AwsTarget,
    repository: str,
    pr_number: int | None,
    names_in_deploy_order: list[str],
    run_id: str | None = None,
) -> DestroyOutcome:
    """Shared by `destroy` and `run`; `run_id` set: only stacks that run deployed last."""
    from runner import gha
    from runner.commands.common import build_destroyer

    with gha.group(f"Destroy {', '.join(names_in_deploy_order)}"):
        return build_destroyer(target).destroy(names_in_deploy_order, repository, pr_number, run_id)
