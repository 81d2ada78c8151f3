"""`serverless-pr-test report`: merge the shards' results, price the run, publish the report."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

from runner import gha
from runner.cli.options import require_writable
from runner.context import RunContext
from runner.errors import ConfigError
from runner.github.comment import CommentMode
from runner.github.connection import GithubConnection
from runner.github.pulls import pr_for_commit
from runner.limits import shard_count
from runner.record import DeploymentRecord
from runner.report import render_terminal
from runner.report.build import ReportInputs, build_report
from runner.report.publish import PublishOptions, publish_report
from runner.shards.run_shard import default_record_file


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results-dir", type=Path, default=Path("results"), help="shard-<i>.xml and plans")
    parser.add_argument(
        "--record",
        type=Path,
        help="deployment record (default: $SPT_RECORD_FILE, else <work-dir>/deployment.json if present)",
    )
    parser.add_argument(
        "--work-dir", type=Path, default=Path(".serverless-pr-test"), help="where deploy wrote its record"
    )
    parser.add_argument("--durations", type=Path, help="durations store to rewrite from this run's results")
    parser.add_argument("--shards", type=int, help="how many shards ran (default: from the shard plans)")
    parser.add_argument(
        "--output", type=Path, default=Path("report.md"), help="report file (default report.md)"
    )
    parser.add_argument(
        "--merged-junit", type=Path, help="also write every shard's results as one JUnit file here"
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        help="where the tests ran (their file paths start there; default: current dir)",
    )
    parser.add_argument(
        "--stack-prefix", help="app name for the comment marker (default: from the stack names)"
    )
    parser.add_argument(
        "--pr", help="pull request to comment on (default: the record's, else the GitHub event's)"
    )
    parser.add_argument(
        "--comment", action=argparse.BooleanOptionalAction, default=True, help="upsert the sticky PR comment"
    )
    parser.add_argument(
        "--comment-mode",
        choices=("always", "changes", "failures", "off"),
        default="always",
        help="always: every run; changes: only when the test outcome changed; failures: only when a "
        "test failed (and to update an earlier failure's comment); off (default: always)",
    )
    parser.add_argument(
        "--check-run",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a check run with the summary and every failure annotated (needs checks: write)",
    )
    parser.add_argument(
        "--pr-for-commit",
        metavar="SHA",
        help="comment on the open pull request whose head is this commit (a workflow_run's head_sha)",
    )
    parser.add_argument(
        "--cost", action=argparse.BooleanOptionalAction, default=True, help="estimate the run's cost"
    )


def execute(args: argparse.Namespace) -> int:
    if args.shards is not None:
        shard_count(args.shards, "--shards")
    require_writable(args.output, "--output")
    if args.durations is not None:
        require_writable(args.durations, "--durations")
    if args.merged_junit is not None:
        require_writable(args.merged_junit, "--merged-junit")
    record_path = args.record or default_record_file(os.environ, args.work_dir)
    record = None
    record_problem = None
    if record_path is not None:
        try:
            record = DeploymentRecord.read(record_path)
        except ConfigError as error:
            # The tests' results still deserve a report when the deploy left no usable record.
            record_problem = str(error)
            gha.annotation("warning", f"no cost estimate: {error}", title="serverless-pr-test report")
    pr = args.pr or _pr_for_commit(args.pr_for_commit)
    context = RunContext.detect(os.environ, Path.cwd(), pr_override=pr)
    if args.pr_for_commit:
        context = replace(context, commit=args.pr_for_commit, is_fork=False)
    inputs = ReportInputs(
        results_dir=args.results_dir,
        record=record,
        context=context,
        expected_shards=args.shards,
        stack_prefix=args.stack_prefix,
        estimate_cost=args.cost,
        record_problem=record_problem,
        pr_number=context.pr_number if pr else None,
    )
    report = build_report(inputs, env=os.environ)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    options = PublishOptions(
        results_dir=args.results_dir,
        output=args.output,
        durations=args.durations,
        merged_junit=args.merged_junit,
        comment=args.comment,
        comment_mode=CommentMode(args.comment_mode),
        check_run=args.check_run,
        workspace=Path(workspace) if workspace else Path.cwd(),
        tests_root=args.app_dir or Path.cwd(),
        is_fork=context.is_fork,
    )
    exit_code = publish_report(report, options)
    print(render_terminal(report), flush=True)
    print(f"Report written to {args.output}", flush=True)
    return exit_code


def _pr_for_commit(sha: str | None) -> str | None:
    """The fork recipe: the PR comes from the API (the open PR whose head is the triggering run's
    commit), never from an artifact the fork's code could have written."""
    if not sha:
        return None

    repository = os.environ.get("GITHUB_REPOSITORY", "")
    if not repository:
        raise ConfigError("--pr-for-commit needs GITHUB_REPOSITORY")
    number = pr_for_commit(GithubConnection.from_env(os.environ), repository, sha)
    return str(number) if number is not None else None
