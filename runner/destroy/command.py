"""`serverless-pr-test destroy`: delete the PR's stacks (only ours), verify nothing is left."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit

from runner import gha
from runner.aws import LOOPBACK_HOSTS, checked_target, export_target, resolve_target
from runner.cli import options
from runner.context import RunContext
from runner.destroy.destroyer import discover_stacks
from runner.destroy.stage import DestroyRequest, destroy_stacks
from runner.errors import ConfigError, StackNotFoundError
from runner.github.deploy_hooks import deactivate
from runner.github.events import dependabot_without_credentials
from runner.guard import ownership_problem
from runner.record import DeploymentRecord
from runner.stacks import Stacks


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
    parser.add_argument(
        "--repository",
        help="owner/name whose stacks these are (default: $GITHUB_REPOSITORY, else the git remote); "
        "a record naming another repository is refused",
    )
    options.add_naming_options(parser)
    options.add_target_options(parser, local_help="destroy on the local endpoint")


def execute(args: argparse.Namespace) -> int:
    target = resolve_target(options.target_request(args), os.environ)
    export_target(target, os.environ, local=args.local)
    if not target.is_local and dependabot_without_credentials(os.environ):
        gha.annotation(
            "notice",
            "pull request from Dependabot without AWS credentials: nothing was deployed, destroy skipped",
            title="serverless-pr-test destroy",
        )
        return 0
    run_id: str | None = None
    # Whose stacks these are comes from the environment or --repository, never from a file.
    repository = options.repository_from(args, args.app_dir)
    if args.pr or args.stack_name:
        # No synth: find the PR's stacks by name; only those whose tags say they are ours count.
        pr_number = options.run_context(args, args.app_dir).pr_number
        base = options.stack_naming(args).base_name(pr_number, allow_without_pr=False)
        stacks = Stacks(target.client("cloudformation"))
        names = discover_stacks(stacks, base, repository, pr_number)
        if not names and not args.stack_name:
            _refuse_when_the_pr_lives_under_another_name(stacks, base, repository, pr_number)
        names = names or [base]
    else:
        record_path = args.record or args.work_dir / "deployment.json"
        record = DeploymentRecord.read(record_path)
        if record.repository != repository:
            raise ConfigError(
                f"deployment record {record_path} is for repository {record.repository!r}, but this "
                f"run is for {repository!r} ($GITHUB_REPOSITORY or --repository): refusing to use it"
            )
        pr_number, names = record.pr_number, list(record.stack_names)
        if not names:  # a deploy that failed before creating any stack
            print(f"Deployment record {record_path} lists no stacks: nothing to destroy.")
            print("Nothing is still deployed.", flush=True)
            return 0
        base = names[0]
        run_id = record.run_id  # a stack another run deployed since is that run's to destroy
        if record.endpoint_url and not (args.endpoint_url or args.local):
            # A file must not send this machine's AWS credentials anywhere but this machine.
            if urlsplit(record.endpoint_url).hostname not in LOOPBACK_HOSTS:
                raise ConfigError(
                    f"deployment record {record_path} names endpoint {record.endpoint_url!r}, which is "
                    "not on this machine: pass --endpoint-url to destroy there"
                )
            target = checked_target(record.region, record.endpoint_url, f"deployment record {record_path}")
    outcome = destroy_stacks(DestroyRequest(repository, pr_number, tuple(names), run_id, base), target)
    print(outcome.summary())
    _end_github_deployment(repository, pr_number, bool(args.local))
    print(outcome.final_line, flush=True)
    return 0


def _refuse_when_the_pr_lives_under_another_name(
    stacks: Stacks, base: str, repository: str, pr_number: int | None
) -> None:
    """No stack has the name asked for, yet this repository's PR has stacks under another prefix
    (the app directory or `--stack-prefix` was not given): saying "nothing is still deployed" would
    be false, so name them and how to remove them."""
    if pr_number is None:
        return
    others = [
        state.name
        for name in stacks.live_stack_names()
        if (state := stacks.describe(name)) is not None
        and ownership_problem(state.name, state.tags, repository, pr_number) is None
    ]
    if others:
        raise StackNotFoundError(
            f"no stack named {base} or {base}-*, but PR {pr_number} of {repository} still has: "
            f"{', '.join(sorted(others))}. Pass the app directory or --stack-prefix to destroy them."
        )


def _end_github_deployment(repository: str, pr_number: int | None, is_local: bool) -> None:
    """The PR timeline shows the environment's end: its GitHub deployments become inactive."""
    context = RunContext.detect(os.environ, Path.cwd())
    deactivate(RunContext(repository, pr_number, context.commit, context.run_id), is_local=is_local)
