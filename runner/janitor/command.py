"""`serverless-pr-test janitor`: destroy this repository's expired or closed-PR environments."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runner import gha
from runner.aws import export_target, resolve_target
from runner.cli import options
from runner.destroy.stage import build_destroyer
from runner.errors import DestroyError, UnknownStateError
from runner.github.connection import GithubConnection
from runner.janitor.janitor import Janitor, JanitorReport, JanitorRequest
from runner.janitor.sources import CaptureStore, PullRequestStates
from runner.limits import max_age_hours
from runner.report.escape import inline
from runner.stacks import Stacks


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="only list what would be destroyed")
    parser.add_argument(
        "--repository", help="owner/name whose stacks to consider (default: $GITHUB_REPOSITORY, else git)"
    )
    parser.add_argument(
        "--max-age",
        type=float,
        metavar="HOURS",
        help="also destroy managed stacks created more than this many hours ago, whatever their tags say",
    )
    options.add_target_options(parser, local_help="sweep the local endpoint")


def execute(args: argparse.Namespace) -> int:
    if args.max_age is not None:
        max_age_hours(args.max_age)
    target = resolve_target(options.target_request(args), os.environ)
    export_target(target, os.environ, local=args.local)
    repository = options.repository_from(args, Path.cwd())
    connection = GithubConnection.from_env(os.environ)
    gha.add_mask(connection.token)
    if not connection.token:
        gha.annotation("warning", "no GITHUB_TOKEN: PR states unknown, only expired stacks are removed")
    prs = PullRequestStates(connection.client() if connection.token else None, repository)
    session = target.session()
    destroyer = build_destroyer(target)

    def destroy(names: Sequence[str], pr_number: int | None) -> str:
        with gha.group(f"Destroy {', '.join(names)}"):
            return destroyer.destroy(list(names), repository, pr_number).summary()

    janitor = Janitor(
        Stacks(target.client("cloudformation", session)),
        destroy,
        CaptureStore(target.client("events", session), target.client("sqs", session)),
        prs,
        JanitorRequest(
            repository,
            now=datetime.now(UTC),
            max_age=timedelta(hours=args.max_age) if args.max_age is not None else None,
            dry_run=args.dry_run,
        ),
    )
    with gha.group(f"Janitor for {repository}" + (" (dry run)" if args.dry_run else "")):
        report = janitor.sweep()
    summary = render_summary(report)
    gha.append_summary(summary)
    print(summary, flush=True)
    if report.failures:
        raise DestroyError(
            "janitor could not remove: " + "; ".join(action.subject for action in report.failures)
        )
    if prs.unanswered:
        asked = "; ".join(f"PR #{number}: {why}" for number, why in sorted(prs.unanswered.items()))
        raise UnknownStateError(
            f"janitor finished, but GitHub could not say whether some PRs are closed ({asked}); "
            "their stacks were kept (unknown means keep) and the next run asks again"
        )
    return 0


def render_summary(report: JanitorReport) -> str:
    """Markdown for the job summary; names come from AWS tags and are escaped."""
    title = f"## serverless-pr-test janitor: {inline(report.repository)}"
    mode = " (dry run: nothing deleted)" if report.dry_run else ""
    lines = [title + mode, ""]
    if report.actions:
        lines += ["| what | PR | why | outcome |", "|---|---|---|---|"]
        for action in report.actions:
            pr = f"#{action.pr_number}" if action.pr_number is not None else ""
            why = action.reason.value if action.reason is not None else ""
            lines.append(
                f"| {inline(action.subject)} | {pr} | {inline(why)} | "
                f"{action.outcome.value}: {inline(action.detail)} |"
            )
    else:
        lines.append("Nothing to remove.")
    lines += [
        "",
        f"{report.kept} managed stack(s) kept; {report.ignored} other stack(s) not ours, untouched.",
    ]
    return "\n".join(lines) + "\n"
